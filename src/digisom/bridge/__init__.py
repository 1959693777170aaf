"""The exactly-once bridge between the ledger and the chain: outbox, relayer, indexer, reconciler.

See docs/bridge.md for the design and the argument for why no som is ever moved twice.
"""

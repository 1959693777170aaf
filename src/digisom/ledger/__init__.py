"""The sovereign ledger: accounts, transfers, two-phase transfers, linked events, journal.

Pure core (`model`, `engine`, `journal`) has no I/O; `service` runs it inside a store's write
transaction. The ledger knows nothing of wallets, chains or compliance.
"""

"""Transaction monitoring: a streaming rules engine over the ledger's transfers.

config.py (rules and typologies from YAML), engine.py (per-account sliding windows, one pass per
transfer), consumer.py (reads the ledger by timestamp offset, opens cases, stores the offset).
"""

"""Storage: SQLite (embedded default) and PostgreSQL stores behind one interface, and migrations.

Both stores hold 128-bit ids, amounts and balances as 16-byte big-endian binary strings (BLOB /
bytea): the one encoding both engines store exactly and compare in numeric order. See
docs/ledger.md for how concurrent writers are serialised.
"""

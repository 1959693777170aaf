"""Data sovereignty: the whole ledger and the reserve records in open formats, and back."""

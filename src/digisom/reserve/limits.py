"""Every bound of the reserve area (snapshots, anchoring, prices, valuations), in one place."""

from typing import Final

LEDGER_SOM: Final = 417
"""The ledger of the Kyrgyz som (ISO 4217 numeric code); liabilities are read from it only."""

NEGATIVE_BALANCES_SHOWN_MAX: Final = 20
"""A refused snapshot names at most this many accounts with a negative balance, then a count."""

ROOTS_PAGE_MAX: Final = 100
"""Most published roots returned by one `GET /v1/por/roots` page."""
VALUATIONS_PAGE_MAX: Final = 100
"""Most reserve valuations returned by one `GET /v1/por/reserves` request."""

ANCHOR_MAGIC: Final = b"digisom-pol-v1\x00"
"""Prefix of an anchor transaction's data, so an indexer can tell anchors from other data."""

ANCHOR_GAS_MAX: Final = 100_000
"""An anchor is a plain transaction with 79 bytes of data (about 22,500 gas); more is a bug."""

TREE_CACHE_ENTRIES: Final = 2
"""Rebuilt snapshot trees kept in memory to serve proofs (the newest and the one before)."""

HOLDER_KEY_PREFIX: Final = "dph_"
"""Prefix of a holder's key: tells it apart from staff API keys (`dsk_`)."""
HOLDER_KEY_BYTES: Final = 32
HOLDER_KEY_CHARS_MAX: Final = 100

ISSUER_KEY_ENV: Final = "DIGISOM_POR_ISSUER_KEY_FILE"
"""Environment variable naming the file with the issuer's Ed25519 private key (PEM, PKCS#8)."""

HTTP_TIMEOUT_S: Final = 10.0
"""Every price-feed request times out after this long."""
HTTP_BODY_BYTES_MAX: Final = 1_000_000
"""A price answer larger than this is not a price answer."""

PRICES_FILE_BYTES_MAX: Final = 1_000_000
PRICES_PER_FILE_MAX: Final = 1_000
PRICE_DIGITS_MAX: Final = 40
"""A price has at most this many digits: enough for any market, small enough to refuse junk."""

HOLDINGS_MAX: Final = 10_000
"""Most reserve holdings valued in one valuation."""

EVIDENCE_CHARS_MAX: Final = 500
ATTESTATION_ROUND_CHARS_MAX: Final = 64

RATIO_BPS_ONE: Final = 10_000
"""A reserve ratio of exactly 1 (backing equals supply), in basis points."""

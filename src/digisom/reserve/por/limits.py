"""Every bound of the proof-of-liabilities builder, in one place.

The verifier (`verify.py`) keeps its own copies of the spec's bounds on purpose: it must stand
alone, written from the public spec, so that a bug here cannot hide a bug there.
"""

from typing import Final

BALANCE_LIMIT: Final = 2**64
"""Balances are `u64`: `0 <= balance < 2**64` minor units (spec, Values)."""

SUM_LIMIT: Final = 2**128
"""Sums are `u128`: every node sum must stay below `2**128` (spec, Values)."""

SALT_BYTES: Final = 32
"""Fresh random bytes per holder per snapshot, given only to that holder."""

HASH_BYTES: Final = 32
"""SHA-256 digest size."""

UID_BYTES_MAX: Final = 64
"""Longest uid in UTF-8 bytes. Wallet ids and 0x addresses (42) fit; the bound keeps the
percent-encoded proof file name (at most 3 * 64 + 5 bytes) under the 255-byte name limit."""

LEAF_COUNT_MAX: Final = 2**25
"""Most holders in one snapshot (33.5 million). A build peaks at about 290 bytes per holder
(measured: 1.9 GiB for 7 million, see docs/proof-of-liabilities.md), so this bound keeps a build
near 10 GiB."""

PARALLEL_LEAVES_MIN: Final = 2**15
"""Below this many leaves the build runs in one process: forking costs more than it saves."""

WORKERS_MAX: Final = 2
"""Processes used for a large build. The target machine has two cores; more would only queue."""

CSV_ERRORS_SHOWN_MAX: Final = 100
"""A rejected holders file reports at most this many bad rows, then a count of the rest."""

CSV_LINE_BYTES_MAX: Final = 4096
"""Longest accepted CSV field in bytes; a longer one is a broken file, not a holder."""

"""Every limit of the platform, named in one place (TigerBeetle's "put a limit on everything").

A limit that is not here is a bug: batch sizes, page sizes, timeouts and field widths all live here
so that an operator can read in one screen what the system will and will not accept.
"""

from typing import Final

U16_MAX: Final = 2**16 - 1
U32_MAX: Final = 2**32 - 1
U64_MAX: Final = 2**64 - 1
U128_MAX: Final = 2**128 - 1

BATCH_EVENTS_MAX: Final = 8190
"""Events in one create_accounts / create_transfers request (TigerBeetle's figure for 1 MiB)."""

REQUEST_BODY_BYTES_MAX: Final = 8 * 1024 * 1024
"""A full batch of transfers as JSON is about 3 MiB; anything far larger is refused unread."""

PAGE_LIMIT_DEFAULT: Final = 100
PAGE_LIMIT_MAX: Final = 8190

PENDING_TIMEOUT_S_MAX: Final = U32_MAX
"""A pending transfer's timeout in seconds is a u32, as in TigerBeetle."""

SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
"""How long a SQLite writer waits for the write lock before giving up."""

POSTGRES_CONNECT_TIMEOUT_S: Final = 10
POSTGRES_LOCK_TIMEOUT_MS: Final = 30_000
POSTGRES_STATEMENT_TIMEOUT_MS: Final = 300_000

LEDGER_KGS: Final = 417
"""The ledger number of the Kyrgyz som: its ISO 4217 numeric code."""

API_KEY_BYTES: Final = 32
"""Random bytes in an API key (256 bits), printed once and stored only as a hash."""

ACCOUNT_INDEX_TAIL_TRANSFERS_MAX: Final = 16 * BATCH_EVENTS_MAX
"""Transfers left out of the per-account index before a batch folds them in (131,040).

Larger: fewer folds but a longer range scan for every listing of an account's transfers.
Sixteen full batches: a listing takes 13-16 ms on SQLite and 19-26 ms on PostgreSQL with a full
tail (measured, 100,000 accounts), 0.2 ms and 1.8 ms with an empty one."""

ACCOUNT_INDEX_RUNS_PER_LEVEL: Final = 8
"""Runs of the per-account index merged at a time into one run of the next level
(digisom.storage.account_index); each level has twice as many slots. Larger: fewer rewrites of
each entry, more runs for a listing to read."""

ACCOUNT_INDEX_LEVELS: Final = 4
"""Levels of runs: at most 64 run slots for a listing to read (one statement for all of them).
A run reaches the last level after 8**3 folds (about 67 million transfers); the last level
merges its own runs, eight at a time."""

ACCOUNT_INDEX_BLOCK_ENTRIES_MAX: Final = 160
"""Entries (24 bytes each) in one block of the per-account index: 3,840 bytes, so that a block
and its key fit one 4 KiB SQLite page (no overflow page). A listing reads whole blocks; a fold
writes one row per block instead of one per entry."""

BALANCE_LOG_ROWS_MAX: Final = 64
"""Batches whose new balances are only logged before one writes them all into `balances`.

A checkpoint rewrites the balance of every account changed since the last one, so its cost grows
with the accounts changed, not with the batches: once most accounts have changed (100,000 accounts
take about 16 batches), waiting longer costs nothing more per checkpoint and saves whole ones.
Larger: fewer checkpoints, a longer replay for a process that starts cold (64 rows of ~16,000
accounts each: about 0.2 s, a calculation from the ~3 ms measured applying one row to a
replay). Measured in
session 3 on 100,000 accounts, the final maintenance not yet timed: 16 rows, 48,330/s
(bench ledger); 64 rows, 61,309/s (the same batches under a timing wrapper)."""

BALANCE_LOG_ACCOUNTS_MAX: Final = 16 * 16_380
"""Accounts whose balance lives only in the log before a checkpoint (262,080), whatever the rows.

The replay of the log is kept in memory (about 25 MB at this size, once per database per
process: 80 bytes an entry plus its index slot, a calculation). With millions of accounts a
batch of 8,190 transfers changes about 16,380 new ones, so this bound, not
`BALANCE_LOG_ROWS_MAX`, makes a checkpoint every 16 batches."""

GC_THRESHOLDS: Final = (50_000, 20, 20)
"""CPython's collector thresholds for ledger processes (default 700, 10, 10); see gc_tuning.py.
Measured on bench payroll (direct, SQLite): 11.3 s with the defaults, 9.0-9.3 s with these,
8.8 s with the collector off."""

LEDGER_IDLE_S: Final = 2.0
"""No batch for this long: `digisom serve` checkpoints the balance log and folds the account
index in the background (`Ledger.maintain`) instead of leaving it to a later batch."""

MAINTENANCE_FOLD_TRANSFERS_MIN: Final = BATCH_EVENTS_MAX
"""An idle-time fold waits for at least a full batch of unindexed transfers."""

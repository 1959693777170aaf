"""The per-account index of transfers: an unindexed tail, then sorted runs in a few levels.

An account's statement needs its transfers in timestamp order. Indexing each transfer as it
commits costs two random B-tree inserts, and with thousands of accounts per batch that dirtied
nearly every index page in every batch. So the newest transfers are an unindexed tail (a range
scan of the timestamp key finds an account's among them), and a fold turns the tail into a
*run*: the tail's (account, timestamp) entries, sorted, written under a run slot of their own.
Writing a run touches only its own pages, however large the index is; folding into one big
index instead rewrote most of its pages each time, so a fold cost grew with the ledger (at ten
million transfers as much as indexing every batch).

Runs are kept in the shape of an LSM tree with size tiers: `LEVELS` levels of `RUNS_PER_LEVEL`
runs. A fold writes a run into level 0; when a level holds `RUNS_PER_LEVEL` runs, they are merged
(one sorted insert) into a run of the next level, and in the last level into one run of that
level. Each entry is thus rewritten once per level, plus the rare merges of the last level,
instead of once per fold.

The slots are fixed, `LEVELS * (RUNS_PER_LEVEL + 1)` of them (each level has one spare slot for
the run a merge writes), so a listing is one SQL statement: a part per slot and one for the tail,
each limited in timestamp order. One statement is one consistent read, whatever fold or merge
commits meanwhile. `account_index_runs` records each run's slot, time range and size.

Every change happens inside a transaction holding the fold lock (see
`LedgerStore.fold_account_index`): the runs, their entries and the tail marker commit together.
"""

from typing import TYPE_CHECKING

from digisom.errors import invariant
from digisom.limits import ACCOUNT_INDEX_LEVELS, ACCOUNT_INDEX_RUNS_PER_LEVEL

if TYPE_CHECKING:
    from digisom.storage.base import LedgerStore

LEVELS = ACCOUNT_INDEX_LEVELS
RUNS_PER_LEVEL = ACCOUNT_INDEX_RUNS_PER_LEVEL
SLOTS_PER_LEVEL = RUNS_PER_LEVEL + 1
SLOTS = range(LEVELS * SLOTS_PER_LEVEL)


def level_slots(level: int) -> range:
    return range(level * SLOTS_PER_LEVEL, (level + 1) * SLOTS_PER_LEVEL)


def listing_sql(p: str, transfer_columns: str) -> str:
    """An account's transfers after a timestamp, in order, limited: one part per run slot and
    one for the tail. Parameters: (account key, after, limit) per slot, then (after, key, key,
    limit) for the tail, then the overall limit (`listing_params`)."""
    columns = ", ".join("t." + c.strip() for c in transfer_columns.split(","))
    through = "(SELECT through_timestamp FROM account_index_state)"
    parts = [
        f"SELECT * FROM (SELECT {columns} FROM account_index x"
        f" JOIN transfers t ON t.timestamp = x.timestamp"
        f" WHERE x.run_slot = {slot} AND x.account_id = {p} AND x.timestamp > {p}"
        f" ORDER BY x.timestamp LIMIT {p}) AS run_{slot}"
        for slot in SLOTS
    ]
    parts.append(
        f"SELECT * FROM (SELECT {columns} FROM transfers t"
        f" WHERE t.timestamp > {through} AND t.timestamp > {p}"
        f" AND (t.debit_account_id = {p} OR t.credit_account_id = {p})"
        f" ORDER BY t.timestamp LIMIT {p}) AS tail"
    )
    union = " UNION ALL ".join(parts)
    return f"SELECT {transfer_columns} FROM ({union}) AS touching ORDER BY timestamp LIMIT {p}"


def listing_params(key: bytes, after_timestamp: int, limit: int) -> list[object]:
    params: list[object] = []
    for _ in SLOTS:
        params.extend((key, after_timestamp, limit))
    params.extend((after_timestamp, key, key, limit, limit))
    return params


def runs(store: "LedgerStore") -> dict[int, tuple[int, int, int]]:
    """slot -> (first timestamp, last timestamp, entries) of every run."""
    rows = store._query(
        "SELECT run_slot, first_timestamp, last_timestamp, entries FROM account_index_runs"
    )
    return {int(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in rows}


def fold(store: "LedgerStore", through: int, newest: int) -> int:
    """Write the tail's transfers in (through, newest] as a new run of level 0, merging full
    levels first; returns how many transfers were folded. The caller moves the marker."""
    found = runs(store)
    slot = _free_slot(store, found, 0)
    p = store.p
    entries = store._execute(
        "INSERT INTO account_index (run_slot, account_id, timestamp) "
        f"SELECT {slot}, account_id, timestamp FROM ("
        " SELECT debit_account_id AS account_id, timestamp FROM transfers"
        f"  WHERE timestamp > {p} AND timestamp <= {p}"
        " UNION ALL"
        " SELECT credit_account_id AS account_id, timestamp FROM transfers"
        f"  WHERE timestamp > {p} AND timestamp <= {p}"
        ") AS tail ORDER BY account_id, timestamp",
        (through, newest, through, newest),
    )
    invariant(entries % 2 == 0, "two index entries per transfer")
    _record_run(store, slot, through + 1, newest, entries)
    return entries // 2


def merge_full_levels(store: "LedgerStore") -> int:
    """Merge every level that holds its full count of runs (the next fold would have to);
    returns how many merges were made. For idle-time maintenance, so that a batch need not."""
    found = runs(store)
    merges = 0
    for level in range(LEVELS):
        taken = [s for s in level_slots(level) if s in found]
        if len(taken) >= RUNS_PER_LEVEL:
            _merge(store, found, level, taken)
            merges += 1
    return merges


def _free_slot(store: "LedgerStore", found: dict[int, tuple[int, int, int]], level: int) -> int:
    """A free slot of `level` for a new run, merging the level first if it is full."""
    taken = [s for s in level_slots(level) if s in found]
    if len(taken) >= RUNS_PER_LEVEL:
        _merge(store, found, level, taken)
        taken = [s for s in level_slots(level) if s in found]
    free = [s for s in level_slots(level) if s not in found]
    invariant(len(taken) < RUNS_PER_LEVEL and bool(free), "a level has room after its merge")
    return free[0]


def _merge(
    store: "LedgerStore", found: dict[int, tuple[int, int, int]], level: int, taken: list[int]
) -> None:
    """Merge the runs of a full `level` into one run: in the next level, or, in the last level,
    in its spare slot. Updates `found` to match."""
    if level == LEVELS - 1:  # the spare slot: a level has one more slot than runs
        target = next(s for s in level_slots(level) if s not in found)
    else:
        target = _free_slot(store, found, level + 1)
    marks = ", ".join(str(s) for s in taken)
    entries = store._execute(
        "INSERT INTO account_index (run_slot, account_id, timestamp) "
        f"SELECT {target}, account_id, timestamp FROM account_index WHERE run_slot IN ({marks}) "
        "ORDER BY account_id, timestamp"
    )
    store._execute(f"DELETE FROM account_index WHERE run_slot IN ({marks})")
    store._execute(f"DELETE FROM account_index_runs WHERE run_slot IN ({marks})")
    merged = [found.pop(s) for s in taken]
    invariant(entries == sum(m[2] for m in merged), "a merge keeps every entry")
    _record_run(store, target, min(m[0] for m in merged), max(m[1] for m in merged), entries)
    found[target] = (min(m[0] for m in merged), max(m[1] for m in merged), entries)


def _record_run(store: "LedgerStore", slot: int, first: int, last: int, entries: int) -> None:
    p = store.p
    store._execute(
        "INSERT INTO account_index_runs (run_slot, first_timestamp, last_timestamp, entries) "
        f"VALUES ({p}, {p}, {p}, {p})",
        (slot, first, last, entries),
    )


def run_problems(store: "LedgerStore", through: int) -> list[str]:
    """What `verify` reports about the runs: each entry inside its run's time range, the
    recorded sizes, and runs that neither overlap nor leave a gap up to the marker."""
    problems: list[str] = []
    found = runs(store)
    outside = store._count(
        "SELECT COUNT(*) FROM account_index x LEFT JOIN account_index_runs r"
        " ON r.run_slot = x.run_slot"
        " WHERE r.run_slot IS NULL OR x.timestamp < r.first_timestamp"
        " OR x.timestamp > r.last_timestamp"
    )
    if outside:
        problems.append(f"account index: {outside} entries outside their run")
    recorded = sum(r[2] for r in found.values())
    entries = store._count("SELECT COUNT(*) FROM account_index")
    if recorded != entries:
        problems.append(f"account index: runs record {recorded} entries, {entries} stored")
    expected_first = None
    for first, last, _ in sorted(found.values()):
        if expected_first is not None and first != expected_first:
            problems.append(f"account index: runs overlap or leave a gap at timestamp {first}")
        expected_first = last + 1
    if found and max(r[1] for r in found.values()) != through:
        problems.append("account index: the newest run does not end at the marker")
    return problems

"""The per-account index of transfers: an unindexed tail, then sorted runs in a few levels.

An account's statement needs its transfers in timestamp order. Indexing each transfer as it
commits costs two random B-tree inserts, and with thousands of accounts per batch that dirtied
nearly every index page in every batch. So the newest transfers are an unindexed tail (a range
scan of the timestamp key finds an account's among them), and a fold turns the tail into a
*run*: the tail's (account, timestamp) entries, sorted, written under a run slot of their own.
Writing a run touches only its own pages, however large the index is; folding into one big
index instead rewrote most of its pages each time, so a fold cost grew with the ledger.

Runs are kept in the shape of an LSM tree with size tiers: `LEVELS` levels. A fold writes a run
into level 0. Once a level holds `RUNS_PER_LEVEL` complete runs, they are merged into one run of
the next level (in the last level, into one run of that level), so each entry is rewritten once
per level instead of once per fold.

Merges are paced: a merge moves its entries account range by account range, and each fold
advances every merge in progress by about one fold's worth of entries, so that a level's merge
is done before the level has filled its other slots (`_step_entries`): each level has twice
`RUNS_PER_LEVEL` slots. No fold waits for a whole deep merge (a level-2 merge would take
minutes); if a level has no free slot after all (folds of very
uneven sizes), its merge is finished in that fold. While a merge is in progress, its sources'
rows in `account_index_runs` name the target (`merging_into`), and the target's row holds the
last account moved (`merge_cursor`); every entry is in exactly one run at every commit.

The slots are fixed, so a listing is one SQL statement: a part per slot and one for the tail,
each limited in timestamp order. One statement is one consistent read, whatever fold or merge
commits meanwhile. Every change happens inside a transaction holding the fold lock (see
`LedgerStore.fold_account_index`). Changing `LEVELS` or `RUNS_PER_LEVEL` moves the slots: it
needs a migration.
"""

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from digisom.errors import InvariantError, invariant
from digisom.limits import ACCOUNT_INDEX_LEVELS, ACCOUNT_INDEX_RUNS_PER_LEVEL

if TYPE_CHECKING:
    from digisom.storage.base import LedgerStore

LEVELS = ACCOUNT_INDEX_LEVELS
RUNS_PER_LEVEL = ACCOUNT_INDEX_RUNS_PER_LEVEL
SLOTS_PER_LEVEL = 2 * ACCOUNT_INDEX_RUNS_PER_LEVEL
SLOTS = range(LEVELS * SLOTS_PER_LEVEL)
NO_ACCOUNT = b""
"""Sorts before every account id: the cursor of a merge that has moved nothing yet."""


@dataclass(slots=True)
class Run:
    """One row of `account_index_runs`."""

    slot: int
    first_timestamp: int
    last_timestamp: int
    entries: int
    merging_into: int | None = None
    """Set on each source of a merge in progress: the target's slot."""
    merge_cursor: bytes | None = None
    """Set on the target of a merge in progress: every account up to it has been moved."""

    @property
    def complete(self) -> bool:
        return self.merging_into is None and self.merge_cursor is None


Runs = dict[int, Run]


def level_slots(level: int) -> range:
    return range(level * SLOTS_PER_LEVEL, (level + 1) * SLOTS_PER_LEVEL)


def level_of(slot: int) -> int:
    return slot // SLOTS_PER_LEVEL


def listing_sql(p: str, transfer_columns: str) -> str:
    """An account's transfers after a timestamp, in order, limited: one part per run slot and
    one for the tail. Parameters: `listing_params`."""
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
    """(account key, after, limit) per slot, then (after, key, key, limit) for the tail, then
    the overall limit."""
    params: list[object] = []
    for _ in SLOTS:
        params.extend((key, after_timestamp, limit))
    params.extend((after_timestamp, key, key, limit, limit))
    return params


def runs(store: "LedgerStore") -> Runs:
    rows = store._query(
        "SELECT run_slot, first_timestamp, last_timestamp, entries, merging_into, merge_cursor "
        "FROM account_index_runs"
    )
    return {
        int(r[0]): Run(
            int(r[0]),
            int(r[1]),
            int(r[2]),
            int(r[3]),
            None if r[4] is None else int(r[4]),
            None if r[5] is None else bytes(r[5]),
        )
        for r in rows
    }


def fold(store: "LedgerStore", through: int, newest: int) -> int:
    """Write the tail's transfers in (through, newest] as a new run of level 0, then advance the
    merges; returns how many transfers were folded. The caller moves the marker."""
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
    _insert_run(store, found, Run(slot, through + 1, newest, entries))
    for level in range(LEVELS):
        _start_merge(store, found, level)
        target = _merge_from(found, level)
        if target is not None:
            _step(store, found, target, _step_entries(found, target))
    return entries // 2


def finish_merges(store: "LedgerStore") -> int:
    """Finish every merge in progress now (idle-time maintenance); returns how many."""
    found = runs(store)
    targets = [r.slot for r in found.values() if r.merge_cursor is not None]
    for target in targets:
        _finish(store, found, target)
    return len(targets)


def _free_slot(store: "LedgerStore", found: Runs, level: int) -> int:
    """A free slot of `level`; with none (folds of very uneven sizes outran the pacing), the
    level's merge is finished first, or started and finished."""
    free = [s for s in level_slots(level) if s not in found]
    if not free:
        target = _merge_from(found, level)
        if target is None:
            target = _start_merge(store, found, level)
        if target is None:
            raise InvariantError("a level without a free slot has runs to merge")
        _finish(store, found, target)
        free = [s for s in level_slots(level) if s not in found]
    invariant(bool(free), "a level has a free slot after its merge")
    return free[0]


def _merge_from(found: Runs, level: int) -> int | None:
    """The target of the merge in progress from `level`, if any."""
    for run in found.values():
        if run.merging_into is not None and level_of(run.slot) == level:
            return run.merging_into
    return None


def _start_merge(store: "LedgerStore", found: Runs, level: int) -> int | None:
    """Start merging the oldest complete runs of `level` if it holds enough and no merge from
    it is in progress; returns the target's slot. The target is a free slot of the next level
    (of this level, for the last)."""
    if _merge_from(found, level) is not None:
        return None
    complete = sorted(
        (r for r in found.values() if level_of(r.slot) == level and r.complete),
        key=lambda r: r.first_timestamp,
    )
    if len(complete) < RUNS_PER_LEVEL:
        return None
    sources = complete[:RUNS_PER_LEVEL]
    target_level = min(level + 1, LEVELS - 1)
    if target_level == level and all(s in found for s in level_slots(level)):
        return None  # the last level merges into a slot of its own; pacing keeps one free
    target = _free_slot(store, found, target_level)
    p = store.p
    marks = ", ".join(str(r.slot) for r in sources)
    store._execute(
        f"UPDATE account_index_runs SET merging_into = {p} WHERE run_slot IN ({marks})", (target,)
    )
    for r in sources:
        r.merging_into = target
    _insert_run(
        store,
        found,
        Run(
            target,
            min(r.first_timestamp for r in sources),
            max(r.last_timestamp for r in sources),
            0,
            merge_cursor=NO_ACCOUNT,
        ),
    )
    return target


def _step_entries(found: Runs, target: int) -> int:
    """What a fold moves of a merge: enough to finish a level-k merge in (RUNS_PER_LEVEL - 1)
    arrivals of runs into level k (one every RUNS_PER_LEVEL ** k folds). The level then holds
    at most its sources, the runs that arrived meanwhile and (in the last level) the merge's own
    target: 2 * RUNS_PER_LEVEL slots. For a merge of RUNS_PER_LEVEL fold-sized runs, about one
    fold's worth."""
    sources = [r for r in found.values() if r.merging_into == target]
    total = found[target].entries + sum(r.entries for r in sources)
    level = level_of(sources[0].slot)
    periods: int = (RUNS_PER_LEVEL - 1) * RUNS_PER_LEVEL**level
    return max(1, math.ceil(total / periods))


def _finish(store: "LedgerStore", found: Runs, target: int) -> None:
    while found[target].merge_cursor is not None:
        _step(store, found, target, None)


def _step(store: "LedgerStore", found: Runs, target: int, budget: int | None) -> None:
    """Move the sources' entries of the next accounts (about `budget` entries; all that is
    left when None) into the target, in account order."""
    run = found[target]
    cursor = run.merge_cursor
    invariant(cursor is not None, "a merge in progress")
    sources = [r for r in found.values() if r.merging_into == target]
    p = store.p
    upper: bytes | None = None
    remaining = sum(r.entries for r in sources)
    if budget is not None and budget < remaining:
        largest = max(sources, key=lambda r: r.entries)
        offset = max(0, budget * largest.entries // remaining - 1)
        found_upper = store._query(
            f"SELECT account_id FROM account_index WHERE run_slot = {largest.slot} "
            f"AND account_id > {p} ORDER BY account_id LIMIT 1 OFFSET {offset}",
            (cursor,),
        )
        if found_upper:
            upper = bytes(found_upper[0][0])
    bound, params = (
        (f"account_id > {p}", (cursor,))
        if upper is None
        else (f"account_id > {p} AND account_id <= {p}", (cursor, upper))
    )
    marks = ", ".join(str(r.slot) for r in sources)
    moved = store._execute(
        "INSERT INTO account_index (run_slot, account_id, timestamp) "
        f"SELECT {target}, account_id, timestamp FROM account_index "
        f"WHERE run_slot IN ({marks}) AND {bound} ORDER BY account_id, timestamp",
        params,
    )
    removed = 0
    for r in sources:
        gone = store._execute(
            f"DELETE FROM account_index WHERE run_slot = {r.slot} AND {bound}", params
        )
        r.entries -= gone
        removed += gone
        store._execute(
            f"UPDATE account_index_runs SET entries = {p} WHERE run_slot = {p}",
            (r.entries, r.slot),
        )
    invariant(moved == removed, "a merge step moves every entry it removes")
    run.entries += moved
    if upper is None:  # done: the sources are empty
        invariant(all(r.entries == 0 for r in sources), "a finished merge leaves no entry")
        store._execute(f"DELETE FROM account_index_runs WHERE run_slot IN ({marks})")
        for r in sources:
            del found[r.slot]
        run.merge_cursor = None
    else:
        run.merge_cursor = upper
    store._execute(
        f"UPDATE account_index_runs SET entries = {p}, merge_cursor = {store.p_binary} "
        f"WHERE run_slot = {p}",
        (run.entries, run.merge_cursor, target),
    )


def _insert_run(store: "LedgerStore", found: Runs, run: Run) -> None:
    p = store.p
    store._execute(
        "INSERT INTO account_index_runs (run_slot, first_timestamp, last_timestamp, entries, "
        f"merging_into, merge_cursor) VALUES ({p}, {p}, {p}, {p}, {p}, {store.p_binary})",
        (
            run.slot,
            run.first_timestamp,
            run.last_timestamp,
            run.entries,
            run.merging_into,
            run.merge_cursor,
        ),
    )
    found[run.slot] = run


def run_problems(store: "LedgerStore", through: int) -> list[str]:
    """What `verify` reports about the runs: each entry inside its run's time range, the
    recorded sizes, merges in progress that are consistent, and runs that neither overlap nor
    leave a gap up to the marker (a merge's target stands for its sources)."""
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
    recorded = sum(r.entries for r in found.values())
    entries = store._count("SELECT COUNT(*) FROM account_index")
    if recorded != entries:
        problems.append(f"account index: runs record {recorded} entries, {entries} stored")
    for run in found.values():
        if run.merge_cursor is None:
            continue
        sources = [r for r in found.values() if r.merging_into == run.slot]
        if not sources or (run.first_timestamp, run.last_timestamp) != (
            min(r.first_timestamp for r in sources),
            max(r.last_timestamp for r in sources),
        ):
            problems.append(f"account index: merge into slot {run.slot} does not span its runs")
            continue
        marks = ", ".join(str(r.slot) for r in sources)
        left_behind = store._count(
            f"SELECT COUNT(*) FROM account_index WHERE run_slot IN ({marks}) "
            f"AND account_id <= {store.p}",
            run.merge_cursor,
        )
        if left_behind:
            problems.append(f"account index: {left_behind} entries left behind by a merge")
    expected_first = None
    tiles = sorted(
        (r.first_timestamp, r.last_timestamp) for r in found.values() if r.merging_into is None
    )
    for first, last in tiles:
        if expected_first is not None and first != expected_first:
            problems.append(f"account index: runs overlap or leave a gap at timestamp {first}")
        expected_first = last + 1
    if tiles and tiles[-1][1] != through:
        problems.append("account index: the newest run does not end at the marker")
    return problems

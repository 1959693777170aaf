"""The per-account index of transfers: an unindexed tail, then sorted runs in a few levels.

An account's statement needs its transfers in timestamp order. Indexing each transfer as it
commits costs two random B-tree inserts, and with thousands of accounts per batch that dirtied
nearly every index page in every batch. So the newest transfers are an unindexed tail (a range
scan of the timestamp key finds an account's among them), and a fold turns the tail into a
*run*: the tail's (account, timestamp) entries, sorted, written under a run slot of their own.
Writing a run touches only its own pages, however large the index is; folding into one big
index instead rewrote most of its pages each time, so a fold cost grew with the ledger.

A run is stored as **blocks**: rows of up to `BLOCK_ENTRIES_MAX` entries each (24 bytes an
entry: the account's 16 big-endian bytes, the timestamp's 8), keyed by the run slot and the
block's first entry. A row per entry cost SQLite ~0.7 us to insert, so a fold of 131,040
transfers (262,080 entries) took ~0.28 s; as ~1,640 blocks it is a sort in native code and a
few milliseconds of inserts. An account's entries in a run are found from the last block that
starts at or before (account, after) and the blocks after it that start with the account.

Runs are kept in the shape of an LSM tree with size tiers: `LEVELS` levels. A fold writes a run
into level 0. Once a level holds `RUNS_PER_LEVEL` complete runs, they are merged into one run of
the next level (in the last level, into one run of that level), so each entry is rewritten once
per level instead of once per fold.

Merges are paced: a merge moves its entries account range by account range, and each fold
advances every merge in progress by about one fold's worth of entries, so that a level's merge
is done before the level has filled its other slots (`_step_entries`): each level has twice
`RUNS_PER_LEVEL` slots. No fold waits for a whole deep merge; if a level has no free slot after
all (folds of very uneven sizes), its merge is finished in that fold. While a merge is in
progress, its sources' rows in `account_index_runs` name the target (`merging_into`), and the
target's row holds the last account moved (`merge_cursor`); every entry is in exactly one run at
every commit, and every block of a source starts after the cursor.

A listing reads the runs, their blocks and the tail inside one transaction (one consistent
read, whatever fold or merge commits meanwhile). Every change happens inside a transaction
holding the fold lock (see `LedgerStore.fold_account_index`). Changing `LEVELS` or
`RUNS_PER_LEVEL` moves the slots: it needs a migration.
"""

import math
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from digisom.errors import InvariantError, invariant
from digisom.ledger._engine import (
    INDEX_ENTRY_BYTES,
    account_timestamps,
    check_index_entries,
    entries_upto,
    index_digest,
    sort_index_entries,
)
from digisom.limits import (
    ACCOUNT_INDEX_BLOCK_ENTRIES_MAX,
    ACCOUNT_INDEX_LEVELS,
    ACCOUNT_INDEX_RUNS_PER_LEVEL,
)

if TYPE_CHECKING:
    from digisom.storage.base import LedgerStore

LEVELS = ACCOUNT_INDEX_LEVELS
RUNS_PER_LEVEL = ACCOUNT_INDEX_RUNS_PER_LEVEL
SLOTS_PER_LEVEL = 2 * ACCOUNT_INDEX_RUNS_PER_LEVEL
SLOTS = range(LEVELS * SLOTS_PER_LEVEL)
NO_ACCOUNT = b""
"""Sorts before every account id: the cursor of a merge that has moved nothing yet."""
BLOCK_ENTRIES_MAX = ACCOUNT_INDEX_BLOCK_ENTRIES_MAX
BLOCK_COLUMNS = "run_slot, first_account, first_timestamp, entries"
TIMESTAMP_MAX = 2**63 - 1
VERIFY_CHUNK_TRANSFERS = 1_000_000
"""`verify` derives the index entries of this many transfers at a time (24 MB of entries)."""


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


def listing_timestamps(
    store: "LedgerStore", account_id: int, after_timestamp: int, limit: int
) -> list[int]:
    """The timestamps of the account's first `limit` transfers after `after_timestamp`, in
    order, from every run and the tail (inside the caller's transaction: one consistent read)."""
    p = store.p
    key = account_id.to_bytes(16, "big")
    through = int(store._query("SELECT through_timestamp FROM account_index_state")[0][0])
    slots = [int(row[0]) for row in store._query("SELECT run_slot FROM account_index_runs")]
    found = _runs_timestamps(store, slots, account_id, key, after_timestamp, limit)
    found.extend(
        int(row[0])
        for row in store._query(
            f"SELECT timestamp FROM transfers WHERE timestamp > {p} AND timestamp > {p} "
            f"AND (debit_account_id = {p} OR credit_account_id = {p}) "
            f"ORDER BY timestamp LIMIT {p}",
            (through, after_timestamp, key, key, limit),
        )
    )
    found.sort()
    return found[:limit]


def _runs_timestamps(
    store: "LedgerStore", slots: list[int], account_id: int, key: bytes, after: int, limit: int
) -> list[int]:
    """Up to `limit` of the account's timestamps after `after` from each run.

    Per run: the last block that starts at or before (account, after), and the blocks after it
    that start with the account; one statement for every run (a round trip each cost
    PostgreSQL ~0.15 ms). Each block after the first holds at least one of the account's entries
    and all but the last are full of them, unless a merge wrote them part full: a run whose
    blocks ran out before the page was full is read on from where it stopped."""
    if not slots:
        return []
    p = store.p
    blocks_per_run = limit // BLOCK_ENTRIES_MAX + 1
    parts = []
    params: list[object] = []
    for slot in slots:
        parts.append(
            f"SELECT * FROM (SELECT run_slot, 0 AS part, first_timestamp, entries "
            f"FROM account_index WHERE run_slot = {slot} "
            f"AND (first_account, first_timestamp) <= ({p}, {p}) "
            f"ORDER BY first_account DESC, first_timestamp DESC LIMIT 1) AS first_{slot}"
        )
        parts.append(
            f"SELECT * FROM (SELECT run_slot, 1 AS part, first_timestamp, entries "
            f"FROM account_index WHERE run_slot = {slot} AND first_account = {p} "
            f"AND first_timestamp > {p} ORDER BY first_timestamp LIMIT {p}) AS next_{slot}"
        )
        params.extend((key, after, key, after, blocks_per_run))
    rows = store._query(
        f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS blocks "
        "ORDER BY run_slot, part, first_timestamp",
        params,
    )
    found: list[int] = []
    for slot in slots:
        run_rows = [r for r in rows if int(r[0]) == slot]
        entries = b"".join(bytes(r[3]) for r in run_rows)
        run_found = account_timestamps(entries, account_id, after, limit)
        following = [r for r in run_rows if int(r[1]) == 1]
        if len(run_found) < limit and len(following) == blocks_per_run:
            cursor = int(following[-1][2])
            wanted = limit - len(run_found)
            run_found += _more_run_timestamps(store, slot, account_id, key, cursor, after, wanted)
        found.extend(run_found)
    return found


def _more_run_timestamps(
    store: "LedgerStore",
    slot: int,
    account_id: int,
    key: bytes,
    cursor: int,
    after: int,
    wanted: int,
) -> list[int]:
    """The account's next timestamps in one run, from the blocks that start with the account
    after the block starting at `cursor`, read a few at a time until `wanted` are found."""
    p = store.p
    found: list[int] = []
    while len(found) < wanted:
        rows = store._query(
            f"SELECT first_timestamp, entries FROM account_index WHERE run_slot = {p} "
            f"AND first_account = {p} AND first_timestamp > {p} "
            f"ORDER BY first_timestamp LIMIT {p}",
            (slot, key, cursor, (wanted - len(found)) // BLOCK_ENTRIES_MAX + 1),
        )
        if not rows:
            break
        entries = b"".join(bytes(row[1]) for row in rows)
        found.extend(account_timestamps(entries, account_id, after, wanted - len(found)))
        cursor = int(rows[-1][0])
    return found


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
    entries = store._index_entries(through, newest)
    count = len(entries) // INDEX_ENTRY_BYTES
    invariant(count % 2 == 0, "two index entries per transfer")
    write_blocks(store, slot, entries)
    _insert_run(store, found, Run(slot, through + 1, newest, count))
    for level in range(LEVELS):
        _start_merge(store, found, level)
        target = _merge_from(found, level)
        if target is not None:
            _step(store, found, target, _step_entries(found, target))
    return count // 2


def write_blocks(store: "LedgerStore", slot: int, entries: bytes) -> None:
    """Store sorted entries as blocks of run `slot`, each keyed by its first entry."""
    size = BLOCK_ENTRIES_MAX * INDEX_ENTRY_BYTES
    rows = []
    for start in range(0, len(entries), size):
        block = entries[start : start + size]
        rows.append((slot, block[:16], int.from_bytes(block[16:24], "big"), block))
    if rows:
        store._bulk_insert("account_index", BLOCK_COLUMNS, rows)


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
    if cursor is None:
        raise InvariantError("a merge step needs a merge in progress")
    # Oldest first: concatenated, each account's entries are in time order, as the sort needs.
    sources = sorted(
        (r for r in found.values() if r.merging_into == target), key=lambda r: r.first_timestamp
    )
    upper = _step_upper(store, sources, cursor, budget)
    moved: list[bytes] = []
    for source in sources:
        taken = _take_through(store, source, upper)
        source.entries -= len(taken) // INDEX_ENTRY_BYTES
        moved.append(taken)
        _update_run_entries(store, source)
    merged = sort_index_entries(b"".join(moved))
    write_blocks(store, target, merged)
    run.entries += len(merged) // INDEX_ENTRY_BYTES
    p = store.p
    if upper is None:  # done: the sources are empty
        invariant(all(r.entries == 0 for r in sources), "a finished merge leaves no entry")
        marks = ", ".join(str(r.slot) for r in sources)
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


def _step_upper(
    store: "LedgerStore", sources: list[Run], cursor: bytes, budget: int | None
) -> bytes | None:
    """The last account a step moves: about `budget` entries past the cursor, read off the
    largest source's blocks; None for all that is left."""
    remaining = sum(r.entries for r in sources)
    if budget is None or budget >= remaining:
        return None
    largest = max(sources, key=lambda r: r.entries)
    offset = max(0, budget * largest.entries // remaining // BLOCK_ENTRIES_MAX - 1)
    p = store.p
    rows = store._query(
        f"SELECT first_account FROM account_index WHERE run_slot = {p} AND first_account > {p} "
        f"ORDER BY first_account, first_timestamp LIMIT 1 OFFSET {p}",
        (largest.slot, cursor, offset),
    )
    return bytes(rows[0][0]) if rows else None


def _take_through(store: "LedgerStore", source: Run, upper: bytes | None) -> bytes:
    """Remove a source's entries of accounts up to `upper` (all when None) and return them; the
    entries past `upper` in the last block read go back as a block of their own."""
    p = store.p
    bound, params = ("", ()) if upper is None else (f" AND first_account <= {p}", (upper,))
    rows = store._query(
        f"SELECT entries FROM account_index WHERE run_slot = {p}{bound} "
        "ORDER BY first_account, first_timestamp",
        (source.slot, *params),
    )
    entries = b"".join(bytes(row[0]) for row in rows)
    store._execute(f"DELETE FROM account_index WHERE run_slot = {p}{bound}", (source.slot, *params))
    if upper is None:
        return entries
    cut = entries_upto(entries, int.from_bytes(upper, "big"), TIMESTAMP_MAX) * INDEX_ENTRY_BYTES
    write_blocks(store, source.slot, entries[cut:])
    return entries[:cut]


def _update_run_entries(store: "LedgerStore", run: Run) -> None:
    p = store.p
    store._execute(
        f"UPDATE account_index_runs SET entries = {p} WHERE run_slot = {p}", (run.entries, run.slot)
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
    """What `verify` reports about the runs: blocks that are malformed or out of order, entries
    outside their run's time range, recorded sizes that differ from the stored ones, merges in
    progress that are inconsistent, and runs that overlap or leave a gap up to the marker (a
    merge's target stands for its sources)."""
    problems: list[str] = []
    found = runs(store)
    recorded = sum(r.entries for r in found.values())
    stored = 0
    outside = 0
    for run in found.values():
        entries, run_problems_found = _check_run_blocks(store, run)
        problems.extend(run_problems_found)
        stored += entries[0]
        outside += entries[1]
    if outside:
        problems.append(f"account index: {outside} entries outside their run")
    if recorded != stored:
        problems.append(f"account index: runs record {recorded} entries, {stored} stored")
    problems.extend(_merge_problems(store, found))
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
    orphans = store._count(
        "SELECT COUNT(*) FROM account_index WHERE run_slot NOT IN "
        "(SELECT run_slot FROM account_index_runs)"
    )
    if orphans:
        problems.append(f"account index: {orphans} blocks belong to no run")
    return problems


def _check_run_blocks(store: "LedgerStore", run: Run) -> tuple[tuple[int, int], list[str]]:
    """((entries, entries outside the run's range), problems) of one run's blocks, read in key
    order: each block keyed by its first entry, entries ascending within and across blocks."""
    p = store.p
    problems: list[str] = []
    entries = outside = 0
    previous_last = b""
    for first_account, first_timestamp, block in store._stream(
        f"SELECT first_account, first_timestamp, entries FROM account_index "
        f"WHERE run_slot = {p} ORDER BY first_account, first_timestamp",
        (run.slot,),
    ):
        block = bytes(block)
        key = bytes(first_account) + int(first_timestamp).to_bytes(8, "big")
        count = len(block) // INDEX_ENTRY_BYTES
        ascending, beyond = check_index_entries(block, run.first_timestamp, run.last_timestamp)
        well_formed = (
            len(block) % INDEX_ENTRY_BYTES == 0
            and 0 < count <= BLOCK_ENTRIES_MAX
            and block[:INDEX_ENTRY_BYTES] == key
        )
        if not (well_formed and ascending and previous_last < block[:INDEX_ENTRY_BYTES]):
            problems.append(f"account index: run {run.slot} has a malformed or misplaced block")
        entries += count
        outside += beyond
        previous_last = block[-INDEX_ENTRY_BYTES:]
    return (entries, outside), problems


def _merge_problems(store: "LedgerStore", found: Runs) -> list[str]:
    """A merge in progress must span its sources, and have moved every entry up to its cursor."""
    problems: list[str] = []
    p = store.p
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
            f"AND first_account <= {p}",
            run.merge_cursor,
        )
        if left_behind:
            problems.append(f"account index: {left_behind} blocks left behind by a merge")
    return problems


def entries_match_transfers(store: "LedgerStore", through: int) -> bool:
    """Whether the index holds exactly the entries of the transfers up to `through`, compared
    as multisets by a digest keyed afresh for each check (so no entries can be crafted to cancel
    each other out), read a bounded chunk at a time."""
    key = secrets.token_bytes(32)
    index_sum = 0
    for (block,) in store._stream("SELECT entries FROM account_index"):
        index_sum += index_digest(bytes(block), key)
    transfers_sum = 0
    after = 0
    while after < through:
        rows = store._query(
            f"SELECT timestamp FROM transfers WHERE timestamp > {store.p} "
            f"AND timestamp <= {store.p} ORDER BY timestamp LIMIT 1 OFFSET {store.p}",
            (after, through, VERIFY_CHUNK_TRANSFERS - 1),
        )
        upto = int(rows[0][0]) if rows else through
        transfers_sum += index_digest(store._index_entries(after, upto), key)
        after = upto
    return index_sum % 2**128 == transfers_sum % 2**128

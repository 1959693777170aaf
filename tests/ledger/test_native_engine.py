"""The native transfer engine against the readable one: same state in, same everything out.

`digisom.ledger._engine.TransferBatch` is the fast path the ledger runs; `digisom.ledger.engine`
is the reference it must match rule for rule. Hypothesis drives both from one random starting
state (accounts with every flag, frozen ones, balances near 2**128, stored plain and pending
transfers in every state) through random batches with every kind of event and field, and every
result code, balance, new transfer, pending state and history entry must agree.
"""

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digisom.ledger import journal
from digisom.ledger._engine import RESULT_CODES, AccountTable, BalanceMap, TransferBatch
from digisom.ledger.engine import (
    AccountRecord,
    Balances,
    BatchState,
    PendingRecord,
    create_transfers,
    expire_pending,
)
from digisom.ledger.model import Account, CreateTransferResult, PendingStatus, Transfer
from digisom.limits import U128_MAX
from digisom.storage.base import STATUS_CODES
from digisom.storage.codec import pack_balances, pack_log_row, unpack_log_row

LINKED, PENDING, POST, VOID = 1, 2, 4, 8
DMNEC, CMNED, HISTORY = 2, 4, 8
ACCOUNT_IDS = [1, 2, 3, 4, 5]
FIRST_TIMESTAMP = 1_800_000_000 * 10**9
BIG = U128_MAX - 3

ids = st.sampled_from([0, 1, 2, 3, 40, 41, 42, 50, 51, 52, 53, U128_MAX, 2**64 + 1])
amounts = st.sampled_from([0, 1, 7, 100, 5_000, 10**6, BIG, U128_MAX])
balances_strategy = st.tuples(
    st.sampled_from([10**6, 10**7, BIG]),
    st.sampled_from([0, 10**6, BIG]),
    st.sampled_from([10**6, 10**7, BIG]),
    st.sampled_from([0, 10**6, BIG]),
)
accounts_strategy = st.fixed_dictionaries(
    {
        i: st.tuples(
            st.sampled_from([417, 417, 417, 840]),
            st.sampled_from([0, DMNEC, CMNED, HISTORY, DMNEC | HISTORY, CMNED | HISTORY]),
            st.booleans() if i == 5 else st.just(False),
            balances_strategy,
        )
        for i in ACCOUNT_IDS
    }
)
transfer_strategy = st.builds(
    Transfer,
    id=ids,
    debit_account_id=st.sampled_from([0, *ACCOUNT_IDS, 9]),
    credit_account_id=st.sampled_from([0, *ACCOUNT_IDS, 9]),
    amount=amounts,
    ledger=st.sampled_from([0, 417, 417, 840]),
    code=st.sampled_from([0, 1, 1, 2]),
    flags=st.sampled_from(
        [
            0,
            0,
            LINKED,
            PENDING,
            PENDING | LINKED,
            POST,
            VOID,
            POST | LINKED,
            VOID | LINKED,
            PENDING | POST,
            POST | VOID,
            LINKED | PENDING | VOID,
        ]
    ),
    pending_id=st.sampled_from([0, 0, 50, 51, 52, 53, 40, 42]),
    timeout=st.sampled_from([0, 0, 1, 60, 2**32 - 1]),
    user_data_128=st.sampled_from([0, 7, U128_MAX]),
    user_data_64=st.sampled_from([0, 2**64 - 1]),
    user_data_32=st.sampled_from([0, 5]),
)
stored_statuses = st.lists(st.sampled_from(list(PendingStatus)), min_size=4, max_size=4)


def _stored(statuses: list[PendingStatus]) -> tuple[dict[int, Transfer], dict[int, PendingRecord]]:
    """Stored transfers the batch may meet: a plain one (40) and pending ones (50-53) between
    accounts 1 and 2, in the given states; 53 expires in the middle of the batch."""
    stored = {40: Transfer(40, 1, 2, 100, 417, 1, timestamp=FIRST_TIMESTAMP - 10)}
    pending: dict[int, PendingRecord] = {}
    for offset, status in enumerate(statuses):
        pid = 50 + offset
        stored[pid] = Transfer(pid, 1, 2, 1_000, 417, 1, PENDING, timestamp=FIRST_TIMESTAMP - 5)
        expires_at = FIRST_TIMESTAMP + 3 if pid == 53 else 0
        pending[pid] = PendingRecord(status, expires_at)
    return stored, pending


def _python_state(
    accounts: dict[int, tuple[int, int, bool, Balances]],
    stored: dict[int, Transfer],
    pending: dict[int, PendingRecord],
) -> BatchState:
    records = {
        i: AccountRecord(Account(i, ledger, 1, flags), FIRST_TIMESTAMP - 100 + i, frozen)
        for i, (ledger, flags, frozen, _) in accounts.items()
    }
    balances = {i: b for i, (_, _, _, b) in accounts.items()}
    return BatchState(
        accounts=records,
        balances=balances,
        transfers=dict(stored),
        pending={i: PendingRecord(r.status, r.expires_at) for i, r in pending.items()},
    )


def _native_batch(
    accounts: dict[int, tuple[int, int, bool, Balances]],
    stored: dict[int, Transfer],
    pending: dict[int, PendingRecord],
) -> tuple[AccountTable, TransferBatch]:
    table = AccountTable()
    for i, (ledger, flags, frozen, balances) in accounts.items():
        table.put(Account(i, ledger, 1, flags), FIRST_TIMESTAMP - 100 + i, frozen, balances)
    batch = TransferBatch(table)
    batch.add_transfers(list(stored.values()))
    batch.add_pending_states(
        {i: (STATUS_CODES[r.status], r.expires_at) for i, r in pending.items()}
    )
    return table, batch


def _due(stored: dict[int, Transfer], pending: dict[int, PendingRecord]) -> list[Transfer]:
    """Pending transfers that expire before the batch's events (here: 52, if still pending)."""
    record = pending[52]
    return [stored[52]] if record.status is PendingStatus.PENDING else []


@settings(max_examples=400, deadline=None)
@given(
    accounts=accounts_strategy,
    statuses=stored_statuses,
    events=st.lists(transfer_strategy, min_size=1, max_size=14),
)
def test_native_engine_matches_the_reference(
    accounts: dict[int, tuple[int, int, bool, Balances]],
    statuses: list[PendingStatus],
    events: list[Transfer],
) -> None:
    stored, pending = _stored(statuses)
    due = _due(stored, pending)
    state = _python_state(accounts, stored, pending)
    table, batch = _native_batch(accounts, stored, pending)

    expired_python = expire_pending([(p, FIRST_TIMESTAMP + i) for i, p in enumerate(due)], state)
    expired_native = batch.expire(due, FIRST_TIMESTAMP)
    assert expired_native == expired_python
    first = FIRST_TIMESTAMP + len(expired_native)
    batch.prepare(events)
    assert batch.create(first) == create_transfers(events, state, first)

    for i in ACCOUNT_IDS:
        row = table.get(i)
        assert row is not None and row[9] == state.balances[i]
    assert batch.records() == b"".join(journal.encode_transfer(t) for t in state.new_transfers)
    assert batch.transfer_count == len(state.new_transfers)
    assert batch.new_pending() == [(i, state.pending[i].expires_at) for i in state.new_pending_ids]
    assert batch.resolved() == [
        (i, STATUS_CODES[status], timestamp)
        for i, (status, timestamp) in state.resolved_pending.items()
    ]
    assert batch.history() == state.history
    changed = dict(unpack_log_row(batch.balance_log_row()))
    assert set(changed) == state.changed_balance_ids
    assert all(changed[i] == state.balances[i] for i in changed)


def test_result_codes_are_the_model_s() -> None:
    assert set(RESULT_CODES) == {r.value for r in CreateTransferResult}


def _one_account_table() -> AccountTable:
    table = AccountTable()
    table.put(Account(1, 417, 1), 1, False, (0, 0, 0, 0))
    table.put(Account(2, 417, 1), 2, False, (0, 0, 0, 0))
    return table


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", -1, "transfer 1: amount must not be negative"),
        ("amount", 2**128, "transfer 1: amount is out of range"),
        ("ledger", 2**32, "transfer 1: ledger is out of range"),
        ("code", 2**16, "transfer 1: code is out of range"),
        ("user_data_64", 2**64, "transfer 1: user_data_64 is out of range"),
        ("id", "7", "transfer 1: id must be an int"),
    ],
)
def test_bad_fields_are_refused_before_anything_is_applied(
    field: str, value: object, message: str
) -> None:
    table = _one_account_table()
    batch = TransferBatch(table)
    good = Transfer(10, 1, 2, 5, 417, 1)
    bad = Transfer(11, 1, 2, 5, 417, 1)._replace(**{field: value})
    with pytest.raises((ValueError, TypeError), match=message):
        batch.prepare([good, bad])
    assert batch.transfer_count == 0  # the good one before it was not applied either
    assert table.get(1) == (1, 417, 1, 0, 0, 0, 0, 1, False, (0, 0, 0, 0))


def test_a_batch_is_prepared_then_created_once() -> None:
    batch = TransferBatch(_one_account_table())
    with pytest.raises(RuntimeError, match="before prepare"):
        batch.create(FIRST_TIMESTAMP)
    batch.prepare([Transfer(10, 1, 2, 5, 417, 1)])
    with pytest.raises(RuntimeError, match="one list of events"):
        batch.prepare([Transfer(11, 1, 2, 5, 417, 1)])
    assert batch.create(FIRST_TIMESTAMP) == ["ok"]
    with pytest.raises(RuntimeError, match="created once"):
        batch.create(FIRST_TIMESTAMP + 1)
    assert batch.transfer_count == 1


def test_wide_ids_and_amounts_round_trip() -> None:
    table = AccountTable()
    wide = U128_MAX - 1
    table.put(Account(wide, 417, 1, 0, U128_MAX, 2**64 - 1, 2**32 - 1), 5, True, (1, 2, 3, wide))
    assert table.get(wide) == (
        wide,
        417,
        1,
        0,
        U128_MAX,
        2**64 - 1,
        2**32 - 1,
        5,
        True,
        (1, 2, 3, wide),
    )
    assert wide in table and 3 not in table and len(table) == 1
    batch = TransferBatch(table)
    batch.prepare([Transfer(1, wide, 9, 1, 417, 1), Transfer(2, 0, 0, 0, 0, 0, VOID, 5)])
    batch.add_transfers([Transfer(5, 7, wide, 1, 417, 1, PENDING)])
    assert batch.missing_accounts([Transfer(3, 0, 8, 1, 417, 1)]) == [9, 7, 8]
    assert batch.pending_ids() == {5}
    keys = batch.referenced_keys()
    assert [int.from_bytes(keys[i : i + 16], "big") for i in range(0, len(keys), 16)] == [1, 2, 5]


def test_balance_map_applies_rows_in_order_and_packs_them_sorted() -> None:
    rows: Sequence[list[tuple[int, Balances]]] = (
        [(3, (1, 2, 3, 4)), (U128_MAX, (0, 0, 0, U128_MAX))],
        [(1, (5, 5, 5, 5)), (3, (9, 9, 9, 9))],
    )
    replay = BalanceMap()
    for row in rows:
        replay.apply_log_row(pack_log_row(row))
    assert len(replay) == 3 and sorted(replay) == [1, 3, U128_MAX]
    assert replay.get(3) == (9, 9, 9, 9) and replay.get(2) is None
    expected = [(1, (5, 5, 5, 5)), (3, (9, 9, 9, 9)), (U128_MAX, (0, 0, 0, U128_MAX))]
    assert replay.packed_sorted() == pack_balances(expected)
    copy = replay.copy()
    copy.set(1, (0, 0, 0, 0))
    assert replay.get(1) == (5, 5, 5, 5) and copy.get(1) == (0, 0, 0, 0)
    with pytest.raises(ValueError, match="ends inside an entry"):
        replay.apply_log_row(pack_log_row([(1, (1, 2, 3, 4))])[:-1])
    with pytest.raises(ValueError, match="ends inside an entry"):
        replay.apply_log_row(b"\xff" * 19 + b"\x01")  # past 2**128 - 1

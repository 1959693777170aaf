"""Random event streams against the reference model: every result code and balance must agree.

Also checks, after every stream, that `verify` finds the stored ledger sound (debits equal
credits, no balance flag violated, the journal chain intact).
"""

import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digisom.ledger.model import Account, Transfer
from digisom.ledger.service import Ledger
from digisom.ledger.verify import verify
from digisom.storage.balance_log import ReplayedLog
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.ledger.reference import CMNED, DMNEC, LINKED, PENDING, POST, VOID, Model

ACCOUNT_IDS = [1, 2, 3, 4]
ACCOUNT_FLAGS = {1: 0, 2: DMNEC, 3: DMNEC, 4: CMNED}

transfer_event = st.fixed_dictionaries(
    {
        "id": st.integers(0, 30),
        "debit": st.sampled_from(ACCOUNT_IDS),
        "credit": st.sampled_from(ACCOUNT_IDS),
        "amount": st.sampled_from([0, 1, 5, 50, 500, 5_000]),
        "flags": st.sampled_from(
            [0, 0, 0, LINKED, PENDING, PENDING | LINKED, POST, VOID, POST | LINKED]
        ),
        "pending_id": st.integers(0, 30),
    }
)
batches = st.lists(st.lists(transfer_event, min_size=1, max_size=12), min_size=1, max_size=6)
freezes = st.lists(st.sampled_from(ACCOUNT_IDS), max_size=1)


def to_transfer(e: dict[str, int]) -> Transfer:
    resolving = bool(e["flags"] & (POST | VOID))
    return Transfer(
        id=e["id"],
        debit_account_id=0 if resolving else e["debit"],
        credit_account_id=0 if resolving else e["credit"],
        amount=e["amount"],
        ledger=0 if resolving else 417,
        code=0 if resolving else 1,
        flags=e["flags"],
        pending_id=e["pending_id"] if resolving else 0,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=batches, frozen=freezes)
def test_engine_agrees_with_the_reference_model(
    tmp_path: Path, batches: list[list[dict[str, int]]], frozen: list[int]
) -> None:
    url = parse_database_url(f"sqlite:///{tmp_path}/{uuid.uuid4().hex}.db")
    store = open_store(url)
    # Small enough that streams cross balance checkpoints and account-index folds.
    store.balance_log_rows_max = 3
    store.account_index_tail_max = 5
    try:
        ledger = Ledger(store)
        model = Model()
        ledger.create_accounts([Account(i, 417, 1, flags=ACCOUNT_FLAGS[i]) for i in ACCOUNT_IDS])
        for i in ACCOUNT_IDS:
            model.accounts[i] = {"dp": 0, "dpo": 0, "cp": 0, "cpo": 0, "flags": ACCOUNT_FLAGS[i]}
        # Fund the limited accounts so that most transfers can succeed.
        seed = [
            {"id": 100 + i, "debit": 1, "credit": i, "amount": 10_000, "flags": 0, "pending_id": 0}
            for i in (2, 3)
        ]
        seed.append(
            {"id": 104, "debit": 4, "credit": 1, "amount": 10_000, "flags": 0, "pending_id": 0}
        )
        assert ledger.create_transfers(
            [to_transfer(e) for e in seed]
        ).results == model.create_transfers(seed)
        for account_id in frozen:
            ledger.set_frozen(account_id, True, "property test")
            model.frozen.add(account_id)
        for index, batch in enumerate(batches):
            if index % 2:
                ledger.cache.clear()  # the batch reads its balances through the store's log
            expected = model.create_transfers(batch)
            got = ledger.create_transfers([to_transfer(e) for e in batch]).results
            got = ["overflow" if r.startswith("overflows_") else r for r in got]
            assert got == expected, batch
        for i in ACCOUNT_IDS:
            found = store.get_account(i)
            assert found is not None
            m = model.accounts[i]
            assert found[1] == (m["dp"], m["dpo"], m["cp"], m["cpo"]), i
        report = verify(store)
        assert report.ok, report.problems
        other = open_store(url)
        other._replay = ReplayedLog()  # as another process would: replay the log from scratch
        try:
            for i in ACCOUNT_IDS:
                assert other.get_account(i) == store.get_account(i)
        finally:
            other.close()
    finally:
        store.close()

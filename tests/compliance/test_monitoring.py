"""Transaction monitoring: each rule on a small stream, typology scoring and cooldown, the rules
file's validation, and the ledger consumer (offset, cases, no duplicates) on both databases."""

import copy
from typing import Any

import pytest
import yaml

from digisom.compliance import cases
from digisom.compliance.kyc import vault
from digisom.compliance.monitoring import consumer
from digisom.compliance.monitoring.config import RULES_PATH, default_config, parse_config
from digisom.compliance.monitoring.engine import Alert, MonitoringEngine
from digisom.errors import ConfigurationError
from digisom.ledger.model import Account, AccountFlags, Transfer, TransferFlags
from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url
from tests.compliance.kyc_support import OFFICER, ONBOARDING, fresh_keys, person

SOM = 100
S = 10**9
T0 = 1_767_225_600 * S


def _run(
    rows: list[tuple[int, int, int, int]],
    where: dict[int, str] | None = None,
) -> list[Alert]:
    engine = MonitoringEngine(default_config(), where)
    stream = [
        Transfer(n, d, c, amount, 417, 1, timestamp=T0 + ts * S)
        for n, (ts, d, c, amount) in enumerate(rows, start=1)
    ]
    return engine.process_all(stream)


def _typologies(alerts: list[Alert], account: int) -> set[str]:
    return {a.typology for a in alerts if a.account_id == account}


def test_structuring_just_under_the_threshold_within_a_day() -> None:
    under = 950_000 * SOM
    alerts = _run([(0, 1, 2, under), (3600, 1, 3, under), (7200, 1, 4, under)])
    assert _typologies(alerts, 1) == {"structuring"}
    spread = _run([(0, 1, 2, under), (50_000, 1, 3, under), (100_000, 1, 4, under)])
    assert spread == []
    at_threshold = _run([(0, 1, 2, 10**8), (10, 1, 3, 10**8), (20, 1, 4, 10**8)])
    assert "structuring" not in _typologies(at_threshold, 1)  # at it is large value instead


def test_mule_fan_in_then_rapid_out() -> None:
    rows = [(i, 100 + i, 7, 10_000 * SOM) for i in range(20)]
    alerts = _run([*rows, (100, 7, 8, 190_000 * SOM)])
    assert "money_mule" in _typologies(alerts, 7)
    quiet = _run([*rows[:5], (100, 7, 8, 40_000 * SOM)])
    assert quiet == []


def test_fan_out_after_an_inflow_and_velocity() -> None:
    rows = [(0, 50, 9, 200_000 * SOM)] + [(i + 1, 9, 200 + i, 7_000 * SOM) for i in range(25)]
    assert "money_mule" in _typologies(_run(rows), 9)


def test_dormant_wallet_waking_and_large_value() -> None:
    day = 86_400
    woke = _run([(0, 5, 6, 100 * SOM), (200 * day, 5, 6, 60_000 * SOM)])
    assert [(a.typology, a.rules, a.outcome) for a in woke] == [
        ("large_or_dormant", ("dormant_wake",), "alert")
    ]
    big = _run([(0, 5, 6, 2_000_000 * SOM)])
    assert _typologies(big, 5) == {"large_or_dormant"}
    assert big[0].rules == ("large_value",) and big[0].outcome == "alert"
    both = _run([(0, 5, 6, 100 * SOM), (200 * day, 5, 6, 2_000_000 * SOM)])
    assert both[0].outcome == "block" and set(both[0].rules) == {"large_value", "dormant_wake"}


def test_high_risk_jurisdiction_flags_the_domestic_side_and_cooldown() -> None:
    where = {99: "ir"}
    alerts = _run([(0, 1, 99, 1_000 * SOM), (60, 1, 99, 1_000 * SOM), (90_000, 99, 2, SOM)], where)
    assert [(a.account_id, a.typology) for a in alerts] == [
        (1, "sanctions_evasion"),
        (2, "sanctions_evasion"),
    ]


def test_pending_and_void_transfers_are_not_counted() -> None:
    engine = MonitoringEngine(default_config())
    pending = Transfer(1, 1, 2, 2_000_000 * SOM, 417, 1, flags=TransferFlags.PENDING, timestamp=T0)
    assert engine.process(pending) == [] and engine.processed == 0


def _raw() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["rules"]["velocity"].update(kind="telepathy"), "unknown kind"),
        (lambda r: r["rules"]["velocity"].pop("window_s"), "missing window_s"),
        (lambda r: r["rules"]["velocity"].update(count_min=1.5), "positive integer"),
        (lambda r: r["typologies"][0]["weights"].update(ghost=1), "unknown rules ghost"),
        (lambda r: r["typologies"][0].update(alert=2000), "alert <= block"),
        (lambda r: r.update(version=2), "version 1"),
    ],
)
def test_malformed_rules_are_refused(change: Any, message: str) -> None:
    raw = copy.deepcopy(_raw())
    change(raw)
    with pytest.raises(ConfigurationError, match=message):
        parse_config(raw)


def test_consumer_opens_cases_once_and_keeps_its_offset(db_url: str) -> None:
    store = open_store(parse_database_url(db_url))
    try:
        ledger = Ledger(store)
        flags = AccountFlags.NONE
        ledger.create_accounts([Account(i, 417, 10, flags) for i in (1, 2, 3, 4, 5)])
        subject = vault.register(store, fresh_keys(), person(), "customer", OFFICER, ONBOARDING)
        vault.link(store, subject, "account", "1", OFFICER, ONBOARDING)
        under = 950_000 * SOM
        ledger.create_transfers([Transfer(10 + i, 1, 2 + i, under, 417, 1) for i in range(3)])
        engine = MonitoringEngine(default_config())
        done = consumer.run_until_caught_up(store, engine)
        assert done.transfers == 3 and done.alerts == 1
        opened = cases.list_cases(store, "open", 0, 10)
        assert [(c.kind, c.subject_id, c.account_id, c.outcome) for c in opened] == [
            ("monitoring", subject, 1, "alert")
        ]
        assert opened[0].details["typology"] == "structuring"
        assert consumer.run_until_caught_up(store, engine).transfers == 0
        restarted = MonitoringEngine(default_config())
        assert consumer.warm_up(store, restarted, 86_400 * S) == 3
        ledger.create_transfers([Transfer(20, 1, 5, under, 417, 1)])
        assert (
            consumer.run_until_caught_up(store, restarted).alerts == 0
        )  # warm-up restored the cooldown
        assert store.count_rows("compliance_cases") == 1
    finally:
        store.close()

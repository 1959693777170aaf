"""The monitoring consumer: reads the ledger's transfers in timestamp order from a stored offset,
runs them through the engine, and opens a case per alert, with the new offset, in one
transaction, so a crash never loses or doubles an alert batch.

The offset is the last timestamp consumed (timestamps are strictly increasing, see
docs/ledger.md), the way a log consumer keeps its position; the journal is the event log
DESIGN.md describes. The engine's windows live in memory: after a restart, `warm_up` replays the
look-back window before the offset without opening cases. A second consumer with the same name
that lost a race sees the offset moved and stops rather than opening duplicate cases.
"""

from dataclasses import dataclass

from digisom.compliance.cases import NewCase, open_cases_in_transaction
from digisom.compliance.limits import MONITORING_BATCH_TRANSFERS
from digisom.compliance.monitoring.engine import Alert, MonitoringEngine
from digisom.errors import DigisomError
from digisom.ledger.model import Transfer
from digisom.storage.base import LedgerStore
from digisom.storage.codec import TRANSFER_COLUMNS, transfer_from_row

CONSUMER_DEFAULT = "monitoring"


class OffsetMoved(DigisomError):
    """Another consumer with the same name committed first; this batch was not applied."""


def read_offset(store: LedgerStore, consumer: str) -> int:
    rows = store._query(
        f"SELECT last_timestamp FROM compliance_offsets WHERE consumer = {store.p}", (consumer,)
    )
    return int(rows[0][0]) if rows else 0


def transfers_after(store: LedgerStore, after_timestamp: int, limit: int) -> list[Transfer]:
    p = store.p
    rows = store._query(
        f"SELECT {TRANSFER_COLUMNS} FROM transfers WHERE timestamp > {p} "
        f"ORDER BY timestamp LIMIT {p}",
        (after_timestamp, limit),
    )
    return [transfer_from_row(r) for r in rows]


def _subjects(store: LedgerStore, alerts: list[Alert]) -> dict[int, str]:
    accounts = sorted({a.account_id for a in alerts})
    if not accounts:
        return {}
    marks = ", ".join([store.p] * len(accounts))
    rows = store._query(
        f"SELECT value, subject_id FROM kyc_links WHERE kind = 'account' AND value IN ({marks})",
        [str(a) for a in accounts],
    )
    return {int(r[0]): str(r[1]) for r in rows}


def _case(alert: Alert, subject: str | None) -> NewCase:
    return NewCase(
        "monitoring",
        alert.outcome,
        f"{alert.typology}: score {alert.score} on transfer {alert.transfer_id}",
        {
            "typology": alert.typology,
            "score": alert.score,
            "rules": list(alert.rules),
            "transfer_id": str(alert.transfer_id),
            "timestamp": str(alert.timestamp),
        },
        subject_id=subject,
        account_id=alert.account_id,
    )


@dataclass(frozen=True, slots=True)
class Step:
    transfers: int
    alerts: int
    offset: int


def step(
    store: LedgerStore,
    engine: MonitoringEngine,
    consumer: str = CONSUMER_DEFAULT,
    batch: int = MONITORING_BATCH_TRANSFERS,
) -> Step:
    """Consume one batch after the stored offset; commit cases and the offset together."""
    offset = read_offset(store, consumer)
    transfers = transfers_after(store, offset, batch)
    if not transfers:
        return Step(0, 0, offset)
    alerts = engine.process_all(transfers)
    subjects = _subjects(store, alerts)
    new_offset = transfers[-1].timestamp
    p = store.p
    with store.write_transaction():
        if read_offset(store, consumer) != offset:
            raise OffsetMoved(f"consumer {consumer} moved past {offset} meanwhile")
        open_cases_in_transaction(store, [_case(a, subjects.get(a.account_id)) for a in alerts])
        changed = store._execute(
            f"UPDATE compliance_offsets SET last_timestamp = {p} WHERE consumer = {p}",
            (new_offset, consumer),
        )
        if changed == 0:
            store._execute(
                f"INSERT INTO compliance_offsets (consumer, last_timestamp) VALUES ({p}, {p})",
                (consumer, new_offset),
            )
    return Step(len(transfers), len(alerts), new_offset)


def run_until_caught_up(
    store: LedgerStore, engine: MonitoringEngine, consumer: str = CONSUMER_DEFAULT
) -> Step:
    """Consume batches until none is left; return the totals."""
    transfers = alerts = 0
    while True:
        done = step(store, engine, consumer)
        transfers, alerts = transfers + done.transfers, alerts + done.alerts
        if done.transfers == 0:
            return Step(transfers, alerts, done.offset)


def warm_up(
    store: LedgerStore, engine: MonitoringEngine, lookback_ns: int, consumer: str = CONSUMER_DEFAULT
) -> int:
    """Rebuild the windows from the transfers in the look-back before the offset; no cases."""
    offset = read_offset(store, consumer)
    cursor, replayed = max(0, offset - lookback_ns), 0
    while cursor < offset:
        transfers = [
            t
            for t in transfers_after(store, cursor, MONITORING_BATCH_TRANSFERS)
            if t.timestamp <= offset
        ]
        if not transfers:
            break
        engine.process_all(transfers)
        replayed += len(transfers)
        cursor = transfers[-1].timestamp
    return replayed

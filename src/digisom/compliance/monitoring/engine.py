"""The streaming rules engine: one pass per transfer, state in per-account sliding windows.

Each rule observes every transfer, updates its own windows and names the account it flags (or
0). Only when some rule fires are the typologies scored (a weighted sum of the fired rules per
account, as in Tazama); most transfers fire nothing and cost only the window updates. Windows are
bounded per account (`MONITORING_WINDOW_EVENTS_MAX`), so one very busy account cannot exhaust
memory. The engine is pure: no I/O, so the same code runs in the consumer, tests and benchmark.
"""

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from digisom.compliance.limits import MONITORING_WINDOW_EVENTS_MAX
from digisom.compliance.monitoring.config import NS_PER_S, MonitoringConfig, Rule
from digisom.ledger.model import Transfer, TransferFlags

_SKIP = int(TransferFlags.PENDING | TransferFlags.VOID_PENDING_TRANSFER)
_CAP = MONITORING_WINDOW_EVENTS_MAX
NS_PER_DAY = 86_400 * NS_PER_S


@dataclass(frozen=True, slots=True)
class Alert:
    """A typology whose score reached its alert threshold for one account on one transfer."""

    typology: str
    account_id: int
    transfer_id: int
    timestamp: int
    score: int
    rules: tuple[str, ...]
    outcome: str
    """alert, or block at or above the typology's block threshold."""


class _LargeValue:
    def __init__(self, rule: Rule) -> None:
        self.id, self.min = rule.id, int(rule.params["amount_min_minor"])

    def observe(self, ts: int, debit: int, credit: int, amount: int) -> int:
        return debit if amount >= self.min else 0


class _Count:
    """Outgoing transfers of an account in a window, all (velocity) or just under a threshold.

    Only the last `count_min` timestamps matter: the rule fires when the oldest of them is still
    inside the window, so each account keeps a deque of at most `count_min` entries."""

    def __init__(self, rule: Rule) -> None:
        self.id = rule.id
        self.window = int(rule.params["window_s"]) * NS_PER_S
        self.count = min(int(rule.params["count_min"]), _CAP)
        if rule.kind == "structuring":
            high = int(rule.params["threshold_minor"])
            self.low, self.high = high - high * int(rule.params["margin_percent"]) // 100, high
        else:
            self.low, self.high = 0, 1 << 130
        self.seen: dict[int, deque[int]] = {}

    def observe(self, ts: int, debit: int, credit: int, amount: int) -> int:
        if not self.low <= amount < self.high:
            return 0
        times = self.seen.get(debit)
        if times is None:
            times = self.seen[debit] = deque(maxlen=self.count)
        times.append(ts)
        if len(times) == self.count and times[0] >= ts - self.window:
            return debit
        return 0


class _Fan:
    """Distinct counterparties of an account in a window: senders (fan-in) or payees (fan-out).

    Each account keeps counterparty -> last time seen, in order of last sight (a dict re-inserts
    at the end); stale entries are dropped only when the dict is large enough to fire, because a
    smaller dict cannot fire whatever its age."""

    def __init__(self, rule: Rule) -> None:
        self.id, self.incoming = rule.id, rule.kind == "fan_in"
        self.window = int(rule.params["window_s"]) * NS_PER_S
        self.count = min(int(rule.params["counterparties_min"]), _CAP)
        self.seen: dict[int, dict[int, int]] = {}

    def _wide(self, last: dict[int, int], cutoff: int) -> bool:
        """Drop stale counterparties (only when enough to matter); True if still enough."""
        if len(last) < self.count:
            return False
        while last:
            oldest = next(iter(last))
            if last[oldest] >= cutoff and len(last) <= _CAP:
                break
            del last[oldest]
        return len(last) >= self.count

    def observe(self, ts: int, debit: int, credit: int, amount: int) -> int:
        account, other = (credit, debit) if self.incoming else (debit, credit)
        seen, cutoff = self.seen, ts - self.window
        count = self.count
        last = seen.get(account)
        if last is None:
            seen[account] = {other: ts}
        else:
            last.pop(other, None)
            last[other] = ts
        if self.incoming:
            # Money leaving an account that many paid into is the mule's moment: flag the payer.
            senders = seen.get(debit)
            if senders is not None and len(senders) >= count and self._wide(senders, cutoff):
                return debit
        if last is not None and len(last) >= count and self._wide(last, cutoff):
            return account
        return 0


class _Flow:
    """What one account received within the window and, once that is enough to matter, what
    it sent on; totals include events not yet dropped (they only over-estimate)."""

    __slots__ = ("in_total", "ins", "out_total", "outs")

    def __init__(self, ts: int, amount: int) -> None:
        self.ins: deque[tuple[int, int]] = deque(((ts, amount),))
        self.in_total = amount
        self.outs: deque[tuple[int, int]] = deque()
        self.out_total = 0


def _slide(events: deque[tuple[int, int]], total: int, cutoff: int) -> int:
    """Drop events older than `cutoff` (or beyond the cap) and return the new total."""
    while events and (events[0][0] < cutoff or len(events) > _CAP):
        total -= events.popleft()[1]
    return total


class _RapidInOut:
    """Most of what an account received in the window goes straight out again.

    Outflows are recorded only while the account's (over-estimated) inflow reaches the minimum:
    money sent before enough came in is not pass-through, and skipping it keeps the common case
    (an ordinary payment) to two dictionary look-ups."""

    def __init__(self, rule: Rule) -> None:
        self.id = rule.id
        self.window = int(rule.params["window_s"]) * NS_PER_S
        self.in_min = int(rule.params["in_min_minor"])
        self.percent = int(rule.params["out_percent_min"])
        self.flows: dict[int, _Flow] = {}

    def observe(self, ts: int, debit: int, credit: int, amount: int) -> int:
        flows = self.flows
        into = flows.get(credit)
        if into is None:
            flows[credit] = _Flow(ts, amount)
        else:
            into.ins.append((ts, amount))
            into.in_total += amount
            if len(into.ins) > _CAP:
                into.in_total = _slide(into.ins, into.in_total, ts - self.window)
        out = flows.get(debit)
        if out is None or out.in_total < self.in_min:
            return 0
        cutoff = ts - self.window
        out.in_total = _slide(out.ins, out.in_total, cutoff)
        if out.in_total < self.in_min:
            return 0
        out.outs.append((ts, amount))
        out.out_total = _slide(out.outs, out.out_total + amount, cutoff)
        if out.out_total * 100 >= out.in_total * self.percent:
            return debit
        return 0


class _Dormant:
    def __init__(self, rule: Rule) -> None:
        self.id = rule.id
        self.idle = int(rule.params["dormant_days"]) * NS_PER_DAY
        self.min = int(rule.params["amount_min_minor"])
        self.last: dict[int, int] = {}

    def observe(self, ts: int, debit: int, credit: int, amount: int) -> int:
        last = self.last
        before = last.get(debit)
        last[debit] = ts
        last[credit] = ts
        return (
            debit if before is not None and ts - before >= self.idle and amount >= self.min else 0
        )


class _HighRisk:
    def __init__(self, rule: Rule, jurisdictions: Mapping[int, str]) -> None:
        self.id = rule.id
        self.countries = frozenset(str(c).lower() for c in rule.params["countries"])
        self.jurisdictions = jurisdictions

    def observe(self, ts: int, debit: int, credit: int, amount: int) -> int:
        where = self.jurisdictions
        if not where:
            return 0
        if where.get(credit) in self.countries:
            return debit
        if where.get(debit) in self.countries:
            return credit
        return 0


_Detector = _LargeValue | _Count | _Fan | _RapidInOut | _Dormant | _HighRisk


class MonitoringEngine:
    """Feed transfers in timestamp order; get the alerts each one raises."""

    def __init__(self, config: MonitoringConfig, jurisdictions: Mapping[int, str] | None = None):
        self.config = config
        self.detectors: list[_Detector] = [
            _detector(r, jurisdictions or {}) for r in config.rules.values()
        ]
        self._observers = [(d.id, d.observe) for d in self.detectors]
        self.last_alert: dict[tuple[int, str], int] = {}
        self.processed = 0

    def process(self, t: Transfer) -> list[Alert]:
        """The alerts one transfer raises; pending and void transfers are not money moving yet."""
        if t.flags & _SKIP or t.amount == 0:
            return []
        self.processed += 1
        ts, debit, credit, amount = t.timestamp, t.debit_account_id, t.credit_account_id, t.amount
        fired: dict[int, list[str]] | None = None
        for rule_id, observe in self._observers:
            account = observe(ts, debit, credit, amount)
            if account:
                if fired is None:
                    fired = {}
                fired.setdefault(account, []).append(rule_id)
        if fired is None:
            return []
        return self._score(t, fired)

    def process_all(self, transfers: Iterable[Transfer]) -> list[Alert]:
        alerts: list[Alert] = []
        for t in transfers:
            found = self.process(t)
            if found:
                alerts.extend(found)
        return alerts

    def _score(self, t: Transfer, fired: dict[int, list[str]]) -> list[Alert]:
        alerts: list[Alert] = []
        for account, rules in fired.items():
            for typology in self.config.typologies:
                score = sum(typology.weights.get(rule, 0) for rule in rules)
                if score < typology.alert:
                    continue
                key = (account, typology.id)
                previous = self.last_alert.get(key)
                if previous is not None and t.timestamp - previous < self.config.alert_cooldown_ns:
                    continue
                self.last_alert[key] = t.timestamp
                outcome = "block" if score >= typology.block else "alert"
                used = tuple(r for r in rules if r in typology.weights)
                alerts.append(Alert(typology.id, account, t.id, t.timestamp, score, used, outcome))
        return alerts


def _detector(rule: Rule, jurisdictions: Mapping[int, str]) -> _Detector:
    if rule.kind == "large_value":
        return _LargeValue(rule)
    if rule.kind in ("structuring", "velocity"):
        return _Count(rule)
    if rule.kind in ("fan_in", "fan_out"):
        return _Fan(rule)
    if rule.kind == "rapid_in_out":
        return _RapidInOut(rule)
    if rule.kind == "dormant":
        return _Dormant(rule)
    return _HighRisk(rule, jurisdictions)

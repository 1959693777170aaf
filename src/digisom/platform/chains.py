"""Submit one linked chain of transfers and turn a refusal into a reason a person can read.

Each transfer of a chain carries a label (`Step`); when the ledger refuses the chain, the first
event that failed for its own reason (not `linked_event_failed`) names the rule that was broken,
so "exceeds_credits" on a daily-allowance counter becomes "exceeds the daily outgoing limit".
"""

from collections.abc import Sequence
from dataclasses import dataclass

from digisom.errors import invariant
from digisom.ledger.model import CreateTransferResult, Transfer, TransferFlags
from digisom.ledger.service import Ledger
from digisom.platform.errors import Refused

_SUCCESS = frozenset({CreateTransferResult.OK.value, CreateTransferResult.EXISTS.value})
_LINKED = int(TransferFlags.LINKED)


@dataclass(frozen=True, slots=True)
class Step:
    transfer: Transfer
    refusal: str
    """What it means when this step is refused for lack of funds or allowance."""


def link(steps: Sequence[Step]) -> list[Transfer]:
    """The chain's transfers, every one but the last flagged LINKED (all or nothing)."""
    out = []
    for i, step in enumerate(steps):
        flags = step.transfer.flags & ~_LINKED
        if i < len(steps) - 1:
            flags |= _LINKED
        out.append(step.transfer._replace(flags=flags))
    return out


def explain(steps: Sequence[Step], results: Sequence[str]) -> str | None:
    """None if every step succeeded, else the reason of the first step that failed on its own."""
    if all(r in _SUCCESS for r in results):
        return None
    for step, result in zip(steps, results, strict=True):
        if result in _SUCCESS or result == CreateTransferResult.LINKED_EVENT_FAILED.value:
            continue
        if result in (CreateTransferResult.EXCEEDS_CREDITS, CreateTransferResult.EXCEEDS_DEBITS):
            return step.refusal
        if result == CreateTransferResult.EXISTS_WITH_DIFFERENT_FIELDS:
            return "already done with different details (the operation id was used before)"
        if result in (
            CreateTransferResult.DEBIT_ACCOUNT_FROZEN,
            CreateTransferResult.CREDIT_ACCOUNT_FROZEN,
        ):
            return f"{step.refusal.split(':')[0]}: an account is frozen ({result})"
        return f"refused by the ledger: {result}"
    return "refused by the ledger"


def run(ledger: Ledger, steps: Sequence[Step]) -> list[Transfer]:
    """Apply the chain whole or raise `Refused` with the reason; a retry returns success."""
    invariant(len(steps) > 0, "a chain has at least one step")
    transfers = link(steps)
    results = ledger.create_transfers(transfers).results
    reason = explain(steps, results)
    if reason is not None:
        raise Refused(reason)
    return transfers

"""Two-tier issuance: the central bank turns a bank's (or the Treasury's) reserve money into
digital som and back, and the check that every digital som is a central-bank liability.

Issuing `a` is one linked pair: the participant's reserve account is debited `a` (to the central
bank's reserve control) and the issuance liability is debited `a` (to the participant's digital
som account). Redemption is the mirror image. Both legs apply together or not at all, so at every
committed state the digital som in circulation equals the issuance account's debit balance; a
transfer that took digital som out of circulation any other way would break `check_issuance`.
"""

from dataclasses import dataclass, field

from digisom.errors import InvalidInput
from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger
from digisom.limits import LEDGER_KGS
from digisom.platform import chains, db
from digisom.platform.accounts import (
    CIRCULATION_CODE_MAX,
    CIRCULATION_CODE_MIN,
    Code,
    TransferCode,
    account_id,
    derive_id,
)
from digisom.platform.chains import Step
from digisom.platform.participants import central_bank
from digisom.platform.records import Kind
from digisom.storage.base import LedgerStore

AMOUNT_MAX = 10**15
"""One issuance or redemption: at most 10 trillion som (far above the money supply)."""

_RESERVE_CODE = {Kind.BANK: Code.BANK_RESERVE, Kind.TREASURY: Code.GOV_DEPOSIT}
_DIGITAL_CODE = {Kind.BANK: Code.BANK_DIGITAL, Kind.TREASURY: Code.GOV_DIGITAL}


def check_amount(amount: int, maximum: int = AMOUNT_MAX) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput("amount must be an integer number of tyiyn")
    if not 0 < amount <= maximum:
        raise InvalidInput(f"amount must be between 1 and {maximum} tyiyn")


def _accounts(ledger: Ledger, participant_id: str) -> tuple[int, int, int, int]:
    """(issuance, reserve control, participant reserve, participant digital) account ids."""
    participant = db.get_participant(ledger.store, participant_id)
    if participant.kind not in _RESERVE_CODE:
        raise InvalidInput(
            f"{participant_id} is a {participant.kind.value}: only banks and the "
            "Treasury hold reserves at the central bank"
        )
    cb = central_bank(ledger).id
    return (
        account_id(cb, Code.CB_ISSUANCE),
        account_id(cb, Code.CB_RESERVE_CONTROL),
        account_id(participant_id, _RESERVE_CODE[participant.kind]),
        account_id(participant_id, _DIGITAL_CODE[participant.kind]),
    )


def _t(tid: int, debit: int, credit: int, amount: int, code: TransferCode) -> Transfer:
    return Transfer(tid, debit, credit, amount, LEDGER_KGS, int(code))


def credit_reserve(ledger: Ledger, participant_id: str, amount: int, key: str) -> int:
    """Mirror a settlement into the participant's reserve account (from the RTGS system)."""
    check_amount(amount)
    _, control, reserve, _ = _accounts(ledger, participant_id)
    tid = derive_id("reserve-credit", participant_id, key)
    step = Step(_t(tid, control, reserve, amount, TransferCode.RESERVE_CREDIT), "reserve credit")
    chains.run(ledger, [step])
    return tid


def issue(ledger: Ledger, participant_id: str, amount: int, key: str) -> list[int]:
    """Issue `amount` digital som to the participant against its reserve; ids of both legs."""
    check_amount(amount)
    issuance, control, reserve, digital = _accounts(ledger, participant_id)
    ids = [derive_id("issue", participant_id, key, str(i)) for i in range(2)]
    steps = [
        Step(
            _t(ids[0], reserve, control, amount, TransferCode.ISSUE_RESERVE_LEG),
            f"issuance refused: {participant_id}'s reserve balance is below the amount",
        ),
        Step(_t(ids[1], issuance, digital, amount, TransferCode.ISSUE), "issuance refused"),
    ]
    chains.run(ledger, steps)
    return ids


def redeem(ledger: Ledger, participant_id: str, amount: int, key: str) -> list[int]:
    """Redeem `amount` digital som back into the participant's reserve account."""
    check_amount(amount)
    issuance, control, reserve, digital = _accounts(ledger, participant_id)
    ids = [derive_id("redeem", participant_id, key, str(i)) for i in range(2)]
    steps = [
        Step(
            _t(ids[0], digital, issuance, amount, TransferCode.REDEEM),
            f"redemption refused: {participant_id} holds less digital som than the amount",
        ),
        Step(_t(ids[1], control, reserve, amount, TransferCode.REDEEM_RESERVE_LEG), "redemption"),
    ]
    chains.run(ledger, steps)
    return ids


@dataclass(slots=True)
class IssuanceReport:
    """Outstanding issuance against circulation, posted and pending, and what disagrees."""

    issued_posted: int = 0
    circulation_posted: int = 0
    issued_pending: int = 0
    circulation_pending: int = 0
    issuance_accounts: int = 0
    circulation_accounts: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_issuance(store: LedgerStore) -> IssuanceReport:
    """Prove from the stored balances that circulation equals the central bank's liability.

    Circulation is every ledger-417 account with a code in 100-199 (wallets, banks' and the
    government's digital som, subsidies, token escrow): credits minus debits. The liability is
    the issuance account's debits minus credits. One streaming pass over the accounts table.
    """
    report = IssuanceReport()
    with store.read_snapshot():
        for record, (dp, dpo, cp, cpo) in store.iter_accounts():
            account = record.account
            if account.ledger != LEDGER_KGS:
                continue
            if account.code == Code.CB_ISSUANCE:
                report.issuance_accounts += 1
                report.issued_posted += dpo - cpo
                report.issued_pending += dp - cp
            elif CIRCULATION_CODE_MIN <= account.code <= CIRCULATION_CODE_MAX:
                report.circulation_accounts += 1
                report.circulation_posted += cpo - dpo
                report.circulation_pending += cp - dp
    if report.issuance_accounts > 1:
        report.problems.append(f"{report.issuance_accounts} issuance accounts; there must be one")
    if report.issued_posted != report.circulation_posted:
        report.problems.append(
            f"posted: circulation {report.circulation_posted} != issued {report.issued_posted}"
        )
    if report.issued_pending != report.circulation_pending:
        report.problems.append(
            f"pending: circulation {report.circulation_pending} != issued {report.issued_pending}"
        )
    return report

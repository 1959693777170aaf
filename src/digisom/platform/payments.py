"""Payments between wallets (P2P and merchant), and from a wallet to a government account, each
one linked chain: the money, the payer's allowances and headroom, the payee's headroom, and the
waterfall (excess to the payee's bank) or reverse waterfall (shortfall from the payer's bank).

Balances are read to size the waterfall legs; the ledger then re-checks everything inside its
write lock, so a concurrent change makes the chain fail whole (and it is tried again once with
fresh balances) rather than break a limit. Transfer ids come from the operation id (caller and
idempotency key, or the payment request): a retry after success finds the first leg stored and
returns it untouched.
"""

from dataclasses import dataclass

from digisom.errors import InvalidInput
from digisom.ledger.model import Transfer, TransferFlags
from digisom.ledger.service import Ledger
from digisom.limits import LEDGER_KGS
from digisom.platform import chains
from digisom.platform.accounts import (
    LIMIT_CONTROL_ID,
    LIMITS_LEDGER,
    Code,
    TransferCode,
    account_id,
    derive_id,
)
from digisom.platform.chains import Step
from digisom.platform.errors import Refused
from digisom.platform.records import Wallet
from digisom.platform.tiers import DAY_S, MONTH_S
from digisom.platform.wallets import available

PAYMENT_AMOUNT_MAX = 10**13
"""One payment: at most 100 billion som; far above any tier and refused before the ledger."""
ATTEMPTS_MAX = 2
"""A chain sized on balances that changed meanwhile is tried once more with fresh ones."""


@dataclass(frozen=True, slots=True)
class Payee:
    """Where a payment goes: a wallet (limits and waterfall apply) or a fixed account."""

    account_id: int
    wallet: Wallet | None = None


@dataclass(frozen=True, slots=True)
class Receipt:
    transfer_id: int
    """The id of the leg that moves the money from payer to payee."""
    amount: int
    pulled_from_bank: int
    swept_to_bank: int


def _t(tid: int, debit: int, credit: int, amount: int, code: int, **kw: int) -> Transfer:
    return Transfer(tid, debit, credit, amount, LEDGER_KGS, code, **kw)


def _limit(
    tid: int, debit: int, credit: int, amount: int, code: TransferCode, **kw: int
) -> Transfer:
    return Transfer(tid, debit, credit, amount, LIMITS_LEDGER, int(code), **kw)


def payer_steps(op: str, payer: Wallet, amount: int, net_out: int) -> list[Step]:
    """The payer's allowances (pending, released after 24 h and 30 days) and headroom back."""
    pending = int(TransferFlags.PENDING)
    steps = [
        Step(
            _limit(
                derive_id(op, "daily"),
                account_id(payer.id, Code.DAILY_ALLOWANCE),
                LIMIT_CONTROL_ID,
                amount,
                TransferCode.LIMIT_DAILY,
                flags=pending,
                timeout=DAY_S,
            ),
            f"refused: exceeds the daily outgoing limit of wallet {payer.id} ({payer.tier})",
        ),
        Step(
            _limit(
                derive_id(op, "monthly"),
                account_id(payer.id, Code.MONTHLY_ALLOWANCE),
                LIMIT_CONTROL_ID,
                amount,
                TransferCode.LIMIT_MONTHLY,
                flags=pending,
                timeout=MONTH_S,
            ),
            f"refused: exceeds the monthly outgoing limit of wallet {payer.id} ({payer.tier})",
        ),
    ]
    if net_out > 0:
        steps.append(
            Step(
                _limit(
                    derive_id(op, "payer-headroom"),
                    LIMIT_CONTROL_ID,
                    account_id(payer.id, Code.HOLDING_HEADROOM),
                    net_out,
                    TransferCode.LIMIT_HOLDING,
                ),
                "headroom",
            )
        )
    return steps


def payee_steps(
    op: str, payee: Wallet, amount: int, headroom: int, ids: tuple[int, int] | None = None
) -> list[Step]:
    """The payee's headroom taken, and the excess swept to its bank if it has a linked account.

    `ids`: the sweep's and the headroom's transfer ids, when the caller numbers its own (a
    disbursement does); otherwise both are derived from `op`."""
    sweep_id, headroom_id = ids or (derive_id(op, "sweep"), derive_id(op, "payee-headroom"))
    excess = max(0, amount - headroom) if payee.linked else 0
    steps = []
    if excess > 0:
        steps.append(
            Step(
                _t(
                    sweep_id,
                    payee.account_id,
                    account_id(payee.bank_id, Code.BANK_DIGITAL),
                    excess,
                    int(TransferCode.SWEEP_TO_BANK),
                ),
                f"refused: the sweep of {excess} tyiyn to {payee.id}'s bank failed",
            )
        )
    if amount - excess > 0:
        steps.append(
            Step(
                _limit(
                    headroom_id,
                    account_id(payee.id, Code.HOLDING_HEADROOM),
                    LIMIT_CONTROL_ID,
                    amount - excess,
                    TransferCode.LIMIT_HOLDING,
                ),
                f"refused: wallet {payee.id} would exceed its holding limit ({payee.tier}) and has "
                "no linked bank account",
            )
        )
    return steps


def build(
    ledger: Ledger,
    op: str,
    payer: Wallet,
    payee: Payee,
    amount: int,
    code: int,
    user_data_32: int = 0,
) -> tuple[list[Step], Receipt]:
    """The whole chain for one payment, sized on the balances read now."""
    balance = max(0, available(ledger, payer.account_id))
    shortfall = max(0, amount - balance) if payer.linked else 0
    steps = []
    if shortfall > 0:
        steps.append(
            Step(
                _t(
                    derive_id(op, "pull"),
                    account_id(payer.bank_id, Code.BANK_DIGITAL),
                    payer.account_id,
                    shortfall,
                    int(TransferCode.PULL_FROM_BANK),
                ),
                f"refused: {payer.bank_id} could not cover the shortfall of {shortfall} tyiyn",
            )
        )
    main_id = derive_id(op, "main")
    steps.append(
        Step(
            _t(
                main_id, payer.account_id, payee.account_id, amount, code, user_data_32=user_data_32
            ),
            f"refused: insufficient balance in wallet {payer.id}",
        )
    )
    steps.extend(payer_steps(op, payer, amount, amount - shortfall))
    swept = 0
    if payee.wallet is not None:
        headroom = max(0, available(ledger, account_id(payee.wallet.id, Code.HOLDING_HEADROOM)))
        tail = payee_steps(op, payee.wallet, amount, headroom)
        swept = sum(s.transfer.amount for s in tail if s.transfer.ledger == LEDGER_KGS)
        steps.extend(tail)
    return steps, Receipt(main_id, amount, shortfall, swept)


def pay(
    ledger: Ledger,
    op: str,
    payer: Wallet,
    payee: Payee,
    amount: int,
    code: TransferCode,
    user_data_32: int = 0,
) -> Receipt:
    """Move `amount` from `payer` to `payee` under every limit, exactly once per `op`."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput("amount must be an integer number of tyiyn")
    if not 0 < amount <= PAYMENT_AMOUNT_MAX:
        raise InvalidInput(f"amount must be between 1 and {PAYMENT_AMOUNT_MAX} tyiyn")
    if payer.account_id == payee.account_id:
        raise InvalidInput("payer and payee are the same wallet")
    done = ledger.store.get_transfer(derive_id(op, "main"))
    if done is not None:
        if done.debit_account_id != payer.account_id or done.amount != amount:
            raise Refused("already paid: this operation id was used by another payment")
        return Receipt(done.id, done.amount, 0, 0)
    for attempt in range(ATTEMPTS_MAX):
        steps, receipt = build(ledger, op, payer, payee, amount, int(code), user_data_32)
        try:
            chains.run(ledger, steps)
        except Refused:
            if attempt + 1 == ATTEMPTS_MAX or not _sized_on_balances(steps):
                raise
            continue
        return receipt
    raise Refused("refused")  # unreachable: the loop returns or raises


def _sized_on_balances(steps: list[Step]) -> bool:
    """Only chains with a waterfall leg depend on balances read beforehand."""
    codes = {TransferCode.PULL_FROM_BANK, TransferCode.SWEEP_TO_BANK}
    return any(s.transfer.code in codes for s in steps)


def top_up(
    ledger: Ledger,
    op: str,
    payer_account: int,
    payee: Wallet,
    amount: int,
    code: TransferCode = TransferCode.TOP_UP,
    user_data_32: int = 0,
) -> Receipt:
    """Pay into a wallet from an account without limits (a bank's float, a government account):
    the payee's headroom and waterfall apply; the payer's balance is checked by the ledger."""
    if not 0 < amount <= PAYMENT_AMOUNT_MAX:
        raise InvalidInput(f"amount must be between 1 and {PAYMENT_AMOUNT_MAX} tyiyn")
    main_id = derive_id(op, "main")
    done = ledger.store.get_transfer(main_id)
    if done is not None:
        if done.credit_account_id != payee.account_id or done.amount != amount:
            raise Refused("already paid: this operation id was used by another payment")
        return Receipt(done.id, done.amount, 0, 0)
    headroom = max(0, available(ledger, account_id(payee.id, Code.HOLDING_HEADROOM)))
    main = Step(
        _t(main_id, payer_account, payee.account_id, amount, int(code), user_data_32=user_data_32),
        "refused: the paying account's balance is too low",
    )
    tail = payee_steps(op, payee, amount, headroom)
    chains.run(ledger, [main, *tail])
    swept = sum(s.transfer.amount for s in tail if s.transfer.ledger == LEDGER_KGS)
    return Receipt(main_id, amount, 0, swept)

"""Tax and fee collection into the Treasury's revenue account, and the Treasury's view by budget
classification code and day, computed from the ledger's transfers (no second record of money).

The budget classification code travels in the transfer's `user_data_32` (Kyrgyz codes have 8
digits). The operation id is derived from the payer's wallet and reference (the tax notice
number), so one notice is paid once however often the payment is retried.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from digisom.errors import InvalidInput
from digisom.ledger.service import Ledger
from digisom.platform.accounts import Code, TransferCode, account_id, derive_id
from digisom.platform.payments import Payee, Receipt, pay
from digisom.platform.records import Wallet
from digisom.platform.wallets import REFERENCE_PATTERN
from digisom.storage.base import LedgerStore

BUDGET_CODE_PATTERN = re.compile(r"^[1-9][0-9]{7}$")
SCAN_PAGE = 8190
DAY_NS = 86_400 * 10**9


@dataclass(frozen=True, slots=True)
class Collection:
    budget_code: int
    day: str
    """UTC date, YYYY-MM-DD."""
    count: int
    amount: int


def pay_tax(
    ledger: Ledger,
    reference: str,
    payer: Wallet,
    treasury_id: str,
    amount: int,
    budget_code: str,
    *,
    fee: bool = False,
) -> Receipt:
    """Pay a tax (or fee) from a wallet to the Treasury under a budget classification code."""
    if not BUDGET_CODE_PATTERN.match(budget_code):
        raise InvalidInput("budget classification code: 8 digits")
    if not REFERENCE_PATTERN.match(reference):
        raise InvalidInput("payer reference: 1-64 of A-Z a-z 0-9 / _ . -")
    op = str(derive_id("tax", payer.id, reference))
    revenue = account_id(treasury_id, Code.TAX_REVENUE)
    code = TransferCode.FEE if fee else TransferCode.TAX
    return pay(ledger, op, payer, Payee(revenue), amount, code, int(budget_code))


def collections(store: LedgerStore, treasury_id: str) -> list[Collection]:
    """Collections grouped by budget code and UTC day, read from the revenue account's transfers."""
    import datetime

    revenue = account_id(treasury_id, Code.TAX_REVENUE)
    totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    after = 0
    while True:
        page = store.account_transfers(revenue, after, SCAN_PAGE)
        for t in page:
            if t.credit_account_id == revenue and t.code in (TransferCode.TAX, TransferCode.FEE):
                entry = totals[(t.user_data_32, t.timestamp // DAY_NS)]
                entry[0] += 1
                entry[1] += t.amount
        if len(page) < SCAN_PAGE:
            break
        after = page[-1].timestamp
    out = []
    for (code, day), (count, amount) in sorted(totals.items()):
        date = datetime.datetime.fromtimestamp(day * 86_400, datetime.UTC).date().isoformat()
        out.append(Collection(code, date, count, amount))
    return out

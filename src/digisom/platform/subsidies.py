"""Purpose-bound subsidies: money a government gives that a wallet can spend only at merchants of
given categories, only until an expiry date, after which the unspent rest goes back (clawback).

Everything is a ledger account, so nothing here keeps a balance:

* a programme is a `SUBSIDY_POOL` account (code 120), funded from the paying government's
  operating account (`SUBSIDY_FUND`);
* each beneficiary gets a `SUBSIDY_GRANT` account (code 121) per programme, credited from the pool
  (`SUBSIDY_GRANT`). It is not the wallet's money account: the wallet's ordinary payments cannot
  reach it, which is what makes the money purpose-bound;
* spending moves money from the grant account to a merchant's wallet (`SUBSIDY_SPEND`), after
  the merchant's category and the programme's expiry are checked; the merchant's holding limit
  and waterfall apply as for any payment;
* the clawback moves every grant's and the pool's rest to the government (`SUBSIDY_CLAWBACK`).

Both account codes lie in 100-199, so subsidy money counts as digital som in circulation and
`check_issuance` holds throughout. Every transfer id is derived from what it does (programme,
wallet, operation), so every call here is safe to repeat. The clock is a parameter (`now_ns`) so
that tests and the demo can run a programme past its expiry without waiting.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digisom.errors import InvalidInput, NotFound
from digisom.ledger.model import Account, CreateTransferResult, Transfer
from digisom.ledger.service import Ledger
from digisom.limits import BATCH_EVENTS_MAX, LEDGER_KGS
from digisom.platform import chains, db
from digisom.platform.accounts import Code, TransferCode, account_id, derive_id, money_account
from digisom.platform.chains import Step
from digisom.platform.errors import Refused
from digisom.platform.participants import ID_PATTERN, ensure_accounts
from digisom.platform.payments import PAYMENT_AMOUNT_MAX, Payee, Receipt, payee_steps
from digisom.platform.records import GOVERNMENT_KINDS, Kind, Wallet, WalletStatus
from digisom.platform.wallets import available, open_wallet
from digisom.storage.base import LedgerStore

CATEGORY_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")
CATEGORIES_MAX = 8
"""Categories one programme may name; the list is stored comma-separated in 400 characters."""
GRANTS_PER_REQUEST_MAX = BATCH_EVENTS_MAX
"""Grants in one request: one linked ledger chain, so a request applies whole or not at all."""
PROGRAMME_BUDGET_MAX = 10**15
"""One programme: at most 10 trillion som (the issuance ceiling)."""
CLAWBACK_ROUNDS_MAX = 3
"""A grant spent while the clawback was being sized is re-read and tried again this often."""
_SUCCESS = frozenset({CreateTransferResult.OK.value, CreateTransferResult.EXISTS.value})


@dataclass(frozen=True, slots=True)
class Programme:
    id: str
    payer_id: str
    """The Treasury or agency whose operating account funds the pool and receives the clawback."""
    categories: tuple[str, ...]
    """Merchant categories (`Participant.category`) where the grants may be spent."""
    expires_at_ns: int
    """From this instant on, nothing may be spent and the rest is clawed back."""


@dataclass(frozen=True, slots=True)
class ProgrammeView:
    programme: Programme
    pool_balance: int
    grants: int


@dataclass(frozen=True, slots=True)
class ClawbackReport:
    programmes: int
    """Expired programmes looked at."""
    transfers: int
    """Clawback transfers posted now (0 when everything was back already)."""
    amount: int
    """Tyiyn returned now."""


def pool_account_id(programme_id: str) -> int:
    return account_id(f"subsidy/{programme_id}", Code.SUBSIDY_POOL)


def grant_account_id(programme_id: str, wallet_id: str) -> int:
    return account_id(f"subsidy/{programme_id}/{wallet_id}", Code.SUBSIDY_GRANT)


def _programme(row: Sequence[object]) -> Programme:
    return Programme(str(row[0]), str(row[1]), tuple(str(row[2]).split(",")), int(str(row[3])))


def find_programme(store: LedgerStore, programme_id: str) -> Programme | None:
    rows = store._query(
        "SELECT id, agency_id, categories, expires_at_ns FROM platform_subsidy_programmes "
        f"WHERE id = {store.p}",
        (programme_id,),
    )
    return _programme(rows[0]) if rows else None


def get_programme(store: LedgerStore, programme_id: str) -> Programme:
    found = find_programme(store, programme_id)
    if found is None:
        raise NotFound(f"subsidy programme {programme_id} not found")
    return found


def _validate(programme: Programme, budget: int) -> None:
    if not ID_PATTERN.match(programme.id):
        raise InvalidInput(f"programme id {programme.id!r}: use a-z, 0-9 and -, 1-64 long")
    if not 0 < len(programme.categories) <= CATEGORIES_MAX:
        raise InvalidInput(f"categories: 1 to {CATEGORIES_MAX} merchant categories")
    for category in programme.categories:
        if not CATEGORY_PATTERN.match(category):
            raise InvalidInput(f"category {category!r}: a-z, 0-9 and _, 1-40 long")
    if isinstance(budget, bool) or not isinstance(budget, int):
        raise InvalidInput("budget must be an integer number of tyiyn")
    if not 0 < budget <= PROGRAMME_BUDGET_MAX:
        raise InvalidInput(f"budget must be between 1 and {PROGRAMME_BUDGET_MAX} tyiyn")
    if programme.expires_at_ns <= 0:
        raise InvalidInput("expiry must be a positive time")


def create_programme(ledger: Ledger, programme: Programme, budget: int, now_ns: int) -> bool:
    """Open the pool and fund it with `budget` from the payer; True if new, False on a retry.

    The ledger moves the money first (a retry finds it `exists`), then the programme row is
    written: a crash in between is completed by the retry.
    """
    _validate(programme, budget)
    store = ledger.store
    payer = db.get_participant(store, programme.payer_id)
    if payer.kind not in GOVERNMENT_KINDS:
        raise InvalidInput(f"{payer.id} is a {payer.kind.value}: only government funds subsidies")
    found = find_programme(store, programme.id)
    if found is not None and found != programme:
        raise InvalidInput(f"subsidy programme {programme.id} exists with different fields")
    if found is None and programme.expires_at_ns <= now_ns:
        raise InvalidInput("the programme would expire before it starts")
    ensure_accounts(ledger, [money_account(f"subsidy/{programme.id}", Code.SUBSIDY_POOL)])
    fund = Transfer(
        derive_id("subsidy-fund", programme.id),
        account_id(programme.payer_id, Code.GOV_DIGITAL),
        pool_account_id(programme.id),
        budget,
        LEDGER_KGS,
        int(TransferCode.SUBSIDY_FUND),
    )
    chains.run(ledger, [Step(fund, f"refused: {payer.id}'s operating account holds too little")])
    if found is not None:
        return False
    p = store.p
    with store.write_transaction():
        store._execute(
            "INSERT INTO platform_subsidy_programmes (id, agency_id, categories, expires_at_ns, "
            f"created_at_ns) VALUES ({p}, {p}, {p}, {p}, {p}) ON CONFLICT (id) DO NOTHING",
            (
                programme.id,
                programme.payer_id,
                ",".join(programme.categories),
                programme.expires_at_ns,
                now_ns,
            ),
        )
    if find_programme(store, programme.id) != programme:
        # A concurrent creation of the same id with other fields won the insert.
        raise InvalidInput(f"subsidy programme {programme.id} exists with different fields")
    return True


def grant(ledger: Ledger, programme_id: str, grants: Sequence[tuple[str, int]], now_ns: int) -> int:
    """Credit each (wallet, amount) from the pool, all or nothing; returns the total granted.

    A wallet gets one grant per programme (its transfer id is derived from both), so repeating a
    request grants nothing twice, and the same wallet with another amount is refused.
    """
    programme = get_programme(ledger.store, programme_id)
    if now_ns >= programme.expires_at_ns:
        raise Refused(f"refused: subsidy programme {programme_id} has expired")
    if not 0 < len(grants) <= GRANTS_PER_REQUEST_MAX:
        raise InvalidInput(f"grants: 1 to {GRANTS_PER_REQUEST_MAX} in one request")
    if len({w for w, _ in grants}) != len(grants):
        raise InvalidInput("the same wallet appears twice in one grant request")
    for wallet_id, amount in grants:
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise InvalidInput(f"grant to {wallet_id}: amount must be an integer of tyiyn")
        if not 0 < amount <= PAYMENT_AMOUNT_MAX:
            raise InvalidInput(f"grant to {wallet_id}: amount out of range")
    found = db.find_wallets(ledger.store, [w for w, _ in grants])
    for wallet_id, _ in grants:
        if wallet_id not in found or found[wallet_id].status != WalletStatus.OPEN:
            raise InvalidInput(f"wallet {wallet_id} not found or not open")
    accounts: list[Account] = [
        money_account(f"subsidy/{programme_id}/{w}", Code.SUBSIDY_GRANT) for w, _ in grants
    ]
    ensure_accounts(ledger, accounts)
    steps = [
        Step(
            Transfer(
                derive_id("subsidy-grant", programme_id, wallet_id),
                pool_account_id(programme_id),
                grant_account_id(programme_id, wallet_id),
                amount,
                LEDGER_KGS,
                int(TransferCode.SUBSIDY_GRANT),
            ),
            f"refused: the pool of programme {programme_id} holds less than the grants",
        )
        for wallet_id, amount in grants
    ]
    chains.run(ledger, steps)
    _record_grants(ledger.store, programme_id, [w for w, _ in grants])
    return sum(amount for _, amount in grants)


def _record_grants(store: LedgerStore, programme_id: str, wallet_ids: Sequence[str]) -> None:
    p = store.p
    known = {
        str(r[0])
        for r in store._query(
            f"SELECT wallet_id FROM platform_subsidy_grants WHERE programme_id = {p}",
            (programme_id,),
        )
    }
    new = [w for w in wallet_ids if w not in known]
    if not new:
        return
    with store.write_transaction():
        store._execute_many(
            "INSERT INTO platform_subsidy_grants (programme_id, wallet_id, account_id) "
            f"VALUES ({p}, {p}, {p}) ON CONFLICT (programme_id, wallet_id) DO NOTHING",
            [(programme_id, w, grant_account_id(programme_id, w).to_bytes(16, "big")) for w in new],
        )


def spend(
    ledger: Ledger,
    op: str,
    programme_id: str,
    wallet: Wallet,
    merchant_wallet_id: str,
    amount: int,
    now_ns: int,
) -> Receipt:
    """Pay a merchant from the wallet's grant; refused at a merchant of another category, after
    expiry, or beyond the grant, with nothing moved. Exactly once per `op`."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput("amount must be an integer number of tyiyn")
    if not 0 < amount <= PAYMENT_AMOUNT_MAX:
        raise InvalidInput(f"amount must be between 1 and {PAYMENT_AMOUNT_MAX} tyiyn")
    store = ledger.store
    programme = get_programme(store, programme_id)
    main_id = derive_id(op, "main")
    done = store.get_transfer(main_id)
    if done is not None:
        if done.debit_account_id != grant_account_id(programme_id, wallet.id) or (
            done.amount != amount
        ):
            raise Refused("already paid: this operation id was used by another payment")
        return Receipt(done.id, done.amount, 0, 0)
    if now_ns >= programme.expires_at_ns:
        raise Refused(f"refused: subsidy programme {programme_id} has expired")
    merchant_wallet = open_wallet(ledger, merchant_wallet_id)
    merchant = db.get_participant(store, merchant_wallet.owner_id)
    if merchant.kind != Kind.BUSINESS or merchant.category not in programme.categories:
        raise Refused(
            f"refused: {merchant.id} ({merchant.category or merchant.kind.value}) is not a "
            f"merchant where programme {programme_id} may be spent "
            f"({', '.join(programme.categories)})"
        )
    grant_id = grant_account_id(programme_id, wallet.id)
    if ledger.get_account(grant_id) is None:
        raise Refused(f"refused: wallet {wallet.id} has no grant in programme {programme_id}")
    payee = Payee(merchant_wallet.account_id, merchant_wallet)
    headroom = max(0, available(ledger, account_id(merchant_wallet.id, Code.HOLDING_HEADROOM)))
    main = Step(
        Transfer(
            main_id, grant_id, payee.account_id, amount, LEDGER_KGS, int(TransferCode.SUBSIDY_SPEND)
        ),
        f"refused: the grant of wallet {wallet.id} in programme {programme_id} is too small",
    )
    tail = payee_steps(op, merchant_wallet, amount, headroom)
    chains.run(ledger, [main, *tail])
    swept = sum(s.transfer.amount for s in tail if s.transfer.ledger == LEDGER_KGS)
    return Receipt(main_id, amount, 0, swept)


def view(ledger: Ledger, programme_id: str) -> ProgrammeView:
    programme = get_programme(ledger.store, programme_id)
    count = ledger.store._query(
        f"SELECT COUNT(*) FROM platform_subsidy_grants WHERE programme_id = {ledger.store.p}",
        (programme_id,),
    )[0][0]
    return ProgrammeView(programme, available(ledger, pool_account_id(programme_id)), int(count))


def grant_balance(ledger: Ledger, programme_id: str, wallet_id: str) -> int:
    """What the wallet may still spend in the programme (0 if it has no grant)."""
    state = ledger.get_account(grant_account_id(programme_id, wallet_id))
    if state is None:
        return 0
    return state.credits_posted - state.debits_posted - state.debits_pending


def expired_programmes(store: LedgerStore, now_ns: int) -> list[Programme]:
    rows = store._query(
        "SELECT id, agency_id, categories, expires_at_ns FROM platform_subsidy_programmes "
        f"WHERE expires_at_ns <= {store.p} ORDER BY id",
        (now_ns,),
    )
    return [_programme(r) for r in rows]


def clawback(ledger: Ledger, now_ns: int, programme_id: str | None = None) -> ClawbackReport:
    """Return the unspent rest of every expired programme (or of one) to its payer.

    The scheduled job: safe to run at any time and as often as wanted. Each transfer moves an
    account's balance as read just before; its id is derived from the account and its debits so
    far, so a repeated run from the same state is `exists`, and a grant spent meanwhile (the
    ledger refuses the now too large transfer) is re-read and tried again.
    """
    store = ledger.store
    if programme_id is None:
        programmes = expired_programmes(store, now_ns)
    else:
        programme = get_programme(store, programme_id)
        if now_ns < programme.expires_at_ns:
            raise Refused(f"refused: subsidy programme {programme_id} has not expired yet")
        programmes = [programme]
    transfers = amount = 0
    for programme in programmes:
        moved, total = _clawback_one(ledger, programme)
        transfers += moved
        amount += total
    return ClawbackReport(len(programmes), transfers, amount)


def _clawback_one(ledger: Ledger, programme: Programme) -> tuple[int, int]:
    store = ledger.store
    rows = store._query(
        f"SELECT account_id FROM platform_subsidy_grants WHERE programme_id = {store.p}",
        (programme.id,),
    )
    sources = [int.from_bytes(bytes(r[0]), "big") for r in rows]
    sources.append(pool_account_id(programme.id))
    target = account_id(programme.payer_id, Code.GOV_DIGITAL)
    moved = total = 0
    for _ in range(CLAWBACK_ROUNDS_MAX):
        _, balances = store.load_accounts(set(sources))
        todo = []
        for source in sources:
            debits_pending, debits_posted, _, credits_posted = balances[source]
            rest = credits_posted - debits_posted - debits_pending
            if rest > 0:
                tid = derive_id("subsidy-clawback", str(source), str(debits_posted))
                todo.append(
                    Transfer(
                        tid, source, target, rest, LEDGER_KGS, int(TransferCode.SUBSIDY_CLAWBACK)
                    )
                )
        if not todo:
            return moved, total
        retry = []
        for start in range(0, len(todo), BATCH_EVENTS_MAX):
            chunk = todo[start : start + BATCH_EVENTS_MAX]
            results = ledger.create_transfers(chunk).results
            for transfer, result in zip(chunk, results, strict=True):
                if result == CreateTransferResult.OK.value:
                    moved += 1
                    total += transfer.amount
                elif result not in _SUCCESS:
                    retry.append(transfer.debit_account_id)
        if not retry:
            return moved, total
        sources = retry
    raise Refused(f"clawback of {programme.id} kept failing while grants changed; run it again")

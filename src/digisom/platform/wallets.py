"""Open, upgrade and close wallets; read a wallet's balance and remaining limits from the ledger.

A wallet is four ledger accounts: the money (ledger 417, code WALLET) and three limit counters
(headroom, daily and monthly allowance on `LIMITS_LEDGER`), funded with the tier's limits when the
wallet opens and topped up by the difference on an upgrade. A closed wallet's balance is swept to
the holder's bank (or another wallet) and its money account is frozen in the ledger, so no
transfer can reach it afterwards, whichever service tries.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from digisom.errors import InvalidInput, NotFound, invariant
from digisom.ledger.model import Account, Transfer
from digisom.ledger.service import Ledger
from digisom.limits import BATCH_EVENTS_MAX, LEDGER_KGS
from digisom.platform import chains, db
from digisom.platform.accounts import (
    LIMIT_CONTROL_ID,
    LIMITS_LEDGER,
    Code,
    TransferCode,
    account_id,
    derive_id,
    limit_account,
    money_account,
)
from digisom.platform.chains import Step
from digisom.platform.errors import Refused
from digisom.platform.participants import ensure_accounts
from digisom.platform.records import WALLET_HOLDER_KINDS, Wallet, WalletStatus
from digisom.platform.tiers import Tier, get_tier

WALLET_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9/_.-]{1,64}$")
CLOSE_ATTEMPTS_MAX = 3
"""Sweep-and-freeze rounds when money keeps arriving while a wallet closes."""
LIMIT_CODES = (Code.HOLDING_HEADROOM, Code.DAILY_ALLOWANCE, Code.MONTHLY_ALLOWANCE)


@dataclass(frozen=True, slots=True)
class WalletSpec:
    """What a bank asks for when it opens a wallet for one of its customers."""

    wallet_id: str
    owner_id: str
    tier: str
    linked_reference: str | None = None


@dataclass(frozen=True, slots=True)
class WalletView:
    wallet: Wallet
    balance: int
    holding_headroom: int
    daily_out_remaining: int
    monthly_out_remaining: int


def wallet_account_id(wallet_id: str) -> int:
    return account_id(wallet_id, Code.WALLET)


def _limit_steps(wallet_id: str, old: Tier | None, new: Tier) -> list[Step]:
    """Fund the counters up to `new`'s limits (from zero, or from `old`'s)."""
    amounts = (
        new.holding_max - (old.holding_max if old else 0),
        new.daily_out_max - (old.daily_out_max if old else 0),
        new.monthly_out_max - (old.monthly_out_max if old else 0),
    )
    steps = []
    for code, amount in zip(LIMIT_CODES, amounts, strict=True):
        if amount <= 0:
            continue
        tid = derive_id("limit-set", wallet_id, new.name, code.name)
        counter = account_id(wallet_id, code)
        transfer = Transfer(
            tid, LIMIT_CONTROL_ID, counter, amount, LIMITS_LEDGER, int(TransferCode.LIMIT_SET)
        )
        steps.append(Step(transfer, "limit set"))
    return steps


def _validate_specs(ledger: Ledger, bank_id: str, specs: Sequence[WalletSpec]) -> None:
    owners = {s.owner_id for s in specs}
    for spec in specs:
        if not WALLET_ID_PATTERN.match(spec.wallet_id):
            raise InvalidInput(f"wallet id {spec.wallet_id!r}: use a-z, 0-9 and -, 1-64 long")
        get_tier(spec.tier)
        if spec.linked_reference is not None and not REFERENCE_PATTERN.match(spec.linked_reference):
            raise InvalidInput("linked_reference: 1-64 of A-Z a-z 0-9 / _ . -")
    if len({s.wallet_id for s in specs}) != len(specs):
        raise InvalidInput("the same wallet id appears twice")
    for owner_id in sorted(owners):
        owner = db.get_participant(ledger.store, owner_id)
        if owner.kind not in WALLET_HOLDER_KINDS:
            raise InvalidInput(
                f"{owner_id} is a {owner.kind.value}: wallets are for people and businesses"
            )
        if owner.bank_id != bank_id:
            raise InvalidInput(f"{owner_id} is not a customer of {bank_id}")


def open_wallets(ledger: Ledger, bank_id: str, specs: Sequence[WalletSpec]) -> list[Wallet]:
    """Open wallets (up to any number, in ledger batches); an existing identical wallet is fine.

    Order: ledger accounts, limit counters, then the wallet rows; a crash in between is repaired
    by retrying, since every account and transfer id is derived from the wallet id.
    """
    _validate_specs(ledger, bank_id, specs)
    existing = db.find_wallets(ledger.store, [s.wallet_id for s in specs])
    wallets, new = [], []
    for spec in specs:
        wallet = Wallet(
            spec.wallet_id,
            spec.owner_id,
            bank_id,
            spec.tier,
            wallet_account_id(spec.wallet_id),
            spec.linked_reference,
            WalletStatus.OPEN,
        )
        found = existing.get(spec.wallet_id)
        if found is not None and found != wallet:
            raise InvalidInput(f"wallet {spec.wallet_id} exists with different fields")
        wallets.append(wallet)
        if found is None:
            new.append(wallet)
    accounts: list[Account] = []
    for w in new:
        accounts.append(money_account(w.id, Code.WALLET))
        accounts.extend(limit_account(w.id, code) for code in LIMIT_CODES)
    ensure_accounts(ledger, accounts)
    transfers: list[Transfer] = []
    for w in new:
        transfers.extend(s.transfer for s in _limit_steps(w.id, None, get_tier(w.tier)))
    for start in range(0, len(transfers), BATCH_EVENTS_MAX):
        results = ledger.create_transfers(transfers[start : start + BATCH_EVENTS_MAX]).results
        invariant(all(r in ("ok", "exists") for r in results), "limit counters refused")
    if new:
        db.insert_wallets(ledger.store, new)
    return wallets


def upgrade(ledger: Ledger, wallet_id: str, tier_name: str) -> Wallet:
    """Move a wallet to a higher tier: its counters grow by the difference of the limits."""
    wallet = open_wallet(ledger, wallet_id)
    old, new = get_tier(wallet.tier), get_tier(tier_name)
    if new.rank == old.rank:
        return wallet
    if new.rank < old.rank:
        raise Refused(f"wallet {wallet_id} is {old.name}: a tier can only be upgraded")
    steps = _limit_steps(wallet_id, old, new)
    if steps:
        chains.run(ledger, steps)
    db.update_wallet(ledger.store, wallet_id, tier=new.name)
    return db.get_wallet(ledger.store, wallet_id)


def open_wallet(ledger: Ledger, wallet_id: str) -> Wallet:
    """The wallet, if it exists and is open."""
    wallet = db.get_wallet(ledger.store, wallet_id)
    if wallet.status != WalletStatus.OPEN:
        raise Refused(f"wallet {wallet_id} is closed")
    return wallet


def available(ledger: Ledger, account: int) -> int:
    """Credits posted minus debits posted and pending: what a debit may still take."""
    state = ledger.get_account(account)
    if state is None:
        raise NotFound(f"account {account} not found")
    return state.credits_posted - state.debits_posted - state.debits_pending


def view(ledger: Ledger, wallet_id: str) -> WalletView:
    wallet = db.get_wallet(ledger.store, wallet_id)
    counters = [available(ledger, account_id(wallet_id, code)) for code in LIMIT_CODES]
    return WalletView(wallet, available(ledger, wallet.account_id), *counters)


def close(ledger: Ledger, wallet_id: str, to_wallet_id: str | None = None) -> int:
    """Close a wallet: sweep its balance out, then freeze its ledger account. Returns the amount
    swept in total. Without a linked bank account, `to_wallet_id` must name where money goes."""
    wallet = db.get_wallet(ledger.store, wallet_id)
    if to_wallet_id is None and not wallet.linked:
        raise InvalidInput(
            f"wallet {wallet_id} has no linked bank account: name a wallet to receive its balance"
        )
    target = (
        account_id(wallet.bank_id, Code.BANK_DIGITAL)
        if to_wallet_id is None
        else open_wallet(ledger, to_wallet_id).account_id
    )
    if to_wallet_id == wallet_id:
        raise InvalidInput("a wallet cannot be closed into itself")
    db.update_wallet(ledger.store, wallet_id, status=WalletStatus.CLOSED.value)
    swept = 0
    for attempt in range(CLOSE_ATTEMPTS_MAX):
        balance = available(ledger, wallet.account_id)
        if balance > 0:
            tid = derive_id("close", wallet_id, str(attempt), str(balance))
            transfer = Transfer(
                tid, wallet.account_id, target, balance, LEDGER_KGS, int(TransferCode.CLOSE_SWEEP)
            )
            chains.run(ledger, [Step(transfer, "closing sweep")])
            swept += balance
        ledger.set_frozen(wallet.account_id, True, f"wallet {wallet_id} closed")
        if available(ledger, wallet.account_id) == 0:
            return swept
        ledger.set_frozen(wallet.account_id, False, f"wallet {wallet_id}: sweep late arrivals")
    raise Refused(f"wallet {wallet_id} kept receiving money while closing; try again")

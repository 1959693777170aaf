"""A national scenario for a first start: institutions, businesses and citizens with wallets, then
one day of activity (payroll, taxes, P2P and merchant payments, a subsidy and its clawback).

Deterministic and idempotent by construction: every choice comes from one seeded RNG, and every
money movement goes through the platform's own operations with ids derived from fixed names
(issuance keys, disbursement files, tax notice numbers, payment operation ids, payment request
references, subsidy programme ids). Running it a second time finds everything `exists` and moves
nothing; the summary it returns is the same both times. The scenario's clock (`DAY_NS`) is fixed,
so the subsidy programme expires and is clawed back at the same instants on every run.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digisom.ledger.model import Transfer
from digisom.ledger.service import Ledger
from digisom.limits import LEDGER_KGS
from digisom.platform import (
    chains,
    db,
    disbursements,
    issuance,
    participants,
    payment_requests,
    subsidies,
    taxes,
)
from digisom.platform.accounts import Code, TransferCode, account_id, derive_id
from digisom.platform.chains import Step
from digisom.platform.errors import Refused
from digisom.platform.payments import Payee, Receipt, pay, top_up
from digisom.platform.records import Kind, Participant, Wallet
from digisom.platform.tiers import SOM, get_tier
from digisom.platform.wallets import WalletSpec, open_wallets
from digisom.storage.base import LedgerStore

SEED = 417
"""The RNG seed: the same seed gives the same country, the same day, the same totals."""
CITIZENS_DEFAULT = 10_000
BUSINESSES_DEFAULT = 200
CITIZENS_MAX = 1_000_000
BUSINESSES_MAX = 100_000
DAY_NS = 1_795_651_200 * 10**9
"""The scenario's "today": 2026-11-26 00:00 UTC (fixed, so reruns see the same clock)."""
SUBSIDY_EXPIRES_NS = DAY_NS + 30 * 86_400 * 10**9
CENTRAL_BANK = "nbkr"
BANKS = ("ayil-bank", "optima-bank", "demir-bank")
TREASURY = "treasury"
MINISTRIES = ("ministry-health", "ministry-education")
CATEGORIES = ("grocery", "pharmacy", "school_supplies", "restaurant", "transport", "clothing")
SUBSIDY_PROGRAMME = "school-supplies-2026"
SUBSIDY_CATEGORIES = ("school_supplies", "clothing")
BANK_ISSUE_TYIYN = 500_000_000 * SOM
TREASURY_ISSUE_TYIYN = 2_000_000_000 * SOM
MINISTRY_BUDGET_TYIYN = 300_000_000 * SOM
TIERS = ("tier0", "tier1", "tier2")
TIER_WEIGHTS = (55, 35, 10)
"""Citizens' wallets by tier, in percent."""
LINKED_SHARE_PERCENT = 30
"""Citizens whose wallet is linked to their bank deposit (waterfall and reverse waterfall)."""
P2P_SHARE_PERCENT = 10
MERCHANT_SHARE_PERCENT = 10
TAXPAYER_SHARE_PERCENT = 5
SUBSIDY_SHARE_PERCENT = 10
SUBSIDY_GRANT_TYIYN = 3_000 * SOM
WRONG_SHOP_PERCENT = 10
"""Subsidy holders who try to spend at a shop outside the programme's categories."""


def _category(business_wallet_id: str) -> str:
    """The category `_people` gave the business behind `w-biz-NNNNN`."""
    return CATEGORIES[int(business_wallet_id[6:]) % len(CATEGORIES)]


@dataclass
class Summary:
    """What the scenario did; identical on every run with the same seed and scale."""

    participants: Counter[str] = field(default_factory=Counter)
    wallets: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    amounts: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)

    def add(self, what: str, amount: int) -> None:
        self.counts[what] += 1
        self.amounts[what] += amount


def has_participants(store: LedgerStore) -> bool:
    return bool(store._query("SELECT id FROM platform_participants LIMIT 1"))


def _national_id(i: int) -> str:
    return f"2{i:013d}"


def _institutions(ledger: Ledger) -> None:
    reg = participants.register
    reg(
        ledger, Participant(CENTRAL_BANK, Kind.CENTRAL_BANK, "National Bank of the Kyrgyz Republic")
    )
    for bank in BANKS:
        reg(ledger, Participant(bank, Kind.BANK, bank.replace("-", " ").title()))
    reg(ledger, Participant(TREASURY, Kind.TREASURY, "Central Treasury"))
    for ministry in MINISTRIES:
        reg(ledger, Participant(ministry, Kind.AGENCY, ministry.replace("-", " of ").title()))
    for bank in BANKS:
        issuance.credit_reserve(ledger, bank, 2 * BANK_ISSUE_TYIYN, "demo-rtgs")
        issuance.issue(ledger, bank, BANK_ISSUE_TYIYN, "demo-issue")
    issuance.credit_reserve(ledger, TREASURY, 2 * TREASURY_ISSUE_TYIYN, "demo-rtgs")
    issuance.issue(ledger, TREASURY, TREASURY_ISSUE_TYIYN, "demo-issue")
    for ministry in MINISTRIES:
        # The budget allocation: digital som from the Treasury's account to the ministry's.
        allocation = Transfer(
            derive_id("demo-allocation", ministry),
            account_id(TREASURY, Code.GOV_DIGITAL),
            account_id(ministry, Code.GOV_DIGITAL),
            MINISTRY_BUDGET_TYIYN,
            LEDGER_KGS,
            int(TransferCode.DISBURSEMENT),
        )
        chains.run(ledger, [Step(allocation, "budget allocation")])


def _people(ledger: Ledger, rng: random.Random, citizens: int, businesses: int) -> None:
    """Businesses and citizens (new ones only) and their wallets, spread over the banks."""
    store = ledger.store
    rows: list[tuple[Participant, str | None]] = []
    for i in range(businesses):
        category = CATEGORIES[i % len(CATEGORIES)]
        rows.append(
            (
                Participant(f"biz-{i:05d}", Kind.BUSINESS, f"Business {i}", BANKS[i % 3], category),
                None,
            )
        )
    for i in range(citizens):
        rows.append(
            (
                Participant(f"cit-{i:07d}", Kind.CITIZEN, f"Citizen {i}", BANKS[i % 3]),
                _national_id(i),
            )
        )
    known = db.existing_participant_ids(store, [p.id for p, _ in rows])
    db.insert_participants(store, [(p, n) for p, n in rows if p.id not in known])
    for b, bank in enumerate(BANKS):
        specs = [
            WalletSpec(f"w-biz-{i:05d}", f"biz-{i:05d}", "business", f"KG-{bank}-B{i:05d}")
            for i in range(b, businesses, 3)
        ]
        for i in range(b, citizens, 3):
            tier = rng.choices(TIERS, TIER_WEIGHTS)[0]
            linked = rng.randrange(100) < LINKED_SHARE_PERCENT
            reference = f"KG-{bank}-C{i:07d}" if linked else None
            specs.append(WalletSpec(f"w-cit-{i:07d}", f"cit-{i:07d}", tier, reference))
        open_wallets(ledger, bank, specs)


def _payroll(ledger: Ledger, wallets: dict[str, Wallet], summary: Summary) -> None:
    """Payroll day: the Treasury pays civil servants, the ministries teachers and pensions."""
    payers = (TREASURY, *MINISTRIES)
    files: dict[str, list[str]] = {p: ["wallet_id,national_id,amount,reference"] for p in payers}
    rng = random.Random(SEED + 1)
    for n, (wallet_id, wallet) in enumerate(sorted(wallets.items())):
        if not wallet_id.startswith("w-cit-"):
            continue
        cap = get_tier(wallet.tier).holding_max if not wallet.linked else 60_000 * SOM
        amount = min(rng.randrange(12_000, 60_000) * SOM, cap * 8 // 10)
        payer = payers[n % len(payers)]
        index = int(wallet_id[6:])
        if payer == MINISTRIES[0]:
            files[payer].append(f",{_national_id(index)},{amount},PEN-2026-11-{index:07d}")
        else:
            files[payer].append(f"{wallet_id},,{amount},SAL-2026-11-{index:07d}")
    for payer, lines in files.items():
        if len(lines) == 1:
            continue
        purpose = "pension" if payer == MINISTRIES[0] else "payroll"
        content = ("\n".join(lines) + "\n").encode()
        progress, _ = disbursements.upload(ledger, payer, purpose, f"{payer}.csv", content)
        progress = disbursements.run(ledger, progress.disbursement_id)
        summary.counts[f"{purpose} rows paid"] += progress.paid
        summary.amounts[f"{purpose} rows paid"] += progress.paid_amount
        summary.refused[f"{purpose} rows paid"] += progress.refused + progress.invalid


def _business_float(ledger: Ledger, wallets: dict[str, Wallet], summary: Summary) -> None:
    """Each business starts the day with working capital moved in from its bank deposit."""
    for wallet_id, wallet in sorted(wallets.items()):
        if wallet_id.startswith("w-biz-"):
            bank_float = account_id(wallet.bank_id, Code.BANK_DIGITAL)
            op = f"demo-float/{wallet_id}"
            top_up(ledger, op, bank_float, wallet, 200_000 * SOM)
            summary.add("business opening balances", 200_000 * SOM)


def _try(summary: Summary, what: str, action: Callable[..., Receipt], *args: Any) -> None:
    """Count a refused operation instead of stopping the day: refusals are part of the story."""
    try:
        summary.add(what, action(*args).amount)
    except Refused:
        summary.refused[what] += 1


def _pay_qr(ledger: Ledger, request: payment_requests.PaymentRequest, payer: Wallet) -> Receipt:
    """Scan and pay: the payload round-trips through its text form, as a phone would read it."""
    text = payment_requests.payload(request)
    found = payment_requests.resolve(ledger.store, text)
    return payment_requests.pay_request(ledger, found, payer, retry=True)


def _traffic(
    ledger: Ledger, rng: random.Random, wallets: dict[str, Wallet], summary: Summary
) -> None:
    """P2P transfers, QR merchant payments and taxes by a seeded sample of the population."""
    people = sorted(w for w in wallets if w.startswith("w-cit-"))
    shops = sorted(w for w in wallets if w.startswith("w-biz-"))
    for n in range(len(people) * P2P_SHARE_PERCENT // 100):
        payer, payee = rng.sample(people, 2)
        amount = rng.randrange(100, 5_000) * SOM
        payee_wallet = wallets[payee]
        _try(
            summary,
            "P2P payments",
            pay,
            ledger,
            f"demo-p2p/{n}",
            wallets[payer],
            Payee(payee_wallet.account_id, payee_wallet),
            amount,
            TransferCode.P2P,
        )
    for n in range(len(people) * MERCHANT_SHARE_PERCENT // 100):
        payer, shop = rng.choice(people), rng.choice(shops)
        amount = rng.randrange(50, 3_000) * SOM
        request = payment_requests.create(ledger, wallets[shop], amount, f"INV-{n:07d}").request
        _try(summary, "QR merchant payments", _pay_qr, ledger, request, wallets[payer])
    taxpayers = rng.sample(people, len(people) * TAXPAYER_SHARE_PERCENT // 100)
    for n, wallet_id in enumerate([*shops, *taxpayers]):
        business = wallet_id.startswith("w-biz-")
        amount = (rng.randrange(5_000, 50_000) if business else rng.randrange(200, 2_000)) * SOM
        code = "11111100" if business else "11311100"
        reference = f"TAX-2026-{n:07d}"
        _try(
            summary,
            "tax payments",
            taxes.pay_tax,
            ledger,
            reference,
            wallets[wallet_id],
            TREASURY,
            amount,
            code,
        )


def _subsidy(
    ledger: Ledger, rng: random.Random, wallets: dict[str, Wallet], summary: Summary
) -> None:
    """School supplies for a tenth of the citizens, spent at some shops, the rest clawed back."""
    people = sorted(w for w in wallets if w.startswith("w-cit-"))
    chosen = rng.sample(people, max(1, len(people) * SUBSIDY_SHARE_PERCENT // 100))
    budget = len(chosen) * SUBSIDY_GRANT_TYIYN
    programme = subsidies.Programme(
        SUBSIDY_PROGRAMME, MINISTRIES[1], SUBSIDY_CATEGORIES, SUBSIDY_EXPIRES_NS
    )
    subsidies.create_programme(ledger, programme, budget, DAY_NS)
    summary.add("subsidy funded", budget)
    for start in range(0, len(chosen), subsidies.GRANTS_PER_REQUEST_MAX):
        grants = [
            (w, SUBSIDY_GRANT_TYIYN)
            for w in chosen[start : start + subsidies.GRANTS_PER_REQUEST_MAX]
        ]
        summary.add("subsidy granted", subsidies.grant(ledger, SUBSIDY_PROGRAMME, grants, DAY_NS))
    shops = [w for w in sorted(wallets) if w.startswith("w-biz-")]
    eligible = [w for w in shops if _category(w) in SUBSIDY_CATEGORIES] or shops
    for n, wallet_id in enumerate(chosen[: len(chosen) // 2]):
        # Most holders shop where the programme allows; some try elsewhere and are refused.
        shop = rng.choice(eligible if rng.randrange(100) >= WRONG_SHOP_PERCENT else shops)
        amount = rng.randrange(500, 3_000) * SOM
        _try(
            summary,
            "subsidy spent",
            subsidies.spend,
            ledger,
            f"demo-subsidy/{n}",
            SUBSIDY_PROGRAMME,
            wallets[wallet_id],
            shop,
            amount,
            DAY_NS,
        )
    report = subsidies.clawback(ledger, SUBSIDY_EXPIRES_NS, SUBSIDY_PROGRAMME)
    del report  # On a rerun nothing is left to claw back; the total is read from the ledger.
    summary.amounts["subsidy clawed back"] = (
        summary.amounts["subsidy funded"] - (summary.amounts["subsidy spent"])
    )


def run(
    ledger: Ledger,
    citizens: int = CITIZENS_DEFAULT,
    businesses: int = BUSINESSES_DEFAULT,
    seed: int = SEED,
) -> Summary:
    """Seed the country and play one day; safe to run again on the same database."""
    rng = random.Random(seed)
    summary = Summary()
    _institutions(ledger)
    _people(ledger, rng, citizens, businesses)
    store = ledger.store
    ids = [f"w-biz-{i:05d}" for i in range(businesses)]
    ids.extend(f"w-cit-{i:07d}" for i in range(citizens))
    wallets = db.find_wallets(store, ids)
    _business_float(ledger, wallets, summary)
    _payroll(ledger, wallets, summary)
    _traffic(ledger, rng, wallets, summary)
    _subsidy(ledger, rng, wallets, summary)
    for kind in Kind:
        summary.participants[kind.value] = len(db.participants_of_kind(store, kind))
    summary.wallets.update(w.tier for w in wallets.values())
    return summary

"""Purpose-bound subsidies: funding, grants, category and expiry refusals, and the clawback."""

import pytest

from digisom.errors import InvalidInput
from digisom.platform import db, participants, subsidies, wallets
from digisom.platform.accounts import Code, account_id
from digisom.platform.errors import Refused
from digisom.platform.issuance import check_issuance
from digisom.platform.records import Kind, Participant
from digisom.platform.subsidies import Programme
from digisom.platform.tiers import SOM
from digisom.platform.wallets import WalletSpec, open_wallets

from .conftest import World

NOW_NS = 1_800_000_000 * 10**9
EXPIRES_NS = NOW_NS + 30 * 86_400 * 10**9


def _books(world: World) -> None:
    """A second merchant, of a category the programme does not cover."""
    participants.register(
        world.ledger, Participant("books", Kind.BUSINESS, "Books", "bank-a", "school_supplies")
    )
    open_wallets(world.ledger, "bank-a", [WalletSpec("w-books", "books", "business")])


def test_grant_spend_refusals_and_clawback(world: World) -> None:
    ledger = world.ledger
    _books(world)
    treasury = account_id("treasury", Code.GOV_DIGITAL)
    before = wallets.available(ledger, treasury)
    programme = Programme("meds-2026", "treasury", ("pharmacy",), EXPIRES_NS)
    assert subsidies.create_programme(ledger, programme, 1000 * SOM, NOW_NS)
    assert not subsidies.create_programme(ledger, programme, 1000 * SOM, NOW_NS)  # a retry
    assert wallets.available(ledger, treasury) == before - 1000 * SOM
    grants = [("w-alice", 300 * SOM), ("w-bob", 200 * SOM)]
    assert subsidies.grant(ledger, "meds-2026", grants, NOW_NS) == 500 * SOM
    subsidies.grant(ledger, "meds-2026", grants, NOW_NS)  # the same request again: nothing more
    assert subsidies.view(ledger, "meds-2026").pool_balance == 500 * SOM
    with pytest.raises(Refused, match="pool of programme meds-2026 holds less"):
        subsidies.grant(ledger, "meds-2026", [("w-books", 1 * SOM), ("w-shop", 600 * SOM)], NOW_NS)
    assert subsidies.grant_balance(ledger, "meds-2026", "w-books") == 0  # all or nothing
    with pytest.raises(Refused, match="different details"):
        subsidies.grant(ledger, "meds-2026", [("w-alice", 400 * SOM)], NOW_NS)

    alice = db.get_wallet(ledger.store, "w-alice")
    shop_before = wallets.available(ledger, db.get_wallet(ledger.store, "w-shop").account_id)
    receipt = subsidies.spend(ledger, "spend-1", "meds-2026", alice, "w-shop", 100 * SOM, NOW_NS)
    again = subsidies.spend(ledger, "spend-1", "meds-2026", alice, "w-shop", 100 * SOM, NOW_NS)
    assert again.transfer_id == receipt.transfer_id
    shop = db.get_wallet(ledger.store, "w-shop")
    assert wallets.available(ledger, shop.account_id) == shop_before + 100 * SOM
    with pytest.raises(Refused, match=r"books \(school_supplies\) is not a merchant where"):
        subsidies.spend(ledger, "spend-2", "meds-2026", alice, "w-books", 10 * SOM, NOW_NS)
    with pytest.raises(Refused, match=r"grant of wallet w-alice .* is too small"):
        subsidies.spend(ledger, "spend-3", "meds-2026", alice, "w-shop", 201 * SOM, NOW_NS)
    with pytest.raises(Refused, match="has expired"):
        subsidies.spend(ledger, "spend-4", "meds-2026", alice, "w-shop", 1 * SOM, EXPIRES_NS)
    carol = db.get_wallet(ledger.store, "w-carol")
    with pytest.raises(Refused, match="no grant"):
        subsidies.spend(ledger, "spend-5", "meds-2026", carol, "w-shop", 1 * SOM, NOW_NS)
    assert subsidies.grant_balance(ledger, "meds-2026", "w-alice") == 200 * SOM
    assert wallets.available(ledger, alice.account_id) == 0  # the wallet's own money: untouched

    with pytest.raises(Refused, match="has not expired yet"):
        subsidies.clawback(ledger, NOW_NS, "meds-2026")
    assert subsidies.clawback(ledger, NOW_NS).programmes == 0
    with pytest.raises(Refused, match="has expired"):
        subsidies.grant(ledger, "meds-2026", [("w-carol", 1 * SOM)], EXPIRES_NS)
    report = subsidies.clawback(ledger, EXPIRES_NS)
    assert (report.programmes, report.transfers, report.amount) == (1, 3, 900 * SOM)
    assert subsidies.clawback(ledger, EXPIRES_NS + 1).transfers == 0  # the job runs again: no-op
    assert wallets.available(ledger, treasury) == before - 100 * SOM
    assert subsidies.grant_balance(ledger, "meds-2026", "w-bob") == 0
    assert check_issuance(ledger.store).ok


def test_programme_input_is_checked(world: World) -> None:
    ledger = world.ledger
    with pytest.raises(InvalidInput, match="only government"):
        subsidies.create_programme(
            ledger, Programme("p-1", "bank-a", ("pharmacy",), EXPIRES_NS), 100, NOW_NS
        )
    with pytest.raises(InvalidInput, match="category"):
        subsidies.create_programme(
            ledger, Programme("p-1", "treasury", ("Pharmacy!",), EXPIRES_NS), 100, NOW_NS
        )
    with pytest.raises(InvalidInput, match="expire before it starts"):
        subsidies.create_programme(
            ledger, Programme("p-1", "treasury", ("pharmacy",), NOW_NS), 100, NOW_NS
        )
    with pytest.raises(Refused, match="operating account holds too little"):
        subsidies.create_programme(
            ledger, Programme("p-2", "ministry-health", ("pharmacy",), EXPIRES_NS), 100, NOW_NS
        )
    assert subsidies.find_programme(ledger.store, "p-2") is None

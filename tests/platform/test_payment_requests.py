"""Merchant payment requests: the QR payload and its checksum, and payment exactly once, also
when two wallets pay the same request at the same instant from separate connections."""

import threading

import pytest

from digisom.errors import InvalidInput
from digisom.ledger.service import Ledger
from digisom.platform import db, payment_requests, wallets
from digisom.platform.accounts import Code, account_id
from digisom.platform.errors import Refused
from digisom.platform.issuance import check_issuance
from digisom.platform.payment_requests import crc16, parse_payload, payload
from digisom.platform.payments import Receipt, top_up
from digisom.platform.tiers import SOM
from digisom.storage.factory import open_store
from digisom.storage.urls import parse_database_url

from .conftest import World


def _fund(world: World, wallet_id: str, amount: int) -> None:
    wallet = db.get_wallet(world.ledger.store, wallet_id)
    bank_float = account_id(wallet.bank_id, Code.BANK_DIGITAL)
    top_up(world.ledger, f"fund-{wallet_id}", bank_float, wallet, amount)


def test_crc_is_ccitt_false() -> None:
    assert crc16(b"123456789") == 0x29B1  # the standard check value of CRC-16/CCITT-FALSE


def test_payload_round_trip_and_tampering(world: World) -> None:
    shop = db.get_wallet(world.ledger.store, "w-shop")
    status = payment_requests.create(world.ledger, shop, 250 * SOM, "INV-1")
    text = status.payload
    assert text.startswith("digisom:pay?v=1&r=pr-") and len(text) <= 300
    assert parse_payload(text) == status.request
    again = payment_requests.create(world.ledger, shop, 250 * SOM, "INV-1")
    assert again.request.id == status.request.id  # the same merchant and reference
    with pytest.raises(InvalidInput, match="another amount"):
        payment_requests.create(world.ledger, shop, 251 * SOM, "INV-1")
    with pytest.raises(InvalidInput, match="checksum"):
        parse_payload(text.replace(f"a={250 * SOM}", f"a={25 * SOM}"))
    forged = payment_requests.PaymentRequest(status.request.id, "w-shop", 1, "INV-1")
    with pytest.raises(InvalidInput, match="does not match the stored"):
        payment_requests.resolve(world.ledger.store, payload(forged))
    with pytest.raises(InvalidInput, match="not a digisom payment payload"):
        parse_payload("https://example.org/pay")
    alice = db.get_wallet(world.ledger.store, "w-alice")
    with pytest.raises(InvalidInput, match="not a merchant"):
        payment_requests.create(world.ledger, alice, 100, "INV-2")


def test_a_request_is_paid_once(world: World) -> None:
    ledger = world.ledger
    store = ledger.store
    _fund(world, "w-bob", 1000 * SOM)
    shop = db.get_wallet(store, "w-shop")
    request = payment_requests.create(ledger, shop, 250 * SOM, "INV-7").request
    bob = db.get_wallet(store, "w-bob")
    receipt = payment_requests.pay_request(ledger, request, bob)
    assert wallets.available(ledger, shop.account_id) == 250 * SOM
    with pytest.raises(Refused, match="already paid"):
        payment_requests.pay_request(ledger, request, bob)
    retried = payment_requests.pay_request(ledger, request, bob, retry=True)
    assert retried.transfer_id == receipt.transfer_id
    with pytest.raises(Refused, match="already paid"):
        payment_requests.pay_request(ledger, request, db.get_wallet(store, "w-alice"), retry=True)
    assert wallets.available(ledger, shop.account_id) == 250 * SOM
    assert wallets.available(ledger, bob.account_id) == 750 * SOM
    assert payment_requests.status(ledger, request.id).paid_transfer_id == receipt.transfer_id


def test_concurrent_payments_of_one_request_move_money_once(world: World) -> None:
    _fund(world, "w-bob", 1000 * SOM)
    _fund(world, "w-carol", 1000 * SOM)
    shop = db.get_wallet(world.ledger.store, "w-shop")
    request = payment_requests.create(world.ledger, shop, 300 * SOM, "INV-9").request
    barrier = threading.Barrier(2)
    outcomes: list[Receipt | str] = []

    def pay(wallet_id: str) -> None:
        store = open_store(parse_database_url(world.url), migrate=False)
        try:
            ledger = Ledger(store)
            payer = db.get_wallet(store, wallet_id)
            barrier.wait(timeout=10)
            outcomes.append(payment_requests.pay_request(ledger, request, payer))
        except Refused as error:
            outcomes.append(error.message)
        finally:
            store.close()

    threads = [threading.Thread(target=pay, args=(w,)) for w in ("w-bob", "w-carol")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(outcomes) == 2
    assert sum(isinstance(o, Receipt) for o in outcomes) == 1, outcomes
    assert any(isinstance(o, str) and "already paid" in o for o in outcomes), outcomes
    ledger = world.ledger
    assert wallets.available(ledger, shop.account_id) == 300 * SOM
    paid = sum(
        wallets.available(ledger, db.get_wallet(ledger.store, w).account_id)
        for w in ("w-bob", "w-carol")
    )
    assert paid == 2000 * SOM - 300 * SOM
    assert check_issuance(ledger.store).ok

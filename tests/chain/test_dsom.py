"""DSOM: only allow-listed addresses hold or move it; the Treasury pays many in one batch."""

from typing import Any

import pytest

from digisom.benchmarks.chain import (
    TARGET_GAS_PER_EXISTING_RECIPIENT,
    TARGET_GAS_PER_NEW_RECIPIENT,
    measure_payout_gas,
)
from digisom.chain.keys import ANVIL_DEV_KEY
from digisom.chain.payouts import PAYOUT_AMOUNT_MAX, pack_payouts
from digisom.errors import InvalidInput
from tests.chain.support import Chain

ZERO = "0x0000000000000000000000000000000000000000"
TREASURY_FUNDS = 1_000_000_00  # one million som, in tyiyn
BATCH_MAX = 2000


@pytest.fixture
def dsom(chain: Chain, dsom_contract: Any, accounts: dict[str, str]) -> Any:
    """DSOM with admin (the Treasury here), alice and bob allow-listed; the Treasury funded."""
    admin = accounts["admin"]
    allowed = [admin, accounts["alice"], accounts["bob"]]
    chain.send(dsom_contract.functions.allow(allowed), admin)
    chain.send(dsom_contract.functions.mint(admin, TREASURY_FUNDS), admin)
    return dsom_contract


def test_metadata_and_roles(dsom: Any, accounts: dict[str, str]) -> None:
    assert dsom.functions.name().call() == "Digital Som"
    assert dsom.functions.symbol().call() == "DSOM"
    assert dsom.functions.decimals().call() == 2
    assert dsom.functions.totalSupply().call() == TREASURY_FUNDS
    for role in ("owner", "issuer", "registrar", "pauser"):
        assert getattr(dsom.functions, role)().call() == accounts["admin"]


def test_batch_payout_pays_everyone(chain: Chain, dsom: Any, accounts: dict[str, str]) -> None:
    admin, alice, bob = accounts["admin"], accounts["alice"], accounts["bob"]
    words = pack_payouts([(alice, 150_00), (bob, 275_50), (alice, 1)])
    receipt = chain.send(dsom.functions.batchPayout(words), admin)
    assert dsom.functions.balanceOf(alice).call() == 150_01
    assert dsom.functions.balanceOf(bob).call() == 275_50
    assert dsom.functions.balanceOf(admin).call() == TREASURY_FUNDS - 425_51
    transfers = chain.events(dsom, "Transfer", receipt)
    assert [(t.args.to, t.args.value) for t in transfers] == [
        (alice, 150_00),
        (bob, 275_50),
        (alice, 1),
    ]
    (summary,) = chain.events(dsom, "BatchPayout", receipt)
    assert (summary.args.recipients, summary.args.total) == (3, 425_51)


def test_batch_payout_to_the_payer_itself(
    chain: Chain, dsom: Any, accounts: dict[str, str]
) -> None:
    admin = accounts["admin"]
    chain.send(dsom.functions.batchPayout(pack_payouts([(admin, 5), (admin, 7)])), admin)
    assert dsom.functions.balanceOf(admin).call() == TREASURY_FUNDS


def test_batch_payout_is_all_or_nothing(chain: Chain, dsom: Any, accounts: dict[str, str]) -> None:
    admin, alice, carol = accounts["admin"], accounts["alice"], accounts["carol"]
    words = pack_payouts([(alice, 1), (carol, 1)])
    chain.reverts(dsom, "RecipientNotAllowed", dsom.functions.batchPayout(words), admin, 1, carol)
    assert dsom.functions.balanceOf(alice).call() == 0
    zero_amount = [
        (1 << 160 | int(alice, 16)).to_bytes(32, "big"),
        (int(alice, 16)).to_bytes(32, "big"),
    ]
    chain.reverts(dsom, "PayoutAmountZero", dsom.functions.batchPayout(zero_amount), admin, 1)
    too_much = pack_payouts([(alice, TREASURY_FUNDS), (alice, 1)])
    chain.reverts(
        dsom,
        "ERC20InsufficientBalance",
        dsom.functions.batchPayout(too_much),
        admin,
        admin,
        TREASURY_FUNDS,
        TREASURY_FUNDS + 1,
    )


def test_batch_payout_size_limits(chain: Chain, dsom: Any, accounts: dict[str, str]) -> None:
    admin, alice = accounts["admin"], accounts["alice"]
    assert dsom.functions.BATCH_PAYOUT_MAX().call() == BATCH_MAX
    chain.reverts(dsom, "BatchSizeInvalid", dsom.functions.batchPayout([]), admin, 0, BATCH_MAX)
    word = pack_payouts([(alice, 1)])[0]
    oversized = dsom.functions.batchPayout([word] * (BATCH_MAX + 1))
    chain.reverts(dsom, "BatchSizeInvalid", oversized, admin, BATCH_MAX + 1, BATCH_MAX)


def test_batch_payout_needs_an_allowed_payer(
    chain: Chain, dsom: Any, accounts: dict[str, str]
) -> None:
    alice, carol = accounts["alice"], accounts["carol"]
    words = pack_payouts([(alice, 1)])
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.batchPayout(words), carol, carol)


def test_pack_payouts_refuses_what_the_contract_would() -> None:
    alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
    with pytest.raises(InvalidInput):
        pack_payouts([])
    with pytest.raises(InvalidInput):
        pack_payouts([(alice, 0)])
    with pytest.raises(InvalidInput):
        pack_payouts([(alice, PAYOUT_AMOUNT_MAX + 1)])
    with pytest.raises(InvalidInput):
        pack_payouts([("not-an-address", 1)])
    with pytest.raises(InvalidInput):
        pack_payouts([(alice, 1.5)])  # type: ignore[list-item]
    (word,) = pack_payouts([(alice, PAYOUT_AMOUNT_MAX)])
    assert word.hex() == "ff" * 12 + alice[2:].lower()


def test_only_allowed_addresses_hold_or_move(
    chain: Chain, dsom: Any, accounts: dict[str, str]
) -> None:
    admin, alice, bob, carol = (accounts[n] for n in ("admin", "alice", "bob", "carol"))
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.mint(carol, 1), admin, carol)
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.transfer(carol, 1), admin, carol)
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.transfer(admin, 0), carol, carol)
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.approve(carol, 1), admin, carol)
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.approve(alice, 1), carol, carol)
    chain.send(dsom.functions.approve(bob, 10), admin)
    chain.reverts(
        dsom, "AccountNotAllowed", dsom.functions.transferFrom(admin, carol, 1), bob, carol
    )
    chain.send(dsom.functions.transferFrom(admin, alice, 4), bob)
    assert dsom.functions.allowance(admin, bob).call() == 6
    assert dsom.functions.balanceOf(alice).call() == 4


def test_removal_freezes_a_balance_and_readmission_thaws_it(
    chain: Chain, dsom: Any, accounts: dict[str, str]
) -> None:
    admin, alice, bob = accounts["admin"], accounts["alice"], accounts["bob"]
    chain.send(dsom.functions.transfer(alice, 100), admin)
    chain.send(dsom.functions.approve(alice, 5), bob)
    receipt = chain.send(dsom.functions.disallow([alice]), admin)
    assert len(chain.events(dsom, "Disallowed", receipt)) == 1
    assert dsom.functions.isAllowed(alice).call() is False
    assert dsom.functions.balanceOf(alice).call() == 100
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.transfer(bob, 1), alice, alice)
    chain.reverts(dsom, "AccountNotAllowed", dsom.functions.transfer(alice, 1), bob, alice)
    chain.reverts(
        dsom, "AccountNotAllowed", dsom.functions.transferFrom(bob, admin, 1), alice, alice
    )
    chain.send(dsom.functions.allow([alice]), admin)
    chain.send(dsom.functions.transfer(bob, 100), alice)
    assert dsom.functions.balanceOf(bob).call() == 100


def test_issuer_mints_and_burns(chain: Chain, dsom: Any, accounts: dict[str, str]) -> None:
    admin, alice = accounts["admin"], accounts["alice"]
    chain.send(dsom.functions.burn(TREASURY_FUNDS - 1), admin)
    assert dsom.functions.totalSupply().call() == 1
    chain.reverts(dsom, "ERC20InsufficientBalance", dsom.functions.burn(2), admin, admin, 1, 2)
    chain.reverts(dsom, "ZeroAmount", dsom.functions.burn(0), admin)
    chain.reverts(dsom, "ZeroAmount", dsom.functions.mint(alice, 0), admin)
    chain.reverts(dsom, "CallerNotIssuer", dsom.functions.mint(alice, 1), alice, alice)
    chain.reverts(dsom, "CallerNotIssuer", dsom.functions.burn(1), alice, alice)


def test_pause_stops_every_movement(chain: Chain, dsom: Any, accounts: dict[str, str]) -> None:
    admin, alice = accounts["admin"], accounts["alice"]
    chain.send(dsom.functions.approve(alice, 5), admin)
    chain.send(dsom.functions.pause(), admin)
    refused = [
        (dsom.functions.transfer(alice, 1), admin),
        (dsom.functions.transferFrom(admin, alice, 1), alice),
        (dsom.functions.approve(alice, 1), admin),
        (dsom.functions.batchPayout(pack_payouts([(alice, 1)])), admin),
        (dsom.functions.mint(alice, 1), admin),
        (dsom.functions.burn(1), admin),
    ]
    for call, sender in refused:
        chain.reverts(dsom, "TokenPaused", call, sender)
    chain.send(dsom.functions.unpause(), admin)
    chain.send(dsom.functions.transfer(alice, 1), admin)


@pytest.mark.parametrize(
    ("update", "getter", "event"),
    [
        ("updateIssuer", "issuer", "IssuerChanged"),
        ("updateRegistrar", "registrar", "RegistrarChanged"),
        ("updatePauser", "pauser", "PauserChanged"),
    ],
)
def test_owner_appoints_roles(
    chain: Chain, dsom: Any, accounts: dict[str, str], update: str, getter: str, event: str
) -> None:
    admin, carol = accounts["admin"], accounts["carol"]
    receipt = chain.send(getattr(dsom.functions, update)(carol), admin)
    assert getattr(dsom.functions, getter)().call() == carol
    assert len(chain.events(dsom, event, receipt)) == 1
    chain.reverts(dsom, "ZeroAddress", getattr(dsom.functions, update)(ZERO), admin)
    chain.reverts(
        dsom, "OwnableUnauthorizedAccount", getattr(dsom.functions, update)(admin), carol, carol
    )


def test_role_functions_refuse_everyone_else(
    chain: Chain, dsom: Any, accounts: dict[str, str]
) -> None:
    carol = accounts["carol"]
    chain.reverts(dsom, "CallerNotRegistrar", dsom.functions.allow([carol]), carol, carol)
    chain.reverts(dsom, "CallerNotRegistrar", dsom.functions.disallow([carol]), carol, carol)
    chain.reverts(dsom, "CallerNotPauser", dsom.functions.pause(), carol, carol)
    chain.reverts(dsom, "CallerNotPauser", dsom.functions.unpause(), carol, carol)
    chain.reverts(
        dsom, "RenounceOwnershipDisabled", dsom.functions.renounceOwnership(), accounts["admin"]
    )
    chain.reverts(dsom, "ZeroAddress", dsom.functions.allow([ZERO]), accounts["admin"])


def test_batch_payout_gas_meets_the_targets(chain: Chain) -> None:
    """The figures in docs/chain.md: 1,000 recipients, measured on this very anvil."""
    from eth_account import Account

    report = measure_payout_gas(chain.w3, Account.from_key(ANVIL_DEV_KEY), 1000)
    existing = report["dsom_batch_payout"]["existing_holders"]["gas_per_recipient"]
    new = report["dsom_batch_payout"]["new_holders"]["gas_per_recipient"]
    assert existing <= TARGET_GAS_PER_EXISTING_RECIPIENT
    assert new <= TARGET_GAS_PER_NEW_RECIPIENT
    assert report["within_targets"] is True

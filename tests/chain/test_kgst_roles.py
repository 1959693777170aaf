"""KGST: every role can do its job, and nobody else can."""

from typing import Any

import pytest

from tests.chain.support import STARTING_BALANCE, UNIT, Chain

ZERO = "0x0000000000000000000000000000000000000000"

# (update function, getter, event)
ROLE_UPDATES = [
    ("updateMasterMinter", "masterMinter", "MasterMinterChanged"),
    ("updatePauser", "pauser", "PauserChanged"),
    ("updateBlacklister", "blacklister", "BlacklisterChanged"),
    ("updateRescuer", "rescuer", "RescuerChanged"),
    ("updateReserveReporter", "reserveReporter", "ReserveReporterChanged"),
]


@pytest.mark.parametrize(("update", "getter", "event"), ROLE_UPDATES)
def test_owner_appoints_roles(
    chain: Chain, kgst: Any, accounts: dict[str, str], update: str, getter: str, event: str
) -> None:
    admin, carol = accounts["admin"], accounts["carol"]
    receipt = chain.send(getattr(kgst.functions, update)(carol), admin)
    assert getattr(kgst.functions, getter)().call() == carol
    assert len(chain.events(kgst, event, receipt)) == 1
    chain.reverts(kgst, "ZeroAddress", getattr(kgst.functions, update)(ZERO), admin)
    chain.reverts(
        kgst, "OwnableUnauthorizedAccount", getattr(kgst.functions, update)(carol), carol, carol
    )


def test_owner_transfers_ownership_but_cannot_renounce(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, carol = accounts["admin"], accounts["carol"]
    chain.reverts(kgst, "RenounceOwnershipDisabled", kgst.functions.renounceOwnership(), admin)
    chain.send(kgst.functions.transferOwnership(carol), admin)
    assert kgst.functions.owner().call() == carol
    chain.reverts(
        kgst, "OwnableUnauthorizedAccount", kgst.functions.transferOwnership(admin), admin, admin
    )


def test_updated_role_takes_effect(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin, carol = accounts["admin"], accounts["carol"]
    chain.send(kgst.functions.updatePauser(carol), admin)
    chain.reverts(kgst, "CallerNotPauser", kgst.functions.pause(), admin, admin)
    chain.send(kgst.functions.pause(), carol)
    assert kgst.functions.paused().call() is True


@pytest.mark.parametrize(
    ("error", "make_call"),
    [
        ("CallerNotMasterMinter", lambda k, a: k.functions.configureMinter(a, 1)),
        ("CallerNotMasterMinter", lambda k, a: k.functions.removeMinter(a)),
        ("CallerNotMasterMinter", lambda k, a: k.functions.configureMinterRateLimit(a, 1, 1)),
        ("CallerNotPauser", lambda k, a: k.functions.pause()),
        ("CallerNotPauser", lambda k, a: k.functions.unpause()),
        ("CallerNotBlacklister", lambda k, a: k.functions.blacklist(a)),
        ("CallerNotBlacklister", lambda k, a: k.functions.unBlacklist(a)),
        ("CallerNotRescuer", lambda k, a: k.functions.rescueERC20(k.address, a, 1)),
        ("CallerNotReserveReporter", lambda k, a: k.functions.reportReserves(1)),
        ("CallerNotMinter", lambda k, a: k.functions.mint(a, 1)),
        ("CallerNotMinter", lambda k, a: k.functions.burn(1)),
        ("OwnableUnauthorizedAccount", lambda k, a: k.functions.seize(a, a, b"\x00" * 32)),
        ("OwnableUnauthorizedAccount", lambda k, a: k.functions.updateReserveMaxAge(60)),
    ],
)
def test_role_functions_refuse_everyone_else(
    chain: Chain, kgst: Any, accounts: dict[str, str], error: str, make_call: Any
) -> None:
    carol = accounts["carol"]
    chain.reverts(kgst, error, make_call(kgst, carol), carol, carol)


def test_rescuer_returns_tokens_sent_to_the_contract(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, alice, bob = accounts["admin"], accounts["alice"], accounts["bob"]
    chain.send(kgst.functions.transfer(kgst.address, 5 * UNIT), alice)
    chain.send(kgst.functions.rescueERC20(kgst.address, bob, 5 * UNIT), admin)
    assert kgst.functions.balanceOf(kgst.address).call() == 0
    assert kgst.functions.balanceOf(bob).call() == STARTING_BALANCE + 5 * UNIT


def test_allowances(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    alice, bob, carol = accounts["alice"], accounts["bob"], accounts["carol"]
    chain.send(kgst.functions.approve(bob, 10 * UNIT), alice)
    chain.send(kgst.functions.increaseAllowance(bob, 5 * UNIT), alice)
    chain.send(kgst.functions.decreaseAllowance(bob, 3 * UNIT), alice)
    assert kgst.functions.allowance(alice, bob).call() == 12 * UNIT
    chain.reverts(
        kgst,
        "AllowanceBelowZero",
        kgst.functions.decreaseAllowance(bob, 13 * UNIT),
        alice,
        12 * UNIT,
        13 * UNIT,
    )
    chain.send(kgst.functions.transferFrom(alice, carol, 12 * UNIT), bob)
    assert kgst.functions.allowance(alice, bob).call() == 0
    assert kgst.functions.balanceOf(carol).call() == 12 * UNIT
    chain.reverts(
        kgst,
        "ERC20InsufficientAllowance",
        kgst.functions.transferFrom(alice, carol, 1),
        bob,
        bob,
        0,
        1,
    )


def test_transfer_beyond_balance_refused(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    alice, bob = accounts["alice"], accounts["bob"]
    chain.reverts(
        kgst,
        "ERC20InsufficientBalance",
        kgst.functions.transfer(bob, STARTING_BALANCE + 1),
        alice,
        alice,
        STARTING_BALANCE,
        STARTING_BALANCE + 1,
    )


def test_pause_stops_everything_that_moves_or_approves(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, alice, bob, minter = (accounts[n] for n in ("admin", "alice", "bob", "minter"))
    chain.send(kgst.functions.approve(bob, UNIT), alice)
    receipt = chain.send(kgst.functions.pause(), admin)
    assert len(chain.events(kgst, "Pause", receipt)) == 1
    refused = [
        (kgst.functions.transfer(bob, 1), alice),
        (kgst.functions.transferFrom(alice, bob, 1), bob),
        (kgst.functions.approve(bob, 1), alice),
        (kgst.functions.increaseAllowance(bob, 1), alice),
        (kgst.functions.mint(bob, 1), minter),
        (kgst.functions.burn(1), minter),
        (kgst.functions.configureMinter(bob, 1), admin),
    ]
    for call, sender in refused:
        chain.reverts(kgst, "TokenPaused", call, sender)
    receipt = chain.send(kgst.functions.unpause(), admin)
    assert len(chain.events(kgst, "Unpause", receipt)) == 1
    chain.send(kgst.functions.transfer(bob, 1), alice)

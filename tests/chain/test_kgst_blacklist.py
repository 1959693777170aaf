"""KGST blacklist: a blacklisted address can neither send, receive, approve, be approved, spend an
allowance, nor use a signature; checked one entry point at a time."""

import os
from collections.abc import Callable
from typing import Any

import pytest

from tests.chain.support import (
    CANCEL_VRS,
    PERMIT_VRS,
    RWA_VRS,
    TWA_VRS,
    UNIT,
    Chain,
    call,
    dev_account,
    sign_typed,
    vrs,
)

HOUR_S = 3600
ALICE_INDEX, MALLORY_INDEX = 1, 7
Case = Callable[[Any, Chain, dict[str, str]], tuple[Any, str]]


def _permit(kgst: Any, chain: Chain, owner: Any, spender: str) -> Any:
    deadline = chain.now() + HOUR_S
    message = {
        "owner": owner.address,
        "spender": spender,
        "value": UNIT,
        "nonce": kgst.functions.nonces(owner.address).call(),
        "deadline": deadline,
    }
    signed = sign_typed(kgst, owner, "Permit", message)
    return call(kgst, PERMIT_VRS, owner.address, spender, UNIT, deadline, *vrs(signed))


def _authorized(kgst: Any, chain: Chain, kind: str, payer: Any, to: str) -> Any:
    nonce, valid_before = os.urandom(32), chain.now() + HOUR_S
    message = {
        "from": payer.address,
        "to": to,
        "value": UNIT,
        "validAfter": 0,
        "validBefore": valid_before,
        "nonce": nonce,
    }
    signed = sign_typed(kgst, payer, kind, message)
    signature = "transferWithAuthorization" if kind.startswith("Transfer") else "receive"
    function = TWA_VRS if signature == "transferWithAuthorization" else RWA_VRS
    args = (payer.address, to, UNIT, 0, valid_before, nonce, *vrs(signed))
    return call(kgst, function, *args)


# Each case returns (call, sender); mallory is blacklisted just before the call is sent, after
# any approvals the case needs were made while she was still in good standing.
CASES: dict[str, Case] = {
    "transfer from": lambda k, c, a: (k.functions.transfer(a["bob"], 1), a["mallory"]),
    "transfer to": lambda k, c, a: (k.functions.transfer(a["mallory"], 1), a["alice"]),
    "transferFrom as spender": lambda k, c, a: (
        k.functions.transferFrom(a["alice"], a["bob"], 1),
        a["mallory"],
    ),
    "transferFrom from": lambda k, c, a: (
        k.functions.transferFrom(a["mallory"], a["carol"], 1),
        a["bob"],
    ),
    "transferFrom to": lambda k, c, a: (
        k.functions.transferFrom(a["alice"], a["mallory"], 1),
        a["bob"],
    ),
    "approve as owner": lambda k, c, a: (k.functions.approve(a["bob"], 1), a["mallory"]),
    "approve as spender": lambda k, c, a: (k.functions.approve(a["mallory"], 1), a["alice"]),
    "increaseAllowance spender": lambda k, c, a: (
        k.functions.increaseAllowance(a["mallory"], 1),
        a["alice"],
    ),
    "permit owner": lambda k, c, a: (_permit(k, c, dev_account(MALLORY_INDEX), a["bob"]), a["bob"]),
    "permit spender": lambda k, c, a: (
        _permit(k, c, dev_account(ALICE_INDEX), a["mallory"]),
        a["alice"],
    ),
    "permit relayer": lambda k, c, a: (
        _permit(k, c, dev_account(ALICE_INDEX), a["bob"]),
        a["mallory"],
    ),
    "transferWithAuthorization from": lambda k, c, a: (
        _authorized(k, c, "TransferWithAuthorization", dev_account(MALLORY_INDEX), a["bob"]),
        a["relayer"],
    ),
    "transferWithAuthorization to": lambda k, c, a: (
        _authorized(k, c, "TransferWithAuthorization", dev_account(ALICE_INDEX), a["mallory"]),
        a["relayer"],
    ),
    "transferWithAuthorization relayer": lambda k, c, a: (
        _authorized(k, c, "TransferWithAuthorization", dev_account(ALICE_INDEX), a["bob"]),
        a["mallory"],
    ),
    "receiveWithAuthorization from": lambda k, c, a: (
        _authorized(k, c, "ReceiveWithAuthorization", dev_account(MALLORY_INDEX), a["bob"]),
        a["bob"],
    ),
    "receiveWithAuthorization to": lambda k, c, a: (
        _authorized(k, c, "ReceiveWithAuthorization", dev_account(ALICE_INDEX), a["mallory"]),
        a["mallory"],
    ),
    "cancelAuthorization authorizer": lambda k, c, a: (
        call(
            k,
            CANCEL_VRS,
            a["mallory"],
            b"\x01" * 32,
            *vrs(
                sign_typed(
                    k,
                    dev_account(MALLORY_INDEX),
                    "CancelAuthorization",
                    {"authorizer": a["mallory"], "nonce": b"\x01" * 32},
                )
            ),
        ),
        a["bob"],
    ),
    "mint to": lambda k, c, a: (k.functions.mint(a["mallory"], 1), a["minter"]),
    "mint by minter": lambda k, c, a: (k.functions.mint(a["bob"], 1), a["mallory"]),
    "burn by minter": lambda k, c, a: (k.functions.burn(1), a["mallory"]),
}


def _prepare(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    """Allowances and roles that let each case get as far as the blacklist check."""
    admin, alice, bob, mallory = (accounts[n] for n in ("admin", "alice", "bob", "mallory"))
    chain.send(kgst.functions.approve(mallory, 10 * UNIT), alice)
    chain.send(kgst.functions.approve(bob, 10 * UNIT), alice)
    chain.send(kgst.functions.approve(bob, 10 * UNIT), mallory)
    chain.send(kgst.functions.configureMinter(mallory, 10 * UNIT), admin)


@pytest.mark.parametrize("case", list(CASES))
def test_blacklisted_address_is_refused(
    chain: Chain, kgst: Any, accounts: dict[str, str], case: str
) -> None:
    _prepare(chain, kgst, accounts)
    blocked_call, sender = CASES[case](kgst, chain, accounts)
    mallory = accounts["mallory"]
    receipt = chain.send(kgst.functions.blacklist(mallory), accounts["admin"])
    assert len(chain.events(kgst, "Blacklisted", receipt)) == 1
    assert kgst.functions.isBlacklisted(mallory).call() is True
    chain.reverts(kgst, "AccountBlacklisted", blocked_call, sender, mallory)


@pytest.mark.parametrize("case", ["transfer from", "transferFrom as spender", "approve as owner"])
def test_unblacklisting_restores(
    chain: Chain, kgst: Any, accounts: dict[str, str], case: str
) -> None:
    _prepare(chain, kgst, accounts)
    admin, mallory = accounts["admin"], accounts["mallory"]
    chain.send(kgst.functions.blacklist(mallory), admin)
    receipt = chain.send(kgst.functions.unBlacklist(mallory), admin)
    assert len(chain.events(kgst, "UnBlacklisted", receipt)) == 1
    allowed_call, sender = CASES[case](kgst, chain, accounts)
    chain.send(allowed_call, sender)

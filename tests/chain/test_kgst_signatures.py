"""KGST signatures: EIP-2612 permit and EIP-3009 authorizations, signed with eth_account."""

import os
from typing import Any

from eth_abi import encode
from web3 import Web3

from tests.chain.support import (
    CANCEL_BYTES,
    CANCEL_VRS,
    PERMIT_BYTES,
    PERMIT_VRS,
    RWA_VRS,
    STARTING_BALANCE,
    TWA_BYTES,
    TWA_VRS,
    UNIT,
    Chain,
    call,
    dev_account,
    sign_typed,
    vrs,
)

HOUR_S = 3600
ALICE_INDEX, BOB_INDEX = 1, 2


def _permit(kgst: Any, owner: Any, spender: str, value: int, deadline: int) -> Any:
    nonce = kgst.functions.nonces(owner.address).call()
    message = {
        "owner": owner.address,
        "spender": spender,
        "value": value,
        "nonce": nonce,
        "deadline": deadline,
    }
    return sign_typed(kgst, owner, "Permit", message)


def _authorization(
    kgst: Any, kind: str, payer: Any, to: str, value: int, window: tuple[int, int], nonce: bytes
) -> Any:
    message = {
        "from": payer.address,
        "to": to,
        "value": value,
        "validAfter": window[0],
        "validBefore": window[1],
        "nonce": nonce,
    }
    return sign_typed(kgst, payer, kind, message)


def test_domain_separator_follows_the_chain_id(chain: Chain, kgst: Any) -> None:
    def expected(chain_id: int) -> bytes:
        type_hash = Web3.keccak(
            text="EIP712Domain(string name,string version,uint256 chainId,"
            "address verifyingContract)"
        )
        fields = (
            type_hash,
            Web3.keccak(text="Kyrgyz Som Stablecoin"),
            Web3.keccak(text="1"),
            chain_id,
            kgst.address,
        )
        return Web3.keccak(encode(["bytes32", "bytes32", "bytes32", "uint256", "address"], fields))

    assert kgst.functions.DOMAIN_SEPARATOR().call() == expected(31337)
    chain.w3.provider.make_request("anvil_setChainId", [56])
    try:
        assert kgst.functions.DOMAIN_SEPARATOR().call() == expected(56)
    finally:
        chain.w3.provider.make_request("anvil_setChainId", [31337])
    assert kgst.functions.DOMAIN_SEPARATOR().call() == expected(31337)


def test_permit_sets_allowance_once(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    alice, bob, relayer = dev_account(ALICE_INDEX), accounts["bob"], accounts["relayer"]
    deadline = chain.now() + HOUR_S
    signed = _permit(kgst, alice, bob, 5 * UNIT, deadline)
    args = (alice.address, bob, 5 * UNIT, deadline, *vrs(signed))
    chain.send(call(kgst, PERMIT_VRS, *args), relayer)
    assert kgst.functions.allowance(alice.address, bob).call() == 5 * UNIT
    assert kgst.functions.nonces(alice.address).call() == 1
    chain.reverts(kgst, "InvalidSignature", call(kgst, PERMIT_VRS, *args), relayer)  # replay


def test_permit_with_packed_signature(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    alice, bob = dev_account(ALICE_INDEX), accounts["bob"]
    deadline = chain.now() + HOUR_S
    signed = _permit(kgst, alice, bob, UNIT, deadline)
    args = (alice.address, bob, UNIT, deadline, signed.signature)
    chain.send(call(kgst, PERMIT_BYTES, *args), bob)
    assert kgst.functions.allowance(alice.address, bob).call() == UNIT


def test_permit_refuses_expired_and_forged(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    alice, bob = dev_account(ALICE_INDEX), dev_account(BOB_INDEX)
    deadline = chain.now() + 10
    signed = _permit(kgst, alice, bob.address, UNIT, deadline)
    chain.travel(11)
    args = (alice.address, bob.address, UNIT, deadline, *vrs(signed))
    chain.reverts(kgst, "PermitExpired", call(kgst, PERMIT_VRS, *args), bob.address, deadline)
    deadline = chain.now() + HOUR_S
    forged = _permit(kgst, bob, bob.address, UNIT, deadline)  # bob signs for alice's tokens
    args = (alice.address, bob.address, UNIT, deadline, *vrs(forged))
    chain.reverts(kgst, "InvalidSignature", call(kgst, PERMIT_VRS, *args), bob.address)
    signed = _permit(kgst, alice, bob.address, UNIT, deadline)
    args = (alice.address, bob.address, 2 * UNIT, deadline, *vrs(signed))  # value changed
    chain.reverts(kgst, "InvalidSignature", call(kgst, PERMIT_VRS, *args), bob.address)


def test_transfer_with_authorization(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    alice, carol, relayer = dev_account(ALICE_INDEX), accounts["carol"], accounts["relayer"]
    nonce = os.urandom(32)
    window = (0, chain.now() + HOUR_S)
    signed = _authorization(
        kgst, "TransferWithAuthorization", alice, carol, 3 * UNIT, window, nonce
    )
    args = (alice.address, carol, 3 * UNIT, *window, nonce, *vrs(signed))
    assert kgst.functions.authorizationState(alice.address, nonce).call() is False
    receipt = chain.send(call(kgst, TWA_VRS, *args), relayer)
    assert len(chain.events(kgst, "AuthorizationUsed", receipt)) == 1
    assert kgst.functions.authorizationState(alice.address, nonce).call() is True
    assert kgst.functions.balanceOf(carol).call() == 3 * UNIT
    chain.reverts(
        kgst,
        "AuthorizationAlreadyUsed",
        call(kgst, TWA_VRS, *args),
        relayer,
        alice.address,
        nonce,
    )


def test_transfer_with_authorization_packed_signature(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    alice, carol = dev_account(ALICE_INDEX), accounts["carol"]
    nonce, window = os.urandom(32), (0, chain.now() + HOUR_S)
    signed = _authorization(kgst, "TransferWithAuthorization", alice, carol, UNIT, window, nonce)
    args = (alice.address, carol, UNIT, *window, nonce, signed.signature)
    chain.send(call(kgst, TWA_BYTES, *args), carol)
    assert kgst.functions.balanceOf(carol).call() == UNIT


def test_authorization_window(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    alice, carol = dev_account(ALICE_INDEX), accounts["carol"]
    now = chain.now()
    nonce = os.urandom(32)
    window = (now + HOUR_S, now + 2 * HOUR_S)
    signed = _authorization(kgst, "TransferWithAuthorization", alice, carol, UNIT, window, nonce)
    args = (alice.address, carol, UNIT, *window, nonce, *vrs(signed))
    chain.reverts(kgst, "AuthorizationNotYetValid", call(kgst, TWA_VRS, *args), carol, window[0])
    chain.travel(2 * HOUR_S)
    chain.reverts(kgst, "AuthorizationExpired", call(kgst, TWA_VRS, *args), carol, window[1])


def test_authorization_refuses_a_wrong_signer(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    alice, bob, carol = dev_account(ALICE_INDEX), dev_account(BOB_INDEX), accounts["carol"]
    nonce, window = os.urandom(32), (0, chain.now() + HOUR_S)
    signed = _authorization(kgst, "TransferWithAuthorization", bob, carol, UNIT, window, nonce)
    args = (alice.address, carol, UNIT, *window, nonce, *vrs(signed))
    chain.reverts(kgst, "InvalidSignature", call(kgst, TWA_VRS, *args), carol)
    # A receive authorization is not a transfer authorization (type hashes differ).
    signed = _authorization(kgst, "ReceiveWithAuthorization", alice, carol, UNIT, window, nonce)
    args = (alice.address, carol, UNIT, *window, nonce, *vrs(signed))
    chain.reverts(kgst, "InvalidSignature", call(kgst, TWA_VRS, *args), carol)


def test_receive_with_authorization_only_by_the_payee(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    alice, carol, relayer = dev_account(ALICE_INDEX), accounts["carol"], accounts["relayer"]
    nonce, window = os.urandom(32), (0, chain.now() + HOUR_S)
    signed = _authorization(kgst, "ReceiveWithAuthorization", alice, carol, UNIT, window, nonce)
    args = (alice.address, carol, UNIT, *window, nonce, *vrs(signed))
    chain.reverts(kgst, "CallerNotPayee", call(kgst, RWA_VRS, *args), relayer, relayer, carol)
    chain.send(call(kgst, RWA_VRS, *args), carol)
    assert kgst.functions.balanceOf(carol).call() == UNIT
    assert kgst.functions.balanceOf(alice.address).call() == STARTING_BALANCE - UNIT
    chain.reverts(kgst, "AuthorizationAlreadyUsed", call(kgst, RWA_VRS, *args), carol)


def test_cancel_authorization(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    alice, carol = dev_account(ALICE_INDEX), accounts["carol"]
    nonce, window = os.urandom(32), (0, chain.now() + HOUR_S)
    signed = _authorization(kgst, "TransferWithAuthorization", alice, carol, UNIT, window, nonce)
    cancel = sign_typed(
        kgst, alice, "CancelAuthorization", {"authorizer": alice.address, "nonce": nonce}
    )
    receipt = chain.send(call(kgst, CANCEL_VRS, alice.address, nonce, *vrs(cancel)), carol)
    assert len(chain.events(kgst, "AuthorizationCanceled", receipt)) == 1
    args = (alice.address, carol, UNIT, *window, nonce, *vrs(signed))
    chain.reverts(kgst, "AuthorizationAlreadyUsed", call(kgst, TWA_VRS, *args), carol)
    again = call(kgst, CANCEL_BYTES, alice.address, nonce, cancel.signature)
    chain.reverts(kgst, "AuthorizationAlreadyUsed", again, carol)


def test_cancel_needs_the_authorizers_signature(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    alice, bob = dev_account(ALICE_INDEX), dev_account(BOB_INDEX)
    nonce = os.urandom(32)
    forged = sign_typed(
        kgst, bob, "CancelAuthorization", {"authorizer": alice.address, "nonce": nonce}
    )
    forged_cancel = call(kgst, CANCEL_VRS, alice.address, nonce, *vrs(forged))
    chain.reverts(kgst, "InvalidSignature", forged_cancel, bob.address)


def test_pause_stops_signatures(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin, carol = accounts["admin"], accounts["carol"]
    alice = dev_account(ALICE_INDEX)
    deadline = chain.now() + HOUR_S
    permit = _permit(kgst, alice, carol, UNIT, deadline)
    nonce, window = os.urandom(32), (0, deadline)
    auth = _authorization(kgst, "TransferWithAuthorization", alice, carol, UNIT, window, nonce)
    cancel = sign_typed(
        kgst, alice, "CancelAuthorization", {"authorizer": alice.address, "nonce": nonce}
    )
    chain.send(kgst.functions.pause(), admin)
    calls = [
        call(kgst, PERMIT_VRS, alice.address, carol, UNIT, deadline, *vrs(permit)),
        call(kgst, TWA_VRS, alice.address, carol, UNIT, *window, nonce, *vrs(auth)),
        call(kgst, CANCEL_VRS, alice.address, nonce, *vrs(cancel)),
    ]
    for paused_call in calls:
        chain.reverts(kgst, "TokenPaused", paused_call, carol)

"""Helpers shared by the chain tests: development accounts, amounts, and a small send/revert API."""

from functools import cache
from typing import Any

import pytest
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractCustomError
from web3.logs import DISCARD

ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
"""anvil's public development mnemonic; its accounts are unlocked on the test node."""
RECEIPT_TIMEOUT_S = 30
UNIT = 10**18
"""One KGST in token units (18 decimals)."""
RESERVES_DEFAULT = 10**9 * UNIT
MINTER_ALLOWANCE_DEFAULT = 10**6 * UNIT
STARTING_BALANCE = 1_000 * UNIT

Account.enable_unaudited_hdwallet_features()


@cache
def dev_account(index: int) -> Any:
    """The LocalAccount (with its private key) of anvil's development account `index`."""
    return Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


class Chain:
    """Small helpers over one Web3 connection: send as an unlocked account, expect a revert."""

    def __init__(self, w3: Web3) -> None:
        self.w3 = w3

    def send(self, call: Any, sender: str) -> Any:
        tx_hash = call.transact({"from": sender})
        receipt = self.w3.eth.wait_for_transaction_receipt(
            tx_hash, timeout=RECEIPT_TIMEOUT_S, poll_latency=0.01
        )
        assert receipt["status"] == 1
        return receipt

    def reverts(self, contract: Any, error: str, call: Any, sender: str, *args: Any) -> None:
        """Assert that `call` from `sender` reverts with custom error `error(args...)`."""
        with pytest.raises(ContractCustomError) as info:
            call.transact({"from": sender})
        expected = self.encode_error(contract, error, *args)
        data = info.value.data
        if args:
            assert data == expected, f"expected {error}{args}, got {data}"
        else:
            assert data.startswith(expected), f"expected {error}, got {data}"

    @staticmethod
    def encode_error(contract: Any, error: str, *args: Any) -> str:
        abi = next(e for e in contract.abi if e["type"] == "error" and e["name"] == error)
        types = [i["type"] for i in abi["inputs"]]
        selector = Web3.keccak(text=f"{error}({','.join(types)})")[:4]
        encoded = contract.w3.codec.encode(types, list(args)) if args else b""
        return "0x" + (selector + encoded).hex()

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def travel(self, seconds: int) -> None:
        """Move the chain's clock forward and mine a block at the new time."""
        self.w3.provider.make_request("evm_increaseTime", [seconds])
        self.w3.provider.make_request("evm_mine", [])

    def events(self, contract: Any, name: str, receipt: Any) -> list[Any]:
        return list(getattr(contract.events, name)().process_receipt(receipt, errors=DISCARD))


EIP712_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
_AUTHORIZATION_FIELDS = [
    {"name": "from", "type": "address"},
    {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "validAfter", "type": "uint256"},
    {"name": "validBefore", "type": "uint256"},
    {"name": "nonce", "type": "bytes32"},
]
TYPES = {
    "Permit": [
        {"name": "owner", "type": "address"},
        {"name": "spender", "type": "address"},
        {"name": "value", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
    "TransferWithAuthorization": _AUTHORIZATION_FIELDS,
    "ReceiveWithAuthorization": _AUTHORIZATION_FIELDS,
    "CancelAuthorization": [
        {"name": "authorizer", "type": "address"},
        {"name": "nonce", "type": "bytes32"},
    ],
}
PERMIT_VRS = "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"
PERMIT_BYTES = "permit(address,address,uint256,uint256,bytes)"
_AUTH_ARGS = "address,address,uint256,uint256,uint256,bytes32"
TWA_VRS = f"transferWithAuthorization({_AUTH_ARGS},uint8,bytes32,bytes32)"
TWA_BYTES = f"transferWithAuthorization({_AUTH_ARGS},bytes)"
RWA_VRS = f"receiveWithAuthorization({_AUTH_ARGS},uint8,bytes32,bytes32)"
CANCEL_VRS = "cancelAuthorization(address,bytes32,uint8,bytes32,bytes32)"
CANCEL_BYTES = "cancelAuthorization(address,bytes32,bytes)"


def sign_typed(token: Any, signer: Any, primary_type: str, message: dict[str, Any]) -> Any:
    """Sign an EIP-712 message for `token`'s domain on the chain it is on now."""
    full_message = {
        "types": {"EIP712Domain": EIP712_DOMAIN_TYPE, primary_type: TYPES[primary_type]},
        "primaryType": primary_type,
        "domain": {
            "name": token.functions.name().call(),
            "version": "1",
            "chainId": token.w3.eth.chain_id,
            "verifyingContract": token.address,
        },
        "message": message,
    }
    return Account.sign_typed_data(signer.key, full_message=full_message)


def vrs(signed: Any) -> tuple[int, bytes, bytes]:
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


def call(token: Any, signature: str, *args: Any) -> Any:
    """A bound call of one overload, e.g. `call(kgst, PERMIT_VRS, owner, ...)`."""
    return token.get_function_by_signature(signature)(*args)

"""Proof of control: per attestation round, each reserve address signs a fresh message.

A balance at an address proves nothing about who controls it; a signature by the address's key
over a message that did not exist before the round does. The message names the round (a date
and 16 random bytes), the address and the purpose, so a signature from an earlier round, or for
another address, or lifted from another protocol, does not verify. EVM addresses sign with
`personal_sign` (EIP-191), which every wallet and hardware signer supports; the signature is
checked by recovering the signer's address with eth_account. BTC addresses sign the same
message with their wallet's "sign message" (BIP 137, see `btc_message.py`).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_keys.exceptions import BadSignature

from digisom.errors import InvalidInput
from digisom.reserve.btc_message import verify_btc_message
from digisom.reserve.holdings import EVM_ADDRESS
from digisom.reserve.limits import ATTESTATION_ROUND_CHARS_MAX
from digisom.reserve.reserve_store import record_attestation
from digisom.storage.base import LedgerStore

ROUND_PATTERN = re.compile(r"^[0-9]{8}-[0-9a-f]{32}$")
SIGNATURE_PATTERN = re.compile(r"^0x[0-9a-fA-F]{130}$")
EVM_SCHEME = "evm-personal-sign"
BTC_SCHEME = "btc-bip137"
BTC_ADDRESS = re.compile(r"^([13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1q[02-9ac-hj-np-z]{38})$")
"""Mainnet P2PKH (1...), P2SH (3...) and P2WPKH (bc1q..., 42 characters) addresses."""


def new_round_id(now: datetime | None = None) -> str:
    """A round id no one could have predicted: the date plus 16 random bytes."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%d}-{secrets.token_hex(16)}"


def attestation_message(round_id: str, address: str) -> str:
    """The exact text the address's key signs for this round (EVM or BTC mainnet address)."""
    if ROUND_PATTERN.fullmatch(round_id) is None or len(round_id) > ATTESTATION_ROUND_CHARS_MAX:
        raise InvalidInput(f"{round_id!r} is not a round id (YYYYMMDD-<32 hex>)")
    if EVM_ADDRESS.fullmatch(address) is not None:
        shown = address.lower()
    elif BTC_ADDRESS.fullmatch(address) is not None:
        shown = address
    else:
        raise InvalidInput(f"{address!r} is neither a 0x EVM address nor a BTC mainnet address")
    return (
        "digisom reserve attestation\n"
        f"round: {round_id}\n"
        f"address: {shown}\n"
        "I control this address and its balance is part of the national reserve."
    )


def verify_evm_attestation(round_id: str, address: str, signature: str) -> bool:
    """True only if `signature` is `address`'s personal_sign of this round's message."""
    message = attestation_message(round_id, address)
    if SIGNATURE_PATTERN.fullmatch(signature) is None:
        return False
    try:
        signer = Account.recover_message(encode_defunct(text=message), signature=signature)
    except (ValueError, TypeError, BadSignature):
        return False
    return bool(str(signer).lower() == address.lower())


def submit_btc_attestation(
    store: LedgerStore, round_id: str, address: str, signature_b64: str
) -> None:
    """Verify and keep a BTC address's BIP 137 signature of this round's message."""
    message = attestation_message(round_id, address)
    if BTC_ADDRESS.fullmatch(address) is None or not verify_btc_message(
        address, message, signature_b64
    ):
        raise InvalidInput(f"the signature does not prove control of {address} in round {round_id}")
    record_attestation(store, round_id, address, BTC_SCHEME, message, signature_b64)


def submit_evm_attestation(store: LedgerStore, round_id: str, address: str, signature: str) -> None:
    """Verify and keep one address's proof of control; a bad signature changes nothing."""
    if not verify_evm_attestation(round_id, address, signature):
        raise InvalidInput(f"the signature does not prove control of {address} in round {round_id}")
    record_attestation(
        store,
        round_id,
        address.lower(),
        EVM_SCHEME,
        attestation_message(round_id, address),
        signature.lower(),
    )

"""Bitcoin signed-message verification (BIP 137), for proofs of control of BTC reserve addresses.

Wallets (Bitcoin Core `signmessage`, Electrum, hardware wallets) sign
`SHA-256d("\\x18Bitcoin Signed Message:\\n" || varint(len) || message)` and give a 65-byte
compact signature in base64 whose first byte says the recovery id and the address type:
27-30 P2PKH with an uncompressed key, 31-34 P2PKH compressed, 35-38 P2SH-P2WPKH, 39-42 native
P2WPKH (bech32). The public key is recovered from the signature, the address of that type is
derived from it, and the signature is accepted only if that address is the one claimed.
Only mainnet addresses (`1...`, `3...`, `bc1q...`) are accepted; Taproot (BIP 322) is not.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from eth_keys.datatypes import Signature
from eth_keys.exceptions import BadSignature

MESSAGE_MAGIC = b"\x18Bitcoin Signed Message:\n"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_HRP = "bc"
P2PKH_VERSION = b"\x00"
P2SH_VERSION = b"\x05"
SIGNATURE_BYTES = 65
MESSAGE_BYTES_MAX = 10_000


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _hash160(data: bytes) -> bytes:
    sha = hashlib.sha256(data).digest()
    try:
        return hashlib.new("ripemd160", sha).digest()
    except ValueError:  # OpenSSL 3 without the legacy provider has no RIPEMD-160
        from Crypto.Hash import RIPEMD160

        return RIPEMD160.new(sha).digest()


def _varint(n: int) -> bytes:
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    return b"\xfe" + n.to_bytes(4, "little")


def message_hash(message: str) -> bytes:
    data = message.encode("utf-8")
    return _sha256d(MESSAGE_MAGIC + _varint(len(data)) + data)


def base58check(payload: bytes) -> str:
    data = payload + _sha256d(payload)[:4]
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = BASE58_ALPHABET[digit] + text
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + text


def _bech32_polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            check ^= generator[i] if ((top >> i) & 1) else 0
    return check


def bech32_p2wpkh(program: bytes) -> str:
    """BIP 173 address of a version-0 witness program."""
    acc, bits, data = 0, 0, [0]
    for byte in program:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    expanded = [ord(c) >> 5 for c in BECH32_HRP] + [0] + [ord(c) & 31 for c in BECH32_HRP]
    polymod = _bech32_polymod(expanded + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return BECH32_HRP + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


def _address(header: int, public_key: bytes) -> str:
    """The address of the type the header names, for a 64-byte uncompressed public key."""
    x, y = public_key[:32], public_key[32:]
    compressed = (b"\x03" if y[-1] & 1 else b"\x02") + x
    if header < 31:
        return base58check(P2PKH_VERSION + _hash160(b"\x04" + public_key))
    if header < 35:
        return base58check(P2PKH_VERSION + _hash160(compressed))
    if header < 39:
        return base58check(P2SH_VERSION + _hash160(b"\x00\x14" + _hash160(compressed)))
    return bech32_p2wpkh(_hash160(compressed))


def verify_btc_message(address: str, message: str, signature_b64: str) -> bool:
    """True only if `signature_b64` is `address`'s BIP 137 signature of `message`."""
    if len(message.encode("utf-8")) > MESSAGE_BYTES_MAX or len(signature_b64) > 100:
        return False
    try:
        raw = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(raw) != SIGNATURE_BYTES or not 27 <= raw[0] <= 42:
        return False
    r, s = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    try:
        signature = Signature(vrs=((raw[0] - 27) & 3, r, s))
        public_key = signature.recover_public_key_from_msg_hash(message_hash(message))
    except (BadSignature, ValueError):
        return False
    return _address(raw[0], public_key.to_bytes()) == address

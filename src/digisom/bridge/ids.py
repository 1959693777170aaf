"""Ids derived from a request's idempotency key, so a retried request names the same rows.

A client that repeats a request (after a timeout, a crash, a lost reply) sends the same key; every
id the bridge makes from it is the same, so the outbox row and the ledger's pending, post and void
transfers are recognised (`exists`) instead of created twice.
"""

import hashlib

from digisom.bridge.limits import IDEMPOTENCY_KEY_LENGTH_MAX
from digisom.errors import InvalidInput, invariant
from digisom.limits import U128_MAX

_DOMAIN = b"digisom.bridge.v1"


def derive_id(purpose: str, *parts: str) -> int:
    """A non-zero 128-bit id from a purpose and the parts naming a request (SHA-256, truncated)."""
    digest = hashlib.sha256(_DOMAIN)
    for part in (purpose, *parts):
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(4, "big"))
        digest.update(encoded)
    value = int.from_bytes(digest.digest()[:16], "big")
    invariant(0 < value < U128_MAX, "a derived id must be a valid ledger id")
    return value


def check_idempotency_key(key: str) -> str:
    """The key itself, or InvalidInput: keys are non-empty printable text of bounded length."""
    if not key or len(key) > IDEMPOTENCY_KEY_LENGTH_MAX or not key.isprintable():
        raise InvalidInput(
            f"idempotency key must be 1..{IDEMPOTENCY_KEY_LENGTH_MAX} printable characters"
        )
    return key


def operation_id(kind: str, key: str) -> int:
    return derive_id("operation", kind, key)


def pending_transfer_id(operation: int) -> int:
    return derive_id("pending", str(operation))


def post_transfer_id(operation: int) -> int:
    return derive_id("post", str(operation))


def void_transfer_id(operation: int) -> int:
    return derive_id("void", str(operation))


def escrow_account_id(chain_id: int, symbol: str) -> int:
    return derive_id("escrow", str(chain_id), symbol)

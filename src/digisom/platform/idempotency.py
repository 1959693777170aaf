"""Idempotency keys: the same key from the same caller with the same request is one operation.

The ledger makes a retry harmless by itself (transfer ids are derived from caller and key, so a
repeated transfer is `exists`). This table adds the other half: the same key with a *different*
request is refused with a clear error instead of being mistaken for a retry.
"""

import hashlib
import json
import re
import time
from typing import Any

from digisom.errors import InvalidInput
from digisom.platform.errors import IdempotencyConflict
from digisom.storage.base import LedgerStore

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def request_hash(request: dict[str, Any]) -> bytes:
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).digest()


def claim(store: LedgerStore, caller: str, key: str, request: dict[str, Any]) -> bool:
    """Record (caller, key) -> request, or check a retry carries the same request; True if the
    key is new, False for a retry (which some operations answer with the first result)."""
    if not KEY_PATTERN.match(key):
        raise InvalidInput("idempotency key: 8-100 of A-Z a-z 0-9 _ . : -")
    digest = request_hash(request)
    p = store.p
    with store.write_transaction():
        rows = store._query(
            "SELECT request_hash FROM platform_idempotency "
            f"WHERE caller = {p} AND {store_key_column()} = {p}",
            (caller, key),
        )
        if not rows:
            store._execute(
                f"INSERT INTO platform_idempotency (caller, {store_key_column()}, request_hash, "
                f"created_at_ns) VALUES ({p}, {p}, {p}, {p})",
                (caller, key, digest, time.time_ns()),
            )
            return True
    if bytes(rows[0][0]) != digest:
        raise IdempotencyConflict(
            f"idempotency key {key!r} was already used by {caller} for a different request"
        )
    return False


def store_key_column() -> str:
    """`key` is a reserved word in some SQL dialects; quote it the portable way."""
    return '"key"'

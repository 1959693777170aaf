"""An independent verifier of inclusion proofs, written from the public spec alone.

It deliberately imports nothing from the builder (`tree`, `hashing`, `proof`, `limits`): a holder
or auditor could have written this file from the spec page, and the tests check that it accepts
every proof the builder makes and rejects altered ones. It is strict: unknown or missing fields,
duplicate keys, floats, upper-case hex, `0x` prefixes, signs and leading zeros in decimals are all
refused, so that a proof has exactly one spelling.

Beyond the spec's three steps it checks two things that follow from the spec's layout: a real
leaf's `position` is below `leaf_count` (padding comes after the real leaves), and, when the
published root is given, the proof's root equals it field by field (the tree hash does not cover
`snapshot`, `ledger_height` or `leaf_count`; the issuer's signature over the root does).
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

PROOF_BYTES_MAX: Final = 1 << 20
"""A proof of a 64-level tree is under 10 KB; a megabyte is a broken or hostile file."""
PATH_STEPS_MAX: Final = 64
BALANCE_LIMIT: Final = 2**64
SUM_LIMIT: Final = 2**128
LEDGER_HEIGHT_LIMIT: Final = 2**64
UID_BYTES_LIMIT: Final = 2**32

_HEX_32: Final = re.compile(r"[0-9a-f]{64}")
_DECIMAL: Final = re.compile(r"0|[1-9][0-9]{0,39}")
_SNAPSHOT: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z"
)
_PROOF_KEYS: Final = frozenset({"version", "root", "leaf", "path"})
_ROOT_KEYS: Final = frozenset({"hash", "sum", "leaf_count", "snapshot", "ledger_height"})
_LEAF_KEYS: Final = frozenset({"uid", "salt", "balance", "position"})
_STEP_KEYS: Final = frozenset({"side", "hash", "sum"})


class Rejected(Exception):
    """Why a proof or root is not accepted."""


@dataclass(frozen=True)
class Root:
    """A published root, as parsed and checked by the verifier."""

    hash: bytes
    sum: int
    leaf_count: int
    snapshot: str
    ledger_height: int


@dataclass(frozen=True)
class Verdict:
    """The outcome for one proof: accepted, or rejected with the first reason found."""

    accepted: bool
    reason: str
    uid: str | None = None
    balance: int | None = None
    root: Root | None = None


def verify_proof_json(
    data: bytes, *, published_root_json: bytes | None = None, expected_uid: str | None = None
) -> Verdict:
    """Verify a proof file's bytes; optionally against the published root and the holder's uid."""
    try:
        published = None if published_root_json is None else parse_root_json(published_root_json)
        return verify_proof_object(_load(data), published_root=published, expected_uid=expected_uid)
    except Rejected as rejection:
        return Verdict(False, str(rejection))


def parse_root_json(data: bytes) -> Root:
    """Parse and check a published `root.json`."""
    return _root(_load(data), "root")


def verify_proof_object(
    proof: Any, *, published_root: Root | None = None, expected_uid: str | None = None
) -> Verdict:
    """Verify an already parsed proof (the spec's Verification section, steps 1 to 3)."""
    try:
        uid, balance, root = _verify(proof, published_root, expected_uid)
    except Rejected as rejection:
        return Verdict(False, str(rejection))
    return Verdict(True, "accepted", uid, balance, root)


def _verify(proof: Any, published: Root | None, expected_uid: str | None) -> tuple[str, int, Root]:
    _keys(proof, _PROOF_KEYS, "proof")
    if type(proof["version"]) is not int or proof["version"] != 1:
        raise Rejected("version must be the number 1")
    root = _root(proof["root"], "root")
    uid, salt, balance, position = _leaf(proof["leaf"])
    steps = _path(proof["path"])
    depth = (root.leaf_count - 1).bit_length()
    if len(steps) != depth:
        raise Rejected(f"path has {len(steps)} steps; leaf_count {root.leaf_count} needs {depth}")
    if position >= root.leaf_count:
        raise Rejected("position is not a real leaf's (it must be below leaf_count)")
    for index, (side, _, _) in enumerate(steps):
        if (side == "left") != bool((position >> index) & 1):
            raise Rejected(f"position bit {index} does not match path[{index}].side")
    uid_bytes = uid.encode("utf-8")
    running_hash = hashlib.sha256(
        b"\x00" + salt + len(uid_bytes).to_bytes(4, "big") + uid_bytes + balance.to_bytes(8, "big")
    ).digest()
    running_sum = balance
    for index, (side, sibling_hash, sibling_sum) in enumerate(steps):
        if side == "left":
            left, right = (sibling_hash, sibling_sum), (running_hash, running_sum)
        else:
            left, right = (running_hash, running_sum), (sibling_hash, sibling_sum)
        running_hash = hashlib.sha256(
            b"\x01"
            + left[0]
            + left[1].to_bytes(16, "big")
            + right[0]
            + right[1].to_bytes(16, "big")
        ).digest()
        running_sum += sibling_sum
        if running_sum >= SUM_LIMIT:
            raise Rejected(f"running sum reaches 2**128 at path[{index}]")
    if running_hash != root.hash:
        raise Rejected("recomputed root hash differs from root.hash")
    if running_sum != root.sum:
        raise Rejected("recomputed root sum differs from root.sum")
    if published is not None and root != published:
        raise Rejected("the proof's root is not the published root")
    if expected_uid is not None and uid != expected_uid:
        raise Rejected("the proof is for another uid")
    return uid, balance, root


def _load(data: bytes) -> Any:
    if len(data) > PROOF_BYTES_MAX:
        raise Rejected(f"file is larger than {PROOF_BYTES_MAX} bytes")
    try:
        text = data.decode("utf-8")
        return json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_float=_no_float,
            parse_constant=_no_float,
        )
    except UnicodeDecodeError:
        raise Rejected("not UTF-8") from None
    except ValueError as error:
        raise Rejected(f"not valid JSON: {error}") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise Rejected("duplicate key in a JSON object")
    return result


def _no_float(text: str) -> Any:
    raise Rejected(f"non-integer number {text!r}")


def _keys(value: Any, expected: frozenset[str], where: str) -> None:
    if not isinstance(value, dict):
        raise Rejected(f"{where} must be an object")
    if set(value) != expected:
        raise Rejected(f"{where} must have exactly the fields {sorted(expected)}")


def _root(value: Any, where: str) -> Root:
    _keys(value, _ROOT_KEYS, where)
    leaf_count = _count(value["leaf_count"], f"{where}.leaf_count")
    if not 1 <= leaf_count <= 2**PATH_STEPS_MAX:
        raise Rejected(f"{where}.leaf_count must be in [1, 2**{PATH_STEPS_MAX}]")
    snapshot = value["snapshot"]
    if not isinstance(snapshot, str) or not _SNAPSHOT.fullmatch(snapshot):
        raise Rejected(f"{where}.snapshot must be ISO-8601 UTC like 2026-11-24T00:00:00Z")
    try:
        datetime.fromisoformat(snapshot.replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(f"{where}.snapshot is not a real date and time") from None
    return Root(
        hash=_hex_32(value["hash"], f"{where}.hash"),
        sum=_decimal(value["sum"], SUM_LIMIT, f"{where}.sum"),
        leaf_count=leaf_count,
        snapshot=snapshot,
        ledger_height=_decimal(
            value["ledger_height"], LEDGER_HEIGHT_LIMIT, f"{where}.ledger_height"
        ),
    )


def _leaf(value: Any) -> tuple[str, bytes, int, int]:
    _keys(value, _LEAF_KEYS, "leaf")
    uid = value["uid"]
    if not isinstance(uid, str):
        raise Rejected("leaf.uid must be a string")
    try:
        uid_length = len(uid.encode("utf-8"))
    except UnicodeEncodeError:
        raise Rejected("leaf.uid is not encodable as UTF-8") from None
    if uid_length >= UID_BYTES_LIMIT:
        raise Rejected("leaf.uid is too long for u32(len(uid))")
    salt = _hex_32(value["salt"], "leaf.salt")
    balance = _decimal(value["balance"], BALANCE_LIMIT, "leaf.balance")
    return uid, salt, balance, _count(value["position"], "leaf.position")


def _path(value: Any) -> list[tuple[str, bytes, int]]:
    if not isinstance(value, list):
        raise Rejected("path must be a list")
    if len(value) > PATH_STEPS_MAX:
        raise Rejected(f"path is longer than {PATH_STEPS_MAX} steps")
    steps = []
    for index, step in enumerate(value):
        where = f"path[{index}]"
        _keys(step, _STEP_KEYS, where)
        if step["side"] not in ("left", "right"):
            raise Rejected(f"{where}.side must be 'left' or 'right'")
        sibling_hash = _hex_32(step["hash"], f"{where}.hash")
        steps.append((step["side"], sibling_hash, _decimal(step["sum"], SUM_LIMIT, f"{where}.sum")))
    return steps


def _hex_32(value: Any, where: str) -> bytes:
    if not isinstance(value, str) or not _HEX_32.fullmatch(value):
        raise Rejected(f"{where} must be 64 lower-case hex digits without 0x")
    return bytes.fromhex(value)


def _decimal(value: Any, limit: int, where: str) -> int:
    if not isinstance(value, str):
        raise Rejected(f"{where} must be a decimal string")
    if value.startswith("-"):
        raise Rejected(f"{where} is negative")
    if not _DECIMAL.fullmatch(value):
        raise Rejected(f"{where} must be a plain decimal integer (digits, no sign or leading 0)")
    number = int(value)
    if number >= limit:
        raise Rejected(f"{where} is not below {limit}")
    return number


def _count(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        raise Rejected(f"{where} must be a non-negative JSON integer")
    return value

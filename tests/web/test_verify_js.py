"""The browser's proof verifier (static/js/verify.js) against the Python verifier, on the same
proofs: real proofs of several trees (one leaf, a power of two, non-ASCII uids, the seeded
ledger's snapshot) and many altered or malformed ones. Both must agree on every verdict.

The JS runs in Chromium (WebCrypto, BigInt) through page.evaluate, all proofs in one call.
"""

import json
import re
from array import array
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser

from digisom.reserve.por.holders import Holders
from digisom.reserve.por.proof import proof_for_position, proof_to_json
from digisom.reserve.por.publish import build_snapshot
from digisom.reserve.por.verify import verify_proof_json
from tests.web.conftest import Portal

pytestmark = pytest.mark.browser

Edit = Callable[[dict[str, Any]], None]


def _tree_proofs(uids: list[str], balances: list[int]) -> list[bytes]:
    holders = Holders([u.encode() for u in uids], array("Q", balances))
    built = build_snapshot(holders, "2026-11-24T00:00:00Z", 991)
    return [
        proof_to_json(proof_for_position(built.tree, built.root, p))
        for p in range(built.tree.leaf_count)
    ]


def _flip(text: str, index: int = 0) -> str:
    return text[:index] + ("1" if text[index] != "1" else "2") + text[index + 1 :]


def _set(path: str, value: Any) -> Edit:
    def edit(proof: dict[str, Any]) -> None:
        keys = path.split(".")
        target: Any = proof
        for key in keys[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        last = keys[-1]
        if isinstance(target, list):
            target[int(last)] = value(target[int(last)]) if callable(value) else value
        else:
            target[last] = value(target[last]) if callable(value) else value

    return edit


def _delete(path: str) -> Edit:
    def edit(proof: dict[str, Any]) -> None:
        section, key = path.split(".")
        del proof[section][key]

    return edit


MUTATIONS: dict[str, Edit] = {
    "balance +1": _set("leaf.balance", lambda v: str(int(v) + 1)),
    "balance -1 as number": _set("leaf.balance", -1),
    "balance with sign": _set("leaf.balance", lambda v: "+" + v),
    "balance leading zero": _set("leaf.balance", lambda v: "0" + v),
    "balance float": _set("leaf.balance", 1.5),
    "balance 2**64": _set("leaf.balance", str(2**64)),
    "salt nibble": _set("leaf.salt", _flip),
    "salt upper case": _set("leaf.salt", lambda v: v.upper()),
    "uid changed": _set("leaf.uid", lambda v: v + "x"),
    "position +1": _set("leaf.position", lambda v: v + 1),
    "position as string": _set("leaf.position", lambda v: str(v)),
    "root hash nibble": _set("root.hash", lambda v: _flip(v, 63)),
    "root hash 0x": _set("root.hash", lambda v: "0x" + v[2:]),
    "root sum +1": _set("root.sum", lambda v: str(int(v) + 1)),
    "leaf_count doubled": _set("root.leaf_count", lambda v: v * 2 + 1),
    "leaf_count 0": _set("root.leaf_count", 0),
    "snapshot not a date": _set("root.snapshot", "2026-02-30T00:00:00Z"),
    "snapshot offset": _set("root.snapshot", "2026-11-24T00:00:00+00:00"),
    "ledger_height number": _set("root.ledger_height", 991),
    "version 2": _set("version", 2),
    "version float": _set("version", 1.0),
    "extra field": _set("leaf.note", "hi"),
    "missing salt": _delete("leaf.salt"),
}
STEP_MUTATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "sibling sum +1": lambda s: {**s, "sum": str(int(s["sum"]) + 1)},
    "sibling sum negative": lambda s: {**s, "sum": "-1"},
    "sibling sum 2**128": lambda s: {**s, "sum": str(2**128)},
    "sibling hash nibble": lambda s: {**s, "hash": _flip(s["hash"], 17)},
    "side swapped": lambda s: {**s, "side": "left" if s["side"] == "right" else "right"},
    "sibling extra field": lambda s: {**s, "x": 1},
}
"""Changes to the first sibling of the path (a proof of a one-leaf tree has none)."""


def _on_first_step(change: Callable[[dict[str, Any]], dict[str, Any]]) -> Edit:
    def edit(proof: dict[str, Any]) -> None:
        proof["path"][0] = change(proof["path"][0])

    return edit


PATH_MUTATIONS: dict[str, Edit] = {
    **{name: _on_first_step(change) for name, change in STEP_MUTATIONS.items()},
    "path truncated": lambda p: p["path"].pop(),
    "path extended": lambda p: p["path"].append(dict(p["path"][-1])),
}


def _cases(good: list[bytes]) -> list[tuple[str, str]]:
    cases = [(f"good {i}", g.decode()) for i, g in enumerate(good)]
    for index, proof_bytes in enumerate(good[:4]):
        proof = json.loads(proof_bytes)
        edits = dict(MUTATIONS)
        if proof["path"]:
            edits.update(PATH_MUTATIONS)
        for name, edit in edits.items():
            copy = json.loads(json.dumps(proof))
            edit(copy)
            cases.append((f"{name} ({index})", json.dumps(copy)))
    cases += [
        ("not json", "{"),
        ("a list", "[]"),
        ("empty", ""),
        (
            "position 2**64",
            re.sub(r'"position":[0-9]+', '"position":18446744073709551616', good[1].decode()),
        ),
    ]
    return cases


def test_js_and_python_verifiers_agree(browser: Browser, portal: Portal, seeded_url: Any) -> None:
    from tests.web.test_portal_browser import proof_of

    good = _tree_proofs(["only"], [7])
    good += _tree_proofs(["a", "b", "c", "d"], [1, 0, 2**64 - 1, 5])
    good += _tree_proofs([f"wallet-{i}" for i in range(5)] + ["Айгүл-ü", "0x" + "ab" * 20], [3] * 7)
    good += [proof_of(seeded_url[0], w) for w in portal.seeded.wallet_ids[:3]]
    cases = _cases(good)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(portal.base_url + "/proof")
        verdicts = page.evaluate(
            """async (cases) => {
                const { verifyProofText } = await import("/static/js/verify.js");
                const out = [];
                for (const [, text] of cases) out.push(await verifyProofText(text));
                return out;
            }""",
            cases,
        )
    finally:
        context.close()
    disagreements = []
    for (name, text), js in zip(cases, verdicts, strict=True):
        python = verify_proof_json(text.encode())
        if js["accepted"] != python.accepted:
            disagreements.append((name, js["reason"], python.reason))
        if python.accepted:
            assert js["balance"] == str(python.balance), name
            assert js["uid"] == python.uid, name
    assert disagreements == []
    accepted = sum(1 for v in verdicts if v["accepted"])
    assert accepted == len(good)
    assert len(cases) - accepted > 100

"""Write one snapshot to a directory: `root.json` and `proofs/<file name>.json` per holder.

The directory appears whole or not at all: everything is written into a fresh sibling directory
that is renamed into place at the end, so a crash or a refusal leaves nothing behind, and an
existing non-empty directory is never overwritten.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from digisom.errors import InvalidInput, invariant
from digisom.reserve.por.holders import Holders, proof_file_name
from digisom.reserve.por.proof import (
    PublishedRoot,
    proof_for_position,
    proof_to_json,
    published_root,
    root_to_json,
)
from digisom.reserve.por.tree import SumTree, build_tree

ROOT_FILE = "root.json"
PROOFS_DIR = "proofs"


@dataclass(frozen=True)
class Snapshot:
    """A built snapshot: the tree (for further proofs) and its published root."""

    tree: SumTree
    root: PublishedRoot


def build_snapshot(holders: Holders, snapshot: str, ledger_height: int) -> Snapshot:
    """Build the tree over validated holders and its root record."""
    tree = build_tree(holders.uid_bytes, holders.balances_minor)
    invariant(tree.root_sum_minor == sum(holders.balances_minor), "root sum is the total")
    return Snapshot(tree, published_root(tree, snapshot, ledger_height))


def write_snapshot(built: Snapshot, out_dir: Path) -> None:
    """Write root and proofs into `out_dir`, which must not exist or be empty."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InvalidInput(f"{out_dir} exists and is not an empty directory; refusing to overwrite")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        proofs_dir = staging / PROOFS_DIR
        proofs_dir.mkdir()
        tree = built.tree
        for position in range(tree.leaf_count):
            proof = proof_for_position(tree, built.root, position)
            (proofs_dir / proof_file_name(proof.leaf.uid)).write_bytes(proof_to_json(proof) + b"\n")
        (staging / ROOT_FILE).write_bytes(root_to_json(built.root) + b"\n")
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

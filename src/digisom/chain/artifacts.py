"""Load the committed compiler output of the contracts (ABI, bytecode, immutables, layout).

The artifacts are written by `contracts/build.js` and committed, so the package deploys and
verifies contracts without a compiler; a test rebuilds them and demands identical bytes.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from digisom.errors import NotFound, invariant

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
"""Where the committed artifacts live inside the package."""

ARTIFACT_NAMES = ("KGST", "DSOM", "DigisomTimelock")
"""The contracts the platform deploys; the build writes exactly these."""


@dataclass(frozen=True)
class StorageSlot:
    """One state variable's place in storage, as the compiler laid it out."""

    label: str
    """Variable name in the Solidity source."""
    slot: int
    """Storage slot number."""
    offset: int
    """Byte offset inside the slot (packed variables share a slot)."""
    type_label: str
    """Solidity type, e.g. `mapping(address => bool)`."""


@dataclass(frozen=True)
class Artifact:
    """Everything needed to deploy one contract and check a deployed copy of it."""

    contract_name: str
    """Name of the contract in its source file."""
    abi: list[dict[str, Any]]
    """ABI as solc emits it (web3 consumes it unchanged)."""
    bytecode: bytes
    """Creation code, without constructor arguments."""
    deployed_bytecode: bytes
    """Runtime code, with zeros where the constructor writes immutables."""
    immutable_references: tuple[tuple[int, int], ...]
    """(start, length) byte ranges of the runtime code that hold immutables."""
    compiler_version: str
    """Full solc version string, including the commit."""
    settings: dict[str, Any]
    """Compiler settings that affect the bytes (EVM version, optimizer, metadata)."""
    storage_layout: tuple[StorageSlot, ...]
    """State variables in declaration order (pinned by a test)."""


def _parse(data: dict[str, Any]) -> Artifact:
    ranges = sorted(
        (int(ref["start"]), int(ref["length"]))
        for refs in data["immutableReferences"].values()
        for ref in refs
    )
    return Artifact(
        contract_name=str(data["contractName"]),
        abi=list(data["abi"]),
        bytecode=bytes.fromhex(data["bytecode"].removeprefix("0x")),
        deployed_bytecode=bytes.fromhex(data["deployedBytecode"].removeprefix("0x")),
        immutable_references=tuple(ranges),
        compiler_version=str(data["compiler"]["version"]),
        settings=dict(data["settings"]),
        storage_layout=tuple(
            StorageSlot(
                label=entry["label"],
                slot=int(entry["slot"]),
                offset=int(entry["offset"]),
                type_label=entry["type"],
            )
            for entry in data["storageLayout"]
        ),
    )


def load_artifact(name: str, directory: Path | None = None) -> Artifact:
    """Read the artifact of contract `name` from `directory` (default: the committed ones)."""
    if directory is None:
        return _load_committed(name)
    path = directory / f"{name}.json"
    if not path.is_file():
        raise NotFound(f"no artifact for contract {name!r} in {directory}")
    artifact = _parse(json.loads(path.read_text(encoding="utf-8")))
    invariant(artifact.contract_name == name, f"artifact {path} names {artifact.contract_name}")
    return artifact


@cache
def _load_committed(name: str) -> Artifact:
    if name not in ARTIFACT_NAMES:
        raise NotFound(f"unknown contract {name!r}; known: {', '.join(ARTIFACT_NAMES)}")
    return load_artifact(name, ARTIFACTS_DIR)


def mask_immutables(code: bytes, immutable_references: tuple[tuple[int, int], ...]) -> bytes:
    """Zero the immutable ranges of runtime code, so two deployments with different constructor
    arguments (name, decimals, chain id in the EIP-712 cache) compare equal to the build."""
    masked = bytearray(code)
    for start, length in immutable_references:
        invariant(start + length <= len(masked), "immutable reference past the end of the code")
        masked[start : start + length] = bytes(length)
    return bytes(masked)


def runtime_code_matches(artifact: Artifact, onchain_code: bytes) -> bool:
    """True when code read from a chain is exactly the committed build, immutables aside."""
    if len(onchain_code) != len(artifact.deployed_bytecode):
        return False
    masked = mask_immutables(onchain_code, artifact.immutable_references)
    return masked == artifact.deployed_bytecode

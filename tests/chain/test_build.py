"""The committed artifacts are exactly what the pinned compiler makes from the sources."""

import shutil
import subprocess
from pathlib import Path

import pytest

from digisom.chain.anvil import CONTRACTS_DIR
from digisom.chain.artifacts import ARTIFACT_NAMES, ARTIFACTS_DIR, load_artifact, mask_immutables

BUILD_TIMEOUT_S = 120


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    """Reproducible build: a fresh compile into a temporary folder equals the committed files."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to rebuild the contracts (the Makefile installs npm packages)")
    subprocess.run(
        [node, str(CONTRACTS_DIR / "build.js"), str(tmp_path)],
        check=True,
        timeout=BUILD_TIMEOUT_S,
        capture_output=True,
    )
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(f"{name}.json" for name in ARTIFACT_NAMES)
    for name in ARTIFACT_NAMES:
        fresh = (tmp_path / f"{name}.json").read_bytes()
        committed = (ARTIFACTS_DIR / f"{name}.json").read_bytes()
        assert fresh == committed, f"{name}: rebuild differs; run `node contracts/build.js`"


def test_artifacts_pin_compiler_and_settings() -> None:
    for name in ARTIFACT_NAMES:
        artifact = load_artifact(name)
        assert artifact.compiler_version.startswith("0.8.30+commit.")
        assert artifact.settings["evmVersion"] == "cancun"
        assert artifact.settings["optimizer"] == {"enabled": True, "runs": 10000}
        assert artifact.bytecode and artifact.deployed_bytecode
        # EIP-170: runtime code must stay deployable on BSC as on Ethereum.
        assert len(artifact.deployed_bytecode) <= 24_576


def test_mask_immutables_zeroes_only_the_ranges() -> None:
    code = bytes(range(1, 11))
    assert mask_immutables(code, ((2, 3), (8, 1))) == bytes([1, 2, 0, 0, 0, 6, 7, 8, 0, 10])


def _layout(name: str) -> list[tuple[str, int, int, str]]:
    return [
        (slot.label, slot.slot, slot.offset, slot.type_label)
        for slot in load_artifact(name).storage_layout
    ]


def test_dsom_storage_layout_packs_balance_and_flag() -> None:
    """Pinned: the gas figures in docs/chain.md depend on one slot per holder."""
    layout = _layout("DSOM")
    assert ("_accounts", 7, 0, "mapping(address => struct DSOM.Account)") in layout
    struct_members = [label for label, *_ in layout]
    assert struct_members == [
        "_owner",
        "_tokenName",
        "_tokenSymbol",
        "_supply",
        "issuer",
        "registrar",
        "pauser",
        "paused",
        "_accounts",
        "_allowances",
    ]


def test_kgst_storage_layout_is_pinned() -> None:
    """KGST is not upgradeable, but the layout is pinned anyway so that a change is deliberate."""
    labels = [label for label, *_ in _layout("KGST")]
    assert labels == [
        "_balances",
        "_allowances",
        "_totalSupply",
        "_name",
        "_symbol",
        "_nameFallback",
        "_versionFallback",
        "_nonces",
        "_owner",
        "masterMinter",
        "pauser",
        "blacklister",
        "rescuer",
        "reserveReporter",
        "paused",
        "reserves",
        "reservesUpdatedAt",
        "reserveMaxAge",
        "_blacklisted",
        "_minters",
        "_minterAllowed",
        "_rateLimits",
        "_authorizationStates",
    ]

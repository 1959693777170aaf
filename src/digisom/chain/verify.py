"""Check that contracts on a chain are exactly the committed build.

Runtime code is compared byte for byte after zeroing the immutable ranges that constructors fill
in (token decimals, and the EIP-712 name, version, chain id and cached domain separator), which
differ per deployment. The metadata hash at the end of the code is compared too, so a contract
compiled from different sources or settings fails even if it behaves the same.
"""

from dataclasses import dataclass

from web3 import Web3

from digisom.chain.artifacts import load_artifact, runtime_code_matches


@dataclass(frozen=True)
class VerifyResult:
    """The outcome for one contract address."""

    contract: str
    """Contract name of the committed artifact it was compared with."""
    address: str
    """Address checked."""
    matches: bool
    """True when the runtime code equals the committed build, immutables aside."""
    reason: str
    """Why it does or does not match, for the operator."""


def verify_contract(w3: Web3, name: str, address: str) -> VerifyResult:
    """Compare the code at `address` with the committed artifact of contract `name`."""
    checksummed = Web3.to_checksum_address(address)
    code = bytes(w3.eth.get_code(checksummed))
    artifact = load_artifact(name)
    if not code:
        return VerifyResult(name, checksummed, False, "no code at this address")
    if runtime_code_matches(artifact, code):
        return VerifyResult(name, checksummed, True, f"matches {artifact.compiler_version} build")
    return VerifyResult(
        name,
        checksummed,
        False,
        f"code differs from the committed build ({len(code)} vs "
        f"{len(artifact.deployed_bytecode)} bytes)",
    )


def verify_deployment(w3: Web3, kgst: str, dsom: str) -> tuple[VerifyResult, ...]:
    """Verify both tokens of a deployment."""
    return (verify_contract(w3, "KGST", kgst), verify_contract(w3, "DSOM", dsom))

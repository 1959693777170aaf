"""Deploy the KGST stablecoin and the DSOM token (and optionally a timelock that owns them).

`deploy_tokens` is a plain function returning a `Deployment` record, so that callers (the CLI
today, the ledger's chain registry later) decide where the addresses are recorded.
"""

from dataclasses import asdict, dataclass
from typing import Any

from web3 import Web3

from digisom.chain.artifacts import Artifact, load_artifact
from digisom.chain.client import send_transaction
from digisom.chain.limits import (
    RESERVE_MAX_AGE_S_DEFAULT,
    TIMELOCK_DELAY_S_MIN,
    TOKEN_DECIMALS_MAX,
)
from digisom.errors import InvalidInput, InvariantError

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


@dataclass(frozen=True)
class TokenSettings:
    """ERC-20 metadata fixed at deployment."""

    name: str
    """ERC-20 name (for KGST also the EIP-712 domain name, part of every signature)."""
    symbol: str
    """ERC-20 symbol."""
    decimals: int
    """ERC-20 decimals; amounts on chain are ledger minor units times 10^(decimals-2)."""


KGST_DEFAULT = TokenSettings("Kyrgyz Som Stablecoin", "KGST", 18)
DSOM_DEFAULT = TokenSettings("Digital Som", "DSOM", 2)
"""DSOM counts tyiyn exactly like the ledger (2 decimals), so no amount is ever rescaled."""


@dataclass(frozen=True)
class Deployment:
    """Where the tokens of one deployment live and who deployed them."""

    chain_id: int
    """Chain the contracts were deployed to."""
    kgst: str
    """KGST contract address (checksummed)."""
    dsom: str
    """DSOM contract address (checksummed)."""
    timelock: str | None
    """Timelock that owns both tokens, or None when the deployer owns them."""
    deployer: str
    """Account that sent the deployment transactions and holds the operational roles."""
    block_number: int
    """Block of the last deployment transaction (indexers start there)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (what `digisom chain deploy --json` prints)."""
        return asdict(self)


def _check_settings(settings: TokenSettings) -> None:
    if not settings.name or not settings.symbol:
        raise InvalidInput("token name and symbol must not be empty")
    if not 0 <= settings.decimals <= TOKEN_DECIMALS_MAX:
        raise InvalidInput(f"decimals must be within 0..{TOKEN_DECIMALS_MAX}")


def _deploy(w3: Web3, signer: Any, artifact: Artifact, *args: Any) -> tuple[str, int]:
    factory = w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    receipt = send_transaction(w3, signer, factory.constructor(*args))
    address = receipt["contractAddress"]
    if address is None:
        raise InvariantError(f"{artifact.contract_name} deployment created no contract")
    return Web3.to_checksum_address(address), int(receipt["blockNumber"])


def deploy_tokens(
    w3: Web3,
    signer: Any,
    *,
    kgst: TokenSettings = KGST_DEFAULT,
    dsom: TokenSettings = DSOM_DEFAULT,
    reserve_max_age_s: int = RESERVE_MAX_AGE_S_DEFAULT,
    timelock_delay_s: int | None = None,
    timelock_proposer: str | None = None,
) -> Deployment:
    """Deploy KGST and DSOM with `signer` holding every operational role of both.

    The signer becomes owner, masterMinter, pauser, blacklister, rescuer and reserve reporter of
    KGST, and owner, issuer, registrar and pauser of DSOM. With `timelock_delay_s`, a
    DigisomTimelock is deployed first (proposer and executor: `timelock_proposer`, typically a
    multisig, else the signer) and becomes the owner of both tokens, so that appointing roles
    waits out the delay; pausing and blacklisting stay immediate, as incidents require.
    """
    _check_settings(kgst)
    _check_settings(dsom)
    deployer = signer.address
    timelock: str | None = None
    if timelock_delay_s is not None:
        if timelock_delay_s < TIMELOCK_DELAY_S_MIN:
            raise InvalidInput("the timelock delay must not be negative")
        proposer = Web3.to_checksum_address(timelock_proposer or deployer)
        timelock, _ = _deploy(
            w3,
            signer,
            load_artifact("DigisomTimelock"),
            timelock_delay_s,
            [proposer],
            [proposer],
            ZERO_ADDRESS,
        )
    owner = timelock or deployer
    kgst_roles = [deployer] * 5  # masterMinter, pauser, blacklister, rescuer, reserveReporter
    kgst_address, _ = _deploy(
        w3,
        signer,
        load_artifact("KGST"),
        kgst.name,
        kgst.symbol,
        kgst.decimals,
        owner,
        kgst_roles,
        reserve_max_age_s,
    )
    dsom_roles = [deployer] * 3  # issuer, registrar, pauser
    dsom_address, block_number = _deploy(
        w3, signer, load_artifact("DSOM"), dsom.name, dsom.symbol, dsom.decimals, owner, dsom_roles
    )
    return Deployment(
        chain_id=int(w3.eth.chain_id),
        kgst=kgst_address,
        dsom=dsom_address,
        timelock=timelock,
        deployer=deployer,
        block_number=block_number,
    )

"""The chain side of freezes for a running server, from the environment.

`DIGISOM_COMPLIANCE_CHAIN_PROFILE` names a chain profile (local, bsc, bsc-testnet, ...); unset,
the server has no chain side and refuses to freeze a subject with linked addresses rather than
freeze half of them. With it, `DIGISOM_COMPLIANCE_KGST_ADDRESS` is required,
`DIGISOM_COMPLIANCE_RPC_URL` overrides the profile's endpoint and
`DIGISOM_COMPLIANCE_CUSTODY_ADDRESS` is where seized tokens go. The signer follows the chain
module's rules (`DIGISOM_CHAIN_KEY` or a keystore; never a built-in key outside development).
"""

import os
from dataclasses import dataclass

from digisom.compliance.freeze import ChainFreezer, KgstFreezer
from digisom.errors import ConfigurationError

PROFILE_ENV = "DIGISOM_COMPLIANCE_CHAIN_PROFILE"
RPC_ENV = "DIGISOM_COMPLIANCE_RPC_URL"
KGST_ENV = "DIGISOM_COMPLIANCE_KGST_ADDRESS"
CUSTODY_ENV = "DIGISOM_COMPLIANCE_CUSTODY_ADDRESS"


@dataclass(frozen=True, slots=True)
class ChainSide:
    freezer: ChainFreezer
    custody_address: str | None


def chain_side_from_env(environ: dict[str, str] | None = None) -> ChainSide | None:
    """The configured chain side, or None when no profile is set."""
    env = dict(os.environ) if environ is None else environ
    name = env.get(PROFILE_ENV)
    if not name:
        return None
    token_address = env.get(KGST_ENV)
    if not token_address:
        raise ConfigurationError(f"{PROFILE_ENV} is set but {KGST_ENV} is not")
    from digisom.chain.artifacts import load_artifact
    from digisom.chain.client import connect
    from digisom.chain.keys import load_signer
    from digisom.chain.profiles import resolve_profile

    profile = resolve_profile(name, env.get(RPC_ENV))
    w3 = connect(profile.rpc_url, profile.chain_id)
    signer = load_signer(profile)
    token = w3.eth.contract(
        address=w3.to_checksum_address(token_address), abi=load_artifact("KGST").abi
    )
    return ChainSide(KgstFreezer(w3, token, signer, signer), env.get(CUSTODY_ENV) or None)

"""Networks the platform deploys to: the managed local anvil, BNB Smart Chain and its testnet,
or any EVM JSON-RPC endpoint given with its chain id.

A profile pins the chain id, so that a transaction signed for one network is never sent to
another: every command checks the endpoint's `eth_chainId` against the profile before signing.
"""

from dataclasses import dataclass

from digisom.errors import InvalidInput

LOCAL_CHAIN_ID = 31337
BSC_TESTNET_CHAIN_ID = 97
BSC_CHAIN_ID = 56


@dataclass(frozen=True)
class ChainProfile:
    """One network the platform can talk to."""

    name: str
    """Profile name used on the command line (`local`, `bsc-testnet`, `bsc`, `custom`)."""
    chain_id: int
    """EIP-155 chain id the RPC endpoint must report."""
    rpc_url: str
    """JSON-RPC endpoint (HTTP)."""
    development: bool
    """True only for the local chain, where the public anvil development keys may sign."""


PROFILES: dict[str, ChainProfile] = {
    "local": ChainProfile("local", LOCAL_CHAIN_ID, "http://127.0.0.1:8545", development=True),
    "bsc-testnet": ChainProfile(
        "bsc-testnet",
        BSC_TESTNET_CHAIN_ID,
        "https://data-seed-prebsc-1-s1.bnbchain.org:8545",
        development=False,
    ),
    "bsc": ChainProfile(
        "bsc", BSC_CHAIN_ID, "https://bsc-dataseed.bnbchain.org", development=False
    ),
}


def resolve_profile(
    name: str, rpc_url: str | None = None, chain_id: int | None = None
) -> ChainProfile:
    """The profile `name`, with its RPC URL (and for `custom`, its chain id) overridden."""
    if name == "custom":
        if rpc_url is None or chain_id is None:
            raise InvalidInput("the custom profile needs both an RPC URL and a chain id")
        if chain_id <= 0:
            raise InvalidInput(f"chain id must be positive, got {chain_id}")
        return ChainProfile("custom", chain_id, rpc_url, development=False)
    profile = PROFILES.get(name)
    if profile is None:
        known = ", ".join([*PROFILES, "custom"])
        raise InvalidInput(f"unknown chain profile {name!r}; known: {known}")
    if chain_id is not None and chain_id != profile.chain_id:
        raise InvalidInput(f"profile {name} is chain {profile.chain_id}, not {chain_id}")
    if rpc_url is None:
        return profile
    return ChainProfile(profile.name, profile.chain_id, rpc_url, profile.development)

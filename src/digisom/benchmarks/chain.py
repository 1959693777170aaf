"""Gas of DSOM batch payouts, per recipient, beside single transfers (DSOM and KGST).

Measured on a real anvil from the pinned npm package, with the committed contract artifacts:
gas is deterministic for a given EVM version, so anvil's figures are BNB Smart Chain's. A
"new" recipient is allow-listed but has never held DSOM; an "existing" one already holds some.
"""

from typing import Any

from web3 import Web3

from digisom.chain.anvil import Anvil
from digisom.chain.artifacts import load_artifact
from digisom.chain.client import connect, send_transaction
from digisom.chain.deploy import deploy_tokens
from digisom.chain.keys import load_signer
from digisom.chain.payouts import pack_payouts
from digisom.chain.profiles import LOCAL_CHAIN_ID, resolve_profile

RECIPIENTS_DEFAULT = 1000
ALLOW_CHUNK = 500
"""Addresses per allow-list transaction while setting up (keeps each well under a block)."""
PAYOUT_AMOUNT_BASE = 1_250_000
"""A typical payment in DSOM units (tyiyn): 12,500 som; each recipient gets a distinct amount."""
KGST_TRANSFER_AMOUNT = 10**18
TARGET_GAS_PER_EXISTING_RECIPIENT = 10_000
TARGET_GAS_PER_NEW_RECIPIENT = 27_000


def _addresses(tag: str, count: int) -> list[str]:
    """Deterministic fresh addresses (no keys needed: they only receive)."""
    return [
        Web3.to_checksum_address(Web3.keccak(text=f"{tag}-{i}")[:20].hex()) for i in range(count)
    ]


def _gas(w3: Web3, signer: Any, call: Any) -> int:
    return int(send_transaction(w3, signer, call)["gasUsed"])


def _payout_gas(w3: Web3, signer: Any, dsom: Any, recipients: list[str]) -> int:
    payouts = [(r, PAYOUT_AMOUNT_BASE + i) for i, r in enumerate(recipients)]
    return _gas(w3, signer, dsom.functions.batchPayout(pack_payouts(payouts)))


def _per_recipient(total_gas: int, one_gas: int, count: int) -> dict[str, int]:
    return {
        "tx_gas": total_gas,
        "gas_per_recipient": total_gas // count,
        "marginal_gas_per_recipient": (total_gas - one_gas) // (count - 1),
    }


def measure_payout_gas(w3: Web3, signer: Any, recipients: int) -> dict[str, Any]:
    """Deploy fresh tokens with `signer` holding every role and measure; returns the report."""
    deployment = deploy_tokens(w3, signer)
    dsom = w3.eth.contract(
        address=Web3.to_checksum_address(deployment.dsom), abi=load_artifact("DSOM").abi
    )
    kgst = w3.eth.contract(
        address=Web3.to_checksum_address(deployment.kgst), abi=load_artifact("KGST").abi
    )
    group = _addresses("recipient", recipients)
    spare = _addresses("spare", 3)
    allow_gas = 0
    for start in range(0, recipients, ALLOW_CHUNK):
        allow_gas += _gas(w3, signer, dsom.functions.allow(group[start : start + ALLOW_CHUNK]))
    _gas(w3, signer, dsom.functions.allow([signer.address, *spare]))
    _gas(w3, signer, dsom.functions.mint(signer.address, 10**15))

    new_batch = _payout_gas(w3, signer, dsom, group)
    existing_batch = _payout_gas(w3, signer, dsom, group)
    new_one = _payout_gas(w3, signer, dsom, spare[:1])
    existing_one = _payout_gas(w3, signer, dsom, group[:1])
    dsom_existing = _gas(w3, signer, dsom.functions.transfer(group[1], PAYOUT_AMOUNT_BASE))
    dsom_new = _gas(w3, signer, dsom.functions.transfer(spare[1], PAYOUT_AMOUNT_BASE))

    _gas(w3, signer, kgst.functions.reportReserves(10**30))
    _gas(w3, signer, kgst.functions.configureMinter(signer.address, 10**30))
    _gas(w3, signer, kgst.functions.mint(signer.address, 10**24))
    kgst_new = _gas(w3, signer, kgst.functions.transfer(spare[2], KGST_TRANSFER_AMOUNT))
    kgst_existing = _gas(w3, signer, kgst.functions.transfer(spare[2], KGST_TRANSFER_AMOUNT))

    existing = _per_recipient(existing_batch, existing_one, recipients)
    new = _per_recipient(new_batch, new_one, recipients)
    return {
        "recipients": recipients,
        "dsom_batch_payout": {"existing_holders": existing, "new_holders": new},
        "dsom_allow_list_gas_per_address": allow_gas // recipients,
        "dsom_single_transfer": {"existing_holder": dsom_existing, "new_holder": dsom_new},
        "kgst_single_transfer": {"existing_holder": kgst_existing, "new_holder": kgst_new},
        "targets": {
            "gas_per_existing_recipient_max": TARGET_GAS_PER_EXISTING_RECIPIENT,
            "gas_per_new_recipient_max": TARGET_GAS_PER_NEW_RECIPIENT,
        },
        "within_targets": existing["gas_per_recipient"] <= TARGET_GAS_PER_EXISTING_RECIPIENT
        and new["gas_per_recipient"] <= TARGET_GAS_PER_NEW_RECIPIENT,
    }


def run_chain_benchmark(recipients: int = RECIPIENTS_DEFAULT) -> dict[str, Any]:
    """Start a private anvil, measure, stop it; the report also names the toolchain."""
    with Anvil() as anvil:
        profile = resolve_profile("local", anvil.rpc_url)
        w3 = connect(anvil.rpc_url, LOCAL_CHAIN_ID)
        report = measure_payout_gas(w3, load_signer(profile), recipients)
        client_version = str(w3.client_version)
    report["node"] = client_version
    report["compiler"] = load_artifact("DSOM").compiler_version
    report["evm_version"] = load_artifact("DSOM").settings["evmVersion"]
    return report

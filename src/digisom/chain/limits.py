"""Every limit and timeout of the chain layer, named in one place.

Each network call and each wait on a child process passes one of these, so that a stuck node or an
unreachable RPC endpoint fails in bounded time instead of hanging a command or a test run.
"""

from typing import Final

RPC_TIMEOUT_S: Final = 30
"""One JSON-RPC request; public BSC endpoints answer in well under a second when healthy."""

TX_RECEIPT_TIMEOUT_S: Final = 180
"""Waiting for one transaction to be mined: BSC makes a block every few seconds, anvil at once."""

TX_RECEIPT_POLL_S: Final = 0.05
"""Polling interval for receipts; short because anvil mines instantly."""

ANVIL_START_TIMEOUT_S: Final = 30
"""From spawning anvil until it answers eth_chainId (loading a large state dump takes longest)."""

ANVIL_STOP_TIMEOUT_S: Final = 15
"""Grace period after SIGINT for anvil to write its state dump and exit, before it is killed."""

ANVIL_STATE_INTERVAL_S: Final = 5
"""Anvil also dumps its state this often, so a crash loses at most a few seconds of blocks."""

ANVIL_GAS_LIMIT: Final = 140_000_000
"""Block gas limit of the local node: about BNB Smart Chain's, so batches sized for it fit."""

BATCH_PAYOUT_MAX: Final = 2000
"""Entries in one DSOM batchPayout; equal to the contract's BATCH_PAYOUT_MAX."""

PAYOUT_AMOUNT_BITS: Final = 96
"""Bits of the amount in a packed payout word (the low 160 bits hold the recipient)."""

RESERVE_MAX_AGE_S_DEFAULT: Final = 86_400
"""A reserve report older than a day stops KGST minting, unless the deployment says otherwise."""

TIMELOCK_DELAY_S_MIN: Final = 0
"""Zero is allowed for local rehearsals; production deployments should choose days."""

TOKEN_DECIMALS_MAX: Final = 36
"""Decimals above this make amounts overflow uint128 balances at realistic supplies."""

GAS_MARGIN_PERCENT: Final = 25
GAS_MARGIN_MIN: Final = 20_000
"""Gas limit above the estimate. An estimate is exact for the block it ran against; one block
later a write can cost more (a storage slot that held the same value is now changed: 20,000 gas
more for a zero-to-non-zero write), and an exact limit then runs out of gas. Unused gas is not
charged."""

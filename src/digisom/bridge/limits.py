"""Every limit, timeout and fixed code of the bridge, named in one place."""

from typing import Final

from digisom.platform.accounts import Code

ESCROW_ACCOUNT_CODE: Final = int(Code.TOKEN_ESCROW)
"""Ledger account code of a token's escrow account (the som backing the token's supply): the
chart of accounts' token escrow, so that `check_issuance` counts it as som in circulation."""
ISSUE_TRANSFER_CODE: Final = 901
"""Ledger transfer code of an issue: a bank's som into the escrow, pending until the mint."""
REDEEM_TRANSFER_CODE: Final = 902
"""Ledger transfer code of a redemption: escrow som to the holder, pending until the burn."""

CONFIRMATIONS_DEFAULT: Final = 12
"""Blocks (including the one holding the event) before the bridge acts; BSC finalises in ~15."""
CONFIRMATIONS_MAX: Final = 1000

OPERATIONS_PER_STEP_MAX: Final = 500
"""Outbox operations the relayer signs, sends or resolves in one step (one DB transaction)."""
BLOCKS_PER_STEP_MAX: Final = 500
"""Blocks the indexer takes in one step; a long catch-up runs in several steps."""
HOLDER_LOG_BLOCKS_MAX: Final = 5_000
"""Blocks per eth_getLogs request when replaying a token's holders (public RPCs cap ranges)."""
PAYOUT_BLOCKS_BACK_MAX: Final = 200_000
"""How far back the portal's payout feed looks (about a week of BNB Smart Chain blocks)."""
PAYOUTS_SHOWN_MAX: Final = 200
"""Payments the feed lists, newest first."""
EVENTS_PER_STEP_MAX: Final = 500
"""Confirmed redemption events turned into ledger transfers and burns in one step."""
REORG_DEPTH_MAX: Final = 128
"""Deepest reorg the indexer can unwind; also how many block hashes it keeps."""

GAS_LIMIT_MARGIN_PERCENT: Final = 25
"""Added to the estimated gas, so a small state change between estimate and mining is absorbed."""
FEE_BUMP_PERCENT: Final = 25
"""Each fee bump raises both fees by this much (nodes demand at least 10% to replace)."""
FEE_BUMPS_MAX: Final = 10
"""Bumps before an operation is left for an operator (with an alert) instead of paying more."""
MAX_FEE_PER_GAS_CAP_WEI: Final = 1_000 * 10**9
"""Never offer more than 1,000 gwei per gas, whatever the bumps say."""
PRIORITY_FEE_WEI_DEFAULT: Final = 10**9
"""Tip offered when the node gives no suggestion (1 gwei, BSC's usual minimum)."""
STUCK_AFTER_S: Final = 60.0
"""A sent transaction not mined after this long is re-signed with higher fees."""

RECONCILE_ATTEMPTS_MAX: Final = 3
"""A gap seen while operations are in flight is re-measured this often before it is an alert."""
RECONCILE_RETRY_S: Final = 0.2

AMOUNT_MINOR_MAX: Final = 2**63 - 1
"""One operation's amount in tyiyn (fits the BIGINT column; 92 quadrillion som)."""
IDEMPOTENCY_KEY_LENGTH_MAX: Final = 200
BLOCKLIST_ENTRIES_MAX: Final = 1_000_000
"""Addresses in a blocklist file; a larger file is refused rather than read without bound."""
ALERT_DETAIL_LENGTH_MAX: Final = 2000
ERROR_LENGTH_MAX: Final = 500
LEDGER_ESCROW_NOTE: Final = "the ledger refused the escrow-to-holder transfer"

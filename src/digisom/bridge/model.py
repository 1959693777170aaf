"""The bridge's record types: tokens, outbox operations and their states, redemption events."""

from dataclasses import dataclass
from enum import StrEnum


class OperationKind(StrEnum):
    MINT = "mint"
    """Issue: tokens minted to `address` against som moved into the escrow."""
    BURN = "burn"
    """Redeem: tokens received at the redemption address burned, escrow som paid out."""


class OperationStatus(StrEnum):
    """Where an outbox operation stands. Only `confirmed` and `failed` are final."""

    QUEUED = "queued"
    """Written with its pending ledger transfer; no transaction yet."""
    SIGNED = "signed"
    """Nonce assigned and transaction signed and stored; maybe not broadcast yet."""
    SENT = "sent"
    """Broadcast at least once; waiting to be mined."""
    MINED = "mined"
    """In a block; waiting for confirmations."""
    CONFIRMED = "confirmed"
    """Succeeded with enough confirmations; the pending transfer is posted."""
    FAILED = "failed"
    """Refused (estimate reverted) or reverted on chain; the pending transfer is voided."""


IN_FLIGHT = (OperationStatus.SIGNED, OperationStatus.SENT, OperationStatus.MINED)


class EventStatus(StrEnum):
    """Where an observed transfer to the redemption address stands."""

    SEEN = "seen"
    """Indexed; not enough confirmations yet (dropped again if its block is reorged out)."""
    APPLIED = "applied"
    """Confirmed: a pending escrow-to-holder transfer and a burn are in the outbox."""
    REFUSED = "refused"
    """The sender is blocked by screening, or the amount is not whole tyiyn; nothing moved."""
    UNCLAIMED = "unclaimed"
    """No ledger account is registered for the sender; an operator must resolve it."""


@dataclass(frozen=True, slots=True)
class Token:
    """A token the bridge mints and burns, and the ledger account that backs it."""

    chain_id: int
    symbol: str
    address: str
    """Checksummed contract address."""
    decimals: int
    escrow_account_id: int
    start_block: int
    """First block the indexer reads (the deployment block)."""

    @property
    def scale(self) -> int:
        """Token units per tyiyn: 10^(decimals-2)."""
        return int(10 ** (self.decimals - 2))


@dataclass(frozen=True, slots=True)
class Operation:
    """One row of the outbox: a chain transaction the bridge owes, and its progress."""

    id: int
    kind: OperationKind
    chain_id: int
    symbol: str
    address: str
    """Mint: the destination. Burn: the holder who redeemed (for the record)."""
    amount_minor: int
    pending_transfer_id: int
    status: OperationStatus
    sender: str | None = None
    nonce: int | None = None
    gas_limit: int | None = None
    max_fee_per_gas: int | None = None
    max_priority_fee_per_gas: int | None = None
    raw_tx: bytes | None = None
    tx_hash: bytes | None = None
    mined_block: int | None = None
    sent_at_ns: int | None = None
    bumps: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class IssueRequest:
    """A bank (or the Treasury) asks for `amount_minor` tyiyn of `symbol` minted to `address`."""

    idempotency_key: str
    symbol: str
    debit_account_id: int
    """The ledger account the som come from."""
    address: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class IssueResult:
    operation_id: int
    pending_transfer_id: int
    created: bool
    """False when the key was seen before: nothing new was written."""

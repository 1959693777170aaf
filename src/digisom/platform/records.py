"""The platform's record types: who takes part, and which wallet is whose. No balances here."""

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    """What a participant is; it decides which ledger accounts it gets and what its keys may do."""

    CENTRAL_BANK = "central_bank"
    BANK = "bank"
    TREASURY = "treasury"
    AGENCY = "agency"
    BUSINESS = "business"
    CITIZEN = "citizen"


GOVERNMENT_KINDS = frozenset({Kind.TREASURY, Kind.AGENCY})
WALLET_HOLDER_KINDS = frozenset({Kind.BUSINESS, Kind.CITIZEN})


class WalletStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Participant:
    id: str
    """Lower-case letters, digits and dashes; chosen by whoever registers the participant."""
    kind: Kind
    name: str
    bank_id: str | None = None
    """For businesses and citizens: the bank that serves them (two-tier model)."""
    category: str | None = None
    """For businesses: the merchant category that purpose-bound subsidies are checked against."""


class Wallet(NamedTuple):
    """A wallet (immutable; a named tuple because a payroll reads 100,000 of them twice)."""

    id: str
    owner_id: str
    bank_id: str
    """The bank that opened the wallet; its keys may move the wallet's money."""
    tier: str
    account_id: int
    linked_reference: str | None
    """The holder's deposit account at `bank_id`, when linked: enables (reverse) waterfall."""
    status: WalletStatus

    @property
    def linked(self) -> bool:
        return self.linked_reference is not None

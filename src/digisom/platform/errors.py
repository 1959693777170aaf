"""The platform's expected errors: each says what was refused and why, and nothing was applied."""

from digisom.errors import DigisomError, InvalidInput


class Refused(DigisomError):
    """A well-formed request the rules do not allow (limit, balance, closed wallet, expiry)."""


class IdempotencyConflict(InvalidInput):
    """An idempotency key reused with a different request body."""


class Forbidden(DigisomError):
    """The caller's key is valid but not for this participant, wallet or operation."""

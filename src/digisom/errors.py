"""Expected errors: the one base class every anticipated failure derives from.

Programmer errors (a broken invariant) are not `DigisomError`s: they raise `InvariantError`, and
the process should stop rather than carry on with state it cannot trust.
"""


class DigisomError(Exception):
    """An expected, explainable failure; the message is meant for the person who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DigisomError):
    """Input that does not satisfy the documented format or limits; nothing was changed."""


class NotFound(DigisomError):
    """A named object does not exist."""


class ConfigurationError(DigisomError):
    """Settings that cannot work (bad database URL, missing key file, default secret)."""


class InvariantError(AssertionError):
    """A property that must always hold did not: a bug or tampered data, never bad input."""


def invariant(condition: bool, message: str) -> None:
    """Check a property that must hold in production too (unlike `assert`, survives `-O`)."""
    if not condition:
        raise InvariantError(message)

"""Shared pieces of the platform routers: the authenticated caller, errors as HTTP statuses,
amounts as decimal strings of tyiyn."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import StringConstraints

from digisom.api.deps import LedgerDep, authenticated
from digisom.platform.access import Caller, PlatformScope, authenticate_caller
from digisom.platform.errors import Forbidden, Refused

_bearer = HTTPBearer(auto_error=False, description="A platform API key")

Tyiyn = Annotated[str, StringConstraints(strict=True, pattern=r"^[1-9][0-9]{0,14}$")]
"""An amount: whole tyiyn as a decimal string (1 som = 100 tyiyn), never a JSON number."""


def caller(scope: PlatformScope | None) -> Callable[..., Caller]:
    """A dependency that authenticates the key and requires `scope` (401 / 403 otherwise);
    with `scope` None any platform caller passes and the route checks the object itself."""

    def check(
        ledger: LedgerDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Caller:
        found = authenticated(credentials, lambda key: authenticate_caller(ledger.store, key))
        if scope is not None and not found.can(scope):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"the {found.role.value} role lacks {scope.value}"
            )
        return found

    return check


def allowed(check: Callable[[], None]) -> None:
    """Run a per-object access check; a refusal is 403."""
    try:
        check()
    except Forbidden as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, error.message) from None


def refused_as_409(error: Refused) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, error.message)

"""Shared pieces of the compliance routers: the bound caller (agency or subject from the key,
never from the request), the KYC key service, and compliance errors as HTTP statuses."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from digisom.api.deps import LedgerDep, authenticated, check_scope
from digisom.compliance.keys import BoundCaller, resolve
from digisom.compliance.kyc.crypto import KeyService, key_service_from_env
from digisom.compliance.kyc.vault import Accessor
from digisom.errors import ConfigurationError
from digisom.keys import Role, Scope

_bearer = HTTPBearer(auto_error=False, description="An API key bound to an agency or subject")


def bound_caller(scope: Scope) -> Callable[..., BoundCaller]:
    """401 without a valid key, 403 without `scope` or, for an officer, without an agency."""

    def check(
        ledger: LedgerDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> BoundCaller:
        found = authenticated(credentials, lambda key: resolve(ledger.store, key))
        check_scope(found.role, scope)
        if found.role is Role.COMPLIANCE_OFFICER and found.agency is None:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "this compliance key is not bound to an agency (digisom compliance keys officer)",
            )
        return found

    return check


def accessor(caller: BoundCaller) -> Accessor:
    return Accessor(caller.actor, caller.role.value, caller.agency or caller.role.value)


def get_keys(request: Request) -> KeyService:
    """The KYC master key, read from the environment once per app; 503 when not configured."""
    keys: KeyService | None = getattr(request.app.state, "kyc_keys", None)
    if keys is None:
        try:
            keys = key_service_from_env()
        except ConfigurationError as error:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, error.message) from error
        request.app.state.kyc_keys = keys
    return keys


KeysDep = Annotated[KeyService, Depends(get_keys)]

"""/v1/admin: API keys (admin role only)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from digisom.api.deps import LedgerDep, require
from digisom.api.schemas import KeyIn, KeyOut
from digisom.keys import KeyHolder, Role, Scope, issue_key

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/keys", status_code=201)
def new_key(
    ledger: LedgerDep,
    body: KeyIn,
    caller: Annotated[KeyHolder, Depends(require(Scope.ADMIN))],
) -> KeyOut:
    """Create an API key for a role; the key is in this response only. The creation is written
    to the audit log with the creating key."""
    role = Role(body.role)
    key = issue_key(ledger.store, role, body.label, actor=caller.actor, actor_role=caller.role)
    return KeyOut(role=role.value, key=key)

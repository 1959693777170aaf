"""/v1/admin: API keys (admin role only)."""

from fastapi import APIRouter, Depends

from digisom.api.deps import LedgerDep, require
from digisom.api.schemas import KeyIn, KeyOut
from digisom.keys import Role, Scope, create_key

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/keys", dependencies=[Depends(require(Scope.ADMIN))], status_code=201)
def new_key(ledger: LedgerDep, body: KeyIn) -> KeyOut:
    """Create an API key for a role; the key is in this response only."""
    role = Role(body.role)
    return KeyOut(role=role.value, key=create_key(ledger.store, role, body.label))

"""/v1/me: what a citizen may see about themselves: who looked at their data."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from digisom.api.deps import LedgerDep
from digisom.api.routes.compliance_deps import bound_caller
from digisom.api.routes.compliance_schemas import AccessOut
from digisom.compliance import access
from digisom.compliance.keys import BoundCaller
from digisom.compliance.limits import ACCESS_LOG_PAGE_MAX
from digisom.keys import Scope

router = APIRouter(prefix="/v1/me", tags=["me"])

Citizen = Annotated[BoundCaller, Depends(bound_caller(Scope.ME_READ))]


@router.get("/access-log")
def access_log(
    ledger: LedgerDep,
    caller: Citizen,
    after: Annotated[int, Query(ge=0, description="Height cursor: the last `height` seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=ACCESS_LOG_PAGE_MAX)] = 50,
) -> list[AccessOut]:
    """Every read of your personal data or transactions: when, which agency, why, on what basis.

    A citizen key is issued at onboarding and bound to your pseudonymous subject id, so it shows
    your log and nobody else's."""
    subject = access.require_subject(ledger.store, caller.subject_id)
    return [
        AccessOut(
            height=r.height,
            at_ns=r.at_ns,
            agency=r.agency,
            role=r.role,
            action=r.action,
            purpose=r.purpose,
            legal_basis=r.legal_basis,
        )
        for r in access.access_log(ledger.store, subject, after, limit)
    ]

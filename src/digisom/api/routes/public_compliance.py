"""/v1/public (compliance part): open data without a key: reads of personal data counted per
agency, and the audit log's head.

Beside the portal's /v1/public router, in its own module so each area owns its file.
"""

from fastapi import APIRouter

from digisom.api.deps import LedgerDep
from digisom.api.routes.compliance_schemas import AccessStatsOut, AgencyCountOut, AuditHeadOut
from digisom.audit.log import head
from digisom.compliance import access
from digisom.compliance.limits import PUBLIC_STATS_CELL_MIN

router = APIRouter(prefix="/v1/public", tags=["public"])


@router.get("/access-stats")
def access_stats(ledger: LedgerDep) -> AccessStatsOut:
    """Reads of personal data per agency; cells under the minimum are suppressed (null), and no
    total is given, so a suppressed cell cannot be recovered by subtraction."""
    return AccessStatsOut(
        cell_min=PUBLIC_STATS_CELL_MIN,
        agencies=[
            AgencyCountOut(agency=c.agency, accesses=c.accesses, suppressed=c.accesses is None)
            for c in access.access_stats(ledger.store)
        ],
    )


@router.get("/audit-head")
def audit_head(ledger: LedgerDep) -> AuditHeadOut:
    """The audit log's newest height and hash, for anyone to record and compare later."""
    found = head(ledger.store)
    return AuditHeadOut(height=found.height, hash=found.hash.hex())

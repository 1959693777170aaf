"""/v1/por: proof of reserves and liabilities: published roots and reserve valuations (public),
and a holder's own proof.

Roots are public on purpose: anyone must be able to fetch the signed, anchored root to check a
proof against it. A proof is not: it carries the holder's salt, which is what keeps the holder's
balance from being confirmed by someone who merely guesses it. A proof is served only to the
bearer of a holder key bound to that uid (`digisom por holder-key`); a key bound to another uid
gets 403, and staff API keys get no proofs at all.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from digisom.api.deps import LedgerDep
from digisom.reserve.limits import ROOTS_PAGE_MAX, VALUATIONS_PAGE_MAX
from digisom.reserve.por.limits import UID_BYTES_MAX
from digisom.reserve.por.proof import proof_to_json, root_to_object
from digisom.reserve.por_store import StoredRoot, holder_uid_for_key, list_roots
from digisom.reserve.reserve_store import valuation_history
from digisom.reserve.snapshots import proof_for_uid

router = APIRouter(prefix="/v1/por", tags=["proof of liabilities"])

_bearer = HTTPBearer(auto_error=False, description="A holder key: `digisom por holder-key`")
RootId = Annotated[int | None, Query(ge=1, description="A root id; default: the newest root")]


def holder_uid(
    ledger: LedgerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The uid the caller's holder key is bound to; 401 without a valid holder key."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing holder key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    uid = holder_uid_for_key(ledger.store, credentials.credentials)
    if uid is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "unknown or revoked holder key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return uid


HolderUid = Annotated[str, Depends(holder_uid)]


def _root_out(stored: StoredRoot) -> dict[str, Any]:
    anchor = None
    if stored.anchor_tx is not None:
        anchor = {
            "chain_id": stored.anchor_chain_id,
            "tx_hash": "0x" + stored.anchor_tx.hex(),
            "block_number": stored.anchor_block,
        }
    return {
        "id": stored.id,
        "root": root_to_object(stored.root),
        "journal_hash": stored.journal_hash.hex(),
        "signature": stored.signature.to_object(),
        "anchor": anchor,
    }


@router.get("/roots")
def roots(
    ledger: LedgerDep,
    limit: Annotated[int, Query(ge=1, le=ROOTS_PAGE_MAX)] = 20,
    before: Annotated[int | None, Query(ge=1, description="Page cursor: `next_before`")] = None,
) -> dict[str, Any]:
    """Published roots, newest first, each with the issuer's signature and its anchor."""
    found = list_roots(ledger.store, limit, before)
    next_before = found[-1].id if len(found) == limit else None
    return {"roots": [_root_out(r) for r in found], "next_before": next_before}


@router.get("/reserves")
def reserves(
    ledger: LedgerDep,
    limit: Annotated[int, Query(ge=1, le=VALUATIONS_PAGE_MAX)] = 10,
) -> dict[str, Any]:
    """Reserve valuations, newest first: totals, KGST ratio, every line and every price used."""
    return {"valuations": valuation_history(ledger.store, limit)}


@router.get("/proofs/me")
def my_proof(ledger: LedgerDep, uid: HolderUid, root_id: RootId = None) -> Response:
    """The caller's inclusion proof (spec version 1 JSON, byte for byte as published)."""
    proof = proof_for_uid(ledger.store, uid, root_id)
    return Response(proof_to_json(proof), media_type="application/json")


@router.get("/proofs/{uid}")
def proof_of(
    ledger: LedgerDep,
    caller_uid: HolderUid,
    uid: Annotated[str, Path(min_length=1, max_length=UID_BYTES_MAX)],
    root_id: RootId = None,
) -> Response:
    """A uid's proof; only for the holder of that uid (403 for anyone else's)."""
    if uid != caller_uid:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a holder key reads its own proof only")
    proof = proof_for_uid(ledger.store, uid, root_id)
    return Response(proof_to_json(proof), media_type="application/json")

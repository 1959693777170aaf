"""Typed dependencies: the per-thread ledger, and the authenticated caller with a scope check."""

import threading
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from digisom.keys import SCOPES_BY_ROLE, KeyHolder, Role, Scope, identify
from digisom.ledger.cache import AccountCache
from digisom.ledger.service import Ledger
from digisom.storage.factory import open_store
from digisom.storage.urls import DatabaseUrl

_bearer = HTTPBearer(auto_error=False, description="An API key: `digisom admin create-key`")


class LedgerPool:
    """One store connection per worker thread: sqlite3 and psycopg connections are not shared
    between threads, and writers are serialised by the database's lock, not by this pool."""

    def __init__(self, url: DatabaseUrl) -> None:
        self.url = url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Ledger] = []
        self.cache = AccountCache()
        """One cache for every thread: writes are serialised anyway (see `AccountCache`)."""

    def get(self) -> Ledger:
        ledger: Ledger | None = getattr(self._local, "ledger", None)
        if ledger is None:
            ledger = Ledger(open_store(self.url, migrate=False), cache=self.cache)
            self._local.ledger = ledger
            with self._lock:
                self._all.append(ledger)
        return ledger

    def close(self) -> None:
        with self._lock:
            for ledger in self._all:
                ledger.store.close()
            self._all.clear()


def get_ledger(request: Request) -> Ledger:
    pool: LedgerPool = request.app.state.ledgers
    return pool.get()


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


T = TypeVar("T")


def authenticated(
    credentials: HTTPAuthorizationCredentials | None, resolve: Callable[[str], T | None]
) -> T:
    """Whoever `resolve` says the bearer key belongs to; 401 without a key or with an unknown one.

    Every area's caller dependency (ledger, platform, compliance) starts here and then checks its
    own scopes, so a missing or wrong key is answered the same way everywhere.
    """
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    found = resolve(credentials.credentials)
    if found is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "unknown or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


def check_scope(role: Role, scope: Scope) -> None:
    """403 unless `role` has `scope`."""
    if scope not in SCOPES_BY_ROLE[role]:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"the {role.value} role lacks the {scope.value} scope"
        )


def require(scope: Scope) -> Callable[..., KeyHolder]:
    """A dependency that lets the request through only with a key whose role has `scope`."""

    def check(
        ledger: LedgerDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> KeyHolder:
        holder = authenticated(credentials, lambda key: identify(ledger.store, key))
        check_scope(holder.role, scope)
        return holder

    return check

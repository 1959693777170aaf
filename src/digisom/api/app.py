"""The FastAPI application: routers, error shapes, request size limit, background jobs (expiry
of pending transfers, clawback of expired subsidies)."""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from digisom import __version__, web
from digisom.api.deps import LedgerPool
from digisom.api.routes import (
    admin,
    compliance,
    ledger,
    me,
    platform_government,
    platform_wallets,
    public,
    public_compliance,
)
from digisom.api.routes import por as por_routes
from digisom.errors import DigisomError, NotFound
from digisom.limits import REQUEST_BODY_BYTES_MAX
from digisom.platform.subsidies import clawback
from digisom.storage.factory import open_store
from digisom.storage.urls import DatabaseUrl

log = logging.getLogger("digisom.api")


def create_app(
    url: DatabaseUrl,
    *,
    expiry_interval_s: float = 0.0,
    clawback_interval_s: float = 0.0,
    maintenance_interval_s: float = 0.0,
) -> FastAPI:
    """Build the app on `url` (migrated here, once). With `expiry_interval_s` > 0 a background
    task releases pending transfers whose timeout passed, even when no batch arrives; with
    `clawback_interval_s` > 0 another returns the unspent rest of expired subsidies; with
    `maintenance_interval_s` > 0 another checkpoints and folds while the ledger is idle."""
    open_store(url).close()
    pool = LedgerPool(url)
    jobs: list[tuple[str, float, Callable[[], object]]] = [
        ("expiring pending transfers", expiry_interval_s, lambda: pool.get().expire_pending()),
        ("subsidy clawback", clawback_interval_s, lambda: clawback(pool.get(), time.time_ns())),
        ("ledger maintenance", maintenance_interval_s, lambda: pool.get().maintain()),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = [
            asyncio.create_task(_every(name, interval_s, job))
            for name, interval_s, job in jobs
            if interval_s > 0
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            pool.close()

    app = FastAPI(
        title="digisom",
        version=__version__,
        description="The sovereign ledger of the digital som and the services above it.",
        lifespan=lifespan,
    )
    app.state.ledgers = pool
    app.include_router(ledger.router)
    app.include_router(admin.router)
    app.include_router(platform_wallets.router)
    app.include_router(platform_government.router)
    web.mount(app)
    app.include_router(por_routes.router)
    app.include_router(compliance.router)
    app.include_router(me.router)
    app.include_router(public.router)
    app.include_router(public_compliance.router)

    @app.middleware("http")
    async def limit_body(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > REQUEST_BODY_BYTES_MAX):
            return JSONResponse(
                {"detail": f"request body over {REQUEST_BODY_BYTES_MAX} bytes"}, status_code=413
            )
        return await call_next(request)

    @app.exception_handler(DigisomError)
    async def expected_error(_: Request, error: DigisomError) -> JSONResponse:
        code = 404 if isinstance(error, NotFound) else 400
        return JSONResponse({"detail": error.message}, status_code=code)

    return app


async def _every(name: str, interval_s: float, job: Callable[[], object]) -> None:
    """Run `job` every `interval_s` on a worker thread; a failure is logged and the timer lives."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            await asyncio.to_thread(job)
        except Exception:
            log.exception("%s failed", name)

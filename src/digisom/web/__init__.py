"""The public transparency portal and the operator console: pages, static assets, and `mount`.

Pages are plain HTML files with small JavaScript modules and no build step: the public pages read
the open `/v1/public/...` JSON, the console reads `/v1/ledger/...` (and the platform's endpoints
when they exist) with an API key the operator types in. `mount(app)` is the one call the API app
makes to serve all of it.
"""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from digisom.web.figures import FiguresCache
from digisom.web.router import STATIC_DIR, router


def mount(app: FastAPI) -> None:
    """Serve the portal's pages and static files on `app`, and give the public JSON endpoints
    (`digisom.api.routes.public`, included by the app) their figures cache."""
    app.state.public_figures = FiguresCache()
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

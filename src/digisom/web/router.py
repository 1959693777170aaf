"""The portal's and the console's pages: static HTML files served with strict security headers.

The pages contain no data; their scripts fetch it, so one HTML file serves every state and the
server never interpolates untrusted text into markup. The Content-Security-Policy allows scripts
and styles from this origin only, which keeps the console's API key (in sessionStorage) out of
reach of injected scripts.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse

WEB_DIR: Final = Path(__file__).resolve().parent
PAGES_DIR: Final = WEB_DIR / "pages"
STATIC_DIR: Final = WEB_DIR / "static"

SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

PAGES: Final = {
    "/": "index.html",
    "/reserves": "reserves.html",
    "/proof": "proof.html",
    "/treasury": "treasury.html",
    "/statistics": "statistics.html",
    "/console": "console.html",
}
"""URL path -> page file. Each page names its own script; they share `static/js/common.js`."""

router = APIRouter(include_in_schema=False)


def _page_route(file_name: str) -> Callable[[], FileResponse]:
    """A handler serving one page file (a closure, so each route has its own path)."""
    path = PAGES_DIR / file_name

    def page() -> FileResponse:
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    page.__name__ = f"page_{path.stem}"
    return page


for _url, _file in PAGES.items():
    router.add_api_route(_url, _page_route(_file), methods=["GET", "HEAD"])

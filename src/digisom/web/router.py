"""The portal's and the console's pages, served with strict security headers.

Each page is a Jinja2 template extending `pages/_base.html` (head, navigation, footer), rendered
once when the router is built: the pages contain no data, their scripts fetch it, so one rendering
serves every state and the server never interpolates untrusted text into markup. The
Content-Security-Policy allows scripts and styles from this origin only, which keeps the
console's API key (in sessionStorage) out of reach of injected scripts.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Final

import jinja2
from fastapi import APIRouter
from fastapi.responses import Response

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


NAVIGATION: Final = (
    ("/", "Supply"),
    ("/reserves", "Reserves"),
    ("/proof", "Proof of liabilities"),
    ("/treasury", "Treasury payouts"),
    ("/statistics", "Statistics"),
    ("/console", "Operator console"),
)

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(PAGES_DIR),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def _page_route(url: str, file_name: str) -> Callable[[], Response]:
    """A handler serving one page, rendered now (a closure, so each route has its own path)."""
    html = _templates.get_template(file_name).render(path=url, nav=NAVIGATION)

    def page() -> Response:
        return Response(html, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    page.__name__ = f"page_{Path(file_name).stem}"
    return page


for _url, _file in PAGES.items():
    router.add_api_route(_url, _page_route(_url, _file), methods=["GET", "HEAD"])

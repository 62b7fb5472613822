"""The interactive docs, Swagger UI at `/docs` and ReDoc at `/redoc`, served with their assets
from an installed package: they work with no internet."""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from app.edge.security import inline_script_hashes, page_policy

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/static/docs"

SWAGGER_UI = get_swagger_ui_html(
    openapi_url="/openapi.json",
    title="Diplomatic Visits API — Swagger UI",
    swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
    swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
    swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
).body
REDOC = get_redoc_html(
    openapi_url="/openapi.json",
    title="Diplomatic Visits API — ReDoc",
    redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
    redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
    with_google_fonts=False,
).body
PAGES = {"/docs": bytes(SWAGGER_UI), "/redoc": bytes(REDOC)}
# Each page's content security policy allows exactly its own inline scripts.
POLICIES = {path: page_policy(inline_script_hashes(page)) for path, page in PAGES.items()}


def add_docs(app: FastAPI) -> None:
    """Serve the docs pages and their assets."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(SWAGGER_UI)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return HTMLResponse(REDOC)

"""The interactive docs: Swagger UI at `/docs`, ReDoc at `/redoc`, loading nothing from elsewhere.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, their icon from FastAPI's site and
ReDoc's fonts from Google, so they render blank without internet access. Here the scripts,
styles and icon are those the fastapi-offline package ships (Swagger UI 5, ReDoc 2), served
under `DOCS_ASSETS`, and every page carries a Content-Security-Policy under which the browser
loads nothing from another origin: ReDoc's bundle fetches its logo from its makers' CDN at
run time, and with the fetch refused it leaves the logo out.

Like `/openapi.json`, the pages and assets are plain routes outside the OpenAPI document, with
no dependencies, so they stay open when reads need a key.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
# Where the pages' scripts, styles and icon are served from.
DOCS_ASSETS = "/static-docs"
# The package and folder they are read from.
ASSETS_PACKAGE = ("fastapi_offline", "static")
# Same origin only. The pages' own start-up scripts and the bundles' styles are inline; ReDoc
# runs its search in a worker made from a blob; Swagger UI draws some icons from data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)


def install(app: FastAPI) -> None:
    """Add `/docs`, `/redoc`, Swagger UI's OAuth2 redirect page and their assets to `app`."""
    if app.openapi_url is None:
        return
    openapi_url = app.openapi_url
    redirect_url = app.swagger_ui_oauth2_redirect_url
    app.mount(DOCS_ASSETS, StaticFiles(packages=[ASSETS_PACKAGE]), name="docs-assets")

    async def swagger_ui(request: Request) -> HTMLResponse:
        root = _root_path(request)
        return _confined(
            get_swagger_ui_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} - Swagger UI",
                swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
                oauth2_redirect_url=root + redirect_url if redirect_url else None,
                init_oauth=app.swagger_ui_init_oauth,
                swagger_ui_parameters=app.swagger_ui_parameters,
            )
        )

    async def redoc(request: Request) -> HTMLResponse:
        root = _root_path(request)
        return _confined(
            get_redoc_html(
                openapi_url=root + openapi_url,
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
                with_google_fonts=False,
            )
        )

    async def oauth2_redirect(_request: Request) -> HTMLResponse:
        return _confined(get_swagger_ui_oauth2_redirect_html())

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    if redirect_url:
        app.add_route(redirect_url, oauth2_redirect, include_in_schema=False)


def _root_path(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _confined(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return page

"""Who may write: API keys (`Authorization: Bearer <key>`) from `GAZETTE_API_KEYS`.

Every write route depends on `WriteKey`. With keys configured, a write needs one of them;
with none configured, writes are accepted only from the loopback interface, and not from a
page of another site open in a browser there, so a service started for local development
keeps working and one put on a network is read-only until it is given a key. Reads are open unless `GAZETTE_READ_KEYS_REQUIRED` is set (`ReadKey`).
Keys are compared in constant time and never logged.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import Headers

from app.api.docs import DOCS_ASSETS, DOCS_URL, REDOC_URL
from app.config import Settings
from app.errors import Forbidden, Unauthorized

log = logging.getLogger(__name__)

BEARER_SCHEME = "BearerKey"
# Routes a load balancer or a person reading the docs must reach without a key.
OPEN_PATHS = frozenset({"/health", "/ready", "/metrics", DOCS_URL, REDOC_URL, "/openapi.json"})
OPEN_PREFIXES = (f"{DOCS_URL}/", f"{REDOC_URL}/", f"{DOCS_ASSETS}/")

_bearer = HTTPBearer(
    scheme_name=BEARER_SCHEME,
    auto_error=False,
    description="One of the keys in `GAZETTE_API_KEYS`, as `Authorization: Bearer <key>`.",
)


def key_matches(presented: str, keys: list[str]) -> bool:
    """Whether `presented` is one of `keys`, in time independent of where they differ."""
    found = False
    for key in keys:
        # Compare with every key, so the time taken does not tell which one matched.
        found |= hmac.compare_digest(presented.encode(), key.encode())
    return found


def is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_another_site(request: Request, settings: Settings) -> bool:
    """Whether a browser sends the request for a page of another site: its `Origin` is
    neither the service's own nor one of GAZETTE_CORS_ORIGINS (`Sec-Fetch-Site` says so
    when there is no `Origin`). A page can make a browser on the service's own machine send
    a simple POST without asking first, so loopback alone does not show who wants it."""
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site", "").lower() == "cross-site"
    allowed = settings.cors_origin_list
    if "*" in allowed or origin in allowed:
        return False
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    return origin.lower() != own.lower()


def _check(request: Request, settings: Settings, presented: str | None, *, action: str) -> None:
    keys = settings.api_key_list
    if not keys:
        if not is_loopback(request):
            raise Forbidden(
                f"No API key is configured, so {action} are accepted only from the loopback "
                "interface; set GAZETTE_API_KEYS to allow them from elsewhere."
            )
        if from_another_site(request, settings):
            raise Forbidden(
                f"No API key is configured, so {action} are accepted only from this machine "
                "and not from pages of other sites; send the request without an `Origin` "
                "header, list the origin in GAZETTE_CORS_ORIGINS, or set GAZETTE_API_KEYS."
            )
        return
    if presented is None:
        raise Unauthorized(
            f"{action.capitalize()} need an API key: send `Authorization: Bearer <key>`."
        )
    if not key_matches(presented, keys):
        raise Unauthorized("The API key is not valid.", error="invalid_token")


def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def require_write_key(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    """A write goes ahead only with a valid key (or, with no key configured, from loopback)."""
    presented = credentials.credentials if credentials else None
    _check(request, _settings(request), presented, action="writes")


async def require_read_key(request: Request) -> None:
    """With `GAZETTE_READ_KEYS_REQUIRED`, reads need a key too (health and docs stay open)."""
    settings = _settings(request)
    if not settings.read_keys_required:
        return
    path = request.url.path
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return
    _check(request, settings, _bearer_token(request.headers), action="reads")


def _bearer_token(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def read_allowed(settings: Settings, headers: Headers) -> bool:
    """Whether a read may be answered without the routes: keys are not required, or a valid
    one was sent. Anything else goes to the routes, whose `ReadKey` answers it."""
    if not settings.read_keys_required:
        return True
    presented = _bearer_token(headers)
    return presented is not None and key_matches(presented, settings.api_key_list)


def log_key_mode(settings: Settings) -> None:
    """Say at startup how writes are guarded (never the keys themselves)."""
    keys = settings.api_key_list
    if keys:
        log.info("API keys configured (%d); writes need `Authorization: Bearer <key>`", len(keys))
    else:
        log.warning(
            "no API key configured (GAZETTE_API_KEYS): writes are accepted only from loopback"
        )
    if settings.read_keys_required:
        log.info("reads need an API key too (GAZETTE_READ_KEYS_REQUIRED)")


WriteKey = Depends(require_write_key)
ReadKey = Depends(require_read_key)

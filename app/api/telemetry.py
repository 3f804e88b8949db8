"""What operators see of each request: its id, one access log line, and one traceback
(with the id) when something unexpected fails.

- `X-Request-ID` is taken from the request when it is 1-128 characters of letters, digits
  and `._:+/=-`, else made anew (asgi-correlation-id); the response echoes it, and every
  log line written while the request is handled carries it (`app.logs.RequestIdFilter`).
- `AccessLog` writes `METHOD PATH STATUS 1.2ms` to `app.access` for every request.
- `UnexpectedErrors` turns an exception that no handler took into a problem+json 500 and
  logs its traceback once: Starlette's own last-resort handler would answer too, but then
  re-raises, and uvicorn logs the same traceback a second time.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from urllib.parse import quote

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem

log = logging.getLogger("app")
access_log = logging.getLogger("app.access")

REQUEST_ID_HEADER = "X-Request-ID"
# Long enough for a UUID, a trace id or a load balancer's id; nothing that could break a
# log line or a header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")


def new_request_id() -> str:
    # 32 hex digits like the library's uuid4().hex, in a quarter of the time.
    return secrets.token_hex(16)


def valid_request_id(value: str) -> bool:
    return _REQUEST_ID.fullmatch(value) is not None


def request_path(scope: Scope) -> str:
    """The path as the client sent it, still percent-encoded: nothing in it can break a line."""
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if raw else quote(scope["path"])


class AccessLog:
    """One `app.access` line per request: method, path, status and milliseconds taken."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            milliseconds = (time.perf_counter() - started) * 1000
            method, path = scope["method"], request_path(scope)
            access_log.info(
                "%s %s %d %.1fms",
                method,
                path,
                status,
                milliseconds,
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(milliseconds, 3),
                },
            )


class UnexpectedErrors:
    """An exception no handler took: its traceback logged once, and a problem+json 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], request_path(scope))
            if started:
                # Too late for a 500: the server closes the connection on the cut body.
                return
            request_id = correlation_id.get()
            response = problem(
                500,
                "An unexpected error occurred; it has been logged"
                + (f" with request id {request_id}." if request_id else "."),
            )
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Add request ids and the access log, outermost of the middleware."""
    app.add_middleware(AccessLog)
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        validator=valid_request_id,
        generator=new_request_id,
    )

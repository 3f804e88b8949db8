"""Guards in front of the routes: allowed hosts, CORS and the bound on concurrent annotation."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette._utils import parse_host_header
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import ServiceBusy

PROBLEM_JSON = "application/problem+json"


class AllowedHostsMiddleware(TrustedHostMiddleware):
    """Starlette's TrustedHostMiddleware, answering a foreign `Host` with a problem document."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        super().__init__(app, allowed_hosts=allowed_hosts, www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.allow_any or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        parsed = parse_host_header(Headers(scope=scope).get("host"))
        host = parsed.host.lower() if parsed is not None else ""
        if host and any(
            host == pattern or (pattern.startswith("*") and host.endswith(pattern[1:]))
            for pattern in self.allowed_hosts
        ):
            await self.app(scope, receive, send)
            return
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "The Host header names a host this service does not answer for.",
            }
        ).encode()
        headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 400, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS, refusing a preflight with a problem document that says what of the
    origin, method and headers is not allowed (Starlette answers in plain text)."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        refused = []
        origin = request_headers["origin"]
        if not self.is_allowed_origin(origin=origin):
            refused.append(f"the origin {origin!r} is not allowed")
        method = request_headers["access-control-request-method"]
        if method not in self.allow_methods:
            refused.append(
                f"the method {method!r} is not allowed (allowed: {', '.join(self.allow_methods)})"
            )
        requested = request_headers.get("access-control-request-headers") or ""
        headers = [h.strip() for h in requested.split(",") if h.strip()]
        if not self.allow_all_headers and (
            disallowed := [h for h in headers if h.lower() not in self.allow_headers]
        ):
            refused.append(f"the headers {', '.join(disallowed)} are not allowed")
        private = "access-control-request-private-network" in request_headers
        if private and not self.allow_private_network:
            refused.append("private network access is not allowed")
        if not refused:  # a reason of Starlette's that the checks above do not know
            refused.append(bytes(response.body).decode(errors="replace"))
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "The CORS preflight request is refused: " + "; ".join(refused) + ".",
            }
        )
        headers_out = {
            k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")
        }
        return Response(body, status_code=400, media_type=PROBLEM_JSON, headers=headers_out)


class AnnotationSlots:
    """At most `limit` documents annotated at once; a request waits `wait_seconds` for a slot.

    Annotating a document at the size cap takes most of a gigabyte and a core for tens of
    seconds, so the bound is what keeps memory and latency bounded under load. A request
    that finds no slot in time gets a 503 with `Retry-After` instead of piling up.
    """

    def __init__(self, limit: int, *, wait_seconds: float) -> None:
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._semaphore: asyncio.Semaphore | None = None

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._semaphore is None:  # made on the event loop that serves the requests
            self._semaphore = asyncio.Semaphore(self.limit)
        try:
            await asyncio.wait_for(self._semaphore.acquire(), timeout=self.wait_seconds)
        except TimeoutError:
            raise ServiceBusy(
                f"Every annotation slot is busy ({self.limit} at once); try again shortly.",
                retry_after=max(1, round(self.wait_seconds)),
            ) from None
        try:
            yield
        finally:
            self._semaphore.release()

"""What operators see of each request: its id, one access log line, metrics, and one
traceback (with the id) when something unexpected fails.

- `X-Request-ID` is taken from the request when it is 1-128 characters of letters, digits
  and `._:+/=-`, else made anew (asgi-correlation-id); the response echoes it, and every
  log line written while the request is handled carries it (`app.logs.RequestIdFilter`).
- `RequestMetrics` times every request once: it counts requests and their latency by route
  template, method and status, and writes `METHOD PATH STATUS 1.2ms` to `app.access`;
  with the service's own gauges (`ServiceCollector`) and the process-wide annotation
  histogram (`app.metrics`) they are served at `/metrics`.
- `UnexpectedErrors` turns an exception that no handler took into a problem+json 500 and
  logs its traceback once: Starlette's own last-resort handler would answer too, but then
  re-raises, and uvicorn logs the same traceback a second time.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote

from asgi_correlation_id import CorrelationIdMiddleware, correlation_id
from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.http import path_pattern
from app.api.problems import problem
from app.api.services.articles import stored_article_count
from app.db import UNAVAILABLE

log = logging.getLogger("app")
access_log = logging.getLogger("app.access")

REQUEST_ID_HEADER = "X-Request-ID"
# Long enough for a UUID, a trace id or a load balancer's id; nothing that could break a
# log line or a header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")
# Requests take milliseconds to read and up to tens of seconds to annotate a large document.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
# The `handler` of a path no route matches, and the `method` of a method HTTP does not
# define: labels take their values from bounded sets, whatever clients send.
NO_ROUTE = "none"
OTHER_METHOD = "other"
HTTP_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "QUERY"}
)


def new_request_id() -> str:
    # 32 hex digits like the library's uuid4().hex, in a quarter of the time.
    return secrets.token_hex(16)


def valid_request_id(value: str) -> bool:
    return _REQUEST_ID.fullmatch(value) is not None


def request_path(scope: Scope) -> str:
    """The path as the client sent it, still percent-encoded: nothing in it can break a line."""
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if raw else quote(scope["path"])


def log_access(scope: Scope, status: int, seconds: float) -> None:
    """One `app.access` line: method, path, status and milliseconds taken."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    milliseconds = seconds * 1000
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


class RouteTemplates:
    """The route template a path is served by (`/articles/{article_id}`), or `none`."""

    def __init__(self, templates: Iterable[str]) -> None:
        self.fixed = {t for t in templates if "{" not in t}
        # Only templates with as many segments as the path can match it.
        self.by_depth: dict[int, list[tuple[re.Pattern[str], str]]] = {}
        for template in sorted(set(templates) - self.fixed):
            depth = template.count("/")
            self.by_depth.setdefault(depth, []).append((path_pattern(template), template))

    @classmethod
    def of(cls, app: FastAPI) -> RouteTemplates:
        """Every route of `app`, documented or not (read from the routes, not from the
        OpenAPI document, which takes a second to build)."""
        templates = set()
        for route in app.routes:
            # FastAPI keeps an included router as one entry, its routes as its contexts.
            contexts = getattr(route, "effective_route_contexts", None)
            for each in contexts() if callable(contexts) else [route]:
                if isinstance(path := getattr(each, "path", None), str):
                    templates.add(path)
        return cls(templates)

    def find(self, path: str) -> str:
        # A fixed path first: `/articles/facets` is not the article `facets`.
        if path in self.fixed:
            return path
        for pattern, template in self.by_depth.get(path.count("/"), ()):
            if pattern.fullmatch(path):
                return template
        return NO_ROUTE


class RequestMetrics:
    """Requests and their latency by route template, method and status.

    The template comes from the path, not from the router, so that requests answered
    before routing (the stored-document shortcut, HEAD, CORS preflights) count under it too.
    """

    def __init__(self, app: ASGIApp, *, registry: CollectorRegistry) -> None:
        self.app = app
        labels = ("handler", "method", "status")
        self.requests = Counter(
            "http_requests_total",
            "Requests answered, by route template, method and status.",
            labels,
            registry=registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Seconds from a request's arrival to the end of its response.",
            labels,
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self._templates: RouteTemplates | None = None
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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
            seconds = time.perf_counter() - started
            self._observe(scope, status, seconds)
            log_access(scope, status, seconds)

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        if self._templates is None:
            self._templates = RouteTemplates.of(scope["app"])
        handler = self._templates.find(scope["path"])
        method = scope["method"] if scope["method"] in HTTP_METHODS else OTHER_METHOD
        key = (handler, method, status)
        series = self._series.get(key)
        if series is None:  # label lookups once per combination, not once per request
            values = (handler, method, str(status))
            series = self._series[key] = (
                self.requests.labels(*values),
                self.latency.labels(*values),
            )
        series[0].inc()
        series[1].observe(seconds)


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


class ServiceCollector(Collector):
    """The service's gauges, read when scraped: articles stored, the startup load's
    progress, and whether the database answered lately."""

    def __init__(self, state: State) -> None:
        self.state = state
        self._stored: tuple[str, int] | None = None

    def collect(self) -> Iterator[Metric]:
        load = self.state.load_state
        yield _gauge("gazette_load_documents", "Documents the startup load found.", load.total)
        yield _gauge(
            "gazette_load_documents_done", "Documents the startup load has worked.", load.done
        )
        yield _gauge(
            "gazette_load_documents_failed",
            "Documents the startup load could not store.",
            load.counts.get("failed", 0),
        )
        yield _gauge("gazette_load_finished", "1 once the startup load is done.", load.finished)
        database = self.state.database
        try:
            self._stored = stored_article_count(self.state.engine, known=self._stored)
        except UNAVAILABLE as exc:
            database.failed(exc)  # one log line per outage; the scrape still answers
        else:
            yield _gauge("gazette_articles_stored", "Articles in the store.", self._stored[1])
        yield _gauge(
            "gazette_database_available",
            "1 unless the last use of the database failed.",
            database.down_since is None,
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


def render_metrics(state: State) -> bytes:
    """The Prometheus text exposition: this application's metrics, then the process's."""
    return generate_latest(state.metrics_registry) + generate_latest(REGISTRY)


def install(app: FastAPI) -> None:
    """Add request ids, the access log and request metrics, outermost of the middleware."""
    registry = CollectorRegistry()
    registry.register(ServiceCollector(app.state))
    app.state.metrics_registry = registry
    # One middleware times each request once, for its metrics and its access line.
    app.add_middleware(RequestMetrics, registry=registry)
    app.add_middleware(
        CorrelationIdMiddleware,
        header_name=REQUEST_ID_HEADER,
        validator=valid_request_id,
        generator=new_request_id,
    )

"""Liveness, readiness and metrics: none waits on annotation, and /health not on the database."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from app import __version__
from app.api.schemas import Health, Readiness
from app.api.telemetry import render_metrics

router = APIRouter(tags=["system"])

# /ready reports the database down when `SELECT 1` takes longer than this.
PROBE_TIMEOUT_SECONDS = 2.0


@router.get("/health", operation_id="get_health", response_model=Health)
async def get_health() -> Health:
    """The process is up. Answers at once, on the event loop: no thread, no database."""
    return Health(version=__version__)


@router.get(
    "/ready",
    operation_id="get_ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Loading, or the database is down."}},
)
async def get_ready(request: Request, response: Response) -> Readiness:
    """Ready once the first seed load is done and the database answers: the stored corpus can
    be served. `annotator_ready` says whether a model is loaded to annotate with; reads never
    need it, and an annotation that comes earlier waits for it.

    503 until then, with the reason in `error`; it turns green again by itself.
    """
    state = request.app.state.load_state
    database_error = await _probe_database(request)
    annotator = getattr(request.app.state, "annotator", None)
    ready = state.finished and annotator is not None and not database_error
    if not ready:
        response.status_code = 503
    return Readiness(
        ready=ready,
        annotator_ready=annotator is not None and annotator.ready,
        loaded=state.done,
        total=state.total,
        counts=dict(state.counts),
        error=f"database unavailable: {database_error}" if database_error else state.error,
    )


async def _probe_database(request: Request) -> str | None:
    """Why the database is not answering, or None; one probe at a time, bounded in time."""
    app_state = request.app.state
    probe = getattr(app_state, "database_probe", None)
    if probe is None or probe.done():
        # A thread of its own, so a frozen database cannot take the request threads with it.
        probe = asyncio.ensure_future(asyncio.to_thread(app_state.database.probe, app_state.engine))
        app_state.database_probe = probe
    try:
        return await asyncio.wait_for(asyncio.shield(probe), timeout=PROBE_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"no answer to SELECT 1 within {PROBE_TIMEOUT_SECONDS:g} s"


@router.get(
    "/metrics",
    operation_id="get_metrics",
    response_class=PlainTextResponse,
    # For the monitoring system, in its own format (README, "Operations"); the OpenAPI
    # document is the news API's, as generated clients read it.
    include_in_schema=False,
)
async def get_metrics(request: Request) -> PlainTextResponse:
    """Request counts and latencies by route template and status, annotation time per
    document, articles stored, the startup load's progress, and the process's own metrics
    (Prometheus text format). Open without a key, like /health: restrict it at the proxy
    when the service faces the internet.
    """
    # In a thread: collecting reads the store (only when it has changed since the last scrape).
    body = await run_in_threadpool(render_metrics, request.app.state)
    return PlainTextResponse(body, media_type=CONTENT_TYPE_PLAIN_0_0_4)

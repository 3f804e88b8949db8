"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app import __version__
from app.api.schemas import Health, Readiness

router = APIRouter(tags=["system"])


@router.get("/health", operation_id="get_health", response_model=Health)
def get_health() -> Health:
    """The process is up. Answers at once, even while the seed loads."""
    return Health(version=__version__)


@router.get(
    "/ready",
    operation_id="get_ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Still loading."}},
)
def get_ready(request: Request, response: Response) -> Readiness:
    """Ready once the model is loaded and the first seed load is done (503 until then)."""
    state = request.app.state.load_state
    ready = state.finished and getattr(request.app.state, "nlp", None) is not None
    if not ready:
        response.status_code = 503
    return Readiness(
        ready=ready,
        loaded=state.done,
        total=state.total,
        counts=dict(state.counts),
        error=state.error,
    )

"""Request dependencies: the session, the settings, the annotator, paging parameters."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.config import Settings
from app.errors import NotReady
from app.ingest.annotator import Annotator

# Dependencies that do no I/O are coroutines: FastAPI runs a plain function dependency in
# the threadpool, a hop that costs more than most of them do.


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request's route: made here (no connection is opened until the
    route's first query), closed in the threadpool (it hands its connection back)."""
    session = Session(request.app.state.engine)
    try:
        yield session
    finally:
        await run_in_threadpool(session.close)


async def get_annotator(request: Request) -> Annotator:
    annotator: Annotator | None = getattr(request.app.state, "annotator", None)
    if annotator is None:
        raise NotReady("The service is still starting; try again in a moment.")
    return annotator


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
AnnotatorDep = Annotated[Annotator, Depends(get_annotator)]
LimitQuery = Annotated[int, Query(ge=1, le=100, description="Items per page (1–100).")]
# Cursors are base64url; what they carry is checked when decoded (`decode_cursor`).
CURSOR_MAX_CHARS = 1024
CursorQuery = Annotated[
    str | None,
    Query(
        description="Opaque cursor of the next page: the previous page's `next_cursor` (`next` links carry it).",
        max_length=CURSOR_MAX_CHARS,
        pattern=r"^[A-Za-z0-9_-]*={0,2}$",
    ),
]
CountQuery = Annotated[
    bool, Query(description="Add `total`, the exact number of matches (one more query).")
]
FacetSizeQuery = Annotated[int, Query(ge=1, le=100, description="Values per facet (1–100).")]
IntervalQuery = Annotated[
    Literal["day", "week", "month", "year"], Query(description="Width of a bucket.")
]
AfterQuery = Annotated[
    str | None,
    Query(description="Resume an export after this id: the last one received."),
]

"""Request dependencies: the session, the settings, the loaded model, paging parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import Depends, Query, Request
from spacy.language import Language
from sqlmodel import Session

from app.config import Settings
from app.errors import NotReady


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_nlp(request: Request) -> Language:
    nlp = getattr(request.app.state, "nlp", None)
    if nlp is None:
        raise NotReady("The language model is still loading; try again in a moment.")
    return nlp


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
NlpDep = Annotated[Language, Depends(get_nlp)]
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

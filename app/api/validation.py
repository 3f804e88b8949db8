"""Edge validation: types and parameters that turn hostile input into a 422 naming the field.

Use these for every new parameter or body field, so that nothing a client sends reaches the
database or the annotator in a form they cannot take:

- `PlainText`: a body string with no NUL and no lone surrogate (Postgres refuses both,
  SQLite drivers cannot encode the second); `DocumentText` also refuses control characters.
- `IsoDateTime`: an ISO 8601 string only (no Unix numbers), within the range both stores
  hold; the same type serves bodies and query parameters.
- `ArticleIdField`: an article id as the store keeps it (see `app.ingest.rules`).
- `text_query(...)`, `id_path(...)`: query and path strings, bounded and free of NUL.
- `CursorQuery` (in `deps`) is checked when decoded: `app.api.pagination.decode_cursor`
  bounds integers to 64 bits, datetimes to the range above and strings as `PlainText`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from app.ingest.rules import (
    ARTICLE_ID_MAX_CHARS,
    ARTICLE_ID_PATTERN,
    ARTICLE_ID_RULE,
    check_datetime,
    check_plain_text,
)

# A query or path string never needs more; longer ones are refused rather than searched for.
MAX_PARAM_CHARS = 200
# No NUL in a query or path string (the pattern is also in the OpenAPI document, so that
# generated clients and fuzzers know it); URL decoding already replaces lone surrogates.
PARAM_PATTERN = r"^[^\x00]*$"
NO_NUL_PATTERN = PARAM_PATTERN
# A document: no control character but tab, line feed, carriage return and form feed, and
# something besides white space.
_CONTROLS = r"\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"
TEXT_PATTERN = rf"^[^{_CONTROLS}]*[^\s{_CONTROLS}][^{_CONTROLS}]*$"
_CONTROL = re.compile(f"[{_CONTROLS}]")


def check_document_text(value: str) -> str:
    """A document sent to the API: plain text without control characters (binary data)."""
    check_plain_text(value)
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            f"it contains the control character U+{ord(found.group()):04X} at offset "
            f"{found.start()}: send plain text"
        )
    return value


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


def _iso_only(value: Any) -> Any:
    # Pydantic reads numbers (and numeric strings) as Unix times: 0 or "0.5" is no date here.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or _NUMBER.match(value):
        raise ValueError("a datetime is an ISO 8601 string, e.g. 2024-03-01T12:00:00Z")
    return value


PlainText = Annotated[str, AfterValidator(check_plain_text)]
DocumentText = Annotated[str, AfterValidator(check_document_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_only), AfterValidator(check_datetime)]
ArticleIdField = Annotated[
    str,
    Field(
        min_length=1,
        max_length=ARTICLE_ID_MAX_CHARS,
        pattern=ARTICLE_ID_PATTERN,
        description=(
            f"Your id for the article: {ARTICLE_ID_RULE}. It is kept exactly as sent; "
            "posting the same id again replaces the article."
        ),
    ),
]


def text_query(description: str | None = None, *, max_length: int = MAX_PARAM_CHARS) -> Any:
    """A `Query` for a free-text or id filter: at most `max_length` characters, no NUL."""
    return Query(description=description, max_length=max_length, pattern=PARAM_PATTERN)


def id_path(description: str | None = None) -> Any:
    """A `Path` for an id: at most MAX_PARAM_CHARS characters, no NUL (an unknown id is a 404)."""
    return Path(description=description, max_length=MAX_PARAM_CHARS, pattern=PARAM_PATTERN)


ArticleIdPath = Annotated[str, id_path("The article's id.")]
EntityIdPath = Annotated[str, id_path("The entity's id.")]

# One item of a repeated query parameter (`?entity_id=a&entity_id=b`).
QueryText = Annotated[str, StringConstraints(max_length=MAX_PARAM_CHARS, pattern=PARAM_PATTERN)]

"""Edge validation: types and parameters that turn hostile input into a 422 naming the field.

Use these for every new parameter or body field, so that nothing a client sends reaches the
database or the annotator in a form they cannot take (the body field types are defined in
`app.ingest.records`, which reads JSONL records by the same rules):

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

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import StringConstraints

# The record field types live in the ingest layer, which reads documents from JSONL too;
# re-exported here so that every edge type is found in one place.
from app.ingest.records import NO_NUL_PATTERN as NO_NUL_PATTERN
from app.ingest.records import TEXT_PATTERN as TEXT_PATTERN
from app.ingest.records import ArticleIdField as ArticleIdField
from app.ingest.records import DocumentText as DocumentText
from app.ingest.records import IsoDateTime as IsoDateTime
from app.ingest.records import PlainText as PlainText
from app.ingest.records import check_document_text as check_document_text

# A query or path string never needs more; longer ones are refused rather than searched for.
MAX_PARAM_CHARS = 200
# No NUL in a query or path string; URL decoding already replaces lone surrogates.
PARAM_PATTERN = NO_NUL_PATTERN

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


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

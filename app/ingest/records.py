"""Field types of a document record, whichever way it comes in (API body, JSONL line).

- `PlainText`: a string with no NUL and no lone surrogate (Postgres refuses both,
  SQLite drivers cannot encode the second); `DocumentText` also refuses control characters.
- `IsoDateTime`: an ISO 8601 string only (no Unix numbers), within the range both stores
  hold; the API uses the same type for query parameters.
- `ArticleIdField`: an article id as the store keeps it (see `app.ingest.rules`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from app.ingest.rules import (
    ARTICLE_ID_MAX_CHARS,
    ARTICLE_ID_PATTERN,
    ARTICLE_ID_RULE,
    check_datetime,
    check_plain_text,
)

# No NUL (the pattern is also in the OpenAPI document, so that generated clients and fuzzers
# know it).
NO_NUL_PATTERN = r"^[^\x00]*$"
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

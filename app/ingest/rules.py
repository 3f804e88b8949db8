"""What a document must satisfy to be stored, whichever way it comes in (API, CLI, loader).

A record (an API body, a JSONL line) is checked by them when it is read, through the field
types of `app.ingest.records`: the API answers a 422 naming the field, the CLI and the
loader report the record as skipped with the same reason. `core.document_problem` applies
them once more to every document, text files included.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from app.store.tables import as_utc

# An id is kept exactly as sent, or refused: it starts and ends with a letter, a digit or
# `_`, so `collide.`, `-collide` and `.collide-` are refused rather than folded into
# `collide`, and `.`, `..` and `-` (which mean something else in a URL) are never ids.
ARTICLE_ID_MAX_CHARS = 128
ARTICLE_ID_PATTERN = r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,126}[A-Za-z0-9_])?$"
ARTICLE_ID_RULE = (
    "1 to 128 letters, digits, `_`, `.` or `-`, starting and ending with a letter, a digit or `_`"
)
_ARTICLE_ID = re.compile(ARTICLE_ID_PATTERN)

# The range every store can hold and compare, in UTC.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)

_SURROGATE = re.compile("[\ud800-\udfff]")


def is_valid_article_id(value: str) -> bool:
    return _ARTICLE_ID.fullmatch(value) is not None


def check_article_id(value: str) -> str:
    """`value` if it is a valid article id, else ValueError saying why."""
    if not is_valid_article_id(value):
        raise ValueError(f"an article id is {ARTICLE_ID_RULE}")
    return value


def check_plain_text(value: str) -> str:
    """`value` if every character can be stored: no NUL and no lone surrogate."""
    if "\x00" in value:
        raise ValueError("it contains a NUL character, which cannot be stored")
    if _SURROGATE.search(value):
        raise ValueError("it contains a lone surrogate (an unpaired \\uD800-\\uDFFF escape)")
    return value


def check_datetime(value: datetime) -> datetime:
    """`value` if the stores can hold it (naive values are UTC), else ValueError."""
    try:
        utc = as_utc(value)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError("the datetime is out of range: from 0001-01-02 to 9999-12-30 (UTC)")
    return value

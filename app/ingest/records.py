"""A document record, whichever way it comes in: one model and one set of rules.

`ArticleRecord` reads a `POST /articles` body, each document of `POST /jobs` (JSON or
NDJSON) and each line of a JSONL file given to the CLI or the startup loader, so that the
same record is stored the same way, or refused for the same reason, by each of them. The
API answers a refusal with a 422 naming the field; the CLI and the loader report the record
as skipped, with `record_problem`'s reason.

Its field types, which the API uses for other bodies and parameters too:

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

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails

from app.ingest.core import IngestDocument
from app.ingest.rules import (
    ARTICLE_ID_MAX_CHARS,
    ARTICLE_ID_PATTERN,
    ARTICLE_ID_RULE,
    check_article_id,
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
# A control character a document may not hold (tab, line feed, CR and form feed may).
CONTROL_CHARACTER = re.compile(f"[{_CONTROLS}]")


def check_document_text(value: str) -> str:
    """A document sent to the API: plain text without control characters (binary data)."""
    check_plain_text(value)
    found = CONTROL_CHARACTER.search(value)
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
# A headline longer than this is a paragraph sent in the wrong field; its length is checked
# first, so that the error says "at most 1000 characters".
MAX_TITLE_CHARS = 1000
Title = Annotated[str, Field(max_length=MAX_TITLE_CHARS), AfterValidator(check_plain_text)]


def _id_is_a_string(value: Any) -> Any:
    # Pydantic refuses a number too, but says less; `str(42)` would quietly make it an id.
    if not isinstance(value, str):
        raise ValueError(f"an article id is a JSON string of {ARTICLE_ID_RULE}")
    return value


ArticleIdField = Annotated[
    str,
    BeforeValidator(_id_is_a_string),
    AfterValidator(check_article_id),
    Field(
        description=(
            f"Your id for the article: {ARTICLE_ID_RULE}. It is kept exactly as sent; "
            "posting the same id again replaces the article."
        ),
        # In the OpenAPI document only: `check_article_id` applies them and says the rule.
        json_schema_extra={
            "minLength": 1,
            "maxLength": ARTICLE_ID_MAX_CHARS,
            "pattern": ARTICLE_ID_PATTERN,
        },
    ),
]


class DocumentFields(BaseModel):
    """The text of a document, with the headline and date that go with it."""

    text: DocumentText = Field(
        min_length=1,
        description="The article as plain text (at most GAZETTE_MAX_DOCUMENT_CHARS characters).",
        # In the OpenAPI document only: the validators below say what is wrong more clearly.
        json_schema_extra={"pattern": TEXT_PATTERN},
    )
    title: Title | None = Field(
        default=None,
        description="The headline, when it is not the first line of `text` (stored articles).",
        json_schema_extra={"pattern": NO_NUL_PATTERN},
    )
    published_at: IsoDateTime | None = Field(
        default=None,
        description="Publication time, ISO 8601; relative dates are resolved against it.",
    )

    @field_validator("text")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the text is blank: it has no characters but white space")
        return value


class ArticleRecord(DocumentFields):
    """A document to store. Fields not named here are ignored, so that a line of a JSONL
    corpus, with its own annotations and metadata, is read as it is; without a `title`,
    `meta.title` is the title."""

    model_config = ConfigDict(extra="ignore")

    id: ArticleIdField | None = None
    url: HttpUrl | None = Field(default=None, description="Where the article was published.")

    @model_validator(mode="wrap")
    @classmethod
    def _title_from_meta(
        cls, data: Any, handler: ModelWrapValidatorHandler[ArticleRecord]
    ) -> ArticleRecord:
        meta = data.get("meta") if isinstance(data, dict) else None
        if not (isinstance(meta, dict) and "title" in meta and data.get("title") is None):
            return handler(data)
        try:
            return handler({**data, "title": meta["title"]})
        except ValidationError as exc:
            # Name the field the bad value came from.
            raise ValidationError.from_exception_data(
                exc.title, [_moved(e, ("title",), ("meta", "title")) for e in exc.errors()]
            ) from None

    def to_document(self, *, origin: str | None) -> IngestDocument:
        """The record as the ingest function takes it."""
        return IngestDocument(
            text=self.text,
            id=self.id,
            title=self.title,
            url=str(self.url) if self.url else None,
            published_at=self.published_at,
            origin=origin,
        )


def _moved(error: ErrorDetails, old: tuple[str, ...], new: tuple[str, ...]) -> InitErrorDetails:
    loc = error["loc"]
    if loc[: len(old)] == old:
        loc = (*new, *loc[len(old) :])
    moved = InitErrorDetails(type=error["type"], loc=loc, input=error["input"])
    if "ctx" in error:
        moved["ctx"] = error["ctx"]
    return moved


def record_problem(exc: ValidationError) -> str:
    """Why a record was refused, in the words of the API's 422: `invalid id: ...`."""
    reasons = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if not field:
            reasons.append(f"a record is a JSON object: {message}")
        elif error["type"] == "missing":
            reasons.append(f"missing {field}")
        else:
            reasons.append(f"invalid {field}: {message}")
    return "; ".join(reasons)

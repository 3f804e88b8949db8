"""Request bodies that may be JSON or plain text, with a size bound."""

from __future__ import annotations

import json
from collections.abc import Awaitable
from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.annotate.budget import TooMuchWork
from app.annotate.decoding import UnreadableDocument, decode_bytes
from app.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# A character is at most 4 bytes of UTF-8; JSON escapes can take 6 (\uXXXX) or 12 for a pair.
_BYTES_PER_CHAR = 12


async def _read_bounded(request: Request, max_bytes: int, too_large: Exception) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    # Read no further than the bound, also when the body comes in chunks of unknown length.
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_document_body(request: Request, model: type[M], *, max_chars: int) -> M:
    """The body as `model`: JSON as it is, plain text as `{"text": ...}`."""
    raw = await _read_bounded(request, max_chars * _BYTES_PER_CHAR, _too_large(max_chars))
    media_type = _media_type(request)
    if media_type in ("", "application/json") or media_type.endswith("+json"):
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"The body is not valid JSON: {exc}") from None
        except RecursionError:
            raise InvalidInput(
                "The body is not valid here: its JSON is nested too deeply."
            ) from None
    elif media_type == "text/plain":
        try:
            payload = {"text": decode_bytes(raw)}
        except UnreadableDocument as exc:
            raise InvalidInput(f"The body is not a readable text: {exc}") from None
    else:
        raise UnsupportedMediaType(
            f"Content type '{media_type}' is not accepted: send application/json or text/plain."
        )
    try:
        document = model.model_validate(payload)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    text = getattr(document, "text", "")
    if len(text) > max_chars:
        raise _too_large(max_chars)
    return document


async def read_batch_body(
    request: Request, model: type[M], *, max_chars: int, max_bytes: int, max_documents: int
) -> list[M]:
    """A batch of documents: JSON `{"documents": [...]}` or `[...]`, or NDJSON (one JSON
    document a line)."""
    too_large = PayloadTooLarge(f"The batch is too large: at most {max_bytes:,} bytes.")
    raw = await _read_bounded(request, max_bytes, too_large)
    media_type = _media_type(request)
    try:
        if media_type in NDJSON_TYPES:
            lines = decode_bytes(raw).splitlines() if raw.strip() else []
            records = [json.loads(line) for line in lines if line.strip()]
        elif media_type in ("", "application/json") or media_type.endswith("+json"):
            payload = json.loads(raw)
            records = payload if isinstance(payload, list) else None
            if isinstance(payload, dict) and set(payload) == {"documents"}:
                records = payload["documents"]
            if not isinstance(records, list):
                raise InvalidInput(
                    'The body must be {"documents": [...]} or a JSON array of documents.'
                )
        else:
            raise UnsupportedMediaType(
                f"Content type '{media_type}' is not accepted: send application/json or "
                "application/x-ndjson."
            )
    except (ValueError, UnicodeDecodeError, UnreadableDocument) as exc:
        raise InvalidInput(f"The body is not valid JSON or NDJSON: {exc}") from None
    except RecursionError:
        raise InvalidInput("The body is not valid here: its JSON is nested too deeply.") from None
    if not records:
        raise InvalidInput("The batch has no documents.")
    if len(records) > max_documents:
        raise PayloadTooLarge(
            f"The batch has {len(records):,} documents: at most {max_documents:,}."
        )
    documents, errors = [], []
    for n, record in enumerate(records):
        try:
            documents.append(model.model_validate(record))
        except ValidationError as exc:
            errors.extend(
                {**e, "loc": ("body", n, *e["loc"])} for e in exc.errors(include_url=False)
            )
    if errors:
        raise RequestValidationError(errors)
    if any(len(getattr(d, "text", "")) > max_chars for d in documents):
        raise _too_large(max_chars)
    return documents


NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl")


async def within_work_budget(annotating: Awaitable[T]) -> T:
    """What `annotating` gives, or a 413 when the document has more tokens than one
    document may (GAZETTE_MAX_DOCUMENT_TOKENS)."""
    try:
        return await annotating
    except TooMuchWork as exc:
        raise PayloadTooLarge(f"The document is too large to annotate: {exc}.") from None


def _too_large(max_chars: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The document is too large: at most {max_chars:,} characters are accepted."
    )

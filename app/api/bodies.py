"""Request bodies that may be JSON or plain text, with a size bound."""

from __future__ import annotations

import json
from typing import TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.annotate.document import UnreadableDocument, decode_bytes
from app.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

M = TypeVar("M", bound=BaseModel)

# A character is at most 4 bytes of UTF-8; JSON escapes can take 6 (\uXXXX) or 12 for a pair.
_BYTES_PER_CHAR = 12


async def read_document_body(request: Request, model: type[M], *, max_chars: int) -> M:
    """The body as `model`: JSON as it is, plain text as `{"text": ...}`."""
    max_bytes = max_chars * _BYTES_PER_CHAR
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_chars)
    # Read no further than the bound, also when the body comes in chunks of unknown length.
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_chars)
        chunks.append(chunk)
    raw = b"".join(chunks)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in ("", "application/json") or media_type.endswith("+json"):
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"The body is not valid JSON: {exc}") from None
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


def _too_large(max_chars: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The document is too large: at most {max_chars:,} characters are accepted."
    )

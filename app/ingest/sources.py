"""Reading documents from files, folders and JSONL into `IngestDocument`s.

A file that cannot be read is reported as a `SourceError` in the stream, never raised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.annotate.document import UnreadableDocument, decode_bytes
from app.ingest.core import IngestDocument

JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass(frozen=True)
class SourceError:
    origin: str
    reason: str


def parse_datetime(value: object) -> datetime | None:
    """An ISO 8601 date or datetime; naive values are taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("published_at must be an ISO 8601 string")
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def list_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and those in the folders named (sorted, hidden ones left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            files.append(path)
    return files


def iter_documents(files: Iterable[Path]) -> Iterator[IngestDocument | SourceError]:
    """Every document of the given files: one per text file, one per JSONL line."""
    for path in files:
        if path.suffix.lower() in JSONL_SUFFIXES:
            yield from _jsonl_documents(path)
        else:
            yield _file_document(path)


def _file_document(path: Path) -> IngestDocument | SourceError:
    try:
        text = decode_bytes(path.read_bytes())
    except OSError as exc:
        return SourceError(str(path), f"unreadable: {exc.strerror or exc}")
    except UnreadableDocument as exc:
        return SourceError(str(path), str(exc))
    return IngestDocument(text=text, id=path.stem, origin=str(path), id_from_name=True)


def _jsonl_documents(path: Path) -> Iterator[IngestDocument | SourceError]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield SourceError(str(path), f"unreadable: {exc.strerror or exc}")
        return
    with handle:
        for number, raw in enumerate(handle, 1):
            origin = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                yield document_from_record(json.loads(decode_bytes(raw)), origin=origin)
            except (ValueError, UnreadableDocument) as exc:
                yield SourceError(origin, str(exc))


def document_from_record(record: object, *, origin: str) -> IngestDocument:
    """`{id?, text, title?, url?, published_at?}` as an `IngestDocument`."""
    if not isinstance(record, dict):
        raise ValueError("a record must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a record needs a non-empty 'text' string")
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    title = record.get("title") or meta.get("title")
    return IngestDocument(
        text=text,
        id=str(record["id"]) if record.get("id") is not None else None,
        title=str(title) if title else None,
        url=str(record["url"]) if record.get("url") else None,
        published_at=parse_datetime(record.get("published_at")),
        origin=origin,
    )

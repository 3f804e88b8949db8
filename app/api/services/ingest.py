"""Ingest and deletion as the API offers them, over the stages of the one ingest path."""

from __future__ import annotations

import logging

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.annotate.budget import TooMuchWork
from app.annotate.types import Annotation
from app.api.presenters import article_summary
from app.api.schemas import ArticleIn, IngestOut
from app.errors import Conflict, GazetteError, InvalidInput, ServiceBusy
from app.ingest.annotator import Annotator
from app.ingest.core import IngestResult, Outcome, prepare, store_now
from app.store.locking import write_session
from app.store.tables import Article
from app.store.writes import delete_article

log = logging.getLogger(__name__)


class IngestFailed(RuntimeError):
    """The document was valid but could not be annotated or stored."""


async def ingest_one(engine: Engine, document: ArticleIn, *, annotator: Annotator) -> IngestOut:
    """Annotate (by the annotator) and store one article without blocking the event loop."""
    ingest_document = document.to_document(origin="api")
    results, pending = await run_in_threadpool(prepare, engine, [ingest_document], seen=set())
    if results:
        result = results[0]
    else:
        published = ingest_document.published_at
        annotation: Annotation | Exception
        try:
            annotation = await annotator.annotate(
                pending[0].text, published_at=published.date() if published else None
            )
        except (TooMuchWork, GazetteError):
            raise
        except Exception as exc:  # stored as a failed result, as the job path does
            log.exception("could not annotate a document")
            annotation = exc
        result = await run_in_threadpool(store_now, engine, pending[0], annotation)
    return await run_in_threadpool(_answer, engine, result)


def _answer(engine: Engine, result: IngestResult) -> IngestOut:
    if result.outcome is Outcome.skipped:
        raise InvalidInput(f"The document was not stored: {result.reason}.")
    if result.outcome is Outcome.failed and result.transient:
        raise ServiceBusy(
            f"The article could not be stored now ({result.reason}); try again shortly.",
            retry_after=5,
        )
    if result.outcome is Outcome.failed or result.article_id is None:
        raise IngestFailed(result.reason or "the document could not be stored")
    with Session(engine) as session:
        article = session.get(Article, result.article_id)
        if article is None:
            # Stored, then deleted by a request that came in meanwhile: deleted it stays.
            raise Conflict(
                f"The article '{result.article_id}' was deleted while it was being stored."
            )
        return IngestOut(article=article_summary(article), outcome=result.outcome.value)


def delete_one(engine: Engine, *, article_id: str) -> None:
    with write_session(engine) as session:
        delete_article(session, article_id=article_id)
        session.commit()

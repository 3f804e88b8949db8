"""Ingest and deletion as the API offers them, over the one ingest function."""

from __future__ import annotations

from fastapi.concurrency import run_in_threadpool
from spacy.language import Language
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.api.presenters import article_summary
from app.api.schemas import ArticleIn, IngestOut
from app.errors import Conflict, InvalidInput, ServiceBusy
from app.ingest.core import Outcome, ingest_now
from app.store.locking import write_session
from app.store.tables import Article
from app.store.writes import delete_article


class IngestFailed(RuntimeError):
    """The document was valid but could not be annotated or stored."""


def ingest_article(engine: Engine, document: ArticleIn, *, nlp: Language) -> IngestOut:
    result = ingest_now(engine, document.to_document(origin="api"), nlp=nlp)
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


async def ingest_one(engine: Engine, document: ArticleIn, *, nlp: Language) -> IngestOut:
    """Annotate and store one article without blocking the event loop."""
    return await run_in_threadpool(ingest_article, engine, document, nlp=nlp)


def delete_one(engine: Engine, *, article_id: str) -> None:
    with write_session(engine) as session:
        delete_article(session, article_id=article_id)
        session.commit()

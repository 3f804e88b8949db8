"""Versions of what is served, bumped by the writes that change it, and the read model.

Every article carries a `rev`: a token that changes whenever anything its detail shows
changes, whether the article itself was written or another write changed what the
article shows (an entity's canonical name, aliases or geocode; a READ MORE link
resolved, re-pointed or released; a linked article retitled). Every entity carries one
too, changed by the writes of the articles mentioning it (its counts, aliases, statements
and the entities it appears with) and by a new name of an entity it appears with.
`store_version.rev` changes with every write to the corpus. All are random, never
reused, so a token names one state of a resource: the API derives strong ETags from
them without reading a body, and keeps rendered documents (`article_document`,
`entity_document`) only while their `rev` is the article's or the entity's.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from app.store.tables import (
    Article,
    ArticleDocument,
    ArticleEntity,
    Entity,
    EntityDocument,
    RelatedLink,
    StoreVersion,
)

# The parts of an article served from its rendered document.
DOCUMENT_LAYERS = ("detail", "entities", "quotes", "links")


def new_rev() -> str:
    return secrets.token_hex(8)


def touch_store(session: Session) -> None:
    """Record that the corpus changed: every corpus-wide resource has a new version."""
    session.execute(update(StoreVersion).where(StoreVersion.id == 1).values(rev=new_rev()))


def _new_rev(session: Session, model: type[Article] | type[Entity], ids: Any) -> None:
    """Give the rows of `model` whose ids are `ids` (a collection or a select) a new
    version: what they show changed."""
    session.execute(
        update(model)
        .where(model.id.in_(ids))
        .values(rev=new_rev())
        .execution_options(synchronize_session=False)
    )


def touch_articles_mentioning(session: Session, entity_ids: Iterable[str]) -> None:
    """New versions for the articles mentioning these entities (their name, aliases changed)."""
    if ids := set(entity_ids):
        _new_rev(
            session,
            Article,
            select(ArticleEntity.article_id).where(ArticleEntity.entity_id.in_(ids)),
        )


def touch_articles_linking(session: Session, link_ids: Iterable[str]) -> None:
    """New versions for the articles making these READ MORE links (their target changed)."""
    if ids := set(link_ids):
        _new_rev(session, Article, select(RelatedLink.article_id).where(RelatedLink.id.in_(ids)))


def touch_entities(session: Session, entity_ids: Iterable[str]) -> None:
    """New versions for these entities: their counts, aliases, quotes or the entities they
    appear with changed (an article mentioning them was written or deleted)."""
    if ids := set(entity_ids):
        _new_rev(session, Entity, ids)


def touch_entities_beside(session: Session, entity_ids: Iterable[str]) -> None:
    """New versions for the entities appearing in an article with these (whose names
    changed): their details list these among the entities they appear with."""
    if ids := set(entity_ids):
        mine, theirs = aliased(ArticleEntity), aliased(ArticleEntity)
        beside = (
            select(theirs.entity_id)
            .join(mine, mine.article_id == theirs.article_id)
            .where(mine.entity_id.in_(ids))
        )
        _new_rev(session, Entity, beside)


def read_store_rev(engine: Engine) -> str:
    """The corpus's version, read on a pooled connection (outside the event loop)."""
    with Session(engine) as session:
        return session.scalars(select(StoreVersion.rev).where(StoreVersion.id == 1)).one()


class LoopReader:
    """Versions and rendered documents read on one connection of its own, outside the pool.

    For the event loop: a read by primary key takes microseconds, less than a trip through
    the threadpool, and far less than a pooled checkout (with its ping and transaction)
    costs. On SQLite (a local file that readers never wait for) the read runs inline. On a
    database server it runs on a thread of its own and is waited for at most `timeout`
    seconds: a server that stops answering (frozen, partitioned) then costs the request a
    503, never the event loop, and the next read starts on a new thread and connection.
    The connection is in autocommit mode, so every read sees the newest committed state;
    it is opened on first use and opened again after an error.
    """

    def __init__(self, engine: Engine, *, timeout: float = 30.0) -> None:
        self._engine = engine
        self._timeout = timeout
        self._inline = engine.dialect.name == "sqlite"
        self._lane = _ReadLane(engine, threaded=not self._inline)

    async def _fetch(self, query: str, params: tuple[str, ...] = ()) -> Any:
        lane = self._lane
        if self._inline:
            return lane.fetch(query, params)
        try:
            return await asyncio.wait_for(lane.submit(query, params), self._timeout)
        except TimeoutError:
            # The stuck thread finishes (and closes its connection) whenever the server
            # answers; reads go on on a new one.
            if self._lane is lane:
                self._lane = _ReadLane(self._engine, threaded=True)
            lane.abandon()
            raise OperationalError(
                lane.sql[query],
                params,
                TimeoutError(f"the database did not answer within {self._timeout:g} s"),
            ) from None

    async def store_rev(self) -> str:
        return (await self._fetch("store"))[0]

    async def article_rev(self, article_id: str) -> str | None:
        row = await self._fetch("article", (article_id,))
        return None if row is None else row[0]

    async def entity_rev(self, entity_id: str) -> str | None:
        """The entity's rev, or None for no entity a stored article mentions."""
        row = await self._fetch("entity rev", (entity_id,))
        return None if row is None or row[1] <= 0 else row[0]

    async def document(self, article_id: str, layer: str) -> tuple[str, str | None] | None:
        """(article rev, rendered `layer` if rendered at that rev), or None for no article."""
        row = await self._fetch(layer, (article_id,))
        if row is None:
            return None
        rev, rendered_rev, body = row
        return rev, body if rendered_rev == rev else None

    async def document_and_text(
        self, article_id: str, layer: str
    ) -> tuple[str, str | None, str] | None:
        """As `document`, with the article's text at that rev; None for no article."""
        row = await self._fetch(f"{layer} text", (article_id,))
        if row is None:
            return None
        rev, rendered_rev, body, text = row
        return rev, body if rendered_rev == rev else None, text

    async def entity_document(self, entity_id: str) -> tuple[str, str | None] | None:
        """(entity rev, its rendered detail if rendered at that rev), or None for no entity
        a stored article mentions (an entity whose last article went is hidden)."""
        row = await self._fetch("entity", (entity_id,))
        if row is None or row[1] <= 0:
            return None
        rev, _, rendered_rev, body = row
        return rev, body if rendered_rev == rev else None

    def close(self) -> None:
        self._lane.abandon()


class _ReadLane:
    """One connection, used inline or by one thread of its own."""

    def __init__(self, engine: Engine, *, threaded: bool) -> None:
        self._engine = engine
        self._connection: Any = None
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="reader") if threaded else None
        mark = "%s" if engine.dialect.paramstyle in ("format", "pyformat") else "?"
        self.sql = {
            "store": "SELECT rev FROM store_version WHERE id = 1",
            "article": f"SELECT rev FROM article WHERE id = {mark}",
            "entity rev": f"SELECT rev, article_count FROM entity WHERE id = {mark}",
            **{
                layer: (
                    f"SELECT a.rev, d.rev, d.{layer} FROM article a LEFT JOIN article_document d"
                    f" ON d.article_id = a.id WHERE a.id = {mark}"
                )
                for layer in DOCUMENT_LAYERS
            },
            "entity": (
                "SELECT e.rev, e.article_count, d.rev, d.detail FROM entity e LEFT JOIN"
                f" entity_document d ON d.entity_id = e.id WHERE e.id = {mark}"
            ),
            # The same, with the text its offsets index, read in the same statement.
            **{
                f"{layer} text": (
                    f"SELECT a.rev, d.rev, d.{layer}, a.text FROM article a LEFT JOIN"
                    f" article_document d ON d.article_id = a.id WHERE a.id = {mark}"
                )
                for layer in DOCUMENT_LAYERS
            },
        }

    def submit(self, query: str, params: tuple[str, ...]) -> asyncio.Future[Any]:
        assert self._thread is not None
        return asyncio.wrap_future(self._thread.submit(self.fetch, query, params))

    def fetch(self, query: str, params: tuple[str, ...] = ()) -> Any:
        driver_error = self._engine.dialect.loaded_dbapi.Error
        for attempt in (1, 2):
            try:
                if self._connection is None:
                    pooled = self._engine.raw_connection()
                    pooled.detach()  # ours alone, never handed to another user
                    self._connection = pooled.dbapi_connection
                    if self._engine.dialect.name == "postgresql":
                        self._connection.rollback()  # the pool's ping opened a transaction
                        self._connection.autocommit = True
                cursor = self._connection.cursor()
                try:
                    cursor.execute(self.sql[query], params)
                    return cursor.fetchone()
                finally:
                    cursor.close()
            except Exception as exc:
                self.close()
                if attempt == 2:
                    if isinstance(exc, driver_error):
                        # As SQLAlchemy wraps it, so that one handler maps an outage to 503.
                        raise DBAPIError.instance(
                            self.sql[query], params, exc, driver_error
                        ) from exc
                    raise
        return None

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def abandon(self) -> None:
        """Close the connection (after the read under way, on its thread) and the thread."""
        if self._thread is None:
            self.close()
            return
        self._thread.submit(self.close)
        self._thread.shutdown(wait=False)


def save_document(
    connection: Connection, article_id: str, rev: str, layers: Mapping[str, str]
) -> None:
    """Keep the rendered layers of an article at `rev`, replacing older ones."""
    values = {"article_id": article_id, "rev": rev, **layers}
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ArticleDocument).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[ArticleDocument.article_id],
        set_={key: statement.excluded[key] for key in values if key != "article_id"},
    )
    connection.execute(statement)


def save_entity_document(connection: Connection, entity_id: str, rev: str, detail: str) -> None:
    """Keep the rendered detail of an entity at `rev`, replacing an older one."""
    values = {"entity_id": entity_id, "rev": rev, "detail": detail}
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(EntityDocument).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[EntityDocument.entity_id],
        set_={"rev": statement.excluded.rev, "detail": statement.excluded.detail},
    )
    connection.execute(statement)

"""The read model: an article's detail and layers, and an entity's detail, rendered once per
version, served as stored.

Rendering is the one place that shapes an article for clients (`render`: the same
builders the service always used, then JSON). Its result is kept in `article_document`
with the article's `rev`; the store gives the article a new `rev` whenever anything the
detail shows changes, including by another article's write (an entity's fuller name,
a new alias, a READ MORE link resolved or released). A request reads the stored JSON
and sends it; only the first read after such a change renders again.

Rendered lazily on read, not at write time: one write can change what hundreds of
articles show (a new alias of a country), and re-rendering them all would make that
write slow while most of them may never be read before the next change.
"""

from __future__ import annotations

from pydantic import TypeAdapter
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from app.api.schemas import EntityMentions, LinkOut, QuoteOut
from app.api.services.articles import get_article_detail
from app.api.services.entities import get_entity_detail
from app.store.versions import save_document, save_entity_document

_ENTITIES = TypeAdapter(list[EntityMentions])
_QUOTES = TypeAdapter(list[QuoteOut])
_LINKS = TypeAdapter(list[LinkOut])


def render(session: Session, *, article_id: str) -> dict[str, str]:
    """Every served document of the article, as JSON text, keyed by layer."""
    detail = get_article_detail(session, article_id=article_id)
    return {
        "detail": detail.model_dump_json(),
        "entities": _ENTITIES.dump_json(detail.entities).decode(),
        "quotes": _QUOTES.dump_json(detail.quotes).decode(),
        "links": _LINKS.dump_json(detail.links).decode(),
    }


def render_document(engine: Engine, *, article_id: str, rev: str) -> dict[str, str]:
    """Render the article's documents, keep them as of `rev`, and return them by layer.

    `rev` was read before the rows rendered here: if a write lands in between, the
    documents are kept under the older rev and simply rendered again on the next read.
    """
    with Session(engine) as session:
        layers = render(session, article_id=article_id)
    try:
        with engine.begin() as connection:
            save_document(connection, article_id, rev, layers)
    except DBAPIError:
        # Deleted meanwhile, or the store is busy writing: serve what was rendered.
        pass
    return layers


def render_entity_document(engine: Engine, *, entity_id: str, rev: str) -> str:
    """Render the entity's detail, keep it as of `rev` (read before the rows rendered here,
    as for articles), and return it."""
    with Session(engine) as session:
        detail = get_entity_detail(session, entity_id=entity_id).model_dump_json()
    try:
        with engine.begin() as connection:
            save_entity_document(connection, entity_id, rev, detail)
    except DBAPIError:
        pass  # the store is busy writing: serve what was rendered
    return detail

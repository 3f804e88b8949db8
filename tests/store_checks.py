"""Checks of the store, written once for every test: its invariants after concurrent writes,
and what its tables hold."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from app.store.tables import Article, ArticleEntity, Entity, RelatedLink


def assert_store_consistent(engine) -> None:
    """Every entity's counts equal a recount; no two live entities share a type and name;
    every READ MORE link naming a stored title is resolved to it."""
    with Session(engine) as session:
        recount = {
            entity_id: (articles, mentions)
            for entity_id, articles, mentions in session.execute(
                select(
                    ArticleEntity.entity_id,
                    func.count(ArticleEntity.id),
                    func.sum(ArticleEntity.mention_count),
                ).group_by(ArticleEntity.entity_id)
            )
        }
        wrong = [
            (e.id, e.name, (e.article_count, e.mention_count), recount.get(e.id, (0, 0)))
            for e in session.scalars(select(Entity))
            if (e.article_count, e.mention_count) != recount.get(e.id, (0, 0))
        ]
        assert wrong == [], f"entities whose counts differ from a recount: {wrong[:5]}"
        duplicates = session.execute(
            select(Entity.type, Entity.name_key, func.count())
            .where(Entity.article_count > 0)
            .group_by(Entity.type, Entity.name_key)
            .having(func.count() > 1)
        ).all()
        assert duplicates == [], f"one name, several entities: {duplicates[:5]}"
        titles = {a.title_key: a.id for a in session.scalars(select(Article))}
        lost = [
            (link.article_id, link.title)
            for link in session.scalars(select(RelatedLink))
            if link.title_key in titles and link.target_article_id is None
        ]
        assert lost == [], f"links to stored articles left unresolved: {lost[:5]}"


def row_counts(engine) -> dict[str, int]:
    """Rows in each table of the store, by table name."""
    with Session(engine) as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in SQLModel.metadata.sorted_tables
        }

"""The migrations alone make the schema, and they agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app.store import tables as models  # noqa: F401  (registers the tables)
from app.store.migrate import include_object


def test_migrations_reach_head_and_match_the_models(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_makes_every_table(engine):
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_twice_is_harmless(engine, database_url):
    from app.store.migrate import upgrade

    upgrade(database_url)
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


def test_sqlite_pragmas(engine, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite pragmas only")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_last_key_is_filled_for_entities_stored_before_it_existed(database_url):
    from sqlalchemy import text

    from app.db import create_db_engine
    from app.store.migrate import upgrade

    upgrade(database_url, "0001")
    engine = create_db_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO entity (id, name, name_key, type, article_count, mention_count,"
                " created_at, updated_at) VALUES ('person-1', 'Khalifa Haftar', 'khalifa haftar',"
                " 'PERSON', 1, 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(database_url)
    with engine.connect() as connection:
        last = connection.execute(text("SELECT last_key FROM entity WHERE id = 'person-1'"))
        assert last.scalar() == "haftar"
    engine.dispose()


def test_articles_stored_before_dated_existed_are_dated_by_their_published_at(database_url):
    from sqlalchemy import text

    from app.db import create_db_engine
    from app.store.migrate import upgrade

    upgrade(database_url, "0007")
    engine = create_db_engine(database_url)
    with engine.begin() as connection:
        for article_id, published in (("with-date", "'2024-01-02 00:00:00'"), ("no-date", "NULL")):
            connection.execute(
                text(
                    "INSERT INTO article (id, slug, title, title_key, text, published_at, sort_at,"
                    " content_hash, annotator_version, word_count, created_at, updated_at, rev)"
                    f" VALUES ('{article_id}', 's', 't', 't', 'x', {published}, CURRENT_TIMESTAMP,"
                    " 'h', '0', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'r')"
                )
            )
        connection.execute(
            text(
                'INSERT INTO quote (id, article_id, position, kind, start, "end", text)'
                " VALUES ('no-date-q1', 'no-date', 1, 'indirect', 0, 1, 'x')"
            )
        )
    upgrade(database_url)
    with engine.connect() as connection:
        dated = dict(connection.execute(text("SELECT id, dated FROM article")).all())
        quotes = connection.execute(text("SELECT id FROM quote")).scalars().all()
    assert dated == {"with-date": True, "no-date": False}
    assert quotes == ["no-date-q1"]  # the article's rows are kept, not cascaded away
    engine.dispose()

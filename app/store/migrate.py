"""Applying the Alembic migrations: the only way the schema is made."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from app.config import ROOT
from app.store.search import is_search_object


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at `database_url` up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)


def include_object(
    _object: object, name: str | None, kind: str, _reflected: bool, _compare_to: object
) -> bool:
    """What autogenerate compares: everything but the search index, which no model describes."""
    return not is_search_object(name)

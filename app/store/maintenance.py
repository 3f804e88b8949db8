"""Keeping the query planner informed."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine


def refresh_statistics(engine: Engine) -> None:
    """Refresh the planner's statistics after a bulk load.

    Postgres has none for freshly filled tables until autovacuum gets round to them, and
    plans on guesses meanwhile (full scans and sorts where an index walk would do);
    SQLite's `ANALYZE` fills `sqlite_stat1` for the same reason.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))

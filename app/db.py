"""Engine creation and sessions: every database-specific setting lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import create_engine

# Execution option of the engine writers use: on SQLite their transactions begin with
# BEGIN IMMEDIATE, so that a writer waits for the write lock up front (busy_timeout) rather
# than failing when it turns a read transaction into a write one after another writer.
WRITER = "gazette_writer"


def create_db_engine(database_url: str) -> Engine:
    """An engine for `database_url` with the pragmas or pool options its backend needs."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def writer_engine(engine: Engine) -> Engine:
    """The same engine (and pool), whose transactions are write transactions."""
    return engine.execution_options(**{WRITER: True})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling begins lazily and only before a write; the
    # `begin` listener below takes over, so that every transaction is one from its start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while the loader writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writer = connection.get_execution_options().get(WRITER, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

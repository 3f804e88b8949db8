"""Engine creation, database faults and their state: every database-specific setting lives here."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import create_engine

log = logging.getLogger(__name__)

# Execution option of the engine writers use: on SQLite their transactions begin with
# BEGIN IMMEDIATE, so that a writer waits for the write lock up front (busy_timeout) rather
# than failing when it turns a read transaction into a write one after another writer.
WRITER = "gazette_writer"

# Errors that say the database cannot be reached or did not answer in time (connection
# refused or lost, statement or pool timeout, SQLite locked): a 503, not a bug.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


# Postgres's cost of a random page read relative to a sequential one, for storage on SSDs.
RANDOM_PAGE_COST = 1.1


def create_db_engine(
    database_url: str,
    *,
    connect_timeout: float = 5.0,
    statement_timeout: float = 30.0,
    pool_timeout: float = 5.0,
    pool_size: int = 5,
) -> Engine:
    """An engine for `database_url` with the pragmas, pool options and timeouts it needs.

    `connect_timeout` bounds opening a connection, `statement_timeout` one statement
    (Postgres; SQLite waits at most that long for a lock), `pool_timeout` the wait for a
    free pooled connection: a slow or unreachable database costs a request seconds.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": statement_timeout},
            pool_pre_ping=True,
        )
        busy_ms = int(statement_timeout * 1000)
        event.listen(engine, "connect", lambda dbapi, _record: _sqlite_pragmas(dbapi, busy_ms))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=2 * pool_size,
        pool_timeout=pool_timeout,
        connect_args={
            "connect_timeout": max(1, round(connect_timeout)),
            # random_page_cost: the planner's default (4) prices a random read as a spinning
            # disk's; on SSDs (1.1) it walks the search index instead of reading every row
            # and its stored search vector (a search's count on 22,250 articles: 204 -> 15 ms).
            "options": f"-c statement_timeout={int(statement_timeout * 1000)}"
            f" -c random_page_cost={RANDOM_PAGE_COST}",
        },
    )


def writer_engine(engine: Engine) -> Engine:
    """The same engine (and pool), whose transactions are write transactions."""
    return engine.execution_options(**{WRITER: True})


def _sqlite_pragmas(dbapi_connection: Any, busy_ms: int) -> None:
    # The driver's own transaction handling begins lazily and only before a write; the
    # `begin` listener below takes over, so that every transaction is one from its start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while the loader writes; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    writer = connection.get_execution_options().get(WRITER, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def describe(exc: BaseException) -> str:
    """One line saying what went wrong with the database, without the statement."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return f"{type(cause).__name__}: {first}"[:300]


class DatabaseStatus:
    """Whether the database answered lately, logged once per outage and once on recovery."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reason: str | None = None
        self.down_since: float | None = None

    def failed(self, exc: BaseException) -> str:
        reason = describe(exc)
        with self._lock:
            first = self.down_since is None
            self.reason = reason
            if first:
                self.down_since = time.monotonic()
        if first:
            log.error("database unavailable: %s", reason)
        return reason

    def answered(self) -> None:
        with self._lock:
            since, self.down_since, self.reason = self.down_since, None, None
        if since is not None:
            log.warning("database available again after %.0f s", time.monotonic() - since)

    def probe(self, engine: Engine) -> str | None:
        """Run `SELECT 1`: None if the database answered, else why not."""
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except UNAVAILABLE as exc:
            return self.failed(exc)
        self.answered()
        return None

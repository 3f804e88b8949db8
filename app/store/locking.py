"""Writers take turns: storing and linking an article is one short transaction at a time.

Entity linking decides between "the same person" and "someone new" from what the store
holds, and the article and mention counts are recounted from the rows; two writers doing
this at once would each miss the other's uncommitted entities (two entities for one
person) or counts. So every write transaction starts by taking one lock for the whole
store: on Postgres a transaction-scoped advisory lock (released at commit or rollback,
never left behind by a dead process; one lock taken first means no deadlock between
writers), on SQLite the database's own write lock, taken at BEGIN and waited for.
Annotation, the slow part, happens before and outside it, in parallel.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.db import writer_engine

_WRITE_LOCK = "gazette:store-writes"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a Postgres advisory lock named `name`."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction holds the store's write lock from its first statement.

    The caller commits; leaving the block without committing rolls back.
    """
    with Session(writer_engine(engine)) as session:
        if engine.dialect.name == "postgresql":
            session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(_WRITE_LOCK)}
            )
        else:
            session.connection()  # BEGIN IMMEDIATE: wait here for the database's write lock
        yield session


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """Hold a lock named `name` across processes (not a transaction) while the block runs.

    Postgres: a session-level advisory lock on a connection of its own; SQLite: an
    exclusive `flock` on a file beside the database. Both are released if the process dies.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key(name)})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": lock_key(name)})
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    path = Path(f"{database}.{hashlib.sha1(name.encode()).hexdigest()[:8]}.lock")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""Search folds accents on both stores: `cafe` finds "Café", `café` finds "cafe"

Postgres: the `unaccent` extension (contrib) and a text search configuration,
`gazette_english`, that folds accents before English stemming; the generated `tsvector`
columns and their GIN indexes are made again with it, from the rows already stored.
SQLite: FTS5's `remove_diacritics` already folds accents, but not strokes and ligatures
("Łódź", "Straße"): the index is filled again with the text folded as `unaccent` folds it.

Revision ID: 0010
Revises: 0008
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from app.store.search import ARTICLE_FTS, QUOTE_FTS, SEARCH_COLUMN, doc_key, fold_accents

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIG = "gazette_english"
# The token types that may hold a letter outside ASCII (asciiword and the like cannot): words
# go on to the English stemmer, words with digits to `simple`, as in `english`.
_STEMMED = ("word", "hword", "hword_part")
_UNSTEMMED = ("numword", "numhword", "hword_numpart")
_VECTORS = {
    "article": (
        "setweight(to_tsvector('{config}', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('{config}', text), 'B')"
    ),
    "quote": "to_tsvector('{config}', text)",
}
_BATCH = 500


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        _refill(connection, fold_accents)
        return
    # Making a column again rewrites its table: longer than a request may take.
    op.execute("SET LOCAL statement_timeout = 0")
    schema = _create_unaccent(connection)
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.english)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {', '.join(_STEMMED)} "
        f"WITH {schema}.unaccent, english_stem"
    )
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR {', '.join(_UNSTEMMED)} "
        f"WITH {schema}.unaccent, simple"
    )
    _make_vectors(CONFIG)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        _refill(connection, lambda text: text)
        return
    op.execute("SET LOCAL statement_timeout = 0")
    _make_vectors("english")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION {CONFIG}")
    # The extension stays: other objects of the database may use it, and it costs nothing.


def _create_unaccent(connection: sa.Connection) -> str:
    """Create the extension if it is not there; its schema, quoted. Fails saying what to do."""
    available = connection.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
    ).first()
    if available is None:
        raise RuntimeError(
            "Search needs the Postgres extension 'unaccent', which this server does not have: "
            "install the server's contrib modules (Debian: the postgresql-contrib package; "
            "included in the official Docker images) and run the migrations again."
        )
    try:
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except sa.exc.DBAPIError as error:
        raise RuntimeError(
            "Search needs the Postgres extension 'unaccent', and the migration could not "
            f"create it ({str(error.orig).strip()}). Have a role that may (a superuser, the "
            "database's owner, or one with CREATE on it) run `CREATE EXTENSION unaccent;` "
            "in this database, then run the migrations again."
        ) from error
    schema = connection.execute(
        sa.text(
            "SELECT quote_ident(n.nspname) FROM pg_extension e"
            " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
    ).scalar_one()
    return str(schema)


def _make_vectors(config: str) -> None:
    """The generated search columns and their indexes, made again with `config`."""
    for table, vector in _VECTORS.items():
        op.execute(f"DROP INDEX ix_{table}_search")
        op.execute(
            f"ALTER TABLE {table} DROP COLUMN {SEARCH_COLUMN}, ADD COLUMN {SEARCH_COLUMN} "
            f"tsvector GENERATED ALWAYS AS ({vector.format(config=config)}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin ({SEARCH_COLUMN})")


def _refill(connection: sa.Connection, fold: Callable[[str], str]) -> None:
    """Index every stored article and quote again, their text passed through `fold`."""
    for table, fts, columns in (
        ("article", ARTICLE_FTS, ["id", "title", "text"]),
        ("quote", QUOTE_FTS, ["id", "text"]),
    ):
        key = f"{table}_id"
        op.execute(f"DELETE FROM {fts}")
        source = sa.table(table, *(sa.column(c, sa.Text) for c in columns))
        names = [key, *columns[1:]]
        insert = sa.text(
            f"INSERT INTO {fts} (rowid, {', '.join(names)}) "
            f"VALUES (:key, {', '.join(':' + c for c in names)})"
        )
        last = ""
        while True:
            rows = connection.execute(
                sa.select(*source.c).where(source.c.id > last).order_by(source.c.id).limit(_BATCH)
            ).all()
            if not rows:
                break
            connection.execute(
                insert,
                [
                    {"key": doc_key(r.id), key: r.id, **{c: _fold(fold, r, c) for c in columns[1:]}}
                    for r in rows
                ],
            )
            last = rows[-1].id


def _fold(fold: Callable[[str], str], row: sa.Row, column: str) -> str | None:  # type: ignore[type-arg]
    value = getattr(row, column)
    return None if value is None else fold(value)

"""Exports: every match of a list's filters, streamed as NDJSON or CSV in id order.

Rows are read a batch at a time by keyset on the id, each batch in its own short session,
so memory stays flat however many rows match, and a client whose download broke resumes
with `after=<the last id it received>`.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.api.conditional import DATA_CACHE, corpus_etag, matches, not_modified
from app.api.offsets import OffsetUnit, convert
from app.api.presenters import quote_out
from app.api.schemas import QuoteWithArticle
from app.api.services import article_lists, articles, quotes
from app.api.services.analytics import search_of
from app.errors import NotAcceptable
from app.store import tables as models
from app.store.versions import read_store_rev

Format = Literal["ndjson", "csv"]
MEDIA_TYPES: dict[Format, str] = {"ndjson": "application/x-ndjson", "csv": "text/csv"}
ARTICLE_COLUMNS = [
    "id", "slug", "title", "source", "url", "published_at", "word_count", "created_at",
    "updated_at",
]  # fmt: skip
QUOTE_COLUMNS = [
    "article_id", "id", "speaker_id", "speaker_name", "kind", "text", "cue", "start", "end",
]  # fmt: skip
BATCH = 100


def negotiate(accept: str | None) -> Format:
    """NDJSON unless the client asks for CSV; 406 for a type neither."""
    wanted = [part.split(";")[0].strip().lower() for part in (accept or "*/*").split(",")]
    for media in wanted:
        if media == "text/csv":
            return "csv"
        if media in {"application/x-ndjson", "application/jsonl", "*/*", "application/*"}:
            return "ndjson"
    raise NotAcceptable("Exports are application/x-ndjson or text/csv: send one of them in Accept.")


def export_articles(
    engine: Engine,
    filters: article_lists.ArticleFilters,
    *,
    after: str | None,
    fmt: Format,
    offsets: OffsetUnit = "codepoints",
) -> Iterator[str]:
    """Every article matching `filters` after the id `after`: NDJSON (the article with its
    annotations) or CSV (the summary columns)."""
    search = search_of(filters.q)  # a malformed query fails before the first byte

    def matching(session: Session) -> Any:
        where = article_lists.conditions(session, filters, search=search)
        return select(models.Article.id).where(*where)

    if fmt == "csv":
        yield csv_line(ARTICLE_COLUMNS)
    for session, ids in _batches(engine, matching, models.Article.id, after):
        if fmt == "ndjson":
            for article_id in ids:
                detail = articles.get_article_detail(session, article_id=article_id)
                session.expunge_all()  # an article's rows are not needed past its line
                if offsets == "utf16":
                    convert(detail, detail.text)
                yield detail.model_dump_json() + "\n"
            continue
        rows = session.execute(
            select(*article_lists.SUMMARY)
            .where(models.Article.id.in_(ids))
            .order_by(models.Article.id)
        ).all()
        yield "".join(csv_line([csv_cell(getattr(r, c)) for c in ARTICLE_COLUMNS]) for r in rows)


def export_quotes(
    engine: Engine,
    filters: quotes.QuoteFilters,
    *,
    after: str | None,
    fmt: Format,
    offsets: OffsetUnit = "codepoints",
) -> Iterator[str]:
    """Every quote matching `filters` after the id `after`: NDJSON or CSV."""
    search = search_of(filters.q)
    columns = [*models.Quote.__table__.columns]  # type: ignore[attr-defined]

    def matching(session: Session) -> Any:
        return select(models.Quote.id).where(*quotes.conditions(session, filters, search=search))

    if fmt == "csv":
        yield csv_line(QUOTE_COLUMNS)
    for session, ids in _batches(engine, matching, models.Quote.id, after):
        rows = session.execute(
            select(*columns).where(models.Quote.id.in_(ids)).order_by(models.Quote.id)
        ).all()
        names = quotes.speaker_names(session, rows)
        items = [
            QuoteWithArticle(
                **quote_out(r, names.get(r.speaker_entity_id or "")).model_dump(),
                article_id=r.article_id,
            )
            for r in rows
        ]
        articles.convert_offsets(session, items, unit=offsets)
        if fmt == "ndjson":
            yield "".join(item.model_dump_json() + "\n" for item in items)
            continue
        yield "".join(
            csv_line(
                [
                    q.article_id,
                    q.id,
                    q.speaker.entity_id if q.speaker else "",
                    q.speaker.name if q.speaker else "",
                    q.kind.value,
                    q.text,
                    q.cue.lemma if q.cue else "",
                    str(q.start),
                    str(q.end),
                ]
            )  # fmt: skip
            for q in items
        )


def stream(request: Request, rows: Iterator[str], fmt: Format, *, name: str) -> Response:
    """The streamed response; the first batch is read before it, so errors come as 4xx.

    Its ETag names the corpus version, the URL and the format, as lists do; a body
    streamed this way is never held whole to hash it.
    """
    etag = corpus_etag(f"{read_store_rev(request.app.state.engine)} {fmt}", request)
    if held := matches(request.headers.get("if-none-match"), etag):
        return not_modified(held)
    first = next(rows, "")
    extension = "csv" if fmt == "csv" else "ndjson"
    return StreamingResponse(
        itertools.chain([first], rows),
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{extension}"',
            "ETag": etag,
            "Vary": "Accept",
            "Cache-Control": DATA_CACHE,
        },
    )


def _batches(
    engine: Engine, matching: Callable[[Session], Any], id_column: Any, after: str | None
) -> Iterator[tuple[Session, Sequence[str]]]:
    last = after
    while True:
        with Session(engine) as session:
            query = matching(session)
            if last is not None:
                query = query.where(id_column > last)
            ids = session.scalars(query.order_by(id_column).limit(BATCH)).all()
            if not ids:
                return
            yield session, ids
        last = ids[-1]


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def csv_line(cells: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()

"""What article and quote lists share: sorting, facet counting, date buckets and counts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, literal_column, select
from sqlmodel import Session

from app.api.schemas import Bucket, FacetValue, Histogram
from app.errors import InvalidInput
from app.store.search import SearchQuery, is_postgres, parse_query
from app.store.tables import Article

Sort = Literal["relevance", "newest", "oldest"]
Interval = Literal["day", "week", "month", "year"]
MAX_BUCKETS = 5000


def search_of(q: str | None) -> SearchQuery | None:
    """The parsed `q`; None when absent or empty."""
    return parse_query(q) if q else None


def sort_for(search: SearchQuery | None, sort: Sort | None, *, default: Sort = "newest") -> Sort:
    """The sort to apply: relevance needs a query and is the default with one."""
    if sort == "relevance" and search is None:
        raise InvalidInput("sort=relevance ranks search results: it needs a query in `q`.")
    return sort or ("relevance" if search is not None else default)


def by_date(sort: Sort, *, article_id: Any = Article.id) -> list[tuple[Any, bool]]:
    """The (column, descending) order of articles newest or oldest first: the dated by
    date, then the undated (by when they were stored) either way; the id breaks ties.
    Articles and the quotes in their order share it; ix_article_newest and
    ix_article_oldest serve it."""
    descending = sort == "newest"
    return [(Article.dated, True), (Article.sort_at, descending), (article_id, descending)]


def count(session: Session, query: Any) -> int:
    """The exact number of rows of `query`."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def facet_values(session: Session, query: Any, *, size: int) -> list[FacetValue]:
    """Facet values from `query` selecting (value, label, count), most frequent first."""
    ordered = query.order_by(literal_column("n").desc(), literal_column("value")).limit(size)
    return [
        FacetValue(value=str(value), label=str(label), count=n)
        for value, label, n in session.execute(ordered).all()
    ]


def bucket_of(session: Session, column: Any, interval: Interval) -> Any:
    """The first day of the `interval` holding `column`, as a 'YYYY-MM-DD' string."""
    if is_postgres(session):
        return func.to_char(func.date_trunc(interval, func.timezone("UTC", column)), "YYYY-MM-DD")
    if interval == "day":
        return func.date(column)
    if interval == "week":  # Monday: forward to Sunday (or stay), then back six days
        return func.date(column, "weekday 0", "-6 days")
    return func.strftime("%Y-%m-01" if interval == "month" else "%Y-01-01", column)


def fill_buckets(
    counts: Sequence[tuple[str, int]], interval: Interval, *, bounds: Sequence[date] = ()
) -> list[Bucket]:
    """Every bucket from the first to the last (stretched to `bounds`), empty ones as 0."""
    found = {date.fromisoformat(start): n for start, n in counts}
    ends = [*found, *(start_of(d, interval) for d in bounds)]
    if not ends:
        return []
    current, last = min(ends), max(ends)
    buckets = []
    while current <= last:
        buckets.append(Bucket(start=current, count=found.get(current, 0)))
        if len(buckets) > MAX_BUCKETS:
            raise InvalidInput(
                f"The histogram would have more than {MAX_BUCKETS} buckets: choose a longer "
                "interval or a narrower date range."
            )
        current = next_start(current, interval)
    return buckets


def start_of(day: date, interval: Interval) -> date:
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_start(start: date, interval: Interval) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def date_bounds(after: datetime | None, before: datetime | None) -> list[date]:
    """The days a histogram spans at least: from `after`, to the day before `before`."""
    bounds = [after.date()] if after is not None else []
    if before is not None:
        bounds.append((before - timedelta(microseconds=1)).date())
    return bounds


def histogram(
    session: Session, published: Any, *, interval: Interval, bounds: Sequence[date] = ()
) -> Histogram:
    """Rows of a query selecting one `published` column, counted per `interval`."""
    rows = published.subquery()
    bucket = bucket_of(session, rows.c.published, interval).label("bucket")
    counts = session.execute(
        select(bucket, func.count())
        .where(rows.c.published.is_not(None))
        .group_by(bucket)
        .order_by(bucket)
    ).all()
    undated = session.scalar(
        select(func.count()).select_from(rows).where(rows.c.published.is_(None))
    )
    return Histogram(
        interval=interval,
        buckets=fill_buckets([(b, c) for b, c in counts], interval, bounds=bounds),
        undated=undated or 0,
    )

"""Keyset pagination with opaque cursors.

A cursor is the sort key of the last item served, base64url-encoded JSON. Ordering
is always total (the id breaks ties), so pages never skip or repeat an item.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, literal, or_, tuple_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from app.api.deps import CURSOR_MAX_CHARS
from app.api.validation import INT64_MAX, INT64_MIN
from app.errors import InvalidInput
from app.ingest.rules import check_datetime, check_plain_text
from app.store.tables import as_utc


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [as_utc(v).isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, kinds: Sequence[type]) -> list[Any]:
    """The values a cursor carries, checked against the expected `kinds`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        return [_coerce(value, kind) for value, kind in zip(values, kinds, strict=True)]
    except (
        ValueError,
        TypeError,
        OverflowError,
        RecursionError,
        binascii.Error,
        UnicodeDecodeError,
    ):
        raise InvalidInput(
            "The cursor is not valid: pass the `next` link of a previous page."
        ) from None


def _coerce(value: Any, kind: type) -> Any:
    # Sort keys are never null, and a bool is no int here. Each value is held to what the
    # columns can compare with: 64-bit integers, storable datetimes, storable strings.
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError
        return as_utc(check_datetime(datetime.fromisoformat(value)))
    if type(value) is not kind:
        raise ValueError
    if kind is int and not INT64_MIN <= value <= INT64_MAX:
        raise ValueError
    if kind is str and len(check_plain_text(value)) > CURSOR_MAX_CHARS:
        raise ValueError
    return value


def after(order: Sequence[tuple[ColumnElement[Any], bool]], values: Sequence[Any]) -> Any:
    """The condition "comes after `values`" for the ordering (column, descending) pairs.

    An order in one direction is a row-value comparison, which an index of the order serves
    as a range (SQLite: `SEARCH ... ((a,b,c)<(?,?,?))`); spelt out as the OR below, it is a
    filter on every row from the first page on (`SCAN ... USING INDEX`).
    """
    if len({descending for _, descending in order}) == 1:
        columns = [column for column, _ in order]
        bound = tuple_(*(literal(v, c.type) for c, v in zip(columns, values, strict=True)))
        return tuple_(*columns) < bound if order[0][1] else tuple_(*columns) > bound
    clauses = []
    for i, (column, descending) in enumerate(order):
        equal = [c == v for (c, _), v in zip(order[:i], values[:i], strict=True)]
        if isinstance(values[i], bool):  # SQL orders false first, but says it with = alone
            beyond = column == (not values[i]) if values[i] == descending else false()
        else:
            beyond = column < values[i] if descending else column > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def order_by(order: Sequence[tuple[ColumnElement[Any], bool]]) -> list[Any]:
    return [column.desc() if descending else column.asc() for column, descending in order]


def paginate(
    session: Session,
    query: Any,
    order: list[tuple[Any, bool]],
    *,
    limit: int,
    cursor: str | None,
    kinds: list[type],
    rows: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of `query` in `order`, after `cursor`; plus the cursor of the next page.

    `rows=True` pages a query of several columns (every sort column among them) as rows.
    """
    if cursor:
        query = query.where(after(order, decode_cursor(cursor, kinds=kinds)))
    query = query.order_by(*order_by(order)).limit(limit + 1)
    # Rows of columns need nothing of the ORM: run on the session's connection, they skip
    # its loading machinery (a third of a list page's time in the service).
    found = list(
        session.connection().execute(query).all() if rows else session.scalars(query).all()
    )
    if len(found) <= limit:
        return found, None
    found = found[:limit]
    last = found[-1]
    return found, encode_cursor([getattr(last, column.key) for column, _ in order])

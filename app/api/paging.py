"""Turning a next cursor into a page's `next` URL, its `next_cursor` and a `Link` header."""

from __future__ import annotations

from typing import TypedDict

from fastapi import Request, Response


class NextPage(TypedDict):
    next: str | None
    next_cursor: str | None


def next_page(request: Request, response: Response, cursor: str | None) -> NextPage:
    """The `next` and `next_cursor` fields of a page. `next` is a URL relative to this server
    (the `Host` header is never echoed), also sent as a `Link` header."""
    if cursor is None:
        return {"next": None, "next_cursor": None}
    absolute = request.url.include_query_params(cursor=cursor)
    url = f"{absolute.path}?{absolute.query}"
    response.headers["Link"] = f'<{url}>; rel="next"'
    return {"next": url, "next_cursor": cursor}

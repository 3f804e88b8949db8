"""Turning a next cursor into the `next` URL and a `Link` header."""

from __future__ import annotations

from fastapi import Request, Response


def next_url(request: Request, response: Response, cursor: str | None) -> str | None:
    """The next page as a URL relative to this server: the `Host` header is never echoed."""
    if cursor is None:
        return None
    absolute = request.url.include_query_params(cursor=cursor)
    url = f"{absolute.path}?{absolute.query}"
    response.headers["Link"] = f'<{url}>; rel="next"'
    return url

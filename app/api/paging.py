"""Turning a next cursor into the `next` URL and a `Link` header."""

from __future__ import annotations

from fastapi import Request, Response


def next_url(request: Request, response: Response, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    url = str(request.url.include_query_params(cursor=cursor))
    response.headers["Link"] = f'<{url}>; rel="next"'
    return url

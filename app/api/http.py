"""HTTP details the framework leaves out: HEAD wherever GET works, a full `Allow` on 405."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The method the client sent, when HeadAsGet answered a HEAD through the GET route.
ORIGINAL_METHOD = "gazette.original_method"


class HeadAsGet:
    """Answer `HEAD` through the `GET` route of the path, with its headers and no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        scope = {**scope, "method": "GET", ORIGINAL_METHOD: "HEAD"}

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_headers_only)


def allowed_methods(openapi: dict[str, Any], path: str) -> list[str]:
    """Every method the document offers on `path` (HEAD wherever GET is), sorted.

    A path that is a template of its own (`/articles/facets`) answers with that template's
    methods, as the document states them, though `/articles/{article_id}` matches it too.
    """
    paths = openapi.get("paths", {})
    methods: set[str] = set()
    if path in paths:
        methods.update(method.upper() for method in paths[path])
    else:
        for template, operations in paths.items():
            if path_pattern(template).fullmatch(path):
                methods.update(method.upper() for method in operations)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


@lru_cache(maxsize=256)
def path_pattern(template: str) -> re.Pattern[str]:
    """A pattern matching the paths of a route template (`/articles/{article_id}`)."""
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))

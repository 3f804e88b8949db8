"""Corpus-wide reads answered again from memory while the corpus has not changed.

A route that depends on the whole corpus (lists, search, related articles, entity lists)
tags its answer with a strong ETag made of `store_version.rev` and the URL
(`conditional.corpus_etag`): its body is one sequence of bytes for that state and URL.
`CorpusPages` keeps those bodies, keyed by that ETag, and sends one again to the next
request whose ETag, computed from the same two things before any routing, is the same;
it also answers `If-None-Match` with that ETag by a 304. A write to the corpus gives the
store a new rev: no later request computes an old key again, and the kept pages are
dropped when a request first sees the new rev.

Measured by bench/serve.py: FastAPI's routing, dependency solving and threadpool cost a
corpus-wide read a few milliseconds however cheap its queries, 20-50 times what sending
stored bytes costs; a page read again is sent in the time of a stored article document.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.conditional import corpus_etag, matches, not_modified
from app.api.security import read_allowed
from app.db import UNAVAILABLE

# Larger answers (a page of 100 search results with snippets) are not kept.
MAX_PAGE_BYTES = 512 * 1024
# Where the corpus-wide routes are: health, metrics, jobs and the docs never read the rev.
CORPUS_PREFIXES = ("/articles", "/entities", "/quotes", "/links")


class PageCache:
    """Bodies and headers of corpus-wide answers of one store rev, least recently used
    dropped first once they hold more than `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.rev: str | None = None
        self.size = 0
        self._pages: OrderedDict[str, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()

    def at(self, rev: str) -> None:
        """Keep pages of `rev` from now on: those of an older one are dropped."""
        if rev != self.rev:
            self._pages.clear()
            self.size, self.rev = 0, rev

    def get(self, etag: str) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        page = self._pages.get(etag)
        if page is not None:
            self._pages.move_to_end(etag)
        return page

    def put(self, etag: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if len(body) > min(MAX_PAGE_BYTES, self.max_bytes) or etag in self._pages:
            return
        self._pages[etag] = (headers, body)
        self.size += len(body)
        while self.size > self.max_bytes:
            _, (_, dropped) = self._pages.popitem(last=False)
            self.size -= len(dropped)


class CorpusPages:
    """Send a corpus-wide answer kept for the current store rev, or keep the one the routes
    give. Everything else (other answers, errors, reads needing a key not sent) passes."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.cache = PageCache(max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(CORPUS_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        headers = Headers(scope=scope)
        if not read_allowed(state.settings, headers):
            await self.app(scope, receive, send)
            return
        try:
            rev = await state.reader.store_rev()
        except UNAVAILABLE:
            await self.app(scope, receive, send)  # the routes answer an outage in the one shape
            return
        self.cache.at(rev)
        etag = corpus_etag(rev, Request(scope))
        if held := matches(headers.get("if-none-match"), etag):
            await not_modified(held)(scope, receive, send)
            return
        page = self.cache.get(etag)
        if page is not None:
            raw, body = page
            # A copy: the middleware outside (gzip) edits the headers of what it is sent.
            await send({"type": "http.response.start", "status": 200, "headers": list(raw)})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, self._keeping(send, etag))

    def _keeping(self, send: Send, etag: str) -> Send:
        """`send`, keeping a 200 the route tagged with `etag` once its whole body is sent."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                raw = message.get("headers", [])
                if message["status"] == 200 and Headers(raw=raw).get("etag") == etag:
                    start = message
            elif start is not None and message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    self.cache.put(etag, list(start["headers"]), b"".join(chunks))
            await send(message)

        return keep

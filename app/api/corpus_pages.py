"""Corpus-wide reads answered again from memory while the corpus has not changed.

A route that depends on the whole corpus (lists, search, related articles, entity lists)
tags its answer with a strong ETag made of `store_version.rev` and the URL
(`conditional.corpus_etag`): its body is one sequence of bytes for that state and URL.
`CorpusPages` keeps those bodies, keyed by that ETag, and sends one again to the next
request whose ETag, computed from the same two things before any routing, is the same;
it also answers `If-None-Match` with that ETag by a 304. A write to the corpus gives the
store a new rev: no later request computes an old key again, and the kept pages are
dropped when a request first sees the new rev.

Quotes by one speaker and the articles mentioning one entity depend on the articles
mentioning it alone, whose writes change its `entity.rev`: their version is that rev
(`conditional.corpus_version`), so writes of other articles leave their kept pages current.

Measured by bench/serve.py: FastAPI's routing, dependency solving and threadpool cost a
corpus-wide read a few milliseconds however cheap its queries, 20-50 times what sending
stored bytes costs; a page read again is sent in the time of a stored article document.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.conditional import corpus_etag, corpus_version, matches, not_modified
from app.api.security import read_allowed
from app.db import UNAVAILABLE

# Larger answers (a page of 100 search results with snippets) are not kept.
MAX_PAGE_BYTES = 512 * 1024
# Where the corpus-wide routes are: health, metrics, jobs and the docs never read the rev.
CORPUS_PREFIXES = ("/articles", "/entities", "/quotes", "/links")


class PageCache:
    """Bodies and headers of corpus-wide answers, least recently used dropped first once
    they hold more than `max_bytes`.

    A page of the whole store's rev is dropped when a newer rev is seen; a page of one
    entity's version (quotes by a speaker) stays until it is the least recently used: a
    newer version of its entity is another key, never computed for the old one again.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.rev: str | None = None
        self.size = 0
        self._pages: OrderedDict[str, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._of_store: set[str] = set()  # the keys of pages of the store's rev

    def at(self, rev: str) -> None:
        """Keep pages of store rev `rev` from now on: those of an older one are dropped."""
        if rev != self.rev:
            for etag in self._of_store:
                self.size -= len(self._pages.pop(etag)[1])
            self._of_store.clear()
            self.rev = rev

    def get(self, etag: str) -> tuple[list[tuple[bytes, bytes]], bytes] | None:
        page = self._pages.get(etag)
        if page is not None:
            self._pages.move_to_end(etag)
        return page

    def put(
        self, etag: str, headers: list[tuple[bytes, bytes]], body: bytes, *, whole_store: bool
    ) -> None:
        if len(body) > min(MAX_PAGE_BYTES, self.max_bytes) or etag in self._pages:
            return
        self._pages[etag] = (headers, body)
        if whole_store:
            self._of_store.add(etag)
        self.size += len(body)
        while self.size > self.max_bytes:
            dropped, (_, old) = self._pages.popitem(last=False)
            self._of_store.discard(dropped)
            self.size -= len(old)


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
        request = Request(scope)
        try:
            version, whole_store = await corpus_version(request, state.reader)
        except UNAVAILABLE:
            await self.app(scope, receive, send)  # the routes answer an outage in the one shape
            return
        if whole_store:
            self.cache.at(version)
        etag = corpus_etag(version, request)
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
        await self.app(scope, receive, self._keeping(send, etag, whole_store))

    def _keeping(self, send: Send, etag: str, whole_store: bool) -> Send:
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
                    body = b"".join(chunks)
                    self.cache.put(etag, list(start["headers"]), body, whole_store=whole_store)
            await send(message)

        return keep

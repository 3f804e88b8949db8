"""Conditional GETs and compression: strong ETags, 304s, Cache-Control, gzip.

Resources with a stored version answer `If-None-Match` from the version alone, before
any body is read: an article's documents from `article.rev` (marked `-utf16` with UTF-16
offsets), an entity's detail from `entity.rev`, corpus-wide reads from
`store_version.rev` and the URL (`corpus_version`).
Every other GET (health, readiness, the OpenAPI document) gets an ETag hashed from its
small body by `ConditionalMiddleware`.
`GZipWithETags` marks a gzipped representation's ETag (`"…-gz"`): a strong ETag names
one sequence of bytes, and the compressed bytes are another; a 304 answers with the tag
the client holds.
"""

from __future__ import annotations

import hashlib
import re

import pydantic_core
from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.offsets import OffsetUnit, convert_json, in_bmp
from app.api.security import read_allowed
from app.api.services import documents
from app.db import UNAVAILABLE
from app.errors import NotFound
from app.store.versions import LoopReader

# Stored data changes with writes (an article's detail even with other articles'
# writes): caches may keep it but must revalidate, which costs a 304.
DATA_CACHE = "public, no-cache"
# Health, readiness and metrics describe this moment.
LIVE_CACHE = "no-store"
LIVE_PATHS = frozenset({"/health", "/ready", "/metrics"})
GZIP_SUFFIX = "-gz"
# Marks the ETag of an article's document with UTF-16 offsets.
UTF16_SUFFIX = "-utf16"
# Bodies smaller than this gain little from compression.
GZIP_MINIMUM_BYTES = 1024
# zlib's default level: level 9 costs twice the CPU for a body 1-2% smaller.
GZIP_LEVEL = 6


class NotModified(Exception):
    """The client's copy is current: answer 304 with the ETag."""

    def __init__(self, etag: str, cache_control: str = DATA_CACHE) -> None:
        self.etag, self.cache_control = etag, cache_control


def quoted(token: str) -> str:
    return f'"{token}"'


def matches(if_none_match: str | None, etag: str) -> str | None:
    """The tag of If-None-Match naming `etag` or its gzipped form (weakly compared), if any.

    A 304 answers with that tag: it names the representation the client holds.
    """
    if not if_none_match:
        return None
    if if_none_match.strip() == "*":
        return etag
    gzipped = etag[:-1] + GZIP_SUFFIX + '"'
    for tag in if_none_match.split(","):
        tag = tag.strip().removeprefix("W/")
        if tag in (etag, gzipped):
            return tag
    return None


def not_modified(etag: str, cache_control: str = DATA_CACHE) -> Response:
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache_control})


def corpus_etag(rev: str, request: Request) -> str:
    """One state of the corpus seen through one URL."""
    url = f"{rev} {request.url.path}?{request.url.query}".encode()
    return quoted(hashlib.blake2b(url, digest_size=12).hexdigest())


# Reads whose answer is a function of one entity's version: its quotes and the articles
# mentioning it. They read the articles that mention the entity alone, and a write of any
# of those (or the entity's renaming) changes `entity.rev`. /quotes with a speaker and no
# other filter is one; not with `q` (its ranking weighs every quote stored) nor grouped
# (a statement may hold segments of other speakers).
_ENTITY_READ = re.compile(r"/entities/([^/\x00]+)/(quotes|articles)")
_ENTITY_READ_PARAMS = {
    "quotes": frozenset({"limit", "cursor", "offsets"}),
    "articles": frozenset({"limit", "cursor"}),
}
_SPEAKER_PAGE_PARAMS = frozenset(
    {"speaker_id", "limit", "cursor", "offsets", "count", "kind", "cue"}
)


def entity_of(request: Request) -> str | None:
    """The entity whose version alone a corpus-wide read's answer depends on, if any."""
    params = request.query_params
    if request.url.path == "/quotes":
        speakers = params.getlist("speaker_id")
        # NUL never reaches the store from here: the route refuses it in the error shape.
        if (
            len(speakers) == 1
            and "\x00" not in speakers[0]
            and _SPEAKER_PAGE_PARAMS.issuperset(params.keys())
        ):
            return speakers[0]
        return None
    read = _ENTITY_READ.fullmatch(request.url.path)
    if read and _ENTITY_READ_PARAMS[read.group(2)].issuperset(params.keys()):
        return read.group(1)
    return None


async def corpus_version(request: Request, reader: LoopReader) -> tuple[str, bool]:
    """The version a corpus-wide read's answer is a function of, and whether it is the
    whole store's (which every write changes) rather than one entity's."""
    entity = entity_of(request)
    if entity is not None and (rev := await reader.entity_rev(entity)) is not None:
        return f"entity {rev}", False
    return await reader.store_rev(), True


async def _corpus_version(request: Request, response: Response) -> None:
    version, _ = await corpus_version(request, request.app.state.reader)
    etag = corpus_etag(version, request)
    if held := matches(request.headers.get("if-none-match"), etag):
        raise NotModified(held)
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = DATA_CACHE


# For routes whose answer depends on the whole corpus: lists, entities, related articles.
CorpusVersion = Depends(_corpus_version)


def document_etag(rev: str, offsets: OffsetUnit) -> str:
    """The ETag of an article's document at `rev` in one offset unit.

    The two units are two representations (the same bytes only while the text stays in
    the BMP): a tag held for one must never earn a 304 for the other.
    """
    return quoted(rev if offsets == "codepoints" else f"{rev}{UTF16_SUFFIX}")


async def serve_document(
    request: Request, *, article_id: str, layer: str, offsets: OffsetUnit = "codepoints"
) -> Response:
    """An article's stored document (`detail` or a layer), or 304 when the client has it.

    The stored read is a primary-key lookup, cheaper inline (`LoopReader`) than through
    the threadpool; rendering (only after a change) goes to the threadpool. In UTF-16
    offsets the stored document is converted as it is served, and only when its text has
    characters outside the BMP (otherwise the offsets are the same).
    """
    reader: LoopReader = request.app.state.reader
    if_none_match = request.headers.get("if-none-match")
    if if_none_match:
        rev = await reader.article_rev(article_id)
        if rev is not None and (held := matches(if_none_match, document_etag(rev, offsets))):
            return not_modified(held)
    if offsets == "utf16":
        rev, body = await _stored_in_utf16(request, article_id=article_id, layer=layer)
    else:
        rev, body = await _stored(request, article_id=article_id, layer=layer)
    return Response(
        content=body.encode(),
        media_type="application/json",
        headers={"ETag": document_etag(rev, offsets), "Cache-Control": DATA_CACHE},
    )


async def _render(request: Request, *, article_id: str, rev: str) -> dict[str, str]:
    return await run_in_threadpool(
        documents.render_document, request.app.state.engine, article_id=article_id, rev=rev
    )


async def _stored(request: Request, *, article_id: str, layer: str) -> tuple[str, str]:
    """(rev, the document as stored, rendered first if it is not current)."""
    found = await request.app.state.reader.document(article_id, layer)
    if found is None:
        raise NotFound(f"No article with id '{article_id}'.")
    rev, body = found
    if body is None:
        body = (await _render(request, article_id=article_id, rev=rev))[layer]
    return rev, body


async def _stored_in_utf16(request: Request, *, article_id: str, layer: str) -> tuple[str, str]:
    """(rev, the document with UTF-16 offsets): converted with the text it was rendered from."""
    found = await request.app.state.reader.document_and_text(article_id, layer)
    if found is None:
        raise NotFound(f"No article with id '{article_id}'.")
    rev, body, text = found
    if body is None:
        layers = await _render(request, article_id=article_id, rev=rev)
        # The rendering may have read a newer text than `rev`'s: its own detail holds it.
        body, text = layers[layer], pydantic_core.from_json(layers["detail"])["text"]
    if in_bmp(text):  # the offsets are the same
        return rev, body
    return rev, await run_in_threadpool(convert_json, body, text)


async def serve_entity_document(request: Request, *, entity_id: str) -> Response:
    """An entity's stored detail (rendered first if it is not current), or 304."""
    reader: LoopReader = request.app.state.reader
    found = await reader.entity_document(entity_id)
    if found is None:
        raise NotFound(f"No entity with id '{entity_id}'.")
    rev, body = found
    if held := matches(request.headers.get("if-none-match"), quoted(rev)):
        return not_modified(held)
    if body is None:
        body = await run_in_threadpool(
            documents.render_entity_document, request.app.state.engine, entity_id=entity_id, rev=rev
        )
    return _stored_response(body, rev)


# GET /articles/{article_id} and its layers, and GET /entities/{entity_id}, as the routers
# declare them. NUL never reaches the store from here: the routes refuse it in the error shape.
_DOCUMENT_PATH = re.compile(r"/articles/([^/\x00]+)(?:/(entities|quotes|links))?")
_ENTITY_PATH = re.compile(r"/entities/([^/\x00]+)")


def _stored_response(body: str, rev: str) -> Response:
    return Response(
        content=body.encode(),
        media_type="application/json",
        headers={"ETag": quoted(rev), "Cache-Control": DATA_CACHE},
    )


class StoredDocuments:
    """A shortcut for the hottest reads: an article's detail or layer, or an entity's
    detail, whose stored rendering is current is read and sent here, without routing,
    dependencies or models.

    Measured by bench/serve.py: FastAPI's routing and dependency solving cost more than
    the read itself. Everything else (no such article or entity, a document to render
    again, a query string, a read needing a key not sent) goes on to the declared routes,
    which remain the definition.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._static: frozenset[str] | None = None

    def _routed_elsewhere(self, scope: Scope) -> bool:
        """Whether a declared route of its own answers this path (`/articles/facets`)."""
        if self._static is None:
            paths = scope["app"].openapi()["paths"]
            self._static = frozenset(path for path in paths if "{" not in path)
        return scope["path"] in self._static

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            article = _DOCUMENT_PATH.fullmatch(scope["path"])
            entity = None if article else _ENTITY_PATH.fullmatch(scope["path"])
            headers = Headers(scope=scope)
            state = scope["app"].state
            if (
                (article or entity)
                and not self._routed_elsewhere(scope)
                and read_allowed(state.settings, headers)
            ):
                reader: LoopReader = state.reader
                if_none_match = headers.get("if-none-match")
                response: Response | None = None
                try:
                    if article is not None:
                        layer = article.group(2) or "detail"
                        response = await _article(reader, article.group(1), layer, if_none_match)
                    elif entity is not None:
                        response = await _entity(reader, entity.group(1), if_none_match)
                except UNAVAILABLE:
                    response = None  # the declared route answers an outage in the one shape
                if response is not None:
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


async def _article(
    reader: LoopReader, article_id: str, layer: str, if_none_match: str | None
) -> Response | None:
    """A 304 or the article's current stored `layer`; None when the route must answer."""
    rev = await reader.article_rev(article_id) if if_none_match else None
    if rev is not None and (held := matches(if_none_match, quoted(rev))):
        return not_modified(held)
    found = await reader.document(article_id, layer)
    if found is not None and found[1] is not None:
        return _stored_response(found[1], found[0])
    return None


async def _entity(reader: LoopReader, entity_id: str, if_none_match: str | None) -> Response | None:
    """A 304 or the entity's current stored detail; None when the route must answer."""
    found = await reader.entity_document(entity_id)
    if found is None:
        return None
    rev, body = found
    if held := matches(if_none_match, quoted(rev)):
        return not_modified(held)
    return None if body is None else _stored_response(body, rev)


class ConditionalMiddleware:
    """ETags for GETs that set none (hashed from the body), and 304s for them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        live = scope["path"] in LIVE_PATHS
        start: Message | None = None
        chunks: list[bytes] = []

        async def send_wrapper(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] == 200 and "etag" not in Headers(raw=message["headers"]):
                    start = message  # hashed once the whole body is known
                else:
                    await send(message)
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            etag = quoted(hashlib.blake2b(body, digest_size=12).hexdigest())
            headers = MutableHeaders(raw=start["headers"])
            headers["ETag"] = etag
            headers.setdefault("Cache-Control", LIVE_CACHE if live else DATA_CACHE)
            if held := matches(if_none_match, etag):
                headers["ETag"] = held
                bodiless = [
                    (k, v) for k, v in headers.raw if k not in (b"content-length", b"content-type")
                ]
                await send({**start, "status": 304, "headers": bodiless})
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, send_wrapper)


class GZipWithETags:
    """Starlette's gzip, giving a compressed body its own strong ETag (`"…-gz"`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.plain = app
        self.app = GZipMiddleware(app, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=GZIP_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "gzip" not in Headers(scope=scope).get("accept-encoding", ""):
            await self.plain(scope, receive, send)  # nothing to compress for this client
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                etag = headers.get("etag")
                if etag and headers.get("content-encoding") == "gzip":
                    headers["ETag"] = etag[:-1] + GZIP_SUFFIX + '"'
            await send(message)

        await self.app(scope, receive, send_wrapper)


def install(app: FastAPI) -> None:
    """Add compression, the ETag fallback and the 304 answer to the application."""
    app.state.reader = LoopReader(app.state.engine, timeout=app.state.settings.db_statement_timeout)

    @app.exception_handler(NotModified)
    async def _not_modified(_request: Request, exc: NotModified) -> Response:
        return not_modified(exc.etag, exc.cache_control)

    from app.api.corpus_pages import CorpusPages

    # Innermost of the middleware (inside CORS, whose headers their answers get too): an
    # article's stored documents first, then the kept corpus-wide answers.
    app.user_middleware.append(Middleware(StoredDocuments))
    kept_bytes = int(app.state.settings.corpus_page_cache_mb * 1024 * 1024)
    app.user_middleware.append(Middleware(CorpusPages, max_bytes=kept_bytes))
    app.add_middleware(ConditionalMiddleware)
    app.add_middleware(GZipWithETags)  # outside: it sees the ETags set inside

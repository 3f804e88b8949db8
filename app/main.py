"""The FastAPI application: factory, lifespan (model, migrations, loader), error handlers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.api import conditional, docs, telemetry
from app.api.guards import AllowedHostsMiddleware, AnnotationSlots, ProblemCORSMiddleware
from app.api.http import ORIGINAL_METHOD, HeadAsGet, allowed_methods
from app.api.openapi import build_openapi, problems
from app.api.problems import problem
from app.api.routers import annotate, articles, entities, jobs, links, quotes, system
from app.api.security import ReadKey, log_key_mode
from app.api.telemetry import REQUEST_ID_HEADER, UnexpectedErrors
from app.config import Settings, get_settings
from app.db import UNAVAILABLE, DatabaseStatus, create_db_engine, describe
from app.errors import GazetteError
from app.ingest.annotator import Annotator
from app.ingest.jobs import open_jobs
from app.ingest.loader import LoadState, start_background_load
from app.ingest.runners import make_runner
from app.logs import configure_logging

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger("app")

# Seconds a client is asked to wait when the database is unavailable.
DATABASE_RETRY_AFTER = 5
# What a browser client sends beyond the CORS-safelisted headers, and what it may read.
CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "If-None-Match", REQUEST_ID_HEADER]
CORS_RESPONSE_HEADERS = ["ETag", "Link", "Location", "Retry-After", REQUEST_ID_HEADER]


def _resume_jobs(app: FastAPI, settings: Settings) -> None:
    """Hand the local pool what an earlier process's pool left undone of the jobs submitted
    to the API (a broker keeps its own messages; the startup load and the CLI submit theirs
    again when they run)."""
    try:
        jobs = open_jobs(app.state.engine, origin="api", batch_size=settings.batch_size)
    except UNAVAILABLE as exc:
        log.warning("open jobs not resumed, the database is unavailable: %s", describe(exc))
        return
    for job in jobs:
        app.state.runner.run(job)
    if jobs:
        log.info("resumed %d job(s) left open by an earlier process", len(jobs))


def create_app(settings: Settings | None = None, *, nlp: Language | None = None) -> FastAPI:
    """Build the application. Tests pass their own settings and an already loaded model."""
    settings = settings or get_settings()
    # Replaces the handler an earlier call installed: apps built one after another (tests)
    # do not stack handlers, and uvicorn's loggers take the same format.
    configure_logging(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log_key_mode(settings)
        if settings.migrate_on_startup:
            from app.store.migrate import upgrade

            await run_in_threadpool(upgrade, settings.database_url)
        if settings.service_needs_model:
            if app.state.nlp is None:
                from app.annotate.nlp import load_nlp

                app.state.nlp = await run_in_threadpool(load_nlp)
            # The gazetteer too, so that the first request does not pay for loading it.
            from app.annotate.entities import warm_up

            await run_in_threadpool(warm_up)
        processes = settings.annotation_process_count
        app.state.annotator = Annotator(
            processes=processes,
            nlp=app.state.nlp if processes == 0 else None,
            max_tokens=settings.max_document_tokens,
        )
        app.state.annotator.start()
        app.state.runner = make_runner(
            engine=app.state.engine,
            broker_url=settings.broker_url,
            workers=settings.workers,
            max_tries=settings.max_tries,
            nlp=app.state.nlp,
            queue_name=settings.queue_name,
        )
        if not settings.broker_url:
            await run_in_threadpool(_resume_jobs, app, settings)
        # The model and gazetteer are millions of objects that live as long as the process:
        # out of the collector's sight, full collections stop pausing requests for 100+ ms.
        gc.collect()
        gc.freeze()
        if settings.load_on_startup:
            start_background_load(
                app.state.engine,
                settings.seed_dir,
                runner=app.state.runner,
                state=app.state.load_state,
                batch_size=settings.batch_size,
            )
        else:
            app.state.load_state.finished = True
        yield
        await run_in_threadpool(app.state.runner.close)
        await run_in_threadpool(app.state.annotator.close)
        app.state.reader.close()
        app.state.engine.dispose()

    app = FastAPI(
        title="Gazette",
        version=__version__,
        summary="News articles in, structured annotations out.",
        description=(
            "Structure, entities, quotes, related links and dates of news articles. Every span "
            "is a pair of code-point offsets into the article's `text`. Errors are "
            "`application/problem+json`. Lists are paginated with `limit` and an opaque "
            "`cursor`; follow `next`."
        ),
        lifespan=lifespan,
        responses=problems(500),
        dependencies=[ReadKey],
        # FastAPI's own docs pages load from a CDN; `docs.install` adds ones that do not.
        docs_url=None,
        redoc_url=None,
    )
    if settings.allowed_host_list != ["*"]:
        app.add_middleware(AllowedHostsMiddleware, allowed_hosts=settings.allowed_host_list)
    app.state.settings = settings
    app.state.engine = create_db_engine(
        settings.database_url,
        connect_timeout=settings.db_connect_timeout,
        statement_timeout=settings.db_statement_timeout,
        pool_timeout=settings.db_pool_timeout,
        pool_size=settings.db_pool_size,
    )
    app.state.database = DatabaseStatus()
    app.state.annotation_slots = AnnotationSlots(
        settings.max_concurrent_annotations, wait_seconds=settings.annotation_wait_seconds
    )
    app.state.nlp = nlp
    app.state.load_state = LoadState()
    for module in (system, articles, jobs, entities, quotes, links, annotate):
        app.include_router(module.router)
    docs.install(app)
    _add_error_handlers(app)
    conditional.install(app)
    # Outside the conditional middleware, so that HEAD gets GET's ETag and 304s too.
    app.add_middleware(HeadAsGet)
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    # Inside CORS, so that a browser can read the 500 too.
    app.add_middleware(UnexpectedErrors)
    if settings.cors_origin_list:
        app.add_middleware(
            ProblemCORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=_methods_offered(app),
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_RESPONSE_HEADERS,
        )
    # Outermost: every response, refused preflights included, has a request id, a log line
    # and its count.
    telemetry.install(app)
    return app


def _methods_offered(app: FastAPI) -> list[str]:
    """Every method some route of the API takes (HEAD wherever GET is)."""
    paths = app.openapi()["paths"].values()
    methods = {method.upper() for operations in paths for method in operations}
    return sorted(methods | ({"HEAD"} if "GET" in methods else set()))


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GazetteError)
    async def domain_error(_request: Request, exc: GazetteError) -> JSONResponse:
        response = problem(exc.status, exc.detail)
        response.headers.update(exc.headers)
        return response

    async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # One log line per outage (DatabaseStatus), not a traceback per request.
        reason = request.app.state.database.failed(exc)
        response = problem(503, f"The database is unavailable ({reason}); try again shortly.")
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response

    for error in UNAVAILABLE:
        app.add_exception_handler(error, database_unavailable)

    @app.exception_handler(DataError)
    async def data_error(_request: Request, exc: DataError) -> JSONResponse:
        # The edge validation should have caught it; a value the database refuses is still
        # the client's, and no reason for a 500.
        log.warning("a value reached the database and was refused: %s", describe(exc))
        return problem(422, f"A value in the request cannot be stored or compared: {describe(exc)}")

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(422, f"The request is not valid: {summary}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route matches {request.url.path}."
        response = problem(exc.status_code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405:
            # Starlette names only the methods of the one route it tried; a path can have more.
            method = request.scope.get(ORIGINAL_METHOD, request.method)
            allow = allowed_methods(request.app.openapi(), request.url.path)
            if not allow and exc.headers:
                # A route the document leaves out (/docs, /metrics): Starlette's own list.
                offered = {m.strip() for m in exc.headers.get("Allow", "").split(",")} - {""}
                allow = sorted(offered | ({"HEAD"} if "GET" in offered else set()))
            response = problem(
                405, f"{method} is not allowed on {request.url.path}; use {', '.join(allow)}."
            )
            response.headers["Allow"] = ", ".join(allow)
        return response

    @app.exception_handler(Exception)
    async def unexpected_error(_request: Request, _exc: Exception) -> JSONResponse:
        # Reached only by an error in the middleware outside `UnexpectedErrors`, which logs
        # everything inside it. Starlette re-raises after this answer and the server logs
        # the traceback, so it is not logged here too.
        return problem(500, "An unexpected error occurred; it has been logged.")


app = create_app()

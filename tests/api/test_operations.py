"""What operators rely on: log lines, request ids, the access log, one traceback per
unexpected error, /metrics, and CORS for browser clients."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from prometheus_client.parser import text_string_to_metric_families

from app.logs import RequestIdFilter, StderrHandler
from app.main import create_app
from app.metrics import ANNOTATION_SECONDS

UTC_MILLIS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
GENERATED_ID = re.compile(r"[0-9a-f]{32}")
ORIGIN = "https://news.example"


def _json_lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.strip()]


def _access_records(caplog, path: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "app.access" and r.path == path]


def _broken_reader(monkeypatch) -> None:
    """Every read of a stored article fails with an error no handler knows."""
    from app.store.versions import LoopReader

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom in the reader")

    monkeypatch.setattr(LoopReader, "document", broken)


# --- log lines -------------------------------------------------------------------------


def test_text_lines_have_a_utc_timestamp_with_milliseconds_and_the_request_id(make_client, capsys):
    client = make_client()
    capsys.readouterr()
    response = client.get("/health", headers={"X-Request-ID": "trace-0001"})
    assert response.status_code == 200
    lines = capsys.readouterr().err.splitlines()
    access = [line for line in lines if " app.access " in line]
    assert len(access) == 1, lines
    assert re.fullmatch(
        rf"{UTC_MILLIS} INFO app\.access \[trace-0001\] GET /health 200 \d+\.\dms", access[0]
    ), access[0]
    # Lines written outside any request say so.
    logging.getLogger("app").warning("outside a request")
    (outside,) = capsys.readouterr().err.splitlines()
    assert re.fullmatch(rf"{UTC_MILLIS} WARNING app \[-\] outside a request", outside)


def test_json_lines_are_one_object_each_with_time_level_logger_message_and_request_id(
    make_client, capsys
):
    client = make_client(log_format="json")
    capsys.readouterr()
    client.get("/articles/nope", headers={"X-Request-ID": "trace-0002"})
    logging.getLogger("app").info("outside a request")
    records = _json_lines(capsys.readouterr().err)
    (access,) = [r for r in records if r["logger"] == "app.access"]
    assert re.fullmatch(UTC_MILLIS, access["time"])
    assert access["level"] == "INFO"
    assert access["message"].startswith("GET /articles/nope 404 ")
    assert access["request_id"] == "trace-0002"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/articles/nope", 404)
    assert access["duration_ms"] >= 0
    assert "exception" not in access
    (outside,) = [r for r in records if r["message"] == "outside a request"]
    assert outside["request_id"] is None


def test_json_lines_carry_the_traceback_of_an_unexpected_error(make_client, capsys, monkeypatch):
    client = make_client(log_format="json")
    _broken_reader(monkeypatch)
    capsys.readouterr()
    response = client.get("/articles/anything", headers={"X-Request-ID": "trace-0003"})
    assert response.status_code == 500
    records = _json_lines(capsys.readouterr().err)
    (failure,) = [r for r in records if "exception" in r]
    assert failure["level"] == "ERROR"
    assert failure["request_id"] == "trace-0003"
    assert "Traceback (most recent call last)" in failure["exception"]
    assert "RuntimeError: boom in the reader" in failure["exception"]


def test_apps_built_one_after_another_share_one_handler(make_client):
    make_client()
    make_client(log_format="json")
    ours = [h for h in logging.getLogger().handlers if isinstance(h, StderrHandler)]
    assert len(ours) == 1
    # uvicorn's loggers write through it, and its access log stays silent.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        assert logging.getLogger(name).handlers == [] and logging.getLogger(name).propagate
    assert not logging.getLogger("uvicorn.access").isEnabledFor(logging.INFO)


# --- request ids and the access log ----------------------------------------------------


def test_a_request_id_sent_is_echoed_and_on_every_line_of_its_request(
    make_client, caplog, monkeypatch
):
    from app.ingest import annotator as annotator_module

    original = annotator_module.annotate_within_budget

    def logging_annotate(*args, **kwargs):
        # Written from the threadpool, where the annotation runs.
        logging.getLogger("app.test").info("annotating in a worker thread")
        return original(*args, **kwargs)

    monkeypatch.setattr(annotator_module, "annotate_within_budget", logging_annotate)
    client = make_client()
    caplog.handler.addFilter(RequestIdFilter())
    caplog.clear()  # the startup's lines
    response = client.post(
        "/annotate",
        json={"text": 'Title\n\nThe mayor said "yes".'},
        headers={"X-Request-ID": "client-id_1.2:3"},
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "client-id_1.2:3"
    ours = [r for r in caplog.records if r.name.startswith("app")]
    assert {r.name for r in ours} >= {"app.test", "app.access"}
    assert all(r.request_id == "client-id_1.2:3" for r in ours)


@pytest.mark.parametrize("sent", [None, "", "has spaces", "x" * 129, 'quote"d', "tab\tbed"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(make_client, sent):
    client = make_client()
    headers = {} if sent is None else {"X-Request-ID": sent}
    first = client.get("/health", headers=headers)
    second = client.get("/health", headers=headers)
    assert GENERATED_ID.fullmatch(first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_error_responses_carry_the_request_id_too(make_client):
    client = make_client()
    for response in (
        client.get("/articles/nope"),
        client.get("/no-such-route"),
        client.request("PATCH", "/articles"),
    ):
        assert response.status_code >= 400
        assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])


def test_one_access_line_per_request_with_method_path_status_and_latency(make_client, caplog):
    client = make_client()
    caplog.clear()
    client.get("/articles/nope")
    client.head("/health")
    client.get("/articles/a%20b?limit=5")
    (missing,) = _access_records(caplog, "/articles/nope")
    assert (missing.method, missing.status) == ("GET", 404)
    assert 0 <= missing.duration_ms < 10_000
    assert re.fullmatch(r"GET /articles/nope 404 \d+\.\dms", missing.getMessage())
    (head,) = _access_records(caplog, "/health")
    assert (head.method, head.status) == ("HEAD", 200)
    # The path as sent, percent-encoding kept and the query left out.
    (encoded,) = _access_records(caplog, "/articles/a%20b")
    assert encoded.status == 404
    assert len([r for r in caplog.records if r.name == "app.access"]) == 3


# --- unexpected errors -----------------------------------------------------------------


def test_an_unexpected_error_is_logged_once_with_its_request_id(make_client, caplog, monkeypatch):
    client = make_client()
    _broken_reader(monkeypatch)
    caplog.handler.addFilter(RequestIdFilter())
    caplog.clear()
    response = client.get("/articles/anything", headers={"X-Request-ID": "trace-0500"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["X-Request-ID"] == "trace-0500"
    body = response.json()
    assert body["status"] == 500 and "trace-0500" in body["detail"]
    assert "boom" not in response.text
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
    assert tracebacks[0].request_id == "trace-0500"
    assert "/articles/anything" in tracebacks[0].getMessage()
    (access,) = _access_records(caplog, "/articles/anything")
    assert access.status == 500


@contextmanager
def _uvicorn(settings, nlp) -> Iterator[str]:
    """The app served by uvicorn in a thread, with uvicorn's own logging set up first, as
    `uvicorn app.main:app` does before it imports the app."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(None, lifespan="on")  # configures uvicorn's logging
    config.app = create_app(settings, nlp=nlp)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def test_under_uvicorn_an_unexpected_error_leaves_one_traceback(settings, nlp, capsys, monkeypatch):
    _broken_reader(monkeypatch)
    with _uvicorn(settings, nlp) as base:
        response = httpx.get(f"{base}/articles/x", headers={"X-Request-ID": "trace-0501"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    err = capsys.readouterr().err
    assert err.count("Traceback (most recent call last)") == 1, err
    assert "Exception in ASGI application" not in err
    (logged,) = [line for line in err.splitlines() if "unhandled error" in line]
    assert "[trace-0501]" in logged


def test_under_uvicorn_every_line_has_the_format_and_one_access_line_per_request(
    settings, nlp, capsys
):
    settings = settings.model_copy(update={"log_format": "json"})
    with _uvicorn(settings, nlp) as base:
        response = httpx.get(f"{base}/health", headers={"X-Request-ID": "trace-0200"})
    assert response.headers["X-Request-ID"] == "trace-0200"
    records = _json_lines(capsys.readouterr().err)  # every line is a JSON object
    assert all(re.fullmatch(UTC_MILLIS, r["time"]) for r in records)
    messages = {r["message"] for r in records if r["logger"] == "uvicorn.error"}
    assert "Application startup complete." in messages
    assert not [r for r in records if r["logger"] == "uvicorn.access"]
    (access,) = [r for r in records if r["logger"] == "app.access"]
    assert (access["path"], access["status"], access["request_id"]) == (
        "/health",
        200,
        "trace-0200",
    )


# --- metrics ---------------------------------------------------------------------------


def _scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _requests(metrics, handler: str, method: str, status: int) -> float:
    labels = (("handler", handler), ("method", method), ("status", str(status)))
    return metrics.get(("http_requests_total", labels), 0.0)


@pytest.mark.nlp
def test_metrics_count_requests_and_latency_by_route_template_and_status(make_client):
    client = make_client()
    assert client.post("/articles", json={"id": "one", "text": "A title\n\nSome words."}).is_success
    client.get("/articles/one")  # the stored-document shortcut
    client.get("/articles/one")
    client.get("/articles/nope")
    client.head("/articles/one")
    client.get("/articles/facets", params={"facet": "entity"})
    client.get("/no-such-route/at-all")
    client.request("BREW", "/articles")
    metrics = _scrape(client)
    assert _requests(metrics, "/articles/{article_id}", "GET", 200) == 2
    assert _requests(metrics, "/articles/{article_id}", "GET", 404) == 1
    assert _requests(metrics, "/articles/{article_id}", "HEAD", 200) == 1
    assert _requests(metrics, "/articles/facets", "GET", 200) == 1
    assert _requests(metrics, "/articles", "POST", 201) == 1
    assert _requests(metrics, "none", "GET", 404) == 1
    assert _requests(metrics, "/articles", "other", 405) == 1
    labels = (("handler", "/articles/{article_id}"), ("method", "GET"), ("status", "200"))
    assert metrics[("http_request_duration_seconds_count", labels)] == 2
    bucket = tuple(sorted((*labels, ("le", "+Inf"))))
    assert metrics[("http_request_duration_seconds_bucket", bucket)] == 2
    # The process's own metrics come along.
    assert any(name.startswith("process_") or name.startswith("python_") for name, _ in metrics)


@pytest.mark.nlp
def test_metrics_report_articles_stored_and_the_load(make_client):
    client = make_client()
    metrics = _scrape(client)
    assert metrics[("gazette_articles_stored", ())] == 0
    assert metrics[("gazette_database_available", ())] == 1
    assert metrics[("gazette_load_finished", ())] == 1
    for name in ("gazette_load_documents", "gazette_load_documents_done"):
        assert metrics[(name, ())] == 0
    for n in range(2):
        text = f"Title {n}\n\nWords of story {n}."
        assert client.post("/articles", json={"id": f"a{n}", "text": text}).status_code == 201
    assert _scrape(client)[("gazette_articles_stored", ())] == 2
    assert client.delete("/articles/a0").status_code == 204
    assert _scrape(client)[("gazette_articles_stored", ())] == 1


@pytest.mark.nlp
def test_metrics_report_the_startup_load(make_client, settings, seed_text):
    from tests.conftest import wait_until_ready

    settings.seed_dir.mkdir()
    (settings.seed_dir / "story.txt").write_text(seed_text, encoding="utf-8")
    (settings.seed_dir / "empty.txt").write_text("  \n", encoding="utf-8")
    client = make_client(load_on_startup=True)
    assert wait_until_ready(client)["ready"]
    metrics = _scrape(client)
    assert metrics[("gazette_load_documents", ())] == 2
    assert metrics[("gazette_load_documents_done", ())] == 2
    assert metrics[("gazette_load_documents_failed", ())] == 0
    assert metrics[("gazette_load_finished", ())] == 1
    assert metrics[("gazette_articles_stored", ())] == 1


def test_metrics_stay_open_when_reads_need_a_key(make_client):
    client = make_client(read_keys_required=True, key=None)
    assert client.get("/articles").status_code == 401
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "http_requests_total" in response.text
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def _annotations_observed() -> float:
    (family,) = ANNOTATION_SECONDS.collect()
    return next(s.value for s in family.samples if s.name == "gazette_annotation_seconds_count")


@pytest.mark.nlp
def test_annotation_time_is_observed_per_document(make_client):
    client = make_client()
    before = _annotations_observed()
    response = client.post("/annotate", json={"text": 'Title\n\nThe mayor said "yes".'})
    assert response.status_code == 200
    assert _annotations_observed() == before + 1
    response = client.post("/articles", json={"id": "s", "text": "Title\n\nA story."})
    assert response.status_code == 201
    assert _annotations_observed() == before + 2
    # An unchanged document is not annotated again.
    client.post("/articles", json={"id": "s", "text": "Title\n\nA story."})
    assert _annotations_observed() == before + 2
    scraped = _scrape(client)
    assert scraped[("gazette_annotation_seconds_count", ())] == before + 2
    assert scraped[("gazette_annotation_seconds_sum", ())] > 0


# --- CORS ------------------------------------------------------------------------------


def test_an_allowed_preflight_names_the_methods_and_headers_a_browser_may_use(make_client):
    client = make_client(cors_origins=ORIGIN)
    response = client.options(
        "/articles",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, if-none-match, "
            "x-request-id",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    methods = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    assert methods == {"GET", "HEAD", "POST", "DELETE"}
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "if-none-match", "x-request-id"):
        assert header in allowed
    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"}, "origin"),
        ({"Origin": ORIGIN, "Access-Control-Request-Method": "PATCH"}, "PATCH"),
        (
            {
                "Origin": ORIGIN,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization, x-secret",
            },
            "x-secret",
        ),
    ],
)
def test_a_refused_preflight_is_a_problem_naming_what_is_refused(make_client, headers, named):
    client = make_client(cors_origins=ORIGIN)
    response = client.options("/articles", headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert (body["status"], body["title"]) == (400, "Bad Request")
    assert "CORS" in body["detail"] and named in body["detail"]
    assert "authorization" not in body["detail"]  # an allowed header is not blamed
    assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"])


def test_simple_requests_expose_the_headers_a_client_reads(make_client, monkeypatch):
    client = make_client(cors_origins=ORIGIN)
    response = client.get("/articles", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert exposed == {"ETag", "Link", "Location", "X-Request-ID", "Retry-After"}
    # An unexpected error reaches the browser as well, readable.
    _broken_reader(monkeypatch)
    failed = client.get("/articles/anything", headers={"Origin": ORIGIN})
    assert failed.status_code == 500
    assert failed.headers["access-control-allow-origin"] == ORIGIN

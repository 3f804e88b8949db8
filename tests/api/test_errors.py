"""Every error path answers in one shape: application/problem+json with a clear detail."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"
# The test app lets browsers call it from this origin (CORS), to check refused preflights.
CORS_ORIGIN = "https://news.example"

CASES = [
    ("get", "/articles/nope", {}, 404),
    ("get", "/articles/nope/entities", {}, 404),
    ("get", "/articles/nope/quotes", {}, 404),
    ("get", "/articles/nope/links", {}, 404),
    ("get", "/articles/nope/related", {}, 404),
    ("delete", "/articles/nope", {}, 404),
    ("get", "/entities/nope", {}, 404),
    ("get", "/entities/nope/articles", {}, 404),
    ("get", "/entities/nope/quotes", {}, 404),
    ("get", "/no-such-route", {}, 404),
    ("get", "/quotes?article_id=nope", {}, 404),
    ("get", "/links?article_id=nope", {}, 404),
    ("get", "/links?target_article_id=nope", {}, 404),
    ("get", "/entities?type=BANANA", {}, 422),
    ("put", "/articles", {}, 405),
    ("get", "/articles?limit=0", {}, 422),
    ("get", "/articles?limit=1000", {}, 422),
    ("get", "/articles?cursor=not-a-cursor", {}, 422),
    ("get", "/entities?cursor=WzFd", {}, 422),
    ("get", "/articles?cursor=W251bGwsbnVsbF0", {}, 422),
    ("get", "/entities?cursor=W3RydWUsIngiXQ", {}, 422),
    ("get", "/entities?cursor=WzEuNSwieCJd", {}, 422),
    ("get", "/entities?sort=sideways", {}, 422),
    ("get", "/quotes?kind=shouted", {}, 422),
    ("get", "/links?resolved=maybe", {}, 422),
    ("get", "/articles?published_after=yesterday-ish", {}, 422),
    (
        "post",
        "/annotate",
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
        422,
    ),
    ("post", "/annotate", {"json": {"title": "no text"}}, 422),
    ("post", "/annotate", {"json": {"text": ""}}, 422),
    ("post", "/annotate", {"json": {"text": "x", "colour": "blue"}}, 422),
    ("post", "/annotate", {"json": ["a", "list"]}, 422),
    ("post", "/annotate", {"content": b"", "headers": {"content-type": "text/plain"}}, 422),
    (
        "post",
        "/annotate",
        {"content": b"\x00\x01\x02\x03" * 50, "headers": {"content-type": "text/plain"}},
        422,
    ),
    (
        "post",
        "/annotate",
        {"content": b"<p>hi</p>", "headers": {"content-type": "application/xml"}},
        415,
    ),
    ("post", "/annotate", {"json": {"text": "x" * 2001}}, 413),
    ("post", "/articles", {"json": {"text": "x" * 2001}}, 413),
    ("post", "/articles", {"json": {"text": "\u000b \n\t"}}, 422),
    ("post", "/articles", {"json": {"text": "Title\n\nBody with a NUL \u0000 inside."}}, 422),
    ("post", "/annotate", {"json": {"text": "   "}}, 422),
    ("post", "/articles", {"json": {"text": "A title", "published_at": "not a date"}}, 422),
    ("post", "/articles", {"json": {"text": "A title", "id": "x" * 200}}, 422),
    ("post", "/articles", {"json": {"text": "A title", "id": "a b"}}, 422),
    ("post", "/articles", {"json": {"text": "A title", "url": "not a url"}}, 422),
    ("options", "/articles", {}, 405),
    # CORS preflights the configuration refuses: an origin, a method, a header.
    (
        "options",
        "/articles",
        {
            "headers": {
                "Origin": "https://elsewhere.example",
                "Access-Control-Request-Method": "GET",
            }
        },
        400,
    ),
    (
        "options",
        "/articles/x",
        {"headers": {"Origin": CORS_ORIGIN, "Access-Control-Request-Method": "PATCH"}},
        400,
    ),
    (
        "options",
        "/annotate",
        {
            "headers": {
                "Origin": CORS_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type, x-debug",
            }
        },
        400,
    ),
]


@pytest.mark.parametrize(("method", "url", "kwargs", "status"), CASES)
def test_error_shape(make_client, method, url, kwargs, status):
    client = make_client(max_document_chars=2000, cors_origins=CORS_ORIGIN)
    response = client.request(method.upper(), url, **kwargs)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert isinstance(body["detail"], str) and len(body["detail"]) > 10
    if status == 422 and "errors" in body:
        assert all({"loc", "msg", "type"} <= set(e) for e in body["errors"])


def test_oversized_body_is_refused_by_its_declared_length(make_client):
    client = make_client(max_document_chars=100)
    response = client.post("/annotate", content=b"x" * 5000, headers={"content-type": "text/plain"})
    assert response.status_code == 413
    assert "100" in response.json()["detail"]


def test_unexpected_errors_are_problems_too(make_client, monkeypatch):
    from app.store.versions import LoopReader

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(LoopReader, "document", broken)
    client = make_client()
    response = client.get("/articles/anything", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "boom" not in response.text
    # The detail names the request id the log line has, so a report can be traced.
    assert "req-42" in response.json()["detail"]
    assert response.headers["X-Request-ID"] == "req-42"


def test_a_failed_ingest_leaves_the_stored_article_whole(make_client, monkeypatch):
    client = make_client()
    text = "Old story\n\nThe old paragraph stays."
    assert client.post("/articles", json={"id": "s", "text": text}).status_code == 201
    before = client.get("/articles/s").json()

    from app.store import writes as store

    def failing_links(*_args, **_kwargs):
        raise RuntimeError("store failure in the middle of a write")

    monkeypatch.setattr(store, "resolve_incoming", failing_links)
    response = client.post("/articles", json={"id": "s", "text": "New story\n\nChanged."})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(PROBLEM)
    assert client.get("/articles/s").json() == before


def test_a_chunked_body_is_cut_off_at_the_bound(make_client):
    client = make_client(max_document_chars=100)

    def chunks():
        for _ in range(100):
            yield b"x" * 100

    response = client.post("/annotate", content=chunks(), headers={"content-type": "text/plain"})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)

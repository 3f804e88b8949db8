"""Writes need a key: every write route, without a key, with a wrong one and with a right one."""

from __future__ import annotations

import logging
import re

import pytest

from app.api.security import key_matches
from tests.conftest import TEST_KEY
from tests.store_checks import row_counts

PROBLEM = "application/problem+json"
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
TEXT = "Council passes budget\n\nThe council approved it, the mayor said."
ARTICLE = {"id": "keyed", "text": TEXT}


def write_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every operation that is not a read, path parameters filled in."""
    found = []
    for template, operations in app.openapi()["paths"].items():
        path = re.sub(r"\{[^}]+\}", "keyed", template)
        found.extend((m.upper(), path) for m in operations if m.upper() not in READ_METHODS)
    return found


def _send(client, method: str, path: str, headers: dict[str, str] | None = None):
    return client.request(method, path, json=ARTICLE, headers=headers or {})


def test_there_are_write_routes_to_check(client):
    routes = write_routes(client.app)
    assert ("POST", "/articles") in routes
    assert ("DELETE", "/articles/keyed") in routes
    assert ("POST", "/annotate") in routes


@pytest.mark.parametrize(
    "headers, error",
    [
        ({}, None),
        ({"Authorization": "Bearer wrong-key"}, "invalid_token"),
        ({"Authorization": f"Bearer {TEST_KEY}x"}, "invalid_token"),
        ({"Authorization": f"Basic {TEST_KEY}"}, None),
        ({"Authorization": "Bearer"}, None),
    ],
    ids=["missing", "wrong", "longer", "not-bearer", "empty"],
)
def test_every_write_without_a_valid_key_is_401_and_stores_nothing(
    make_client, engine, headers, error
):
    client = make_client(key=None)
    # Something to delete, so a DELETE that got through would show in the counts.
    created = client.post(
        "/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TEST_KEY}"}
    )
    assert created.status_code == 201
    before = row_counts(engine)
    for method, path in write_routes(client.app):
        response = _send(client, method, path, headers)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        challenge = response.headers["www-authenticate"]
        assert challenge.startswith("Bearer ")
        assert (f'error="{error}"' in challenge) == (error is not None)
        assert response.json()["status"] == 401
    assert row_counts(engine) == before


def test_writes_with_the_right_key_go_through(make_client, engine):
    client = make_client(key=None, api_keys=f"other-key, {TEST_KEY}")
    auth = {"Authorization": f"Bearer {TEST_KEY}"}
    assert client.post("/annotate", json={"text": TEXT}, headers=auth).status_code == 200
    assert client.post("/articles", json=ARTICLE, headers=auth).status_code == 201
    assert row_counts(engine)["article"] == 1
    other = {"Authorization": "Bearer other-key"}
    assert client.delete("/articles/keyed", headers=other).status_code == 204
    assert row_counts(engine)["article"] == 0


@pytest.mark.parametrize("peer", ["127.0.0.1", "127.0.0.2", "::1"])
def test_without_configured_keys_writes_are_accepted_from_loopback(make_client, peer):
    client = make_client(key=None, api_keys="", peer=peer)
    assert client.post("/articles", json=ARTICLE).status_code == 201
    assert client.post("/annotate", json={"text": TEXT}).status_code == 200
    assert client.delete("/articles/keyed").status_code == 204


@pytest.mark.parametrize("peer", ["203.0.113.7", "10.0.0.2", "2001:db8::1", "testclient"])
def test_without_configured_keys_writes_from_elsewhere_are_refused(make_client, engine, peer):
    client = make_client(key=None, api_keys="", peer=peer)
    before = row_counts(engine)
    for method, path in write_routes(client.app):
        response = _send(client, method, path, {"Authorization": "Bearer anything"})
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        assert "GAZETTE_API_KEYS" in response.json()["detail"]
    assert row_counts(engine) == before
    assert client.get("/articles").status_code == 200


def test_the_mode_is_logged_and_keys_never_are(make_client, caplog):
    with caplog.at_level(logging.DEBUG):
        make_client(key=None, api_keys="", peer="127.0.0.1")
    assert any("only from loopback" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        client = make_client(key=None)
        client.post("/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TEST_KEY}"})
        client.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer wrong-key-77"})
    logged = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert "API keys configured" in logged
    assert TEST_KEY not in logged
    assert "wrong-key-77" not in logged
    assert TEST_KEY not in repr(client.app.state.settings)


def test_reads_are_open_unless_keys_are_required(make_client):
    open_reads = make_client(key=None)
    assert open_reads.get("/articles").status_code == 200
    closed = make_client(key=None, read_keys_required=True)
    response = closed.get("/articles")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert closed.get("/entities", headers={"Authorization": "Bearer nope"}).status_code == 401
    auth = {"Authorization": f"Bearer {TEST_KEY}"}
    assert closed.get("/articles", headers=auth).status_code == 200
    for path in ("/health", "/openapi.json"):
        assert closed.get(path).status_code == 200, path


def test_reads_served_from_stored_or_kept_answers_need_the_key_too(make_client):
    closed = make_client(key=None, read_keys_required=True)
    auth = {"Authorization": f"Bearer {TEST_KEY}"}
    assert closed.post("/articles", json=ARTICLE, headers=auth).status_code == 201
    urls = ["/articles/keyed", "/articles/keyed/entities", "/articles/keyed/quotes", "/articles"]
    for url in urls:  # the first reads render and store the documents
        assert closed.get(url, headers=auth).status_code == 200, url
    for url in urls:
        assert closed.get(url).status_code == 401, url
        assert closed.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401, url
        assert closed.get(url, headers=auth).status_code == 200, url


def test_the_openapi_document_declares_the_key_on_every_write(client):
    document = client.get("/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["BearerKey"]["description"],
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method.upper() in READ_METHODS:
                continue
            assert operation.get("security") == [{"BearerKey": []}], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_key_matching():
    assert key_matches("abc", ["x", "abc"])
    assert not key_matches("abc", ["abcd", "ab", ""])
    assert not key_matches("", ["abc"])
    assert not key_matches("abc", [])
    assert key_matches("clé-ü", ["clé-ü"])

"""A page on another site cannot write through a visitor's browser.

A browser sends a cross-site `POST` with a "simple" content type (`text/plain`, a form
encoding) at once, without asking the API first (no CORS preflight), and `POST /articles`
takes `text/plain` as an article. Such a request has no `Authorization` header, since a page
cannot add one without a preflight, so the key check must refuse it before the body is read.
"""

from __future__ import annotations

import json

import pytest

from app.ingest.core import IngestDocument, article_id_for
from tests.conftest import TEST_KEY
from tests.store_checks import row_counts

PROBLEM = "application/problem+json"
TEXT = "Council passes budget\n\nThe council approved it, the mayor said."
# The id `POST /articles` gives this text sent as `text/plain`.
TEXT_ID = article_id_for(IngestDocument(text=TEXT), TEXT)
# A JSON body labelled `text/plain`, as `fetch(url, {mode: "no-cors", body})` sends it.
BATCH = json.dumps({"documents": [{"id": "cross-site", "text": TEXT}]})
WRITES = [
    ("/articles", TEXT),
    ("/articles?async=true", TEXT),
    ("/annotate", TEXT),
    ("/jobs", BATCH),
]
SIMPLE_TYPES = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
]


def _as_a_browser(client, path: str, body: str, content_type: str = "text/plain"):
    """The request a page on evil.example makes the browser send: its own Origin, and no
    key unless the client itself sends one."""
    return client.post(
        path,
        content=body.encode(),
        headers={
            "Origin": "https://evil.example",
            "Referer": "https://evil.example/page",
            "Content-Type": content_type,
            "Sec-Fetch-Site": "cross-site",
            "Sec-Fetch-Mode": "no-cors",
        },
    )


def _assert_nothing_stored(client, engine, before: dict[str, int]) -> None:
    assert row_counts(engine) == before
    for article_id in (TEXT_ID, "cross-site"):
        assert client.get(f"/articles/{article_id}").status_code == 404
    assert client.get("/articles").json()["items"] == []


@pytest.mark.parametrize("content_type", SIMPLE_TYPES)
@pytest.mark.parametrize("peer", ["203.0.113.7", "127.0.0.1"])
def test_with_keys_a_cross_site_simple_post_is_401_and_stores_nothing(
    make_client, engine, peer, content_type
):
    # Loopback too: with keys configured, a browser on the service's own machine needs one.
    client = make_client(key=None, peer=peer)
    assert "authorization" not in client.headers
    before = row_counts(engine)
    for path, body in WRITES:
        response = _as_a_browser(client, path, body, content_type)
        assert response.status_code == 401, (path, response.status_code, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.headers["www-authenticate"].startswith("Bearer")
        # Nor may the page read the answer (no CORS origins are configured).
        assert "access-control-allow-origin" not in response.headers
    _assert_nothing_stored(client, engine, before)


def test_the_refused_article_would_have_been_stored_with_a_key(make_client, engine):
    """The 401 is the key check's, not a refusal of the body: with the key, the same request
    stores the article under the id the test looks for."""
    client = make_client(key=None)
    assert _as_a_browser(client, "/articles", TEXT).status_code == 401
    assert client.get(f"/articles/{TEXT_ID}").status_code == 404
    client.headers["Authorization"] = f"Bearer {TEST_KEY}"
    response = _as_a_browser(client, "/articles", TEXT)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/articles/{TEXT_ID}"
    assert _as_a_browser(client, "/annotate", TEXT).status_code == 200
    assert row_counts(engine)["article"] == 1


@pytest.mark.parametrize("peer", ["203.0.113.7", "2001:db8::1", "testclient"])
def test_without_keys_a_cross_site_simple_post_from_elsewhere_is_403_and_stores_nothing(
    make_client, engine, peer
):
    client = make_client(key=None, api_keys="", peer=peer)
    assert "authorization" not in client.headers
    before = row_counts(engine)
    for path, body in WRITES:
        response = _as_a_browser(client, path, body)
        assert response.status_code == 403, (path, response.status_code, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        assert "access-control-allow-origin" not in response.headers
    _assert_nothing_stored(client, engine, before)


@pytest.mark.parametrize("content_type", SIMPLE_TYPES[:2])
def test_without_keys_a_page_of_another_site_cannot_write_through_a_local_browser(
    make_client, engine, content_type
):
    # Loopback writes need no key; a page elsewhere must not borrow that from a browser
    # running on the service's own machine.
    client = make_client(key=None, api_keys="", peer="127.0.0.1")
    before = row_counts(engine)
    for path, body in WRITES:
        response = _as_a_browser(client, path, body, content_type)
        assert response.status_code == 403, (path, response.status_code, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        assert "GAZETTE_API_KEYS" in response.json()["detail"]
    # With no Origin, the browser's fetch metadata alone tells a cross-site request.
    response = client.post(
        "/articles",
        content=TEXT.encode(),
        headers={"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    _assert_nothing_stored(client, engine, before)


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, scripts
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},  # the /docs page
        {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"},  # a listed origin
    ],
    ids=["no-origin", "same-origin", "listed-origin"],
)
def test_without_keys_loopback_writes_from_the_service_s_own_pages_and_tools_go_ahead(
    make_client, headers
):
    client = make_client(
        key=None, api_keys="", peer="127.0.0.1", cors_origins="http://localhost:3000"
    )
    response = client.post(
        "/articles", content=TEXT.encode(), headers={"Content-Type": "text/plain", **headers}
    )
    assert response.status_code == 201, response.text
    assert client.get(f"/articles/{TEXT_ID}").status_code == 200

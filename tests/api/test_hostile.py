"""Hostile input: every request a client can make is answered 2xx or a clear 4xx, never a 5xx."""

from __future__ import annotations

import base64
import json
import threading

import pytest

PROBLEM = "application/problem+json"
ARTICLE = (
    "Harbour reopens after storm\n\nThe harbour in Dover reopened on Monday, "
    "Mayor Alice Romero of the Kent County Council said."
)


def _cursor(values: list) -> str:
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
def stored(client):
    response = client.post("/articles", json={"text": ARTICLE, "id": "collide"})
    assert response.status_code == 201, response.text
    return client


def _assert_problem(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"].startswith(PROBLEM)
    assert len(response.json()["detail"]) > 10


DEEP = "[" * 5000 + "]" * 5000

HOSTILE_BODIES = [
    {"content": b'{"text": "x", "title": ' + DEEP.encode() + b"}"},
    {"content": DEEP.encode()},
    {"json": {"text": ARTICLE, "published_at": "9999-12-31T23:59:59-10:00"}},
    {"json": {"text": ARTICLE, "published_at": "0001-01-01T00:00:00+05:00"}},
    {"json": {"text": ARTICLE, "published_at": 0}},
    {"json": {"text": ARTICLE, "published_at": "1700000000"}},
    {"content": b'{"text": "Title\\n\\nBody", "title": "lone \\ud800 surrogate"}'},
    {"content": b'{"text": "Title\\n\\nBody \\udc00 here"}'},
    {"json": {"text": ARTICLE, "title": "nul \u0000 title"}},
    {"json": {"text": ARTICLE, "title": "t" * 2_000_000}},
    {"json": {"text": ARTICLE, "id": "nul\u0000id"}},
]


@pytest.mark.parametrize("path", ["/articles", "/annotate"])
@pytest.mark.parametrize("kwargs", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_hostile_bodies_are_refused_with_a_problem(client, path, kwargs):
    if path == "/annotate" and "id" in kwargs.get("json", {}):
        pytest.skip("ids are for stored articles")
    headers = {"content-type": "application/json"} if "content" in kwargs else {}
    _assert_problem(client.post(path, headers=headers, **kwargs), 413, 422)


HOSTILE_QUERIES = [
    "/articles?published_after=9999-12-31T23:59:59-10:00",
    "/articles?published_before=0001-01-01T00:00:00%2B05:00",
    "/articles?published_before=0.5",
    "/articles?published_after=0",
    "/articles?q=a%00b",
    "/articles?entity_id=%00",
    "/articles?q=" + "x" * 5000,
    "/entities?prefix=%00",
    "/entities?type=PER%00SON",
    "/quotes?q=%00",
    "/quotes?speaker_id=%00",
    "/quotes?article_id=%00",
    "/links?article_id=%00",
    "/links?target_article_id=%00",
    "/articles?q=%22%00%22",
    "/articles?entity_type=%00",
    "/articles?source=%00",
    "/articles?speaker_id=%00",
    "/articles?entity_id=a&entity_id=%00",
    "/articles/facets?q=%00",
    "/articles/histogram?published_after=9999-12-31T23:59:59-10:00",
    "/quotes?cue=%00",
    "/quotes?mentions=%00",
    "/quotes?published_before=0",
    "/quotes/facets?q=%00",
    "/articles/%00",
    "/articles/a%00b/entities",
    "/articles/%00/quotes",
    "/articles/%00/links",
    "/articles/%00/related",
    "/entities/%00",
    "/entities/%00/articles",
    "/entities/%00/quotes",
    "/articles?cursor=" + _cursor([True, "9999-12-31T23:59:59-10:00", "x"]),
    "/articles?cursor=" + _cursor([True, "2024-01-01T00:00:00+00:00", "\ud800"]),
    "/articles?cursor=" + _cursor([False, "2024-01-01T00:00:00+00:00", "a\u0000b"]),
    "/articles?cursor=" + _cursor([1, "2024-01-01T00:00:00+00:00", "x"]),
    "/entities?cursor=" + _cursor([2**63, "x"]),
    "/entities?cursor=" + _cursor([-(2**64), "x"]),
    "/entities?sort=name&cursor=" + _cursor(["\udfff", "x"]),
    "/quotes?cursor=" + _cursor(["x" * 5000, 1]),
    "/articles?cursor=" + "W" * 5000,
    "/articles?cursor=" + base64.urlsafe_b64encode(b"[" * 5000).decode(),
]


@pytest.mark.parametrize("url", HOSTILE_QUERIES)
def test_hostile_parameters_are_refused_with_a_problem(stored, url):
    _assert_problem(stored.get(url), 404, 422)


def test_hostile_deletes_are_refused_with_a_problem(stored):
    _assert_problem(stored.delete("/articles/%00"), 404, 422)


@pytest.mark.parametrize(
    "bad_id", ["collide.", "-collide", ".collide-", "collide--", ".", "..", "-", "_."]
)
def test_ids_are_kept_as_sent_or_refused_never_merged(stored, bad_id):
    response = stored.post(
        "/articles", json={"text": "Other story\n\nSomething else.", "id": bad_id}
    )
    _assert_problem(response, 422)
    assert "id" in response.json()["errors"][0]["loc"]
    assert stored.get("/articles/collide").json()["title"] == "Harbour reopens after storm"
    assert [a["id"] for a in stored.get("/articles").json()["items"]] == ["collide"]


@pytest.mark.parametrize("good_id", ["collide_", "_collide", "col.lide", "c--d", "x", "2024"])
def test_valid_ids_are_stored_exactly_as_sent(stored, good_id):
    response = stored.post(
        "/articles", json={"text": "Other story\n\nSomething else.", "id": good_id}
    )
    assert response.status_code == 201, response.text
    assert response.json()["article"]["id"] == good_id
    assert stored.get("/articles/collide").status_code == 200


def test_long_titles_paragraphs_and_names_are_stored(client):
    long_title = "Council " + "very " * 101 + "long title"
    assert len(long_title) > 512
    assert (
        client.post("/articles", json={"text": ARTICLE, "title": long_title, "id": "t"}).status_code
        == 201
    )
    paragraph = ("Word " * 170).strip() + "."
    assert len(paragraph) > 830
    assert client.post("/articles", json={"text": paragraph, "id": "p"}).status_code == 201
    organisation = (
        " ".join(f"Northbridge{n} Harbour{n} Holdings{n}" for n in range(20)) + " Limited"
    )
    assert len(organisation) > 300
    text = f"Deal signed\n\nThe {organisation} said on Monday it had signed the deal."
    assert client.post("/articles", json={"text": text, "id": "o"}).status_code == 201
    for entity in client.get("/articles/o/entities").json():
        assert len(entity["name"]) <= 200


def test_the_whole_body_is_under_the_cap(make_client):
    client = make_client(max_document_chars=2000)
    response = client.post("/articles", json={"text": "Short", "title": "x" * 5000})
    _assert_problem(response, 413, 422)


def test_a_forged_host_is_never_echoed(client):
    response = client.post("/articles", json={"text": ARTICLE}, headers={"host": "evil.example"})
    assert response.status_code == 201
    assert "evil" not in response.headers["location"]
    for n in range(3):
        client.post("/articles", json={"text": f"Story {n}\n\nBody {n}.", "id": f"s{n}"})
    page = client.get("/articles?limit=1", headers={"host": "evil.example"})
    assert page.json()["next"].startswith("/articles?")
    assert "evil" not in page.headers["link"]


def test_allowed_hosts_refuse_other_hosts_with_a_problem(make_client):
    client = make_client(allowed_hosts="api.example, *.news.example")
    assert client.get("/health", headers={"host": "api.example"}).status_code == 200
    assert client.get("/health", headers={"host": "eu.news.example:8000"}).status_code == 200
    _assert_problem(client.get("/health", headers={"host": "evil.example"}), 400)


def test_a_write_racing_a_delete_ends_in_one_state(client):
    """POST and DELETE of one id at once: 2xx, 404 or 409, and the article exists or not."""
    statuses: list[int] = []

    def post(n: int) -> None:
        text = f"Race {n}\n\nThe race number {n} was run."
        statuses.append(client.post("/articles", json={"text": text, "id": "race"}).status_code)

    def delete() -> None:
        statuses.append(client.delete("/articles/race").status_code)

    for n in range(8):
        threads = [threading.Thread(target=post, args=(n,)), threading.Thread(target=delete)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert client.get("/articles/race").status_code in (200, 404)
    assert set(statuses) <= {200, 201, 204, 404, 409}, statuses


def test_entities_left_without_articles_are_not_served(stored):
    entities = stored.get("/articles/collide/entities").json()
    assert entities
    assert stored.delete("/articles/collide").status_code == 204
    for entity in entities:
        _assert_problem(stored.get(f"/entities/{entity['id']}"), 404)
        _assert_problem(stored.get(f"/entities/{entity['id']}/articles"), 404)
    assert stored.get("/entities").json()["items"] == []

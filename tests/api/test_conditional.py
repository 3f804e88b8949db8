"""Every GET answers with a strong ETag, 304 to it, Cache-Control, and gzip when asked."""

from __future__ import annotations

import pytest

from tests.api.test_entities_api import HAFTAR_STORY

pytestmark = pytest.mark.nlp


def get_urls(client, article_id: str, entity_id: str, job_id: str) -> list[str]:
    """A URL for every GET route: the documented API and the documentation itself."""
    paths = [path for path, item in client.app.openapi()["paths"].items() if "get" in item]
    paths += [
        route.path
        for route in client.app.routes
        if "GET" in (getattr(route, "methods", None) or ()) and route.path not in paths
    ]
    return [
        path.format(article_id=article_id, entity_id=entity_id, job_id=job_id) for path in paths
    ]


@pytest.fixture
def stored(client, seed_text):
    for article_id, text in (("seed", seed_text), ("full", HAFTAR_STORY)):
        response = client.post("/articles", json={"id": article_id, "text": text})
        assert response.status_code == 201
    (person,) = [
        e for e in client.get("/articles/full").json()["entities"] if e["type"] == "PERSON"
    ]
    # A job that finds its article stored: completed at once, so its answer stays the same.
    job = client.post("/jobs", json=[{"id": "seed", "text": seed_text}]).json()
    assert job["state"] == "completed"
    return get_urls(client, "seed", person["id"], job["id"])


def test_every_get_answers_304_to_its_own_etag(client, stored):
    assert "/articles/seed" in stored and "/health" in stored and len(stored) >= 15
    for url in stored:
        first = client.get(url)
        assert first.status_code == 200, url
        etag = first.headers["etag"]
        assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2, url
        assert first.headers["cache-control"], url
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.content == b"" and again.headers["etag"] == etag, url
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content, url


def test_every_get_is_gzipped_when_asked_and_large(client, stored):
    compressed = 0
    for url in stored:
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.status_code == 200, url
        if len(plain.content) > 1024:
            compressed += 1
            assert zipped.headers["content-encoding"] == "gzip", url
            assert zipped.content == plain.content, url  # httpx decodes it
            # Another representation, another strong ETag; it too answers 304.
            assert zipped.headers["etag"] != plain.headers["etag"], url
            again = client.get(
                url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]}
            )
            assert again.status_code == 304, url
        else:
            assert "content-encoding" not in zipped.headers, url
    assert compressed >= 5


def test_an_etag_changes_when_the_corpus_changes(client, stored):
    before = {url: client.get(url).headers["etag"] for url in ("/articles", "/entities")}
    response = client.post("/articles", json={"id": "other", "text": "A title\n\nNew words."})
    assert response.status_code == 201
    for url, etag in before.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 200, url


def test_cache_control_fits_the_resource(client, stored):
    assert client.get("/health").headers["cache-control"] == "no-store"
    assert client.get("/articles/seed").headers["cache-control"] == "public, no-cache"
    assert client.get("/articles").headers["cache-control"] == "public, no-cache"


def test_a_missing_article_is_404_even_with_if_none_match(client, stored):
    etag = client.get("/articles/seed").headers["etag"]
    assert client.get("/articles/none", headers={"If-None-Match": etag}).status_code == 404


def test_a_corpus_wide_page_read_again_is_the_page_the_route_built(client, stored, monkeypatch):
    from app.api.services import article_lists

    built_lists = []
    build = article_lists.list_articles
    monkeypatch.setattr(
        article_lists, "list_articles", lambda *a, **k: built_lists.append(1) or build(*a, **k)
    )
    urls = ["/articles?limit=1", "/entities?limit=2", "/articles/seed/related", "/articles?q=said"]
    kept = ("etag", "link", "cache-control", "content-type", "content-length")
    for url in urls:
        built = client.get(url)  # by the route; kept
        again = client.get(url)  # sent from what was kept
        assert built.status_code == again.status_code == 200, url
        assert again.content == built.content, url
        assert {k: again.headers.get(k) for k in kept} == {k: built.headers.get(k) for k in kept}
        assert client.get(url, headers={"If-None-Match": built.headers["etag"]}).status_code == 304
    assert "link" in client.get("/articles?limit=1").headers
    assert len(built_lists) == 2  # once per list URL: the second reads were the kept pages
    before = client.get("/articles")
    response = client.post("/articles", json={"id": "newest", "text": "A title\n\nNew words."})
    assert response.status_code == 201
    after = client.get("/articles")
    assert after.headers["etag"] != before.headers["etag"]
    assert "newest" in [item["id"] for item in after.json()["items"]]
    assert "newest" not in [item["id"] for item in before.json()["items"]]


def test_with_no_memory_for_kept_pages_every_read_is_built_by_the_route(
    make_client, stored, monkeypatch
):
    from app.api.services import article_lists

    built_lists = []
    build = article_lists.list_articles
    monkeypatch.setattr(
        article_lists, "list_articles", lambda *a, **k: built_lists.append(1) or build(*a, **k)
    )
    client = make_client(corpus_page_cache_mb=0)
    first, second = client.get("/articles?limit=1"), client.get("/articles?limit=1")
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert len(built_lists) == 2
    assert (
        client.get(
            "/articles?limit=1", headers={"If-None-Match": first.headers["etag"]}
        ).status_code
        == 304
    )


def test_every_corpus_wide_route_is_where_kept_answers_are_looked_for():
    from app.api.conditional import _corpus_version
    from app.api.corpus_pages import CORPUS_PREFIXES
    from app.api.routers import annotate, articles, entities, jobs, links, quotes, system

    corpus_wide = [
        route.path
        for module in (annotate, articles, entities, jobs, links, quotes, system)
        for route in module.router.routes
        if any(d.dependency is _corpus_version for d in getattr(route, "dependencies", []))
    ]
    assert "/articles" in corpus_wide and "/articles/{article_id}/related" in corpus_wide
    assert all(path.startswith(CORPUS_PREFIXES) for path in corpus_wide), corpus_wide

"""The read model: stored documents are what the rows build, and follow later writes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.api.test_entities_api import HAFTAR_STORY, SHORT_HAFTAR
from tests.api.test_links import EGYPT, story

pytestmark = pytest.mark.nlp

LAYERS = ("entities", "quotes", "links")


def post(client, article_id: str, text: str) -> None:
    response = client.post("/articles", json={"id": article_id, "text": text})
    assert response.status_code in (200, 201), response.text


def built(client, article_id: str) -> dict:
    """The detail as the services build it from the rows, the way it was always served."""
    from app.api.services.articles import get_article_detail

    with Session(client.app.state.engine) as session:
        return get_article_detail(session, article_id=article_id).model_dump(mode="json")


def assert_served_as_built(client) -> None:
    from app.store.tables import Article

    with Session(client.app.state.engine) as session:
        ids = session.scalars(select(Article.id)).all()
    assert ids
    for article_id in ids:
        expected = built(client, article_id)
        assert client.get(f"/articles/{article_id}").json() == expected
        for layer in LAYERS:
            assert client.get(f"/articles/{article_id}/{layer}").json() == expected[layer]


def built_entity(client, entity_id: str) -> dict:
    """The entity's detail as the service builds it from the rows."""
    from app.api.services.entities import get_entity_detail

    with Session(client.app.state.engine) as session:
        return get_entity_detail(session, entity_id=entity_id).model_dump(mode="json")


def assert_entities_served_as_built(client) -> None:
    """Every entity's detail, read twice (rendered, then the stored document), is what the
    rows build; an entity no article mentions any more is a 404."""
    from app.store.tables import Entity

    with Session(client.app.state.engine) as session:
        entities = session.execute(select(Entity.id, Entity.article_count)).all()
    assert any(count > 0 for _, count in entities)
    for entity_id, count in entities:
        for _ in range(2):
            response = client.get(f"/entities/{entity_id}")
            if count <= 0:
                assert response.status_code == 404, entity_id
            else:
                assert response.json() == built_entity(client, entity_id), entity_id


def person(detail: dict) -> dict:
    (found,) = [e for e in detail["entities"] if e["type"] == "PERSON"]
    return found


def test_served_documents_equal_what_the_rows_build_through_later_writes(client, seed_text):
    post(client, "seed", seed_text)
    post(client, "short", SHORT_HAFTAR)
    assert_served_as_built(client)
    post(client, "full", HAFTAR_STORY)  # upgrades the name "short" shows
    post(client, "egypt", story(EGYPT))  # resolves a READ MORE link of "seed"
    assert_served_as_built(client)
    post(client, "egypt", story("Egypt's Parliament debates the budget"))  # retitled: released
    assert_served_as_built(client)
    post(client, "egypt", story(EGYPT))
    assert client.delete("/articles/egypt").status_code == 204
    assert client.delete("/articles/full").status_code == 204
    assert_served_as_built(client)


def test_detail_changes_when_a_later_article_upgrades_an_entitys_name(client):
    post(client, "short", SHORT_HAFTAR)
    before = client.get("/articles/short")
    assert person(before.json())["name"] == "Haftar"
    post(client, "full", HAFTAR_STORY)
    after = client.get("/articles/short")
    assert person(after.json())["name"] == "Khalifa Haftar"
    assert "Khalifa Haftar" in [e["name"] for e in client.get("/articles/short/entities").json()]
    assert after.headers["etag"] != before.headers["etag"]
    stale = client.get("/articles/short", headers={"If-None-Match": before.headers["etag"]})
    assert stale.status_code == 200
    assert stale.json() == built(client, "short")


def test_detail_changes_when_a_later_article_resolves_a_read_more_link(client, seed_text):
    post(client, "seed", seed_text)
    before = client.get("/articles/seed")
    egypt_link = [link for link in before.json()["links"] if link["title"] == EGYPT]
    assert [link["resolved"] for link in egypt_link] == [False]
    post(client, "egypt", story(EGYPT))
    after = client.get("/articles/seed")
    (link,) = [link for link in after.json()["links"] if link["title"] == EGYPT]
    assert link["resolved"] is True and link["target"]["id"] == "egypt"
    assert after.headers["etag"] != before.headers["etag"]
    assert client.get("/articles/seed/links").json() == after.json()["links"]
    assert client.delete("/articles/egypt").status_code == 204
    released = client.get("/articles/seed").json()
    assert [x["resolved"] for x in released["links"] if x["title"] == EGYPT] == [False]


def test_a_document_rendered_at_an_older_version_is_not_served(client):
    from app.store.versions import save_document

    post(client, "short", SHORT_HAFTAR)
    served = client.get("/articles/short").json()
    engine = client.app.state.engine
    with engine.begin() as connection:  # a render that lost a race with a write
        save_document(
            connection,
            "short",
            "0ld",
            {"detail": "{}", "entities": "[]", "quotes": "[]", "links": "[]"},
        )
    assert client.get("/articles/short").json() == served


def test_an_article_named_like_a_route_does_not_shadow_it(client):
    text = "Facets story\n\nThe council in Leeds approved the budget, the mayor said."
    assert client.post("/articles", json={"id": "facets", "text": text}).status_code == 201
    # Reading a layer renders and stores the article's documents, the detail among them.
    assert client.get("/articles/facets/entities").status_code == 200
    served = client.get("/articles/facets")
    assert served.status_code == 200
    assert "facets" in served.json() and "title" not in served.json()


def test_served_entity_documents_equal_what_the_rows_build_through_later_writes(client, seed_text):
    post(client, "short", SHORT_HAFTAR)
    assert_entities_served_as_built(client)
    # A fuller name for Haftar, whom Tripoli's detail lists by name: "full" mentions only him.
    post(client, "full", HAFTAR_STORY)
    assert_entities_served_as_built(client)
    post(client, "seed", seed_text)
    assert_entities_served_as_built(client)
    post(client, "short", SHORT_HAFTAR + "\n\nThe mayor of Leeds was not asked, she said.")
    assert_entities_served_as_built(client)
    assert client.delete("/articles/full").status_code == 204
    assert_entities_served_as_built(client)
    assert client.delete("/articles/short").status_code == 204  # some are hidden now
    assert_entities_served_as_built(client)


def test_an_entity_document_changes_only_with_the_writes_that_change_it(client, seed_text):
    post(client, "short", SHORT_HAFTAR)
    haftar = person(client.get("/articles/short").json())["id"]
    before = client.get(f"/entities/{haftar}")
    assert before.status_code == 200
    post(client, "other", "Budget passed\n\nThe council in Leeds approved the budget on Monday.")
    again = client.get(f"/entities/{haftar}", headers={"If-None-Match": before.headers["etag"]})
    assert again.status_code == 304  # an article not mentioning it changes nothing it shows
    post(client, "full", HAFTAR_STORY)
    after = client.get(f"/entities/{haftar}", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["name"] == "Khalifa Haftar"
    assert after.json() == built_entity(client, haftar)


QUOTING_HAFTAR = (
    "Haftar vows to advance\n\n"
    '"We will take the capital before the summer," Haftar told reporters on Monday.\n\n'
    "The government in Tripoli said the threat was empty."
)
QUOTING_KHALIFA_HAFTAR = (
    "Commander speaks in Cairo\n\n"
    '"The war is nearly over," Khalifa Haftar said in Cairo on Tuesday.\n\n'
    "He later flew back to Benghazi."
)


def assert_entity_pages_as_built(client, plain, *, gone: str | None = None) -> None:
    """Quotes by each speaker and the articles mentioning each entity (and `gone`, quoted
    no more), read twice from `client` (built, then kept), are what an app keeping no page
    builds from the rows now."""
    from app.store.tables import Entity, Quote

    with Session(client.app.state.engine) as session:
        speakers = set(session.scalars(select(Quote.speaker_entity_id)).all()) - {None}
        entities = set(session.scalars(select(Entity.id)).all())
    assert speakers or gone
    urls = [
        url
        for speaker in sorted(speakers) + ([gone] if gone else [])
        for url in (
            f"/quotes?speaker_id={speaker}",
            f"/quotes?speaker_id={speaker}&offsets=utf16",
            f"/quotes?speaker_id={speaker}&count=true&limit=1",
            f"/quotes?speaker_id={speaker}&kind=direct",
            f"/entities/{speaker}/quotes",
        )
    ] + [f"/entities/{e}/articles{q}" for e in sorted(entities) for q in ("", "?limit=1")]
    for url in urls:
        expected = plain.get(url)
        for _ in range(2):
            served = client.get(url)
            assert served.status_code == expected.status_code, url
            assert served.json() == expected.json(), url
            assert served.headers.get("etag") == expected.headers.get("etag"), url


def test_reads_of_one_entity_are_kept_across_writes_that_do_not_touch_it(make_client, monkeypatch):
    from app.api.services import quotes

    client, plain = make_client(), make_client(corpus_page_cache_mb=0)
    post(client, "vow", QUOTING_HAFTAR)
    haftar = next(q for q in client.get("/articles/vow/quotes").json() if q["speaker"])
    url = f"/quotes?speaker_id={haftar['speaker']['entity_id']}"
    before = client.get(url)
    assert before.status_code == 200 and before.json()["items"]
    built_pages = []
    build = quotes.list_quotes
    monkeypatch.setattr(
        quotes, "list_quotes", lambda *a, **k: built_pages.append(1) or build(*a, **k)
    )
    post(client, "other", "Budget passed\n\nThe council in Leeds approved the budget on Monday.")
    again = client.get(url)
    assert again.content == before.content and again.headers["etag"] == before.headers["etag"]
    assert client.get(url, headers={"If-None-Match": before.headers["etag"]}).status_code == 304
    assert built_pages == []  # the kept page, current still
    assert client.get("/articles").json()["items"][0]["id"] == "other"  # lists were not kept
    assert_entity_pages_as_built(client, plain)
    post(client, "cairo", QUOTING_KHALIFA_HAFTAR)  # a fuller name and one more quote
    after = client.get(url)
    assert after.headers["etag"] != before.headers["etag"]
    assert {item["article_id"] for item in after.json()["items"]} == {"vow", "cairo"}
    assert after.json()["items"][0]["speaker"]["name"] == "Khalifa Haftar"
    assert_entity_pages_as_built(client, plain)
    assert client.delete("/articles/cairo").status_code == 204
    assert_entity_pages_as_built(client, plain)
    assert client.delete("/articles/vow").status_code == 204  # the speaker is gone
    assert client.get(url).status_code == 404
    assert_entity_pages_as_built(client, plain, gone=haftar["speaker"]["entity_id"])

"""Entities across articles: one stored entity per real-world thing, with stable ids."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.conftest import seed_document

pytestmark = pytest.mark.nlp

HAFTAR_STORY = (
    "Libyan commander visits Cairo\n\n"
    "Khalifa Haftar met officials in Cairo on Tuesday to discuss the fighting near Sirte.\n\n"
    "Haftar later flew back to Benghazi, his aides said."
)
SHORT_HAFTAR = (
    "Militia pulls back\n\n"
    "Forces loyal to Haftar withdrew from two towns, the government in Tripoli said on Friday."
)
TWO_SMITHS = (
    "Two ministers named Smith\n\n"
    "Anna Smith, the finance minister, met John Smith, the trade minister, in London.\n\n"
    "Both ministers spoke to reporters afterwards."
)
SMITH_ALONE = "Budget talks resume\n\nSmith said the budget would be balanced by next year."


def _post(client, article_id: str, text: str) -> None:
    response = client.post("/articles", json={"id": article_id, "text": text})
    assert response.status_code in (200, 201), response.text


def _entities(client, article_id: str) -> dict[tuple[str, str], dict]:
    response = client.get(f"/articles/{article_id}/entities")
    assert response.status_code == 200
    return {(e["type"], e["name"]): e for e in response.json()}


def test_seed_entities_are_served_with_mentions_and_geocodes(client, gold):
    _post(client, "seed", seed_document().decode("utf-8"))
    article = client.get("/articles/seed").json()
    entities = {(e["type"], e["name"]): e for e in article["entities"]}
    for expected in gold["entities"]["must"]:
        entity = entities.get((expected["type"], expected["name"]))
        assert entity is not None, expected["name"]
        assert len(entity["mentions"]) >= expected["min_mentions"], expected["name"]
        assert set(expected.get("aliases", [])) <= set(entity["aliases"]), expected["name"]
        for mention in entity["mentions"]:
            assert article["text"][mention["start"] : mention["end"]] == mention["text"]
    names = {name for _, name in entities}
    assert not names & set(gold["entities"]["must_not"])
    tripoli = entities[("GPE", "Tripoli")]
    assert tripoli["country_code"] == "LY"
    assert abs(tripoli["lat"] - 32.9) < 0.3 and abs(tripoli["lon"] - 13.2) < 0.3


def test_a_surname_alone_joins_the_full_name_from_another_article(client):
    _post(client, "full", HAFTAR_STORY)
    _post(client, "short", SHORT_HAFTAR)
    full = _entities(client, "full")[("PERSON", "Khalifa Haftar")]
    short = _entities(client, "short")[("PERSON", "Khalifa Haftar")]
    assert full["id"] == short["id"]
    detail = client.get(f"/entities/{full['id']}").json()
    assert detail["article_count"] == 2
    assert "Haftar" in detail["aliases"]
    articles = client.get(f"/entities/{full['id']}/articles").json()["items"]
    assert {a["id"] for a in articles} == {"full", "short"}


def test_the_full_name_arriving_later_upgrades_the_entity_and_keeps_its_id(client):
    _post(client, "short", SHORT_HAFTAR)
    (first_id,) = [
        e["id"] for e in client.get("/articles/short/entities").json() if e["type"] == "PERSON"
    ]
    _post(client, "full", HAFTAR_STORY)
    detail = client.get(f"/entities/{first_id}").json()
    assert detail["name"] == "Khalifa Haftar"
    assert detail["article_count"] == 2


def test_a_shared_surname_is_not_merged_blindly(client):
    _post(client, "smiths", TWO_SMITHS)
    _post(client, "smith", SMITH_ALONE)
    people = _entities(client, "smiths")
    assert ("PERSON", "Anna Smith") in people and ("PERSON", "John Smith") in people
    smith = [e for (t, _), e in _entities(client, "smith").items() if t == "PERSON"]
    assert len(smith) == 1
    assert smith[0]["id"] not in {
        people[("PERSON", "Anna Smith")]["id"],
        people[("PERSON", "John Smith")]["id"],
    }


def test_linking_reads_the_entity_tables_twice_per_article_whatever_its_entities(client):
    seed = seed_document().decode("utf-8")
    _post(client, "seed", seed)
    reads: list[str] = []
    entity_tables = re.compile(r"\bFROM entity(_alias)?\b")

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and entity_tables.search(statement):
            reads.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        _post(client, "again", seed)  # the same entities, found this time
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    linked = _entities(client, "again")
    assert len(linked) > 5
    assert {e["id"] for e in linked.values()} == {
        e["id"] for e in _entities(client, "seed").values()
    }
    # The candidates and their aliases, once for all the article's entities.
    assert len(reads) == 2, reads


def test_entity_ids_survive_a_reload_of_the_article(client):
    _post(client, "full", HAFTAR_STORY)
    before = _entities(client, "full")
    _post(client, "full", HAFTAR_STORY + "\n\nTalks will resume next week.")
    after = _entities(client, "full")
    assert {k: v["id"] for k, v in before.items()} == {
        k: v["id"] for k, v in after.items() if k in before
    }


def test_list_entities_filters_sorts_and_paginates(client):
    _post(client, "full", HAFTAR_STORY)
    _post(client, "short", SHORT_HAFTAR)
    _post(client, "smiths", TWO_SMITHS)
    people = client.get("/entities", params={"type": "person", "sort": "name"}).json()["items"]
    names = [p["name"] for p in people]
    assert names == sorted(names) and "Khalifa Haftar" in names
    assert all(p["type"] == "PERSON" for p in people)
    by_count = client.get("/entities", params={"sort": "articles"}).json()["items"]
    counts = [e["article_count"] for e in by_count]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2
    prefix = client.get("/entities", params={"prefix": "haf"}).json()["items"]
    assert [e["name"] for e in prefix] == ["Khalifa Haftar"]
    seen, url = [], "/entities?limit=2"
    while url:
        body = client.get(url).json()
        seen += [e["id"] for e in body["items"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == len(client.get("/entities?limit=100").json()["items"])


def test_entity_detail_lists_co_occurring_entities(client):
    _post(client, "full", HAFTAR_STORY)
    _post(client, "short", SHORT_HAFTAR)
    haftar = _entities(client, "full")[("PERSON", "Khalifa Haftar")]
    detail = client.get(f"/entities/{haftar['id']}").json()
    assert detail["co_occurring"], detail
    counts = [c["shared_articles"] for c in detail["co_occurring"]]
    assert counts == sorted(counts, reverse=True)
    assert haftar["id"] not in {c["id"] for c in detail["co_occurring"]}


def test_deleting_the_only_article_hides_its_entities_from_the_list(client):
    _post(client, "smith", SMITH_ALONE)
    assert client.get("/entities", params={"type": "PERSON"}).json()["items"]
    client.delete("/articles/smith")
    assert client.get("/entities", params={"type": "PERSON"}).json()["items"] == []


def test_annotate_returns_the_annotation_document_without_storing(client):
    response = client.post(
        "/annotate",
        content=seed_document(),
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 200
    document = response.json()
    assert {"text", "structure", "entities", "quotes", "links", "dates"} <= set(document)
    names = {e["name"] for e in document["entities"]}
    assert {"Ibrahim Kalin", "Khalifa Haftar", "Libya"} <= names
    for entity in document["entities"]:
        for mention in entity["mentions"]:
            assert document["text"][mention["start"] : mention["end"]] == mention["text"]
    assert client.get("/articles").json()["items"] == []


def test_annotate_offsets_index_the_normalised_text(client):
    text = "\ufeffHarbour closes\r\n\r\nThe harbour in Dover closed on Monday, officials said.\r\n"
    document = client.post("/annotate", json={"text": text}).json()
    assert "\r" not in document["text"] and not document["text"].startswith("\ufeff")
    dover = [e for e in document["entities"] if e["name"] == "Dover"]
    assert dover and document["text"][dover[0]["mentions"][0]["start"] :].startswith("Dover")

"""Quotes through the API: per article, across the corpus, per speaker."""

from __future__ import annotations

import pytest

from tests.conftest import seed_document

pytestmark = pytest.mark.nlp

COUNCIL = (
    "Council approves new harbour plan\n\n"
    '"This plan will bring jobs back to the waterfront," Mayor Helen Carter said on Tuesday.\n\n'
    "Carter said the first ships could dock next spring.\n\n"
    'Opposition leader Tom Briggs told reporters: "We will fight this in court."'
)


@pytest.fixture
def stored(client):
    for article_id, text in (("seed", seed_document().decode()), ("council", COUNCIL)):
        response = client.post("/articles", json={"id": article_id, "text": text})
        assert response.status_code == 201, response.text
    return client


def _speaker_id(client, article_id: str, name: str) -> str:
    for entity in client.get(f"/articles/{article_id}/entities").json():
        if entity["name"] == name:
            return entity["id"]
    raise AssertionError(f"{name} not among the entities of {article_id}")


def test_article_quotes_carry_speaker_mention_and_cue_offsets(stored, gold):
    article = stored.get("/articles/seed").json()
    quotes = stored.get("/articles/seed/quotes").json()
    assert quotes == article["quotes"]
    text = article["text"]
    for quote in quotes:
        assert text[quote["start"] : quote["end"]] == quote["text"]
        for part in ("speaker_mention", "cue"):
            if quote[part]:
                assert text[quote[part]["start"] : quote[part]["end"]] == quote[part]["text"]
    by_text = {q["text"]: q for q in quotes}
    for expected in gold["quotes"]["must"]:
        quote = by_text[expected["text"]]
        assert quote["kind"] == expected["kind"]
        assert quote["speaker"]["name"] == expected["speaker"]
        assert quote["cue"]["text"] == expected["cue"]


def test_everything_one_speaker_said(stored):
    kalin = _speaker_id(stored, "seed", "Ibrahim Kalin")
    quotes = stored.get(f"/entities/{kalin}/quotes").json()["items"]
    assert len(quotes) >= 2
    assert all(q["speaker"]["entity_id"] == kalin for q in quotes)
    assert all(q["article_id"] == "seed" for q in quotes)
    about_libya = stored.get("/quotes", params={"speaker_id": kalin, "q": "libya"}).json()
    assert about_libya["items"] and all("libya" in q["text"].lower() for q in about_libya["items"])


def test_quotes_filter_by_kind_and_article_and_paginate(stored):
    direct = stored.get("/quotes", params={"kind": "direct", "limit": 100}).json()["items"]
    assert direct and all(q["kind"] == "direct" for q in direct)
    council = stored.get("/quotes", params={"article_id": "council"}).json()["items"]
    assert council and {q["article_id"] for q in council} == {"council"}
    speakers = {q["speaker"]["name"] for q in council if q["speaker"]}
    assert {"Helen Carter", "Tom Briggs"} <= speakers
    seen, url = [], "/quotes?limit=2"
    while url:
        body = stored.get(url).json()
        seen += [q["id"] for q in body["items"]]
        url = body["next"]
    everything = stored.get("/quotes", params={"limit": 100}).json()["items"]
    assert seen == [q["id"] for q in everything]


def test_unknown_speaker_is_a_404(stored):
    response = stored.get("/quotes", params={"speaker_id": "person-nobody"})
    assert response.status_code == 404


STATEMENTS = (
    "Port deal signed\n\n"
    '"We are delighted," Mayor Helen Carter said, "and the port will grow."\n\n'
    'Carter said the plan was "the best in a generation" for the town.\n\n'
    "Union leader Tom Briggs said the workers would strike."
)


def test_every_served_quote_has_an_attribution_and_statements_group_their_segments(client):
    response = client.post("/articles", json={"id": "port", "text": STATEMENTS})
    assert response.status_code == 201, response.text
    segments = client.get("/articles/port/quotes").json()
    assert all(q["attribution_id"] for q in segments)
    by_text = {q["text"]: q["attribution_id"] for q in segments}
    # Two quotations around one cue are one statement; a fragment inside its reported
    # clause belongs to that clause's statement; another speaker's is another.
    assert by_text["We are delighted,"] == by_text["and the port will grow."]
    clause = next(q for q in segments if q["kind"] == "indirect" and "best" in q["text"])
    fragment = next(q for q in segments if q["kind"] == "partial")
    assert fragment["attribution_id"] == clause["attribution_id"]
    assert len(set(by_text.values())) == 3

    listed = client.get("/quotes", params={"article_id": "port"}).json()["items"]
    assert [q["attribution_id"] for q in listed] == [q["attribution_id"] for q in segments]
    grouped = client.get("/quotes", params={"article_id": "port", "group": "attribution"})
    assert grouped.status_code == 200, grouped.text
    statements = grouped.json()["items"]
    assert len(statements) == 3
    first = statements[0]
    assert first["kind"] == "direct" and len(first["segments"]) == 2
    assert first["speaker"]["name"] == "Helen Carter"
    assert {s["attribution_id"] for s in first["segments"]} == {first["attribution_id"]}
    assert sorted(s["id"] for st in statements for s in st["segments"]) == sorted(
        q["id"] for q in segments
    )
    # Filters pick statements by any of their segments; pages follow the statements.
    partial = client.get(
        "/quotes", params={"article_id": "port", "group": "attribution", "kind": "partial"}
    ).json()["items"]
    assert [s["attribution_id"] for s in partial] == [fragment["attribution_id"]]
    assert len(partial[0]["segments"]) == 2
    page = client.get("/quotes", params={"group": "attribution", "limit": 2}).json()
    rest = client.get(page["next"]).json()
    assert len(page["items"]) == 2 and len(rest["items"]) == 1 and rest["next"] is None
    # count=true counts statements, not segments, across every page.
    counted = client.get("/quotes", params={"group": "attribution", "limit": 2, "count": True})
    assert counted.json()["total"] == 3
    assert page.get("total") is None
    counted = client.get(
        "/quotes", params={"group": "attribution", "kind": "partial", "count": True}
    ).json()
    assert counted["total"] == len(counted["items"]) == 1
    carter = first["speaker"]["entity_id"]
    said = [q for q in segments if (q["speaker"] or {}).get("entity_id") == carter]
    assert len(said) == 4
    assert client.get(f"/entities/{carter}").json()["statement_count"] == 2
    annotated = client.post("/annotate", json={"text": STATEMENTS}).json()["quotes"]
    assert [q["attribution_id"] for q in annotated] == [q["attribution_id"] for q in segments]


def test_group_takes_only_attribution(client):
    response = client.get("/quotes", params={"group": "speaker"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")

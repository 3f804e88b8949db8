"""Full-text search, combined filters, counts, facets and histograms, on either store."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.nlp

ARTICLES = {
    "harbour": (
        "Harbour plan approved\n\nThe city council approved the harbour plan on Tuesday. "
        "Harbours across the region will follow, Mayor Helen Carter said. "
        '"The harbour will bring jobs back," Carter said.',
        "2024-03-05T09:00:00Z",
    ),
    "fox": (
        "Quick brown fox seen in London\n\nA quick brown fox was seen crossing Oxford Street "
        "in London on Sunday, police said.",
        "2024-01-10T12:00:00Z",
    ),
    "scatter": (
        "Fox numbers grow\n\nThe fox population is brown and quick to adapt, researchers in "
        'London said. "Foxes are everywhere now," said Jane Smith, a biologist.',
        "2024-01-20T08:00:00Z",
    ),
    "budget": (
        "Council passes budget\n\nThe council approved the budget, Mayor Helen Carter said. "
        '"This budget protects services," Carter said.',
        None,
    ),
    "paris": (
        "Strikes in Paris\n\nWorkers in Paris went on strike on Monday over pensions, the "
        "union said.",
        "2023-11-02T10:00:00Z",
    ),
}


@pytest.fixture
def corpus(client):
    for article_id, (text, published) in ARTICLES.items():
        body = {"id": article_id, "text": text}
        if published:
            body["published_at"] = published
        assert client.post("/articles", json=body).status_code == 201
    return client


def ids(client, path: str = "/articles", **params) -> list[str]:
    response = client.get(path, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def total(client, path: str = "/articles", **params) -> int:
    response = client.get(path, params={"count": "true", **params})
    assert response.status_code == 200, response.text
    return response.json()["total"]


def entity_id(client, article_id: str, name: str) -> str:
    for entity in client.get(f"/articles/{article_id}/entities").json():
        if entity["name"] == name:
            return entity["id"]
    raise AssertionError(f"{name} not among the entities of {article_id}")


def test_search_stems_ranks_and_marks_the_words(corpus):
    body = corpus.get("/articles", params={"q": "harbours"}).json()
    assert [item["id"] for item in body["items"]] == ["harbour"]
    hit = body["items"][0]
    assert hit["score"] > 0
    text = corpus.get("/articles/harbour").json()["text"]
    snippet = hit["snippet"]
    assert text[snippet["start"] : snippet["end"]] == snippet["text"]
    assert (
        "<mark>Harbour</mark>" in snippet["marked"] or "<mark>harbour</mark>" in snippet["marked"]
    )
    assert snippet["highlights"]
    for span in snippet["highlights"]:
        assert text[span["start"] : span["end"]] == span["text"]
        assert span["text"].lower().startswith("harbour")
    # More matches and a match in the title rank higher.
    assert ids(corpus, q="council approved")[0] in {"budget", "harbour"}
    assert ids(corpus, q="fox")[0] in {"fox", "scatter"}
    assert set(ids(corpus, q="foxes")) == {"fox", "scatter"}
    assert ids(corpus, q="striking") == ["paris"]


def test_a_phrase_finds_only_the_words_in_order(corpus):
    body = corpus.get("/articles", params={"q": '"quick brown fox"'}).json()
    assert [item["id"] for item in body["items"]] == ["fox"]
    snippet = body["items"][0]["snippet"]
    assert "quick brown fox" in snippet["text"].lower()
    assert [h["text"].lower() for h in snippet["highlights"]][:2] == [
        "quick brown fox",
        "quick brown fox",
    ]
    assert set(ids(corpus, q="quick brown fox")) == {"fox", "scatter"}


def test_or_and_exclusion(corpus):
    assert set(ids(corpus, q="pensions OR harbour")) == {"paris", "harbour"}
    assert set(ids(corpus, q='fox OR "city council" london')) == {"fox", "scatter"}
    assert ids(corpus, q="fox -police") == ["scatter"]
    assert ids(corpus, q='council -"harbour plan"') == ["budget"]
    for item in corpus.get("/articles", params={"q": "said -carter"}).json()["items"]:
        assert "carter" not in corpus.get(f"/articles/{item['id']}").json()["text"].lower()


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ('"quick brown', "unbalanced quote"),
        ("OR fox", "'OR'"),
        ("fox OR", "'OR'"),
        ("fox OR -london", "'OR'"),
        ("-fox", "no word to search for"),
        ("the", "no word to search for"),
        ('fox ""', "empty phrase"),
    ],
)
def test_a_malformed_query_is_a_422_naming_the_problem(corpus, q, words):
    for path in ("/articles", "/quotes", "/articles/facets", "/quotes/histogram"):
        response = corpus.get(path, params={"q": q})
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert words in response.json()["detail"]


def test_relevance_needs_a_query_and_pages_without_repeats(corpus):
    response = corpus.get("/articles", params={"sort": "relevance"})
    assert response.status_code == 422 and "q" in response.json()["detail"]
    everything = ids(corpus, q="said")
    assert len(everything) == 5
    seen, url = [], "/articles?q=said&limit=2"
    while url:
        body = corpus.get(url).json()
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
    assert seen == everything
    # The undated article comes last in either order.
    newest = ids(corpus, q="said", sort="newest")
    assert newest == ["harbour", "scatter", "fox", "paris", "budget"]
    assert ids(corpus, q="said", sort="oldest") == ["paris", "fox", "scatter", "harbour", "budget"]
    # A cursor of one order is not accepted by another.
    cursor = corpus.get("/articles", params={"q": "said", "limit": 1}).json()["next"]
    cursor = cursor.split("cursor=")[1]
    response = corpus.get("/articles", params={"q": "said", "sort": "newest", "cursor": cursor})
    assert response.status_code == 422


def test_the_index_follows_replacements_and_deletions(corpus):
    assert ids(corpus, q="pensions") == ["paris"]
    replaced = {"id": "paris", "text": "Strikes end in Lyon\n\nWorkers in Lyon went back."}
    assert corpus.post("/articles", json=replaced).status_code == 200
    assert ids(corpus, q="pensions") == []
    assert ids(corpus, q="lyon") == ["paris"]
    assert corpus.delete("/articles/fox").status_code == 204
    assert ids(corpus, q='"quick brown fox"') == []
    assert ids(corpus, q="fox") == ["scatter"]
    assert "fox" not in ids(corpus, "/quotes", q="police")


def test_filters_combine_and_count(corpus):
    carter = entity_id(corpus, "harbour", "Helen Carter")
    london = entity_id(corpus, "fox", "London")
    assert set(ids(corpus, entity_id=carter)) == {"harbour", "budget"}
    assert ids(corpus, entity_id=carter, q="budget") == ["budget"]
    assert ids(corpus, entity_id=[carter, london]) == []
    assert set(ids(corpus, entity_id=london, q="fox")) == {"fox", "scatter"}
    assert set(ids(corpus, speaker_id=carter)) == {"harbour", "budget"}
    assert ids(corpus, published_after="2024-01-15", published_before="2024-02-01") == ["scatter"]
    assert set(ids(corpus, country="gb")) >= {"fox", "scatter"}
    assert total(corpus, q="said") == 5
    assert total(corpus, q="said", entity_id=carter) == 2
    assert total(corpus) == 5
    assert corpus.get("/articles").json()["total"] is None


def test_article_facets_count_what_the_filtered_list_totals(corpus):
    names = ["entity", "entity_type", "country", "speaker", "source"]
    filters = {"entity_type": "entity_type", "country": "country", "speaker": "speaker_id"}
    for base in ({}, {"q": "said"}, {"q": "fox OR council"}, {"published_after": "2024-01-01"}):
        response = corpus.get("/articles/facets", params={"facet": names, "size": 100, **base})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == total(corpus, **base)
        assert set(body["facets"]) == set(names)
        assert body["facets"]["entity"], base
        for facet, values in body["facets"].items():
            counts = [v["count"] for v in values]
            assert counts == sorted(counts, reverse=True)
            parameter = filters.get(facet, "entity_id" if facet == "entity" else facet)
            for value in values:
                assert value["count"] == total(corpus, **base, **{parameter: value["value"]}), (
                    facet,
                    value,
                )
    person = corpus.get("/articles/facets", params={"facet": "entity_type"}).json()
    assert "PERSON" in {v["value"] for v in person["facets"]["entity_type"]}
    carter = entity_id(corpus, "harbour", "Helen Carter")
    speakers = corpus.get("/articles/facets", params={"facet": "speaker"}).json()
    assert {"value": carter, "label": "Helen Carter", "count": 2} in speakers["facets"]["speaker"]
    response = corpus.get("/articles/facets", params={"facet": "colour"})
    assert response.status_code == 422


def test_histograms_are_in_order_with_empty_buckets_and_add_up(corpus):
    body = corpus.get("/articles/histogram", params={"interval": "month"}).json()
    assert body["interval"] == "month"
    assert [(b["start"], b["count"]) for b in body["buckets"]] == [
        ("2023-11-01", 1),
        ("2023-12-01", 0),
        ("2024-01-01", 2),
        ("2024-02-01", 0),
        ("2024-03-01", 1),
    ]
    assert body["undated"] == 1
    for interval in ("day", "week", "month", "year"):
        for base in ({}, {"q": "said"}, {"q": "fox"}, {"published_before": "2024-02-01"}):
            body = corpus.get("/articles/histogram", params={"interval": interval, **base}).json()
            starts = [date.fromisoformat(b["start"]) for b in body["buckets"]]
            assert starts == sorted(starts)
            assert sum(b["count"] for b in body["buckets"]) + body["undated"] == total(
                corpus, **base
            )
            if interval == "week":
                assert all(day.weekday() == 0 for day in starts)
    week = corpus.get("/articles/histogram", params={"interval": "week", "q": "fox"}).json()
    assert [(b["start"], b["count"]) for b in week["buckets"]] == [
        ("2024-01-08", 1),
        ("2024-01-15", 1),
    ]
    bounded = corpus.get(
        "/articles/histogram",
        params={"interval": "year", "published_after": "2020-06-01", "q": "fox"},
    ).json()
    assert [b["start"] for b in bounded["buckets"]][:2] == ["2020-01-01", "2021-01-01"]
    quotes = corpus.get("/quotes/histogram", params={"interval": "year"}).json()
    assert sum(b["count"] for b in quotes["buckets"]) + quotes["undated"] == total(
        corpus, "/quotes"
    )
    response = corpus.get(
        "/articles/histogram", params={"interval": "day", "published_after": "1000-01-01"}
    )
    assert response.status_code == 422


def test_quote_search_facets_and_filters(corpus):
    body = corpus.get("/quotes", params={"q": "budget protects"}).json()
    assert [item["article_id"] for item in body["items"]] == ["budget"]
    quote = body["items"][0]
    text = corpus.get("/articles/budget").json()["text"]
    assert text[quote["start"] : quote["end"]] == quote["text"]
    for span in quote["snippet"]["highlights"]:
        assert text[span["start"] : span["end"]] == span["text"]
    assert {h["text"] for h in quote["snippet"]["highlights"]} == {"budget", "protects"}
    carter = entity_id(corpus, "harbour", "Helen Carter")
    assert total(corpus, "/quotes", speaker_id=carter) >= 2
    said = corpus.get("/quotes", params={"speaker_id": carter, "limit": 100}).json()["items"]
    about = [q["id"] for q in said if "harbour" in q["text"].lower()]
    assert about and sorted(ids(corpus, "/quotes", speaker_id=carter, q="harbour")) == about
    assert total(corpus, "/quotes", mentions=carter) == total(
        corpus, "/quotes", article_id="harbour"
    ) + total(corpus, "/quotes", article_id="budget")
    dated = ids(corpus, "/quotes", published_after="2024-01-01")
    assert dated and all(not i.startswith(("budget", "paris")) for i in dated)
    # By their article's date, the undated article's quotes last either way.
    for sort in ("newest", "oldest"):
        by_date = corpus.get("/quotes", params={"sort": sort, "limit": 100}).json()["items"]
        quoted = list(dict.fromkeys(q["article_id"] for q in by_date))
        assert quoted == [i for i in ids(corpus, sort=sort) if i in quoted]
        assert quoted[-1] == "budget" and len(quoted) > 2
        paged, url = [], f"/quotes?sort={sort}&limit=2"
        while url:
            body = corpus.get(url).json()
            paged += [q["id"] for q in body["items"]]
            url = body["next"]
        assert paged == [q["id"] for q in by_date]
    for base in ({}, {"q": "said OR harbour OR budget"}, {"mentions": carter}):
        body = corpus.get(
            "/quotes/facets", params={"facet": ["speaker", "kind", "cue"], "size": 100, **base}
        ).json()
        assert body["total"] == total(corpus, "/quotes", **base)
        parameter = {"speaker": "speaker_id", "kind": "kind", "cue": "cue"}
        for facet, values in body["facets"].items():
            for value in values:
                assert value["count"] == total(
                    corpus, "/quotes", **base, **{parameter[facet]: value["value"]}
                )
        assert body["facets"]["kind"]


ACCENTED = {
    "cafe-accented": "Café au lait returns to Łódź\n\nThe Café Straße in Łódź reopened on "
    'Friday. "Every café in town was full," Anna Nowak said.',
    "cafe-plain": "Cafe owners cheer\n\nCafe owners in Leeds cheered the news on Friday. "
    '"The cafe was busy all day," Tom Reed said.',
}


def test_accents_are_folded_in_texts_and_queries(corpus):
    for article_id, text in ACCENTED.items():
        assert corpus.post("/articles", json={"id": article_id, "text": text}).status_code == 201
    for q in ("cafe", "café", "CAFÉ"):
        assert set(ids(corpus, q=q)) == set(ACCENTED), q
        quotes = corpus.get("/quotes", params={"q": q}).json()["items"]
        assert {quote["article_id"] for quote in quotes} == set(ACCENTED), q
    # Strokes and ligatures fold too, in words and phrases, included or excluded.
    for q in ("lodz", "łódź", "LODZ", "strasse", "straße", '"cafe strasse"', '"café straße"'):
        assert ids(corpus, q=q) == ["cafe-accented"], q
    assert ids(corpus, q="cafe -lodz") == ["cafe-plain"]
    assert ids(corpus, q="cafe -łódź") == ["cafe-plain"]

    for q in ("cafe", "café"):
        hits = {
            item["id"]: item for item in corpus.get("/articles", params={"q": q}).json()["items"]
        }
        accented = hits["cafe-accented"]["snippet"]
        assert "<mark>Café</mark>" in accented["marked"], q
        assert "Café" in {h["text"] for h in accented["highlights"]}
        assert "<mark>Cafe</mark>" in hits["cafe-plain"]["snippet"]["marked"], q
        quotes = corpus.get("/quotes", params={"q": q}).json()["items"]
        marked = {quote["article_id"]: quote["snippet"]["marked"] for quote in quotes}
        assert "<mark>café</mark>" in marked["cafe-accented"], q
        assert "<mark>cafe</mark>" in marked["cafe-plain"], q
    phrase = corpus.get("/articles", params={"q": '"cafe strasse"'}).json()["items"][0]
    assert [h["text"] for h in phrase["snippet"]["highlights"]] == ["Café Straße"]


def _store_only_app(database_url: str):
    """An app that only reads the store: no seed load, and nothing to annotate with (no
    annotation process started, so no model loaded)."""
    from app.config import Settings
    from app.main import create_app

    settings = Settings(
        database_url=database_url, load_on_startup=False, annotation_processes=0, workers=0
    )
    return create_app(settings, nlp=object())


def test_the_accent_migration_indexes_what_is_stored_and_goes_back(database_url):
    from alembic import command
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from app.db import create_db_engine
    from app.store.migrate import alembic_config, upgrade

    def search(q: str) -> tuple[list[str], list[str]]:
        with TestClient(_store_only_app(database_url)) as client:
            return ids(client, q=q), ids(client, "/quotes", q=q)

    upgrade(database_url, "0008")
    engine = create_db_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO article (id, slug, title, title_key, text, sort_at, content_hash,"
                " annotator_version, word_count, created_at, updated_at, rev) VALUES ('old',"
                " 'old-news', 'Café Straße', 'cafe strasse', 'Café Straße\n\nThe Łódź café"
                " closed.', CURRENT_TIMESTAMP, 'x', '0', 6, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP, 'r')"
            )
        )
        connection.execute(
            text(
                'INSERT INTO quote (id, article_id, position, kind, start, "end", text)'
                " VALUES ('old-q1', 'old', 1, 'indirect', 13, 33, 'The Łódź café closed')"
            )
        )
    upgrade(database_url)
    for q in ("cafe", "café", "lodz", "łódź"):
        assert search(q) == (["old"], ["old-q1"]), q
    for q in ("strasse", '"café straße"'):
        assert search(q) == (["old"], []), q
    assert search("closed") == (["old"], ["old-q1"])

    command.downgrade(alembic_config(database_url), "0008")
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            configs = connection.execute(
                text("SELECT count(*) FROM pg_ts_config WHERE cfgname = 'gazette_english'")
            ).scalar()
            assert configs == 0
            matches = text(
                "SELECT count(*) FROM quote WHERE search_vector @@ to_tsquery('english', :q)"
            )
        else:
            matches = text("SELECT count(*) FROM quote_fts WHERE quote_fts MATCH :q")
        # As before: diacritics folded on SQLite only, strokes on neither.
        sqlite = engine.dialect.name == "sqlite"
        assert connection.execute(matches, {"q": "cafe"}).scalar() == (1 if sqlite else 0)
        assert connection.execute(matches, {"q": "lodz"}).scalar() == 0
        assert connection.execute(matches, {"q": "closed"}).scalar() == 1
    engine.dispose()
    upgrade(database_url)
    assert search("lodz") == (["old"], ["old-q1"])


def test_the_migration_indexes_articles_stored_before_it(database_url):
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from app.db import create_db_engine
    from app.store.migrate import upgrade

    upgrade(database_url, "0003")
    engine = create_db_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO article (id, slug, title, title_key, text, sort_at, content_hash,"
                " annotator_version, word_count, created_at, updated_at) VALUES ('old',"
                " 'old-news', 'Old news', 'old news', 'Old news\n\nThe lighthouse keepers"
                " retired.', CURRENT_TIMESTAMP, 'x', '0', 6, CURRENT_TIMESTAMP,"
                " CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                'INSERT INTO quote (id, article_id, position, kind, start, "end", text)'
                " VALUES ('old-q1', 'old', 1, 'indirect', 10, 37, 'The lighthouse keepers"
                " retired')"
            )
        )
    engine.dispose()
    with TestClient(_store_only_app(database_url)) as client:
        assert ids(client, q="lighthouse keeper") == ["old"]
        assert ids(client, "/quotes", q="retire") == ["old-q1"]


def test_export_streams_every_match_and_resumes(corpus):
    import csv
    import io
    import json

    response = corpus.get("/articles/export", params={"q": "said"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [a["id"] for a in lines] == sorted(ARTICLES)
    assert all(a["text"] and "entities" in a and "quotes" in a for a in lines)
    rest = corpus.get("/articles/export", params={"q": "said", "after": lines[1]["id"]})
    assert [json.loads(line)["id"] for line in rest.text.splitlines()] == sorted(ARTICLES)[2:]
    fox = corpus.get("/articles/export", params={"q": "fox -police"}).text.splitlines()
    assert [json.loads(line)["id"] for line in fox] == ["scatter"]

    response = corpus.get("/articles/export", headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == sorted(ARTICLES)
    assert {r["id"]: r["published_at"][:10] for r in rows}["fox"] == "2024-01-10"

    quotes = corpus.get("/quotes/export", headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(quotes.text)))
    assert len(rows) == total(corpus, "/quotes")
    assert list(rows[0]) == [
        "article_id", "id", "speaker_id", "speaker_name", "kind", "text", "cue", "start", "end",
    ]  # fmt: skip
    for row in rows:
        text = corpus.get(f"/articles/{row['article_id']}").json()["text"]
        assert text[int(row["start"]) : int(row["end"])] == row["text"]
    ndjson = corpus.get("/quotes/export", params={"q": "budget"}).text.splitlines()
    assert {json.loads(line)["article_id"] for line in ndjson} == {"budget"}
    assert len(ndjson) == total(corpus, "/quotes", q="budget")

    refused = corpus.get("/articles/export", headers={"Accept": "application/xml"})
    assert refused.status_code == 406
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert corpus.get("/quotes/export", params={"q": '"open'}).status_code == 422

"""READ MORE links resolved across articles in both directions of time, and related articles."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.nlp

SEED = "seed"
READ_MORE = [
    "Resumption of Libya talks on table as Egypt green-lights troop deployment",
    "Egypt's Parliament approves military intervention in Libya",
    "Libyan army heads for front to liberate Sirte from Haftar's militias",
    "Turkey foiled 'invasion plan' in Libya \u2013 Erdogan",
]
EGYPT = READ_MORE[1]


def story(title: str, body: str | None = None) -> str:
    """A short invented article: its title line, then one paragraph."""
    body = body or "Lawmakers met on Monday and voted after a short debate, officials said."
    return f"{title}\n\n{body}"


def post(client, article_id: str, text: str, **fields) -> dict:
    response = client.post("/articles", json={"id": article_id, "text": text, **fields})
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture
def post_seed(seed_text):
    """Store the seed article (data/seed) under the id `seed`."""

    def post_it(client, text: str = seed_text) -> None:
        post(client, SEED, text)

    return post_it


def links(client, article_id: str = SEED) -> list[dict]:
    response = client.get(f"/articles/{article_id}/links")
    assert response.status_code == 200, response.text
    return response.json()


def targets(client, article_id: str = SEED) -> list[str | None]:
    return [
        link["target"]["id"] if link["resolved"] else None for link in links(client, article_id)
    ]


# --- READ MORE links ------------------------------------------------------------------------


def test_the_seeds_read_more_titles_are_links_with_offsets(client, post_seed):
    post_seed(client)
    text = client.get(f"/articles/{SEED}").json()["text"]
    served = links(client)
    assert [link["title"] for link in served] == READ_MORE
    for link in served:
        assert text[link["start"] : link["end"]] == link["title"]
        assert link["kind"] == "read_more"
        assert link["url"] is None
        assert (link["resolved"], link["target"], link["match_score"]) == (False, None, None)
    assert len({link["id"] for link in served}) == 4


@pytest.mark.parametrize("seed_first", [True, False], ids=["seed-first", "target-first"])
def test_an_article_with_the_linked_title_resolves_it_in_either_order(
    client, seed_first, post_seed
):
    egypt = story(EGYPT, "Egypt's parliament on Monday approved sending troops to Libya.")
    if seed_first:
        post_seed(client)
        post(client, "egypt", egypt)
    else:
        post(client, "egypt", egypt)
        post_seed(client)
    served = links(client)
    assert [link["resolved"] for link in served] == [False, True, False, False]
    assert served[1]["target"] == {
        "id": "egypt",
        "title": EGYPT,
        "slug": "egypts-parliament-approves-military-intervention-in-libya",
    }
    assert served[1]["match_score"] == 100.0
    assert client.get("/articles/egypt/links").json() == []


@pytest.mark.parametrize(
    ("position", "title"),
    [
        (1, "Egypt\u2019s Parliament approves military intervention in Libya"),
        (1, "EGYPT'S PARLIAMENT APPROVES MILITARY INTERVENTION IN LIBYA."),
        (1, "Egypt's Parliament approves the military intervention in Libya"),
        (3, "Turkey foiled \u2018invasion plan\u2019 in Libya \u2014 Erdogan"),
        (3, "Turkey foiled \u201cinvasion plan\u201d in Libya - Erdogan"),
        (3, "Turkey foiled 'invasion plan' in Libya: Erdogan"),
        (2, "Libyan army heads for front to liberate Sirte from Haftar\u2019s militias"),
        (0, "Resumption of Libya talks on table as Egypt green\u2013lights troop deployment"),
    ],
)
def test_titles_differing_in_typography_resolve(client, position, title, post_seed):
    post_seed(client)
    post(client, "target", story(title))
    expected = [None] * 4
    expected[position] = "target"
    assert targets(client) == expected


def test_a_typo_resolves_with_a_score_below_an_exact_match(client, post_seed):
    post(client, "target", story("Egypt's Parliament approves militray intervention in Libya"))
    post_seed(client)
    link = links(client)[1]
    assert link["target"]["id"] == "target"
    assert 80 <= link["match_score"] < 100


def test_curly_quotes_in_the_link_match_straight_quotes_in_the_title(client):
    post(
        client,
        "army",
        story("Libyan army heads for front to liberate Sirte from Haftar's militias"),
    )
    text = story(
        "Sirte braces for a long siege",
        "Residents stocked up on food, officials said.\n\n"
        "READ MORE: Libyan army heads for front to liberate Sirte from Haftar\u2019s militias",
    )
    post(client, "siege", text)
    assert targets(client, "siege") == ["army"]


def test_a_url_on_the_read_more_line_is_the_links_url(client):
    post(client, "egypt", story(EGYPT))
    url = "https://www.trtworld.com/mea/egypt-s-parliament-approves-37933"
    post(
        client,
        "siege",
        story("Sirte braces for a siege", f"Officials said.\n\nREAD MORE: {EGYPT} {url}"),
    )
    [link] = links(client, "siege")
    assert (link["title"], link["url"], link["resolved"]) == (EGYPT, url, True)


@pytest.mark.parametrize("seed_first", [True, False], ids=["seed-first", "near-miss-first"])
@pytest.mark.parametrize(
    "title",
    [
        "Egypt's Parliament rejects military intervention in Libya",
        "Egypt's Senate approves military intervention in Libya",
        "Egypt's Parliament approves military intervention",
        "Egypt's Parliament approves military intervention in Libya and Syria",
        "Parliament approves military intervention",
        "Turkey foiled 'invasion plan' in Syria \u2013 Erdogan",
        "Turkey foiled 'coup plan' in Libya \u2013 Erdogan",
        "Libyan army heads for front to liberate Tripoli from Haftar's militias",
        "Resumption of Libya talks on table as Egypt green-lights troop withdrawal",
    ],
)
def test_near_miss_titles_do_not_resolve(client, title, seed_first, post_seed):
    if seed_first:
        post_seed(client)
        post(client, "near", story(title))
    else:
        post(client, "near", story(title))
        post_seed(client)
    assert targets(client) == [None] * 4


def test_deleting_the_target_unresolves_and_reposting_resolves_again(client, post_seed):
    post_seed(client)
    post(client, "egypt", story(EGYPT))
    assert targets(client)[1] == "egypt"
    assert client.delete("/articles/egypt").status_code == 204
    served = links(client)
    assert [link["resolved"] for link in served] == [False] * 4
    assert served[1]["title"] == EGYPT
    post(client, "egypt", story(EGYPT))
    assert targets(client)[1] == "egypt"


def test_deleting_one_of_two_articles_with_the_title_keeps_the_link(client, post_seed):
    post_seed(client)
    post(client, "first", story(EGYPT))
    post(client, "second", story(EGYPT, "A second report of the same vote, published later."))
    assert targets(client)[1] == "first"
    assert client.delete("/articles/first").status_code == 204
    assert targets(client)[1] == "second"


def test_retitling_the_target_unresolves(client, post_seed):
    post_seed(client)
    post(client, "egypt", story(EGYPT))
    assert targets(client)[1] == "egypt"
    post(client, "egypt", story("Egypt's Parliament debates the budget"))
    assert targets(client) == [None] * 4
    post(client, "egypt", story(EGYPT))
    assert targets(client)[1] == "egypt"


def test_a_retitled_target_hands_its_links_to_an_article_with_the_title(client, post_seed):
    post_seed(client)
    post(client, "first", story(EGYPT))
    post(client, "second", story(EGYPT, "A second report of the same vote, published later."))
    assert targets(client)[1] == "first"
    post(client, "first", story("Egypt's Parliament debates the budget"))
    assert targets(client)[1] == "second"


def test_reposting_the_linking_article_keeps_its_links_resolved(client, post_seed, seed_text):
    post(client, "egypt", story(EGYPT))
    post_seed(client)
    post_seed(client, seed_text + "\n\nA closing paragraph was added.")
    assert targets(client) == [None, "egypt", None, None]


def test_dangling_links_are_listed_with_pagination(client, post_seed):
    post_seed(client)
    post(client, "egypt", story(EGYPT))
    first = client.get("/links", params={"resolved": "false", "limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert len(page["items"]) == 2 and page["next"] is not None
    assert 'rel="next"' in first.headers["link"]
    rest = client.get(page["next"]).json()
    assert rest["next"] is None
    items = page["items"] + rest["items"]
    assert [item["title"] for item in items] == [READ_MORE[0], READ_MORE[2], READ_MORE[3]]
    assert {(item["article_id"], item["resolved"]) for item in items} == {(SEED, False)}

    resolved = client.get("/links", params={"resolved": "true"}).json()
    assert [(i["title"], i["target"]["id"]) for i in resolved["items"]] == [(EGYPT, "egypt")]
    everything = client.get("/links", params={"limit": 100}).json()
    assert [item["title"] for item in everything["items"]] == READ_MORE


# --- related articles ---------------------------------------------------------------------

FILLERS = [
    ("Libya, Egypt and Turkey hold talks", "talks"),
    ("Libya, Egypt and Turkey agree on trade", "trade"),
    ("Libya, Egypt and Turkey discuss migration", "migration"),
    ("Libya, Egypt and Turkey plan a railway", "a railway"),
    ("Libya, Egypt and Turkey share a power grid", "a power grid"),
]


def related(client, article_id: str, **params) -> list[dict]:
    response = client.get(f"/articles/{article_id}/related", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def corpus(client, post_seed):
    """The seed, an article sharing only a rare place with it, and many sharing common ones."""
    post_seed(client)
    post(
        client,
        "rare",
        story(
            "Residents return to Sirte",
            "Residents returned to Sirte on Sunday after weeks of fighting, the mayor said.",
        ),
    )
    for n, (title, topic) in enumerate(FILLERS):
        body = f"Officials from Libya, Egypt and Turkey met on Monday to discuss {topic}."
        post(client, f"common-{n}", story(title, body))
    post(
        client,
        "elsewhere",
        story("Storm floods Lisbon streets", "Heavy rain flooded streets in Lisbon on Monday."),
    )
    return client


def test_related_articles_are_scored_ordered_and_explained(corpus):
    items = related(corpus, SEED)
    ids = [item["article"]["id"] for item in items]
    assert SEED not in ids and "elsewhere" not in ids
    assert sorted(ids) == sorted(["rare"] + [f"common-{n}" for n in range(len(FILLERS))])
    scores = [item["score"] for item in items]
    assert all(score > 0 for score in scores)
    assert scores == sorted(scores, reverse=True)
    for item in items:
        weights = [shared["weight"] for shared in item["shared_entities"]]
        assert weights and all(w > 0 for w in weights)
        assert weights == sorted(weights, reverse=True)
    common = next(item for item in items if item["article"]["id"] == "common-0")
    assert {s["name"] for s in common["shared_entities"]} == {"Libya", "Egypt", "Turkey"}
    # Ties are broken by id, so the order is total.
    tied = [item["article"]["id"] for item in items if item["score"] == common["score"]]
    assert tied == sorted(tied)


def test_a_shared_rare_entity_outranks_several_common_ones(corpus):
    items = related(corpus, SEED)
    top = items[0]
    assert top["article"]["id"] == "rare"
    assert [(s["name"], s["type"]) for s in top["shared_entities"]] == [("Sirte", "GPE")]
    sirte = top["shared_entities"][0]["weight"]
    common = next(item for item in items if item["article"]["id"] == "common-0")
    assert all(s["weight"] < sirte for s in common["shared_entities"])
    assert related(corpus, "rare")[0]["article"]["id"] == SEED


def test_related_honours_the_limit_and_knows_unknown_articles(corpus):
    assert len(related(corpus, SEED, limit=2)) == 2
    assert related(corpus, "elsewhere") == []
    missing = corpus.get("/articles/nope/related")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def ranked_in_full(client, article_id: str, limit: int) -> list[tuple[str, float]]:
    """(id, score) of the related articles, from every article sharing an entity."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from app.store.tables import Article, ArticleEntity, Entity

    with Session(client.app.state.engine) as session:
        total = session.scalar(select(func.count()).select_from(Article))
        counts = dict(session.execute(select(Entity.id, Entity.article_count)).all())
        entities: dict[str, list[str]] = {}
        for a_id, e_id in session.execute(
            select(ArticleEntity.article_id, ArticleEntity.entity_id)
        ):
            entities.setdefault(a_id, []).append(e_id)
    weights = {
        e: math.log(total / counts[e])
        for e in entities.get(article_id, [])
        if 1 < counts[e] < total
    }
    ranked = []
    for a_id, theirs in entities.items():
        shared_ids = sorted(e for e in theirs if e in weights)
        if a_id == article_id or not shared_ids:
            continue
        shared = 0.0
        for e_id in shared_ids:
            shared += weights[e_id]
        ranked.append((-(shared * shared * shared) / len(theirs), a_id, shared, len(theirs)))
    ranked.sort()
    return [(a_id, round(shared / size ** (1 / 3), 4)) for _, a_id, shared, size in ranked[:limit]]


def assert_related_are_ranked_in_full(client) -> None:
    ids = [item["id"] for item in client.get("/articles", params={"limit": 100}).json()["items"]]
    for article_id in ids:
        for limit in (1, 2, 3, 10):
            served = [
                (item["article"]["id"], item["score"])
                for item in related(client, article_id, limit=limit)
            ]
            assert served == ranked_in_full(client, article_id, limit), (article_id, limit)


@pytest.mark.parametrize("rare", [1, 16])
def test_related_are_the_best_of_every_article_sharing_an_entity(corpus, monkeypatch, rare):
    from app.api.services import links

    # With rare=1, the articles of every entity but the rarest are read only as far as they
    # could still make the list.
    monkeypatch.setattr(links, "RARE_ARTICLES", rare)
    assert_related_are_ranked_in_full(corpus)


def test_a_short_article_of_common_names_outranks_a_long_one_sharing_a_rare_name(
    client, monkeypatch
):
    from app.api.services import links

    monkeypatch.setattr(links, "RARE_ARTICLES", 1)
    post(client, "base", story("Talks in Sirte", "Officials of Libya and Egypt met in Sirte."))
    post(
        client,
        "tour",
        story(
            "The envoy's tour ends",
            "The envoy visited Sirte, Paris, Berlin, Madrid, Rome, Vienna, Prague, Warsaw, "
            "Dublin, Oslo and Athens this month.",
        ),
    )
    post(client, "deal", story("Libya and Egypt agree", "Libya and Egypt signed a deal."))
    post(client, "talks", story("Talks go on", "Libya, Egypt and Tunisia held talks on Monday."))
    for n in range(5):
        post(client, f"markets-{n}", story(f"Markets rise {n}", "Shares rose after a quiet week."))
    # "tour" shares the rarest name, but among a dozen: the articles of the commoner names
    # must be read, as far as a short one among them could outrank it.
    assert related(client, "base", limit=1)[0]["article"]["id"] == "deal"
    assert_related_are_ranked_in_full(client)

"""The startup loader and the article API, end to end on a real store."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import SEED_DIR, seed_document, wait_until_ready

pytestmark = pytest.mark.nlp


@pytest.fixture
def seed_dir(settings):
    settings.seed_dir.mkdir()
    for path in SEED_DIR.glob("*.txt"):
        shutil.copy(path, settings.seed_dir / path.name)
    return settings.seed_dir


def test_health_answers_before_anything_is_loaded(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_startup_load_serves_the_seed_with_its_structure(make_client, seed_dir, gold):
    client = make_client(load_on_startup=True)
    ready = wait_until_ready(client)
    assert ready["ready"] is True
    assert (ready["loaded"], ready["total"], ready["counts"]) == (1, 1, {"created": 1})

    page = client.get("/articles").json()
    assert len(page["items"]) == 1 and page["next"] is None
    summary = page["items"][0]
    expected = gold["structure"]
    assert summary["title"] == expected["title"]
    assert summary["source"] == expected["source"]

    detail = client.get(f"/articles/{summary['id']}").json()
    structure, text = detail["structure"], detail["text"]
    assert structure["title"]["text"] == expected["title"]
    assert [h["text"] for h in structure["headings"]] == expected["headings"]
    assert len(structure["paragraphs"]) == expected["body_paragraph_count"]
    assert structure["paragraphs"][0]["text"].startswith(expected["body_first_paragraph_starts"])
    assert structure["paragraphs"][-1]["text"].startswith(expected["body_last_paragraph_starts"])
    assert [(i["caption"]["text"], i["credit"]["text"]) for i in structure["images"]] == [
        (image["caption"], image["credit"]) for image in expected["images"]
    ]
    assert [r["text"] for r in structure["read_more"]] == [
        link["title"] for link in gold["related_links"]
    ]
    # Stand-off: every span is its offsets into the stored text.
    spans = structure["headings"] + structure["paragraphs"] + structure["read_more"]
    for span in spans + [structure["title"], structure["source"]]:
        assert text[span["start"] : span["end"]] == span["text"]


def test_restarts_neither_duplicate_nor_reannotate(make_client, seed_dir):
    first = make_client(load_on_startup=True)
    assert wait_until_ready(first)["counts"] == {"created": 1}
    article_id = first.get("/articles").json()["items"][0]["id"]
    for _ in range(2):
        again = make_client(load_on_startup=True)
        assert wait_until_ready(again)["counts"] == {"unchanged": 1}
        items = again.get("/articles").json()["items"]
        assert [item["id"] for item in items] == [article_id]


def test_changed_file_replaces_its_article(make_client, seed_dir):
    first = make_client(load_on_startup=True)
    wait_until_ready(first)
    path = next(seed_dir.glob("*.txt"))
    path.write_bytes(seed_document() + b"\n\nA new closing paragraph was added to the story.")
    second = make_client(load_on_startup=True)
    assert wait_until_ready(second)["counts"] == {"updated": 1}
    items = second.get("/articles").json()["items"]
    assert len(items) == 1
    detail = second.get(f"/articles/{items[0]['id']}").json()
    assert detail["text"].endswith("A new closing paragraph was added to the story.")
    assert detail["structure"]["paragraphs"][-1]["text"].startswith("A new closing paragraph")


def test_bad_files_are_skipped_not_fatal(make_client, seed_dir):
    (seed_dir / "empty.txt").write_bytes(b"")
    (seed_dir / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (seed_dir / "blank.txt").write_text("   \n\n  ")
    client = make_client(load_on_startup=True)
    ready = wait_until_ready(client)
    assert ready["ready"] is True
    assert ready["counts"] == {"created": 1, "skipped": 3}
    assert len(client.get("/articles").json()["items"]) == 1


def test_two_files_with_one_id_do_not_replace_each_other(make_client, seed_dir):
    (seed_dir / "note.txt").write_text("Harbour reopens\n\nShips returned on Monday.")
    (seed_dir / "note.md").write_text("Budget passes\n\nThe council passed the budget.")
    client = make_client(load_on_startup=True)
    ready = wait_until_ready(client)
    assert ready["counts"] == {"created": 2, "skipped": 1}
    assert client.get("/articles/note").json()["title"] == "Budget passes"


def test_ready_reports_a_missing_seed_folder_as_empty(make_client):
    client = make_client(load_on_startup=True)
    ready = wait_until_ready(client)
    assert ready["ready"] is True and ready["total"] == 0


def _post(client, text: str, **fields):
    return client.post("/articles", json={"text": text, **fields})


def test_post_article_then_same_id_replaces_and_same_text_is_unchanged(client):
    text = "Local council approves budget\n\nThe council approved the budget on Monday."
    created = _post(client, text, id="budget-1")
    assert created.status_code == 201
    assert created.json()["outcome"] == "created"
    assert created.headers["location"].endswith("/articles/budget-1")
    assert _post(client, text, id="budget-1").json()["outcome"] == "unchanged"
    replaced = _post(client, text + "\n\nThe mayor said it was fair.", id="budget-1")
    assert replaced.status_code == 200 and replaced.json()["outcome"] == "updated"
    assert len(client.get("/articles").json()["items"]) == 1


def test_post_article_as_plain_text(client):
    response = client.post(
        "/articles",
        content=b"Storm closes harbour\n\nThe harbour was closed after the storm.",
        headers={"content-type": "text/plain; charset=utf-8"},
    )
    assert response.status_code == 201
    article = client.get(f"/articles/{response.json()['article']['id']}").json()
    assert article["title"] == "Storm closes harbour"


def _walk(client, url: str) -> list[str]:
    """The ids of every page of a list, following `next` from `url`."""
    seen = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        seen.extend(item["id"] for item in body["items"])
        if body["next"]:
            assert response.headers["link"].startswith("<")
        url = body["next"]
    return seen


def test_articles_page_by_date_with_the_undated_last_either_way(client):
    # Posted in this order, the undated ones between the dated: their creation times
    # interleave with the dated articles', and fall after "early" and before "future".
    articles = [
        ("mid", "2024-03-04T10:00:00Z"),
        ("undated-1", None),
        ("early-b", "2024-03-01T10:00:00Z"),
        ("future", "2099-01-01T00:00:00Z"),
        ("undated-2", None),
        ("early-a", "2024-03-01T10:00:00Z"),  # the same instant as early-b: the id decides
        ("undated-3", None),
        ("oldest", "1999-12-31T23:00:00-02:00"),
    ]
    for article_id, published in articles:
        body = {"text": f"Story {article_id}\n\nSomething happened.", "id": article_id}
        if published:
            body["published_at"] = published
        assert client.post("/articles", json=body).status_code == 201
    newest = ["future", "mid", "early-b", "early-a", "oldest", "undated-3", "undated-2",
              "undated-1"]  # fmt: skip
    oldest = ["oldest", "early-a", "early-b", "mid", "future", "undated-1", "undated-2",
              "undated-3"]  # fmt: skip
    # Every limit puts a page boundary at another place, the dated/undated one included.
    for limit in (1, 2, 3, 4, 5, 100):
        assert _walk(client, f"/articles?limit={limit}") == newest, limit
        assert _walk(client, f"/articles?limit={limit}&sort=newest") == newest, limit
        assert _walk(client, f"/articles?limit={limit}&sort=oldest") == oldest, limit


def test_articles_search_and_date_filters(client):
    _post(
        client,
        "Harbour reopens\n\nShips returned to the harbour.",
        id="h",
        published_at="2024-01-02",
    )
    _post(client, "Budget passes\n\nThe budget passed.", id="b", published_at="2024-02-02")
    found = client.get("/articles", params={"q": "HARBOUR"}).json()["items"]
    assert [i["id"] for i in found] == ["h"]
    after = client.get("/articles", params={"published_after": "2024-02-01"}).json()["items"]
    assert [i["id"] for i in after] == ["b"]


def test_delete_article(client):
    _post(client, "Short story\n\nIt was short.", id="short")
    assert client.delete("/articles/short").status_code == 204
    assert client.get("/articles/short").status_code == 404
    assert client.delete("/articles/short").status_code == 404


def test_openapi_has_stable_operation_ids_and_tags(client):
    spec = client.get("/openapi.json").json()
    operations = [op for path in spec["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    assert {"list_articles", "get_article", "create_article", "annotate_document"} <= set(ids)
    assert all(op.get("tags") for op in operations)
    assert all("__" not in i for i in ids)


def test_openapi_declares_problems_and_named_request_bodies(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert {"Problem", "ProblemError", "AnnotateRequest", "ArticleIn"} <= set(schemas)
    assert "HTTPValidationError" not in schemas
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if int(code) >= 400 and path != "/ready":
                    assert response["content"] == {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    }, (method, path, code)
            body = operation.get("requestBody")
            if body:
                ref = body["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in schemas
                # Only what generators can express is declared; the description names the
                # text/plain or NDJSON bodies the route also takes.
                assert set(body["content"]) == {"application/json"}, (method, path)
                assert "text/plain" in operation["description"] or (
                    "application/x-ndjson" in operation["description"]
                ), (method, path)
    get_article = spec["paths"]["/articles/{article_id}"]["get"]["responses"]
    assert {"200", "404", "422", "500"} <= set(get_article)


def test_published_at_offsets_are_kept_as_the_same_instant(client):
    _post(
        client,
        "Early\n\nPublished at 10:00 in UTC+5.",
        id="east",
        published_at="2024-03-01T10:00:00+05:00",
    )
    _post(client, "Later\n\nPublished at 06:00 UTC.", id="utc", published_at="2024-03-01T06:00:00Z")
    items = client.get("/articles").json()["items"]
    assert [i["id"] for i in items] == ["utc", "east"]
    assert items[1]["published_at"] in ("2024-03-01T05:00:00Z", "2024-03-01T05:00:00+00:00")
    after = client.get("/articles", params={"published_after": "2024-03-01T07:30:00+02:00"})
    assert [i["id"] for i in after.json()["items"]] == ["utc"]


def test_the_annotator_version_follows_every_module_of_the_annotate_package(tmp_path, monkeypatch):
    from app.ingest import core

    (tmp_path / "annotate" / "quotes").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "annotate" / "pipeline.py").write_text("x = 1\n")
    nested = tmp_path / "annotate" / "quotes" / "marks.py"
    nested.write_text("y = 1\n")
    monkeypatch.setattr(core, "PACKAGE", tmp_path)
    core.annotator_version.cache_clear()
    try:
        before = core.annotator_version()
        nested.write_text("y = 2\n")
        core.annotator_version.cache_clear()
        assert core.annotator_version() != before
    finally:
        core.annotator_version.cache_clear()


def test_two_api_processes_on_one_store_annotate_the_seed_once(make_client, seed_dir, engine):
    from sqlalchemy import func, select
    from sqlmodel import Session

    from app.store.tables import IngestJob, IngestJobDocument

    first = make_client(load_on_startup=True)
    second = make_client(load_on_startup=True)
    for client in (first, second):
        assert wait_until_ready(client)["ready"] is True
    with Session(engine) as session:
        by_status = dict(
            session.execute(
                select(IngestJobDocument.status, func.count())
                .join(IngestJob, IngestJob.id == IngestJobDocument.job_id)
                .where(IngestJob.origin == "seed")
                .group_by(IngestJobDocument.status)
            ).all()
        )
    assert by_status == {"created": 1, "unchanged": 1}


# A UTF-16 byte order mark followed by an odd number of bytes: not UTF-16 after all.
BROKEN_UTF16 = b"\xff\xfe" + "Broken\n\nOdd".encode("utf-16-le") + b"\x00"


def test_a_broken_utf16_file_before_a_good_one_is_skipped_and_the_good_one_loads(
    make_client, seed_dir
):
    (seed_dir / "000_broken.txt").write_bytes(BROKEN_UTF16)
    client = make_client(load_on_startup=True)
    ready = wait_until_ready(client)
    assert ready["ready"] is True
    assert ready["error"] is None
    assert (ready["loaded"], ready["total"]) == (2, 2)
    assert ready["counts"] == {"created": 1, "skipped": 1}
    assert len(client.get("/articles").json()["items"]) == 1


@pytest.mark.parametrize("path", ["/annotate", "/articles"])
def test_a_broken_utf16_body_is_a_422(client, path):
    response = client.post(path, content=BROKEN_UTF16, headers={"content-type": "text/plain"})
    assert response.status_code == 422
    assert "UTF-16" in response.json()["detail"]
    assert client.get("/articles").json()["items"] == []

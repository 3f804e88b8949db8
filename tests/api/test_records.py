"""One record, one outcome: `python -m app load` on a JSONL line, `POST /articles` and
`POST /jobs` (NDJSON) store the same article from the same JSON, or refuse it for the same
reason (a skipped line naming the field, a 422 naming it)."""

from __future__ import annotations

import json
import time

import pytest

from app.cli import main

pytestmark = pytest.mark.nlp

TEXT = "Harbour reopens after storm\n\nThe harbour in Dover reopened on Monday, the mayor said."
# What a line of an annotated corpus carries besides the document.
CORPUS_EXTRAS = {
    "quotes": [{"start": 0, "end": 7, "speaker": "the mayor"}],
    "entities": [{"text": "Dover", "label": "GPE", "start": 38, "end": 43}],
    "tokens": ["Harbour", "reopens"],
    "meta": {"source": "wire", "lang": "en", "title": "Headline in meta"},
}

ACCEPTED = [
    pytest.param(
        {"id": "extras", "text": TEXT, "title": "Harbour reopens", **CORPUS_EXTRAS},
        {"title": "Harbour reopens", "url": None, "published_at": None},
        id="extra-fields-ignored",
    ),
    pytest.param(
        {"id": "meta-title", "text": TEXT, "meta": {"title": "Headline from meta"}},
        {"title": "Headline from meta", "url": None, "published_at": None},
        id="meta-title",
    ),
    pytest.param(
        {"id": "null-title", "text": TEXT, "title": None, "meta": {"title": "From meta"}},
        {"title": "From meta", "url": None, "published_at": None},
        id="null-title-meta-title",
    ),
    pytest.param(
        {
            "id": "full",
            "text": TEXT,
            "url": "https://news.example.org",
            "published_at": "2024-03-01T12:00:00",
        },
        {
            "title": "Harbour reopens after storm",
            "url": "https://news.example.org/",
            "published_at": "2024-03-01T12:00:00Z",
        },
        id="url-and-naive-date",
    ),
]

REFUSED = [
    pytest.param({"id": 42, "text": TEXT}, "id", id="numeric-id"),
    pytest.param({"id": "a/b", "text": TEXT}, "id", id="invalid-id"),
    pytest.param({"id": "u", "text": TEXT, "url": "not a url"}, "url", id="bad-url"),
    pytest.param({"id": "u", "text": TEXT, "url": "ftp://example.org/x"}, "url", id="ftp-url"),
    pytest.param(
        {"id": "d", "text": TEXT, "published_at": "9999-12-31T23:59:59-10:00"},
        "published_at",
        id="date-out-of-range",
    ),
    pytest.param(
        {"id": "d", "text": TEXT, "published_at": 1700000000}, "published_at", id="numeric-date"
    ),
    pytest.param({"id": "d", "text": TEXT, "published_at": ""}, "published_at", id="empty-date"),
    pytest.param({"id": "b", "text": " \n\t "}, "text", id="blank-text"),
    pytest.param({"id": "t", "text": TEXT, "title": "t" * 1001}, "title", id="title-too-long"),
    pytest.param(
        {"id": "t", "text": TEXT, "meta": {"title": "t" * 1001}},
        "meta.title",
        id="meta-title-too-long",
    ),
    pytest.param({"id": "t", "text": TEXT, "title": 7}, "title", id="numeric-title"),
    pytest.param({"title": "no text", **CORPUS_EXTRAS}, "text", id="no-text"),
]


def _load_line(tmp_path, record: dict, capsys) -> str:
    """`python -m app load` on a JSONL file of one line; its report."""
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["load", "--quiet", str(path)]) == 0
    return capsys.readouterr().out


def _post_ndjson(client, record: dict):
    return client.post(
        "/jobs", content=json.dumps(record) + "\n", headers={"content-type": "application/x-ndjson"}
    )


def _finished(client, response, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    url = response.headers["location"]
    while True:
        job = client.get(url).json()
        if job["state"] in ("completed", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


@pytest.mark.parametrize(("record", "stored"), ACCEPTED)
def test_the_cli_and_the_api_store_a_record_alike(
    cli_env, client, tmp_path, capsys, record, stored
):
    out = _load_line(tmp_path, record, capsys)
    assert "loaded 1 (new 1, replaced 0) / unchanged 0 / skipped 0" in out, out
    article = client.get(f"/articles/{record['id']}").json()
    assert {k: article[k] for k in stored} == stored

    # The same JSON posted to the API is the same article (same text, title, url and date).
    response = client.post("/articles", json=record)
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "unchanged"
    assert {k: response.json()["article"][k] for k in stored} == stored

    job = _finished(client, _post_ndjson(client, record))
    assert (job["state"], job["counts"]["unchanged"]) == ("completed", 1), job


@pytest.mark.parametrize(("record", "field"), REFUSED)
def test_the_cli_and_the_api_refuse_a_record_alike(
    cli_env, client, tmp_path, capsys, record, field
):
    response = client.post("/articles", json=record)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["loc"] for e in errors] == [["body", *field.split(".")]]
    [error] = errors
    reason = f"invalid {field}: {error['msg'].removeprefix('Value error, ')}"
    if error["type"] == "missing":
        reason = f"missing {field}"

    # The loader skips the line, saying what the API said.
    out = _load_line(tmp_path, record, capsys)
    assert "loaded 0 (new 0, replaced 0) / unchanged 0 / skipped 1 / failed 0" in out, out
    assert f"  skipped: {tmp_path / 'corpus.jsonl'}:1: {reason}\n" in out, out

    batch = _post_ndjson(client, record)
    assert batch.status_code == 422, batch.text
    assert [e["loc"] for e in batch.json()["errors"]] == [["body", 0, *field.split(".")]]
    assert batch.json()["errors"][0]["msg"] == error["msg"]
    assert client.get("/articles").json()["items"] == []


def test_refusals_say_why_in_words():
    from pydantic import ValidationError

    from app.ingest.records import ArticleRecord, record_problem

    def problem(record: object) -> str:
        with pytest.raises(ValidationError) as refused:
            ArticleRecord.model_validate(record)
        return record_problem(refused.value)

    assert problem({"id": 42, "text": TEXT}).startswith(
        "invalid id: an article id is a JSON string"
    )
    assert problem({"id": "a/b", "text": TEXT}).startswith("invalid id: an article id is 1 to 128")
    assert problem({"text": TEXT, "published_at": 0}) == (
        "invalid published_at: a datetime is an ISO 8601 string, e.g. 2024-03-01T12:00:00Z"
    )
    assert problem({"text": TEXT, "meta": {"title": 5}}) == (
        "invalid meta.title: Input should be a valid string"
    )
    assert problem(["not", "an", "object"]).startswith("a record is a JSON object")
    assert problem({"text": "", "id": 1}) == (
        "invalid text: String should have at least 1 character; "
        "invalid id: an article id is a JSON string of 1 to 128 letters, digits, `_`, `.` or "
        "`-`, starting and ending with a letter, a digit or `_`"
    )


def test_a_job_takes_ndjson_lines_with_extra_fields(client):
    lines = [
        {"id": "n1", "text": TEXT, **CORPUS_EXTRAS},
        {"id": "n2", "text": TEXT + " More.", "meta": {"title": "Second"}, "tokens": [1, 2]},
    ]
    response = client.post(
        "/jobs",
        content="\n".join(json.dumps(line) for line in lines) + "\n",
        headers={"content-type": "application/x-ndjson"},
    )
    assert response.status_code == 202, response.text
    job = _finished(client, response)
    assert (job["state"], job["counts"]["created"]) == ("completed", 2), job
    assert client.get("/articles/n1").json()["title"] == CORPUS_EXTRAS["meta"]["title"]
    assert client.get("/articles/n2").json()["title"] == "Second"


def test_annotate_still_refuses_unknown_fields(client):
    response = client.post("/annotate", json={"text": TEXT, "quotes": []})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "quotes"]

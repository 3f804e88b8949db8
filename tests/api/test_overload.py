"""Overload and faults: a bounded number of annotations at once, a work budget per document,
and an unreachable database answered with 503 while /health stays up."""

from __future__ import annotations

import threading
import time

import pytest

from tests.api.test_hostile import ARTICLE

PROBLEM = "application/problem+json"


def test_a_document_over_the_work_budget_is_refused_before_annotation(make_client):
    client = make_client(max_document_tokens=1000)
    lines = "x\n" * 1000  # 2,000 tokens in 2,000 characters
    started = time.monotonic()
    for path in ("/annotate", "/articles"):
        response = client.post(path, content=lines, headers={"content-type": "text/plain"})
        assert response.status_code == 413, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        assert "tokens" in response.json()["detail"]
    assert time.monotonic() - started < 10
    assert client.post("/annotate", json={"text": ARTICLE}).status_code == 200


def test_one_line_per_character_at_the_default_cap_is_refused_at_once(client):
    response = client.post(
        "/annotate", content="x\n" * 100_000, headers={"content-type": "text/plain"}
    )
    assert response.status_code == 413
    assert "200,000 tokens" in response.json()["detail"]


@pytest.mark.parametrize(
    "text",
    [
        "x\n" * 4000,  # one sentence per line
        '"' * 8000,  # quote marks only
        "\u201c" * 4000 + "said" + "\u201d" * 4000,
        "Alice Bob Carol Dave " * 1000,  # one run of names
        "READ MORE: Story\n" * 1000,
        "On 1 March 2024, " * 1000,
        ("Word " * 5000).strip(),  # one long paragraph
    ],
    ids=["lines", "quotes", "curly", "names", "read-more", "dates", "paragraph"],
)
def test_pathological_documents_within_the_budget_annotate(client, text):
    response = client.post("/annotate", json={"text": text})
    assert response.status_code == 200, response.text


def test_annotations_beyond_the_limit_wait_then_get_503_with_retry_after(make_client, monkeypatch):
    from app.ingest import annotator as annotator_module

    inside, release = threading.Event(), threading.Event()
    real = annotator_module.annotate_within_budget

    def slow_annotate(*args, **kwargs):
        inside.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(annotator_module, "annotate_within_budget", slow_annotate)
    client = make_client(max_concurrent_annotations=1, annotation_wait_seconds=0.2)
    first: list = []
    worker = threading.Thread(
        target=lambda: first.append(client.post("/annotate", json={"text": ARTICLE}))
    )
    worker.start()
    assert inside.wait(30)
    try:
        busy = client.post("/annotate", json={"text": ARTICLE})
        assert busy.status_code == 503
        assert busy.headers["content-type"].startswith(PROBLEM)
        assert int(busy.headers["retry-after"]) >= 1
        stored = client.post("/articles", json={"text": ARTICLE})
        assert stored.status_code == 503
        assert client.get("/health").status_code == 200
    finally:
        release.set()
        worker.join()
    assert first[0].status_code == 200
    assert client.post("/annotate", json={"text": ARTICLE}).status_code == 200


def test_an_unreachable_database_is_a_503_and_health_stays_up(make_client, caplog):
    # Nothing listens on port 9: connections are refused at once.
    client = make_client(
        database_url="postgresql+psycopg://postgres@127.0.0.1:9/none",
        migrate_on_startup=False,
        db_connect_timeout=1,
    )
    for url in ("/articles", "/entities", "/quotes", "/links", "/articles/x"):
        response = client.get(url)
        assert response.status_code == 503, response.text
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.headers["retry-after"] == "5"
        assert "database is unavailable" in response.json()["detail"]
    assert client.post("/articles", json={"text": ARTICLE}).status_code == 503
    ready = client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["error"].startswith("database unavailable")
    assert client.get("/health").status_code == 200
    outage_lines = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outage_lines) == 1
    assert not any(r.exc_info for r in caplog.records)

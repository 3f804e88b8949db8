"""Jobs: a batch accepted at once (JSON or NDJSON), worked through, counted once."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import update
from sqlmodel import Session

from app.ingest import jobs
from app.store.tables import IngestJobDocument
from tests.store_checks import assert_store_consistent
from tests.synthetic import synthetic_articles

pytestmark = pytest.mark.nlp

PROBLEM = "application/problem+json"


def wait_for(client, url: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(url).json()
        if body["state"] in ("completed", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_a_json_batch_is_accepted_at_once_then_stored_and_counted(client, engine):
    articles = synthetic_articles(6, seed=3)
    response = client.post("/jobs", json={"documents": articles})
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["total"] == 6 and job["state"] in ("queued", "running", "completed")
    assert response.headers["location"].endswith(f"/jobs/{job['id']}")

    done = wait_for(client, response.headers["location"])
    assert done["state"] == "completed"
    assert done["counts"] == {
        "queued": 0,
        "annotated": 6,
        "stored": 6,
        "created": 6,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "failed": 0,
    }
    for article in articles:
        assert client.get(f"/articles/{article['id']}").status_code == 200
    assert_store_consistent(engine)

    again = client.post("/jobs", json=articles).json()  # a bare array is a batch too
    assert again["state"] == "completed" and again["counts"]["unchanged"] == 6


def test_ndjson_batch_reports_skipped_documents_with_their_reason(client):
    articles = synthetic_articles(2, seed=5)
    lines = [articles[0], articles[1], {**articles[1], "text": articles[1]["text"] + " More."}]
    body = "\n".join(json.dumps(a) for a in lines) + "\n"
    response = client.post("/jobs", content=body, headers={"content-type": "application/x-ndjson"})
    assert response.status_code == 202, response.text
    done = wait_for(client, f"/jobs/{response.json()['id']}")
    assert done["state"] == "completed"
    assert (done["counts"]["created"], done["counts"]["skipped"]) == (2, 1)
    [problem] = done["failures"]
    assert problem["position"] == 2 and problem["status"] == "skipped"
    assert articles[1]["id"] in problem["reason"]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        ('{"documents": []}', "application/json", 422),
        ('{"documents": [{"text": ""}]}', "application/json", 422),
        ('{"text": "one document"}', "application/json", 422),
        ('{"text": "a"}\nnot json\n', "application/x-ndjson", 422),
        ("plain words", "text/plain", 415),
    ],
)
def test_bad_batches_are_refused_in_the_error_shape(client, content, content_type, status):
    response = client.post("/jobs", content=content, headers={"content-type": content_type})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)


def test_a_validation_error_names_the_document(client):
    documents = [{"text": "Fine\n\nA paragraph."}, {"text": "x", "url": "not a url"}]
    response = client.post("/jobs", json={"documents": documents})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:3] == ["body", 1, "url"]


def test_unknown_job_is_404(client):
    response = client.get("/jobs/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)


def test_post_article_async_answers_with_a_job(client):
    [article] = synthetic_articles(1, seed=9)
    response = client.post("/articles?async=true", json=article)
    assert response.status_code == 202, response.text
    done = wait_for(client, response.headers["location"])
    assert done["state"] == "completed" and done["counts"]["created"] == 1
    assert client.get(f"/articles/{article['id']}").json()["title"] == article["title"]


def test_a_document_that_keeps_failing_to_store_is_parked_with_its_error(client, monkeypatch):
    from app.ingest import core

    monkeypatch.setattr(jobs, "RETRY_BACKOFF_S", 0.0)

    def store_down(*_args, **_kwargs):
        raise core.TransientStoreError("OperationalError: connection refused")

    monkeypatch.setattr(jobs, "store_annotated", store_down)
    [article] = synthetic_articles(1, seed=13)
    response = client.post("/jobs", json=[article])
    done = wait_for(client, response.headers["location"])
    assert done["state"] == "failed" and done["counts"]["failed"] == 1
    reason = done["failures"][0]["reason"]
    assert reason.startswith("parked after 3 tries") and "connection refused" in reason
    assert client.get(f"/articles/{article['id']}").status_code == 404


def test_a_piece_done_twice_counts_once_and_a_killer_document_is_parked(engine, nlp):
    articles = synthetic_articles(3, seed=17)
    from app.ingest.core import IngestDocument

    submitted = jobs.submit_job(
        engine, [IngestDocument(**a) for a in articles], origin="test", batch_size=8
    )
    [piece] = submitted.pieces
    # The last document's worker died under it three times (its tries were counted).
    with Session(engine) as session:
        session.execute(
            update(IngestJobDocument)
            .where(IngestJobDocument.job_id == submitted.id, IngestJobDocument.position == 2)
            .values(attempts=3)
        )
        session.commit()
    jobs.work_piece(engine, submitted.id, piece, nlp=nlp, max_tries=3)
    jobs.work_piece(engine, submitted.id, piece, nlp=nlp, max_tries=3)  # redelivered
    status = jobs.job_status(engine, submitted.id)
    assert (status.counts["created"], status.counts["failed"], status.open) == (2, 1, 0)
    assert status.failures[0]["reason"].startswith("parked after 3 tries: its worker stopped")
    assert status.state == "completed"


def test_jobs_a_stopped_service_left_open_are_resumed_when_it_starts(make_client, engine):
    from app.ingest.core import IngestDocument

    def left_open(origin: str, seed: int) -> jobs.SubmittedJob:
        # Recorded, never worked: the pool went down with the process that took the job.
        documents = [
            IngestDocument(text=a["text"], id=a["id"], origin=origin)
            for a in synthetic_articles(3, seed=seed)
        ]
        return jobs.submit_job(engine, documents, origin=origin, batch_size=2)

    posted, loaded = left_open("api", seed=11), left_open("cli", seed=12)
    assert jobs.job_status(engine, posted.id).state == "queued"

    client = make_client()  # its pool takes what was left open of the API's jobs
    done = wait_for(client, f"/jobs/{posted.id}")
    assert done["state"] == "completed" and done["counts"]["created"] == 3
    # A CLI or startup load submits its own jobs again when it runs: not taken here.
    assert client.get(f"/jobs/{loaded.id}").json()["state"] == "queued"
    assert_store_consistent(engine)

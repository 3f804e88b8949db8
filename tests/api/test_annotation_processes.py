"""Requests' documents annotated in processes beside the service (the default outside tests):
the same answers as annotating in the service's own threads, and a process that dies costs
one request a 503, never the service."""

from __future__ import annotations

import os
import signal
import threading
import time

from tests.api.test_hostile import ARTICLE
from tests.conftest import wait_until_ready

PROBLEM = "application/problem+json"


def _annotate_until_ok(client, text: str, timeout: float = 120.0):
    """POST /annotate until it answers 200; every other answer must be a 503 to try again."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.post("/annotate", json={"text": text})
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        assert response.status_code == 503, response.text
        assert int(response.headers["retry-after"]) >= 1
        time.sleep(0.2)


def _gone(pid: int, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def _mentions(document: dict) -> set[tuple[str, int, int]]:
    return {
        (entity["type"], mention["start"], mention["end"])
        for entity in document["entities"]
        for mention in entity["mentions"]
    }


def test_requests_annotate_in_a_process_of_their_own(make_client):
    in_process = make_client(annotation_processes=1)
    assert wait_until_ready(in_process)["ready"]
    annotator = in_process.app.state.annotator
    [pid] = annotator.process_ids()
    assert pid != os.getpid()
    assert annotator.nlp is None  # the process has its own model

    in_threads = make_client()  # annotation_processes=0, on the test session's model
    for path_text in (ARTICLE, 'Talks resume\n\n"We are ready," the minister said on Friday.'):
        here = in_threads.post("/annotate", json={"text": path_text})
        there = in_process.post("/annotate", json={"text": path_text})
        assert there.status_code == 200, there.text
        assert there.json() == here.json()

    stored = in_process.post("/articles", json={"id": "harbour", "text": ARTICLE})
    assert stored.status_code == 201, stored.text
    detail = in_process.get("/articles/harbour").json()
    local = in_threads.post("/annotate", json={"text": ARTICLE}).json()
    assert detail["text"] == local["text"]
    assert _mentions(detail) == _mentions(local) != set()

    # The work budget is checked where the document is annotated.
    over = in_process.post(
        "/annotate", content="x\n" * 100_000, headers={"content-type": "text/plain"}
    )
    assert over.status_code == 413
    assert over.headers["content-type"].startswith(PROBLEM)
    assert "tokens" in over.json()["detail"]
    assert annotator.process_ids() == [pid]


def test_a_process_that_dies_costs_its_request_a_503_and_is_replaced(make_client):
    client = make_client(annotation_processes=1)
    assert wait_until_ready(client)["ready"]
    annotator = client.app.state.annotator
    [first] = annotator.process_ids()

    # Killed while a long document is on its way or being annotated: that request gets 503.
    long_text = (ARTICLE + "\n\n") * 1500
    answers: list = []
    poster = threading.Thread(
        target=lambda: answers.append(client.post("/annotate", json={"text": long_text}))
    )
    poster.start()
    time.sleep(1.0)
    os.kill(first, signal.SIGKILL)
    poster.join(120)
    assert answers and answers[0].status_code == 503, answers and answers[0].text
    assert answers[0].headers["content-type"].startswith(PROBLEM)
    assert int(answers[0].headers["retry-after"]) >= 1
    assert client.get("/health").status_code == 200

    # A new process takes over without a restart.
    assert _annotate_until_ok(client, ARTICLE).status_code == 200
    [second] = annotator.process_ids()
    assert second != first

    # Killed while idle: the next request goes to a new process (or gets a 503 first).
    os.kill(second, signal.SIGKILL)
    assert _gone(second)
    assert _annotate_until_ok(client, ARTICLE).status_code == 200
    [third] = annotator.process_ids()
    assert third not in (first, second)


def test_the_service_loads_a_model_only_when_it_annotates_itself():
    from app.config import Settings

    assert not Settings(workers=None, annotation_processes=None).service_needs_model
    assert not Settings(
        workers=0, broker_url="redis://b", annotation_processes=2
    ).service_needs_model
    assert Settings(workers=0, annotation_processes=1).service_needs_model  # jobs run here
    assert Settings(workers=2, annotation_processes=0).service_needs_model
    assert Settings(max_concurrent_annotations=3).annotation_process_count == 3


def test_the_service_imports_no_model_library_until_it_annotates_itself():
    # A restart that serves a stored corpus does not pay for importing spaCy: only the
    # annotation processes and job workers import it.
    import subprocess
    import sys

    probe = "import sys, app.main; print(sorted(m for m in ('spacy', 'thinc') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr

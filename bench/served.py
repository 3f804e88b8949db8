"""The API in process, for benchmarks that score what `POST /annotate` serves.

    with served_client() as client:
        document = annotate_served(client, text)

The app is built by `create_app` on a throw-away SQLite store and the model loaded once.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402

from app.annotate.nlp import load_nlp  # noqa: E402
from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402


@contextmanager
def served_client() -> Iterator[TestClient]:
    """A client of an in-process app, ready for `POST /annotate`."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/bench.db",
            seed_dir=Path(tmp) / "seed",
            load_on_startup=False,
            max_document_chars=10_000_000,
            log_level="WARNING",
        )
        # From loopback: a service with no API key configured takes writes from there only.
        app = create_app(settings, nlp=load_nlp())
        with TestClient(app, client=("127.0.0.1", 50000)) as client:
            yield client


def annotate_served(client: TestClient, text: str) -> dict:
    """The `POST /annotate` response for `text`; fails if the served text differs
    (offsets would not be the input's)."""
    response = client.post("/annotate", json={"text": text})
    if response.status_code != 200:
        raise SystemExit(f"POST /annotate: {response.status_code} {response.text[:300]}")
    document = response.json()
    if document["text"] != text:
        raise SystemExit("POST /annotate changed the text; offsets would shift")
    return document

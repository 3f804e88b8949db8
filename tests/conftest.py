"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "data" / "seed"
TEST_DATA = Path(__file__).resolve().parent / "data"
# The write key the test apps are configured with; `client` sends it unless a test says not to.
TEST_KEY = "test-key-0123456789"


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy pipeline, loaded once for the whole test session."""
    from app.annotate.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seed_text() -> str:
    from app.annotate.decoding import decode_bytes, normalize_text

    path = next(SEED_DIR.glob("*.txt"))
    return normalize_text(decode_bytes(path.read_bytes()))


@pytest.fixture(scope="session")
def gold() -> dict:
    import json

    return json.loads((TEST_DATA / "gold_seed.json").read_text(encoding="utf-8"))


# --- Store and API --------------------------------------------------------------------
# The suite runs on SQLite by default, on Postgres when GAZETTE_TEST_DATABASE_URL names one.
# Every test gets a fresh, empty database upgraded by the migrations.


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    import os

    url = os.environ.get("GAZETTE_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'gazette.db'}"


@pytest.fixture
def engine(database_url: str):
    from app.db import create_db_engine
    from app.store.migrate import upgrade

    upgrade(database_url)
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path):
    from app.config import Settings

    return Settings(
        database_url=database_url,
        seed_dir=tmp_path / "seed",
        load_on_startup=False,
        migrate_on_startup=True,
        # Jobs and requests annotate in the test process on the session's model;
        # tests/ingest covers the job pools, test_annotation_processes the request's.
        workers=0,
        annotation_processes=0,
        api_keys=TEST_KEY,
    )


@pytest.fixture
def make_client(settings, nlp):
    """Build a client for an app on the test database; extra settings override the defaults.

    The client sends the test key with every request unless `key=None` (or another key) is
    given; `peer` is the client address the app sees (TestClient's default is no IP address).
    """
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from app.main import create_app

    clients = []

    def make(*, key: str | None = TEST_KEY, peer: str = "testclient", **overrides):
        if "api_keys" in overrides:
            overrides["api_keys"] = SecretStr(overrides["api_keys"])
        app = create_app(settings.model_copy(update=overrides), nlp=nlp)
        client = TestClient(app, raise_server_exceptions=False, client=(peer, 50000))
        if key is not None:
            client.headers["Authorization"] = f"Bearer {key}"
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def cli_env(monkeypatch, database_url, nlp):
    """`python -m app` (`app.cli.main`) on the test database, jobs in this process."""
    import logging

    from app import config
    from app.annotate import nlp as nlp_module
    from app.logs import StderrHandler

    monkeypatch.setenv("GAZETTE_DATABASE_URL", database_url)
    monkeypatch.setenv("GAZETTE_WORKERS", "0")
    monkeypatch.delenv("GAZETTE_BROKER_URL", raising=False)
    config.get_settings.cache_clear()
    # The model is already loaded for the test session; loading it again would only cost time.
    monkeypatch.setattr(nlp_module, "load_nlp", lambda: nlp)
    # The command runs in a process of its own, where no app has installed the service's log
    # handler: one an app of an earlier test installed must not write into its output.
    root = logging.getLogger()
    service_handlers = [h for h in root.handlers if isinstance(h, StderrHandler)]
    monkeypatch.setattr(root, "handlers", [h for h in root.handlers if h not in service_handlers])
    yield database_url
    config.get_settings.cache_clear()


def seed_document() -> bytes:
    return next(SEED_DIR.glob("*.txt")).read_bytes()


def wait_until_ready(client, timeout: float = 60.0) -> dict:
    """Poll /ready until the startup load is done and a model is loaded to annotate with."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        body = client.get("/ready").json()
        if (body["ready"] and body["annotator_ready"]) or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


@contextmanager
def live_server(app: Any, **config: Any) -> Iterator[int]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yield the port.

    `config` goes to `uvicorn.Config` (the app's lifespan runs unless `lifespan="off"`).
    """
    import asyncio
    import socket
    import threading
    import time

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, **{"log_level": "warning", **config}))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])))
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()

"""A real outage: a throwaway Postgres cluster on its own port, stopped and started again.

The test makes its own cluster (initdb + pg_ctl) in a temporary folder on port 5441, so it
never touches the server the rest of the suite uses. It is skipped, saying why, where the
Postgres server binaries are not installed.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.api.test_hostile import ARTICLE

PORT = 5441


def _server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


class ThrowawayCluster:
    """A Postgres cluster in a temporary folder, run as the `postgres` user under root."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="gazette-pg-"))
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:  # initdb refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {PORT} -k {self.root} -c listen_addresses=127.0.0.1"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def cluster():
    bin_dir = _server_binaries()
    if bin_dir is None:
        pytest.skip("Postgres server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root needs runuser to start Postgres as the postgres user")
    cluster = ThrowawayCluster(bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def _wait_ready(client, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/ready")
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def test_a_stopped_database_is_a_503_and_recovers_by_itself(cluster, make_client, caplog):
    client = make_client(database_url=cluster.url, db_connect_timeout=2)
    assert client.post("/articles", json={"text": ARTICLE, "id": "kept"}).status_code == 201
    assert client.get("/ready").status_code == 200

    cluster.stop()
    for _ in range(3):
        for url in ("/articles", "/articles/kept", "/entities", "/quotes", "/links"):
            started = time.monotonic()
            response = client.get(url)
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"]
            assert response.headers["content-type"].startswith("application/problem+json")
            assert time.monotonic() - started < 10
    assert client.post("/articles", json={"text": ARTICLE + " Again."}).status_code == 503
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.json()["error"].startswith("database unavailable")
    assert client.get("/health").status_code == 200

    cluster.start()
    assert _wait_ready(client).status_code == 200
    assert client.get("/articles/kept").status_code == 200
    assert client.post("/articles", json={"text": ARTICLE + " Again."}).status_code == 201
    outages = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outages) == 1, [r.getMessage() for r in outages]
    assert not any(r.exc_info for r in caplog.records if r.name.startswith("app"))

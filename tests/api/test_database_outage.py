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
import signal
import subprocess
import tempfile
import threading
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

    def _processes(self) -> list[int]:
        """The postmaster and every server process under it."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        found, todo = [], [postmaster]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(OSError):
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                todo.extend(int(child) for child in children)
        return found

    def freeze(self) -> None:
        """Stop every server process where it stands: connections stay open, nothing answers."""
        for pid in self._processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._processes():
            os.kill(pid, signal.SIGCONT)

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


def test_a_frozen_database_costs_reads_a_503_and_never_holds_the_event_loop(cluster, make_client):
    client = make_client(
        database_url=cluster.url, db_connect_timeout=2, db_statement_timeout=2, db_pool_timeout=2
    )
    assert client.post("/articles", json={"text": ARTICLE, "id": "kept"}).status_code == 201
    assert client.get("/articles/kept").status_code == 200

    cluster.freeze()
    try:
        answers: list = []
        reader = threading.Thread(target=lambda: answers.append(client.get("/articles/kept")))
        reader.start()
        time.sleep(0.5)  # the read is waiting on the frozen server now
        # The event loop is free: liveness answers while the read waits (it would wait for
        # the whole freeze if the read held the loop).
        health: list = []
        poll = threading.Thread(target=lambda: health.append(client.get("/health")))
        poll.start()
        poll.join(1.5)
        assert health and health[0].status_code == 200
        reader.join(30)
        assert answers and answers[0].status_code == 503, answers and answers[0].text
        assert answers[0].headers["retry-after"]
        assert "did not answer" in answers[0].json()["detail"]
    finally:
        cluster.thaw()
    deadline = time.monotonic() + 30
    while (response := client.get("/articles/kept")).status_code != 200:
        assert response.status_code == 503 and time.monotonic() < deadline, response.text
        time.sleep(0.5)

"""Overload: N concurrent annotations at the size cap against a live server.

Starts `python -m app serve` (as `make run` does, with its connection limits) on PORT with a throwaway SQLite store,
posts N documents of synthetic prose at GAZETTE_MAX_DOCUMENT_CHARS to /annotate at once
while polling /health, and prints each status, the slowest /health and the peak resident
memory of the server and its processes (the annotation processes among them) together. The figures to hold: every answer 200 or 429/503, /health under 2 s,
peak RSS under 1.5 GB.

    .venv/bin/python bench/overload_bench.py [PORT] [N] [KIND]    # KIND: prose | lines
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serve import wait_until_up  # noqa: E402

PARAGRAPH = (
    "The council of Northbridge approved a budget of 4.2 million pounds on Tuesday, the "
    'mayor, Alice Romero, said. "We have listened to residents," she told reporters outside '
    "the town hall, adding that the plan would fund new schools and roads.\n\n"
    "Opposition leader Tom Baker of the Green Party said the vote was rushed. According to "
    "the Ministry of Finance, spending will rise by 3% by March 2025.\n\n"
)


def document(kind: str, chars: int) -> str:
    if kind == "lines":
        return "x\n" * (chars // 2)
    return (PARAGRAPH * (chars // len(PARAGRAPH) + 1))[:chars]


def _status_mb(pid: int, field: str) -> float:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # the process has ended
        return 0.0
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def service_processes(pid: int) -> list[int]:
    """The server and every process under it (its annotation processes, job pool, ...)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return found


def total_rss_mb(pid: int) -> float:
    """Resident memory of the server and its processes together, now."""
    return sum(_status_mb(p, "VmRSS") for p in service_processes(pid))


def peak_rss_mb(pid: int) -> float:
    """The sum of each process's own peak: at least the peak of the service as a whole."""
    return sum(_status_mb(p, "VmHWM") for p in service_processes(pid))


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8401
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    kind = sys.argv[3] if len(sys.argv) > 3 else "prose"
    base = f"http://127.0.0.1:{port}"
    store = tempfile.mkdtemp()
    env = {
        **os.environ,
        "GAZETTE_DATABASE_URL": f"sqlite:///{store}/bench.db",
        "GAZETTE_LOAD_ON_STARTUP": "false",
        "GAZETTE_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/python"), "-m", "app", "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        wait_until_up(base, process=server)
        chars = int(env.get("GAZETTE_MAX_DOCUMENT_CHARS", "200000"))
        text = document(kind, chars)
        results: list[tuple[int, float]] = []
        health: list[float] = []
        done = threading.Event()

        def post() -> None:
            started = time.monotonic()
            response = httpx.post(
                f"{base}/annotate",
                content=text.encode(),
                headers={"content-type": "text/plain"},
                timeout=600,
            )
            results.append((response.status_code, time.monotonic() - started))

        totals: list[float] = []

        def poll() -> None:
            while not done.is_set():
                totals.append(total_rss_mb(server.pid))
                started = time.monotonic()
                try:
                    httpx.get(f"{base}/health", timeout=30)
                except httpx.HTTPError:
                    health.append(float("inf"))
                else:
                    health.append(time.monotonic() - started)
                time.sleep(0.2)

        poller = threading.Thread(target=poll)
        poller.start()
        started = time.monotonic()
        workers = [threading.Thread(target=post) for _ in range(n)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        done.set()
        poller.join()
        print(f"{n} x {kind} of {len(text):,} characters in {time.monotonic() - started:.1f} s")
        for status, seconds in sorted(results):
            print(f"  {status} after {seconds:.1f} s")
        print(f"/health: {len(health)} polls, slowest {max(health):.3f} s")
        processes = len(service_processes(server.pid))
        print(
            f"server alive: {server.poll() is None}; {processes} processes; RSS of them all "
            f"together peaked at {max(totals):.0f} MB (sampled with /health); the sum of each "
            f"one's own peak is {peak_rss_mb(server.pid):.0f} MB"
        )
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()

"""Bulk ingest against the model's own limit, the restart time, and memory per worker.

    python bench/ingest.py CORPUS.jsonl [--workers N] [--limit N] [--batch-size 16]
        [--database-url URL] [--port 8501] [--restarts 1]

In one run, over the same texts:
1. bare model: `nlp.pipe` of the pipeline Gazette loads (same components), `n_process=N`;
2. whole ingest: `python -m app load`'s path (a job in a fresh store, N pool processes:
   parse, entities, quotes, links, dates, storage, entity linking, link resolution);
3. restart: `python -m app serve` serving the stored corpus as its seed folder, from spawn until
   `/ready` answers 200 (every document found unchanged).
Prints both rates, the ratio (goal <= 1.25), the restart time (goal < 3 s) and the peak
resident memory of the pool's worker processes (goal < 500 MB). Both timings include
their processes' start and model load. `--database-url` names a Postgres database the
bench may wipe; by default the store is a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.annotate.decoding import normalize_text  # noqa: E402
from app.ingest.core import IngestDocument  # noqa: E402
from app.ingest.sources import iter_documents  # noqa: E402
from bench.serve import wait_until_up  # noqa: E402

RATIO_GOAL, RESTART_GOAL_S, RSS_GOAL_MB = 1.25, 3.0, 500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--restarts", type=int, default=1, help="restarts to time, one a line")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="gazette-ingest-bench-"))
    try:
        seed = workdir / "seed"
        seed.mkdir()
        corpus = seed / "corpus.jsonl"
        documents = _copy_corpus(args.corpus, corpus, limit=args.limit)
        url = args.database_url or f"sqlite:///{workdir / 'gazette.db'}"
        _fresh_store(url)
        print(f"{len(documents)} documents, {args.workers} processes, batch {args.batch_size}")

        bare_s = _bare_model(documents, workers=args.workers, batch_size=args.batch_size)
        print(f"bare nlp.pipe:  {bare_s:7.1f} s  {len(documents) / bare_s:6.1f} docs/s", flush=True)
        ingest_s, counts, rss_mb = _whole_ingest(
            url, corpus, workers=args.workers, batch_size=args.batch_size
        )
        print(
            f"whole ingest:   {ingest_s:7.1f} s  {len(documents) / ingest_s:6.1f} docs/s  {counts}"
        )
        ratio = ingest_s / bare_s
        print(f"ratio ingest / bare model: {ratio:.2f} (goal <= {RATIO_GOAL})")
        print(f"peak RSS of a pool worker: {rss_mb} MB (goal < {RSS_GOAL_MB} MB)")
        for _ in range(args.restarts):
            restart_s, counts = _restart(url, seed, port=args.port, workers=args.workers)
            print(f"restart over the stored corpus, spawn to ready: {restart_s:.2f} s "
                  f"(goal < {RESTART_GOAL_S} s)  {counts}")  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _copy_corpus(source: Path, target: Path, *, limit: int | None) -> list[IngestDocument]:
    with source.open("rb") as reader, target.open("wb") as writer:
        for n, line in enumerate(reader):
            if limit is not None and n >= limit:
                break
            writer.write(line)
    return [d for d in iter_documents([target]) if isinstance(d, IngestDocument)]


def _fresh_store(url: str) -> None:
    from sqlalchemy import create_engine, text

    from app.store.migrate import upgrade

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)


def _bare_model(documents: list[IngestDocument], *, workers: int, batch_size: int) -> float:
    from app.annotate.nlp import load_nlp

    started = time.perf_counter()
    nlp = load_nlp()
    texts = (normalize_text(d.text) for d in documents)
    for _doc in nlp.pipe(texts, batch_size=batch_size, n_process=workers):
        pass
    return time.perf_counter() - started


def _whole_ingest(
    url: str, corpus: Path, *, workers: int, batch_size: int
) -> tuple[float, dict[str, int], int]:
    from app.db import create_db_engine
    from app.ingest.loader import LoadState, load_paths
    from app.ingest.runners import make_runner

    engine = create_db_engine(url)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    runner = make_runner(engine=engine, broker_url="", workers=workers, max_tries=3)
    state = LoadState()
    try:
        load_paths(engine, [corpus], runner=runner, state=state, batch_size=batch_size)
    finally:
        runner.close()  # joins the pool's processes: their peak RSS is now counted below
    elapsed = time.perf_counter() - started
    engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss_mb = peak // 1024 if peak > before else -1  # -1: unknown (an earlier child was larger)
    return elapsed, dict(state.counts), rss_mb


def _restart(url: str, seed: Path, *, port: int, workers: int) -> tuple[float, dict[str, int]]:
    """Seconds from spawn to ready, and the startup load's counts (all `unchanged` unless
    the annotator changed since the ingest)."""
    env = {
        **os.environ,
        "GAZETTE_DATABASE_URL": url,
        "GAZETTE_SEED_DIR": str(seed),
        "GAZETTE_WORKERS": str(workers),
        "GAZETTE_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", interval=0.02, process=server)
        elapsed = time.perf_counter() - started
        return elapsed, httpx.get(f"http://127.0.0.1:{port}/ready").json()["counts"]
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())

"""Loading files and folders as one ingest job, with a tally for `/ready` and the CLI."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from app.ingest.core import IngestResult, Outcome
from app.ingest.jobs import OPEN, JobStatus, job_status, submit_job
from app.ingest.runners import Runner
from app.ingest.sources import iter_documents, list_files
from app.store.locking import exclusive
from app.store.maintenance import refresh_statistics

log = logging.getLogger(__name__)


@dataclass
class LoadState:
    """Progress of a load, safe to read from other threads."""

    total: int = 0
    done: int = 0
    finished: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[IngestResult] = field(default_factory=list)
    error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    job_id: str | None = None

    def follow(self, status: JobStatus) -> None:
        """Take the counts of the load's job."""
        with self._lock:
            self.total = status.total
            self.done = status.total - status.open
            self.counts = Counter(
                {k: n for k, n in status.counts.items() if k not in (*OPEN, "tried") and n}
            )
            self.problems = [
                IngestResult(Outcome(f["status"]), f["id"], f["origin"], f["reason"])
                for f in status.failures
            ]


def load_paths(
    engine: Engine,
    paths: Iterable[Path],
    *,
    runner: Runner,
    state: LoadState,
    batch_size: int = 16,
    origin: str = "load",
    on_progress: Callable[[LoadState], None] | None = None,
    poll: float = 0.2,
) -> LoadState:
    """Ingest every document under `paths` as one job and wait for it; bad files are
    reported in `state`, never raised."""
    files = list_files(paths)
    state.total = len(files)
    job = submit_job(engine, iter_documents(files), origin=origin, batch_size=batch_size)
    state.job_id = job.id
    runner.run(job)
    while True:
        # Counts only while it runs; the reasons are read once, when it is done.
        status = job_status(engine, job.id, max_failures=0)
        if not status.open:
            status = job_status(engine, job.id, max_failures=10_000)
        state.follow(status)
        if on_progress is not None:
            on_progress(state)
        if not status.open:
            break
        time.sleep(poll)
    for problem in state.problems:
        log.warning("%s %s: %s", problem.outcome.value, problem.origin, problem.reason)
    if state.counts[Outcome.created.value] + state.counts[Outcome.updated.value]:
        refresh_statistics(engine)
    state.finished = True
    return state


def start_background_load(
    engine: Engine, seed_dir: Path, *, runner: Runner, state: LoadState, batch_size: int
) -> threading.Thread:
    """Load the seed folder in a daemon thread, so the service answers at once.

    Several API processes on one store take turns (one lock across processes): the first
    annotates the folder, the others then find it unchanged.
    """

    def run() -> None:
        try:
            if not seed_dir.is_dir():
                log.warning("seed folder %s does not exist; nothing to load", seed_dir)
                state.finished = True
                return
            with exclusive(engine, "gazette:seed-load"):
                load_paths(
                    engine,
                    [seed_dir],
                    runner=runner,
                    state=state,
                    batch_size=batch_size,
                    origin="seed",
                )
            log.info("seed load finished: %s", dict(state.counts))
        except Exception as exc:  # the service must stay up even when the store is down
            log.exception("seed load failed")
            state.error = f"{type(exc).__name__}: {exc}"
            state.finished = True

    thread = threading.Thread(target=run, name="seed-loader", daemon=True)
    thread.start()
    return thread

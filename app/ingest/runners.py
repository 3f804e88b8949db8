"""Who works through the pieces of a job: a local pool, or the workers behind a broker.

Without a broker, pieces run in a pool of worker processes beside the service or the CLI
(each loads the model once), or, with `workers=0`, in the calling process on its own model.
With a broker, pieces are queued for `python -m app worker` processes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.engine import Engine

from app.config import DEFAULT_QUEUE_NAME
from app.ingest.jobs import SubmittedJob, work_with_retries
from app.metrics import collecting, observe_annotation_times

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)


class Runner(Protocol):
    def run(self, job: SubmittedJob) -> None:
        """Hand the job's pieces to workers and return at once."""

    def close(self) -> None:
        """Stop taking pieces (pieces under way are finished first where possible)."""


def make_runner(
    *,
    engine: Engine,
    broker_url: str,
    workers: int | None,
    max_tries: int,
    nlp: Language | None = None,
    queue_name: str = DEFAULT_QUEUE_NAME,
) -> Runner:
    """A broker runner on `queue_name` when `broker_url` is set, else a local pool of
    `workers` processes (None: one per CPU; 0: this process, on `nlp`)."""
    if broker_url:
        return BrokerRunner(broker_url, queue_name=queue_name)
    if workers is None:
        workers = os.cpu_count() or 1
    return LocalRunner(engine, workers=workers, max_tries=max_tries, nlp=nlp)


class BrokerRunner:
    def __init__(self, broker_url: str, *, queue_name: str = DEFAULT_QUEUE_NAME) -> None:
        from app.ingest.broker import make_broker

        self.broker = make_broker(broker_url)
        self.queue_name = queue_name

    def run(self, job: SubmittedJob) -> None:
        from app.ingest.broker import enqueue_piece

        for piece in job.pieces:
            enqueue_piece(self.broker, job.id, piece, queue_name=self.queue_name)

    def close(self) -> None:
        self.broker.close()


class LocalRunner:
    def __init__(
        self, engine: Engine, *, workers: int, max_tries: int, nlp: Language | None
    ) -> None:
        if workers == 0 and nlp is None:
            raise ValueError("running jobs in this process needs its model")
        self.engine, self.workers, self.max_tries, self.nlp = engine, workers, max_tries, nlp
        self._executor: Executor | None = None
        self._lock = threading.Lock()

    def run(self, job: SubmittedJob) -> None:
        for piece in job.pieces:
            self._submit(job.id, piece)

    def _submit(self, job_id: str, piece: Sequence[int], *, again: bool = True) -> None:
        executor = self._pool()
        future: Future[Any]
        if self.workers == 0:
            future = executor.submit(
                work_with_retries,
                self.engine,
                job_id,
                piece,
                nlp=self.nlp,  # type: ignore[arg-type]
                max_tries=self.max_tries,
            )
        else:
            url = self.engine.url.render_as_string(hide_password=False)
            future = executor.submit(_work_in_pool, url, job_id, list(piece), self.max_tries)

        def done(future: Future[Any]) -> None:
            exc = future.exception()
            if isinstance(exc, BrokenProcessPool) and again:
                # A worker process died (killed, out of memory): a new pool, the piece once
                # more; its documents' tries were counted, so a killer document gets parked.
                log.warning("a job worker process died; job %s piece goes to a new pool", job_id)
                self._reset(executor)
                self._submit(job_id, piece, again=False)
            elif exc is not None:
                log.error("job %s: a piece failed", job_id, exc_info=exc)
            elif self.workers:
                # Observed in the pool process; this process's /metrics reports them.
                observe_annotation_times(future.result() or ())

        future.add_done_callback(done)

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.workers == 0:
                    self._executor = ThreadPoolExecutor(1, thread_name_prefix="job")
                else:
                    self._executor = ProcessPoolExecutor(
                        self.workers, mp_context=multiprocessing.get_context("spawn")
                    )
            return self._executor

    def _reset(self, broken: Executor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=False)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


# --- in each pool or worker process ---------------------------------------------------------

_process: dict[str, Any] = {}


def process_resources(database_url: str) -> tuple[Engine, Language]:
    """This process's engine for `database_url` and its model, each made once, on first use."""
    if "nlp" not in _process:
        from app.annotate.entities import warm_up
        from app.annotate.nlp import load_nlp

        _process["nlp"] = load_nlp()
        warm_up()
    if _process.get("url") != database_url:
        from app.db import create_db_engine

        _process.update(url=database_url, engine=create_db_engine(database_url))
    return _process["engine"], _process["nlp"]


def _work_in_pool(
    database_url: str, job_id: str, positions: list[int], max_tries: int
) -> list[float]:
    """Work one piece in a pool process; the model and engine are loaded on its first piece.

    Returns the seconds each document of the piece took to annotate, for the service's
    metrics: this process's own registry is never scraped.
    """
    engine, nlp = process_resources(database_url)
    with collecting() as annotation_times:
        work_with_retries(engine, job_id, positions, nlp=nlp, max_tries=max_tries)
    return annotation_times

"""Annotation of the one document a request brings (`POST /annotate`, `POST /articles`):
in processes beside the service, or in threads of the service's own process.

A document at the size cap keeps a core busy for tens of seconds, and the pipeline holds
the interpreter lock for most of that time: annotated in the service's own process, it
starves the event loop, so that even `/health` waits. In processes of their own (the
default) the service only sends the text and receives the annotation, and the service
process needs no model at all. Threads on the service's model (`processes=0`) suit tests
and the smallest machines.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app.annotate.budget import check_work_budget
from app.annotate.types import Annotation
from app.errors import ServiceBusy
from app.metrics import observe_annotation

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Annotated:
    annotation: Annotation
    seconds: float


def annotate_within_budget(
    text: str, *, nlp: Language, published_at: date | None, max_tokens: int
) -> Annotated:
    """Annotate `text`, or raise `TooMuchWork` when it has more than `max_tokens` tokens."""
    from app.annotate.pipeline import annotate  # the model's library, on use

    started = time.perf_counter()
    check_work_budget(text, nlp=nlp, max_tokens=max_tokens)
    annotation = annotate(text, nlp=nlp, published_at=published_at)
    return Annotated(annotation, time.perf_counter() - started)


class Annotator:
    """Annotates documents in `processes` processes, each loading the model once when it
    starts; with `processes=0`, in threads on `nlp`.

    The caller bounds how many documents it hands over at once (the API's annotation
    slots); a document waits here only for a process to be free.
    """

    def __init__(self, *, processes: int, nlp: Language | None, max_tokens: int) -> None:
        if processes == 0 and nlp is None:
            raise ValueError("annotating in this process needs its model")
        self.processes, self.nlp, self.max_tokens = processes, nlp, max_tokens
        self._executor: Executor | None = None
        self._started: list[Future[Any]] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the processes now, so that the first request does not wait for a model."""
        if self.processes:
            self._started = self._warm(self._pool())

    @property
    def ready(self) -> bool:
        """Whether a document can be annotated without waiting for a model to load."""
        if not self.processes:
            return self.nlp is not None
        return any(f.done() and not f.exception() for f in self._started)

    def process_ids(self) -> list[int]:
        """The ids of the annotation processes started so far (none in thread mode)."""
        return [f.result() for f in self._started if f.done() and not f.exception()]

    async def annotate(self, text: str, *, published_at: date | None) -> Annotation:
        """The annotation of `text`; `TooMuchWork` over the budget, `ServiceBusy` when the
        process annotating it died (killed, or out of memory)."""
        executor = self._pool()
        try:
            future = self._submit(executor, text, published_at)
        except BrokenProcessPool:
            # A process died while idle: the pool is replaced and the document goes to it.
            self._reset(executor)
            executor = self._pool()
            future = self._submit(executor, text, published_at)
        try:
            result: Annotated = await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._reset(executor)
            log.error("an annotation process died while annotating a document")
            raise ServiceBusy(
                "The process annotating the document stopped (it may have run out of "
                "memory); try again shortly.",
                retry_after=5,
            ) from None
        observe_annotation(result.seconds)
        return result.annotation

    def _submit(self, executor: Executor, text: str, published_at: date | None) -> Future[Any]:
        if self.processes:
            return executor.submit(_annotate_in_process, text, published_at, self.max_tokens)
        # In the request's context (its id is on the log lines); the function is looked up
        # at each call, so that a test can stand in for the pipeline.
        return executor.submit(
            contextvars.copy_context().run,
            lambda: annotate_within_budget(
                text, nlp=self.nlp, published_at=published_at, max_tokens=self.max_tokens
            ),
        )

    def _pool(self) -> Executor:
        with self._lock:
            if self._executor is None:
                self._executor = self._new_executor()
            return self._executor

    def _new_executor(self) -> Executor:
        if not self.processes:
            return ThreadPoolExecutor(thread_name_prefix="annotate")
        return ProcessPoolExecutor(
            self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_load_model
        )

    def _warm(self, executor: Executor) -> list[Future[Any]]:
        """One call per process, so that each starts and loads its model now."""
        return [executor.submit(os.getpid) for _ in range(self.processes)]

    def _reset(self, broken: Executor) -> None:
        """Replace a pool a process of which died, starting its processes at once."""
        with self._lock:
            if self._executor is broken:
                self._executor = self._new_executor()
                self._started = self._warm(self._executor)
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


# --- in each annotation process ---------------------------------------------------------

_model: list[Language] = []


def _load_model() -> None:
    from app.annotate.entities import warm_up
    from app.annotate.nlp import load_nlp

    _model.append(load_nlp())
    warm_up()
    # Millions of objects that live as long as the process: out of the collector's sight.
    gc.collect()
    gc.freeze()


def _annotate_in_process(text: str, published_at: date | None, max_tokens: int) -> Annotated:
    return annotate_within_budget(
        text, nlp=_model[0], published_at=published_at, max_tokens=max_tokens
    )

"""Metrics of this process that no one application owns: the time annotation takes.

Annotation runs in the API process (`POST /annotate`, `POST /articles`, jobs with
`GAZETTE_WORKERS=0`), in the processes of the local job pool, and in broker workers. A
pool process's observations are collected while it works a piece (`collecting`) and
returned with the piece, so that the service observes them into its own registry
(`observe_annotation_times`). Broker workers (`python -m app worker`) are processes of
their own, often on other machines: their annotation time is not in the service's
`/metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from prometheus_client import REGISTRY, Histogram

# Annotation takes about 0.1-0.2 s of one core per news article, and tens of seconds for
# a document at the size cap (README, "Scaling out").
ANNOTATION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)

ANNOTATION_SECONDS = Histogram(
    "gazette_annotation_seconds",
    "Seconds of annotation per document (a batch's time divided among its documents).",
    buckets=ANNOTATION_BUCKETS,
    registry=REGISTRY,
)

_collected: ContextVar[list[float] | None] = ContextVar("gazette_annotation_times", default=None)


def observe_annotation(seconds: float, *, documents: int = 1) -> None:
    """Observe `documents` documents annotated together in `seconds`."""
    if documents <= 0:
        return
    each = seconds / documents
    times = [each] * documents
    observe_annotation_times(times)
    sink = _collected.get()
    if sink is not None:
        sink.extend(times)


def observe_annotation_times(times: Iterable[float]) -> None:
    """Observe per-document annotation times measured elsewhere (a pool process)."""
    for seconds in times:
        ANNOTATION_SECONDS.observe(seconds)


@contextmanager
def collecting() -> Iterator[list[float]]:
    """Collect the annotation times observed in this context, to send them to another process."""
    times: list[float] = []
    token = _collected.set(times)
    try:
        yield times
    finally:
        _collected.reset(token)

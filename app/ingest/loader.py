"""Loading documents through the one ingest function, with a tally for `/ready` and the CLI."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from sqlalchemy.engine import Engine

from app.ingest.core import IngestDocument, IngestResult, Outcome, ingest
from app.ingest.sources import SourceError, iter_documents, list_files

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

    def record(self, result: IngestResult) -> None:
        with self._lock:
            self.done += 1
            self.counts[result.outcome.value] += 1
            if result.outcome in (Outcome.skipped, Outcome.failed):
                self.problems.append(result)


def load_paths(
    engine: Engine,
    paths: Iterable[Path],
    *,
    nlp: Language,
    state: LoadState,
    batch_size: int = 16,
    on_result: Callable[[IngestResult], None] | None = None,
) -> LoadState:
    """Ingest every document under `paths`; bad files are reported in `state`, never raised."""
    files = list_files(paths)
    state.total = len(files)
    for result in ingest_with_errors(engine, iter_documents(files), nlp=nlp, batch_size=batch_size):
        state.record(result)
        if result.outcome in (Outcome.skipped, Outcome.failed):
            log.warning("%s %s: %s", result.outcome.value, result.origin, result.reason)
        if on_result is not None:
            on_result(result)
    state.total = max(state.total, state.done)
    state.finished = True
    return state


def ingest_with_errors(
    engine: Engine,
    items: Iterable[IngestDocument | SourceError],
    *,
    nlp: Language,
    batch_size: int,
) -> Iterator[IngestResult]:
    """`ingest`, with unreadable sources passed through as skipped results, in order."""
    batch: list[IngestDocument] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, SourceError):
            yield from ingest(engine, batch, nlp=nlp, batch_size=batch_size, seen=seen)
            batch = []
            yield IngestResult(Outcome.skipped, origin=item.origin, reason=item.reason)
        else:
            batch.append(item)
            if len(batch) >= batch_size:
                yield from ingest(engine, batch, nlp=nlp, batch_size=batch_size, seen=seen)
                batch = []
    yield from ingest(engine, batch, nlp=nlp, batch_size=batch_size, seen=seen)


def start_background_load(
    engine: Engine, seed_dir: Path, *, nlp: Language, state: LoadState, batch_size: int
) -> threading.Thread:
    """Load the seed folder in a daemon thread, so the service answers at once."""

    def run() -> None:
        try:
            if not seed_dir.is_dir():
                log.warning("seed folder %s does not exist; nothing to load", seed_dir)
                state.finished = True
                return
            load_paths(engine, [seed_dir], nlp=nlp, state=state, batch_size=batch_size)
            log.info("seed load finished: %s", dict(state.counts))
        except Exception as exc:  # the service must stay up even when the store is down
            log.exception("seed load failed")
            state.error = f"{type(exc).__name__}: {exc}"
            state.finished = True

    thread = threading.Thread(target=run, name="seed-loader", daemon=True)
    thread.start()
    return thread

"""Stateless annotation (`POST /annotate`): the pipeline, timed for the service's metrics."""

from __future__ import annotations

import time
from datetime import date

from spacy.language import Language

from app.annotate.pipeline import annotate
from app.annotate.types import Annotation
from app.metrics import observe_annotation


def annotate_text(text: str, *, nlp: Language, published_at: date | None) -> Annotation:
    """Annotate `text`; its annotation time is observed in `gazette_annotation_seconds`."""
    started = time.perf_counter()
    annotation = annotate(text, nlp=nlp, published_at=published_at)
    observe_annotation(time.perf_counter() - started)
    return annotation

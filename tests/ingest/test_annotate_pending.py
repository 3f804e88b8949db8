"""Annotating a batch: a document that fails fails alone, and the others are annotated once."""

from __future__ import annotations

from collections import Counter

import pytest

from app.annotate import pipeline
from app.ingest.core import IngestDocument, Pending, annotate_pending

pytestmark = pytest.mark.nlp

TEXTS = [
    "Harbour reopens\n\nThe harbour reopened on Monday, the port authority said.",
    "Budget passes\n\nThe council approved the budget, Mayor Helen Carter said.",
    "Bridge closes\n\nThe old bridge closed for repairs on Friday.",
    "Storm warning\n\nForecasters warned of a storm over the weekend.",
]


def _pending(texts: list[str]) -> list[Pending]:
    return [
        Pending(IngestDocument(text=text), text=text, article_id=f"a{n}", content_hash=str(n))
        for n, text in enumerate(texts)
    ]


@pytest.fixture
def built(monkeypatch):
    """Counts each text `build_annotation` is given; the bridge story makes it fail."""
    counts: Counter[str] = Counter()
    real = pipeline.build_annotation

    def counting(text, doc, **kwargs):
        counts[text] += 1
        if "bridge" in text:
            raise ValueError("no annotation for bridges")
        return real(text, doc, **kwargs)

    monkeypatch.setattr(pipeline, "build_annotation", counting)
    return counts


def test_a_failing_document_fails_alone_and_the_others_are_annotated_once(nlp, built):
    results = annotate_pending(_pending(TEXTS), nlp=nlp)
    assert [type(r).__name__ for r in results] == [
        "Annotation", "Annotation", "ValueError", "Annotation",
    ]  # fmt: skip
    assert str(results[2]) == "no annotation for bridges"
    for text, result in zip(TEXTS, results, strict=True):
        if not isinstance(result, Exception):
            assert result.text == text
    # Those annotated before the failure are kept; the rest, once more each, one by one.
    assert [built[text] for text in TEXTS] == [1, 1, 2, 1]


def test_a_batch_without_failures_is_annotated_once(nlp, built):
    texts = [t for t in TEXTS if "bridge" not in t]
    results = annotate_pending(_pending(texts), nlp=nlp)
    assert [r.text for r in results] == texts
    assert [built[text] for text in texts] == [1, 1, 1]

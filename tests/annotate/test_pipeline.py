"""The pipeline: every layer from one parse; a failing layer costs only itself."""

from __future__ import annotations

import pytest

from app.annotate import pipeline

pytestmark = pytest.mark.nlp

TEXT = (
    "Harbour reopens after storm\n\n"
    '"We are open again," harbour master Jane Doe said on Monday in Dover.\n\n'
    "READ MORE: Storm closes Dover harbour"
)


def test_every_layer_from_one_text(nlp):
    annotation = pipeline.annotate(TEXT, nlp=nlp)
    assert annotation.structure.title.text == "Harbour reopens after storm"
    assert {"Jane Doe", "Dover"} <= {e.name for e in annotation.entities}
    assert [q.text for q in annotation.quotes] == ["We are open again,"]
    assert [link.title for link in annotation.links] == ["Storm closes Dover harbour"]


def test_a_failing_layer_is_left_empty_and_the_others_kept(nlp, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(pipeline, "extract_entities", broken)
    annotation = pipeline.annotate(TEXT, nlp=nlp)
    assert annotation.entities == []
    assert annotation.quotes and annotation.quotes[0].speaker_key is None
    assert annotation.links and annotation.structure.paragraphs
    assert "entities layer failed" in caplog.text


def test_batches_give_what_single_documents_give(nlp):
    texts = [TEXT, "Budget passes\n\nThe council passed the budget, the mayor said."]
    batch = list(pipeline.annotate_many([pipeline.Document(t) for t in texts], nlp=nlp))
    assert batch == [pipeline.annotate(t, nlp=nlp) for t in texts]

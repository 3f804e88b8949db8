"""The pipeline: every layer from one parse; a failing layer costs only itself."""

from __future__ import annotations

import random

import pytest

from app.annotate import pipeline
from tests.annotate.counting import CountingDoc

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


# --- work stays linear ---------------------------------------------------------------------


FIRST_NAMES = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack"]
SURNAMES = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Walker"]


def name_lines(count: int) -> str:
    """A one-word capitalised name on every line, most of them different."""
    rng = random.Random(count)
    letters = "abcdefgh"
    return "\n".join(
        rng.choice(FIRST_NAMES) + "".join(rng.choices(letters, k=rng.randint(0, 3)))
        for _ in range(count)
    )


def people_in_one_sentence(count: int) -> str:
    rng = random.Random(count)
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" for _ in range(count)]
    return "Guests\n\n" + ", ".join(names) + " met on Monday."


@pytest.mark.parametrize(
    "make_text",
    [name_lines, people_in_one_sentence, lambda n: "Title\n\n" + '"Yes," she said.\n' * n],
    ids=["name-lines", "people-in-one-sentence", "short-quotes"],
)
def test_every_layer_reads_the_whole_text_a_bounded_number_of_times(nlp, make_text):
    def reads(count: int) -> int:
        text = make_text(count)
        doc = CountingDoc(nlp.vocab).from_bytes(nlp(text).to_bytes())
        CountingDoc.reads = 0
        annotation = pipeline.build_annotation(text, doc)
        assert annotation.entities or annotation.quotes
        return CountingDoc.reads

    assert reads(1_200) == reads(300) <= 10

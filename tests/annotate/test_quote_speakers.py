"""Speaker mentions of quotes, through the whole annotation pipeline."""

from __future__ import annotations

import pytest

from app.annotate.pipeline import annotate
from app.annotate.types import Quote, QuoteKind


def _quotes(nlp, text: str) -> list[tuple[Quote, str | None]]:
    annotation = annotate(text, nlp=nlp)
    names = {e.key: e.name for e in annotation.entities}
    return [(q, names.get(q.speaker_key or "")) for q in annotation.quotes]


def _quoted(nlp, text: str, words: str) -> tuple[Quote, str | None]:
    """The direct or partial quote holding `words`, with its speaker's name."""
    found = [
        (q, name)
        for q, name in _quotes(nlp, text)
        if q.kind is not QuoteKind.indirect and words in q.text
    ]
    assert found, [q.text for q, _ in _quotes(nlp, text)]
    return found[0]


def _mention(quote: Quote) -> str | None:
    return quote.speaker_mention.text if quote.speaker_mention else None


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention"),
    [
        # The pronoun's clause hangs from a verb whose subject names the same person.
        (
            "Harbour.\n\nMaria Okafor opened the meeting. Okafor has railed against what "
            "she calls \u201cthe harbour cartel\u201d for a decade.",
            "harbour cartel",
            "Okafor",
        ),
        (
            "Harbour.\n\nTom Reyes spoke next. Reyes said she was wrong and that he "
            "expects the board to \u201cput the harbour first.\u201d",
            "put the harbour first",
            "Reyes",
        ),
        # The same pronoun reporting itself: the outer one is the report.
        (
            "Harbour.\n\nTom Reyes spoke next. Nor, he said, did he ever promise "
            "anything that could be \u201cread as a guarantee\u201d to the council.",
            "read as a guarantee",
            "he",
        ),
        # A group or a document reporting what it calls something.
        (
            "Harbour.\n\nThe harbour commission met on Friday and pledged new rules as "
            "an answer to what it called \u201ca clear threat to the fishing fleet.\u201d",
            "a clear threat",
            "The harbour commission",
        ),
    ],
)
def test_a_pronoun_reporting_inside_a_clause_is_named_by_its_subject(nlp, text, words, mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) == mention


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention"),
    [
        # A relative clause or a "when" clause is its own act: its pronoun stays.
        (
            "Harbour.\n\nTom Reyes described the fleet, which he called "
            "\u201cthe oldest on the coast,\u201d to the council.",
            "the oldest on the coast",
            "he",
        ),
        # Someone else's subject above: the pronoun is not theirs.
        (
            "Harbour.\n\nTom Reyes spoke first. The commission says he called the fleet "
            "\u201cthe oldest on the coast.\u201d",
            "the oldest on the coast",
            "he",
        ),
        # The subject of the quotation's own words is nobody's report.
        (
            "Harbour.\n\nThe council met. \u201cIn line with this promise, the members of "
            "the council will begin work at once,\u201d they said in a statement.",
            "In line with this promise",
            "they",
        ),
    ],
)
def test_a_pronoun_keeps_its_mention_outside_a_report_of_its_own(nlp, text, words, mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) == mention

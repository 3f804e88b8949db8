"""Snippets mark the words a query matched, at their offsets in the text."""

from __future__ import annotations

from app.api.snippets import make_snippet
from app.store.search import parse_query, word_spans


def _marked_words(text: str, query: str) -> list[str]:
    snippet = make_snippet(text, parse_query(query))
    return [text[h.start : h.end] for h in snippet.highlights]


def test_a_word_is_marked_as_the_index_reads_it_alone():
    # Lower-cased whole, "ΟΔΟΣ.Α" ends its first word in "σ" (a letter follows the dot); the
    # index, like a query, lower-cases each word alone: "οδος".
    text = "Ο ΔΡΟΜΟΣ.Α και η ΟΔΟΣ.Β"
    assert [w for *_, w in word_spans(text)][1] == "δρομος"
    assert _marked_words(text, "δρομος") == ["ΔΡΟΜΟΣ"]
    assert _marked_words(text, "οδος") == ["ΟΔΟΣ"]


def test_marks_keep_their_offsets_through_folded_letters():
    text = "Łódź and STRASSE met Straße in the café, then İstanbul."
    for query, word in (("lodz", "Łódź"), ("strasse", "Straße"), ("cafe", "café")):
        assert word in _marked_words(text, query), query

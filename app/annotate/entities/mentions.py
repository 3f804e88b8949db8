"""The types every entity step shares: a mention, a group of surface forms, the article's token statistics."""

from __future__ import annotations

import string
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc

from app.annotate.ranges import Ranges
from app.annotate.types import EntityType

KEPT_LABELS = tuple(label.value for label in EntityType)


# Tie-break between equally supported labels: the order of `EntityType`.
LABEL_RANK = {label: i for i, label in enumerate(KEPT_LABELS)}


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


QUOTE_CHARS = "\"'“”‘’«»„‚`"


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    weight: int = 1  # votes this mention gives its label
    from_model: bool = True  # False for mentions this module adds


@dataclass
class _DocContext:
    """Token statistics of the whole article, gathered in one pass."""

    mid_sentence_caps: Counter[str]  # capitalised words not at a sentence start
    lower_words: frozenset[str]  # words written in lower case somewhere
    upper_lines: list[tuple[int, int]]  # lines in capitals (headlines, datelines)
    upper: Ranges  # the same, to ask whether a span lies in one
    text: str  # the article's text, read once: spaCy joins every token anew for `doc.text`
    # The model's entities of any label, as character offsets: `doc.ents` makes them anew.
    model_spans: list[tuple[int, int]]

    @classmethod
    def build(cls, doc: Doc, text: str) -> _DocContext:
        mid: Counter[str] = Counter()
        lower: set[str] = set()
        words = [tok.text for tok in doc]
        for i, t in enumerate(words):
            if t.islower():
                lower.add(t)
            elif (
                t[:1].isupper()
                and not doc[i].is_sent_start
                and (i == 0 or words[i - 1] not in QUOTE_CHARS + "(")
            ):
                mid[t] += 1
        upper_lines = []
        pos = 0
        for line in text.split("\n"):
            if _in_capitals(line):
                upper_lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        model_spans = [(e.start_char, e.end_char) for e in doc.ents]
        return cls(mid, frozenset(lower), upper_lines, Ranges(upper_lines), text, model_spans)


_NOT_ASCII_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_ASCII_LOWER = string.ascii_lowercase.encode()


def _in_capitals(line: str) -> bool:
    """Whether `line` has four letters or more, four in five of them capitals."""
    if line.isascii():  # most lines: counted as bytes, without a call per character
        ascii_letters = line.encode().translate(None, _NOT_ASCII_LETTERS)
        letters, capitals = len(ascii_letters), len(ascii_letters.translate(None, _ASCII_LOWER))
    else:
        alphabetic = "".join(filter(str.isalpha, line))
        letters, capitals = len(alphabetic), sum(map(str.isupper, alphabetic))
    return letters >= 4 and capitals >= 0.8 * letters


@dataclass
class _Group:
    label: str
    mentions: list[_Mention]
    forms: list[str]  # surface forms in order of first mention

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

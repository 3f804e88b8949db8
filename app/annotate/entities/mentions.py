"""The types every entity step shares: a mention, a group of surface forms, the article's token statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc

from app.annotate.document import Ranges
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
            letters = "".join(filter(str.isalpha, line))
            if len(letters) >= 4 and sum(map(str.isupper, letters)) >= 0.8 * len(letters):
                upper_lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        return cls(mid, frozenset(lower), upper_lines, Ranges(upper_lines), text)


@dataclass
class _Group:
    label: str
    mentions: list[_Mention]
    forms: list[str]  # surface forms in order of first mention

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)

"""The types every entity step shares: a mention, a group of surface forms, the article's token statistics."""

from __future__ import annotations

import string
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.tokens import Doc, Span

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


class _Lists:
    """The labels of the names in each list of the article (`Will Smith, Kevin Spacey and
    Keanu Reeves`), counted once for the whole article: a list of thousands of names is not
    read again for each of its names.

    A list is a coordination: its first name, and every name joined to it by `conj` links.
    """

    def __init__(self, doc: Doc, by_root: dict[int, str]) -> None:
        self._doc = doc
        self._by_root = by_root  # a mention's label, by the token its span is rooted in
        self._first: dict[int, int] = {}  # token -> the first token of its coordination
        self._labels: dict[int, Counter[str]] = defaultdict(Counter)
        for i, label in by_root.items():
            self._labels[self.first_of(i)][label] += 1

    def first_of(self, i: int) -> int:
        """The head of the coordination token `i` is in, climbing `conj` links; each link
        is climbed once in the whole article."""
        doc, path = self._doc, []
        while i not in self._first and doc[i].dep_ == "conj" and doc[i].head.i != i:
            path.append(i)
            i = doc[i].head.i
        first = self._first.get(i, i)
        for j in [*path, i]:
            self._first[j] = first
        return first

    def others(self, span: Span) -> Counter[str]:
        """The labels of the other names in the list of `span`, with their counts."""
        root = span.root.i
        others = self._labels[self.first_of(root)].copy()
        if root in self._by_root:
            others[self._by_root[root]] -= 1  # the name itself is no other name
        return +others  # only the labels some other name has

    def label(self, span: Span) -> str | None:
        """The label most of the other names in the list of `span` share, when at least
        two do and no more than one differs."""
        others = self.others(span)
        if not others:
            return None
        # Ties make no difference: two labels with as many names each leave more than
        # one name differing, or have fewer than two names each.
        label, count = others.most_common(1)[0]
        return label if count >= 2 and sum(others.values()) - count <= 1 else None

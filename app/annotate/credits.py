"""Photo credits in running text: who took a picture is not someone the article mentions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.annotate.document import _CREDIT_LABEL, _names_agency
from app.annotate.types import Structure

# `(Photo: Jane Doe)`, `Photograph: Jane Doe/Reuters`, `Picture by Jane Doe`: the label,
# then capitalised words (and slashes between them) up to the first other character.
_NAME_WORD = r"(?:[A-Z]\.|[A-Z][\w'’\-]*)"
_NAME_RUN = _NAME_WORD + r"(?:(?: |/)" + _NAME_WORD + ")*"
_LABELLED_CREDIT = re.compile(r"\b" + _CREDIT_LABEL + "(" + _NAME_RUN + ")")
# `Jane Doe/AFP`, `AFP/Jane Doe`, `Reuters/Jane Doe`: names on both sides of a slash.
_SLASH_CREDIT = re.compile(
    rf"(?<![\w/.])({_NAME_WORD}(?: {_NAME_WORD}){{0,3}})/({_NAME_WORD}(?: {_NAME_WORD}){{0,3}})(?![\w/])"
)
# A run of the characters a word of a name is made of, and where such a word may start.
_NAME_RUN = re.compile(r"[\w'’\-]+")
_NAME_START = re.compile(r"(?<![\w/.])[A-Z]")


def photo_credits(text: str, structure: Structure) -> list[tuple[int, int]]:
    """Where the text credits a picture, as sorted (start, end) ranges: an image's credit,
    a labelled credit anywhere (`(Photo: Jane Doe)`, `Photograph: Jane Doe`), and a
    name paired with an agency across a slash (`Jane Doe/AFP`, `PRESS/Jane Doe`). Those
    named there took the picture; the article does not mention them."""
    ranges = [(i.credit.start, i.credit.end) for i in structure.images if i.credit is not None]
    for match in _LABELLED_CREDIT.finditer(text):
        ranges.append(match.span(1))
    for match in _slash_credits(text):
        left, right = match.group(1), match.group(2)
        if any(_agency_like(side) for side in (left, right)):
            ranges.append(match.span())
    return sorted(ranges)


def _slash_credits(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_SLASH_CREDIT` in `text`, as `finditer` gives them, in time linear
    in the text.

    Tried at each capital that may start a name, the pattern reads the first word on to
    the end of its run of word characters, so a long run with a capital after every
    hyphen (`A-B-C-D...`) took time quadratic in its length. From any capital of a run
    the pattern goes on alike after the run's end, but for an initial (`P.`) closing
    it: only the first capital is tried, then that initial. A text without a slash, as
    most are, has no match to look for.
    """
    if "/" not in text:
        return
    pos = 0  # matches do not overlap: the next one starts where the last ended
    for run in _NAME_RUN.finditer(text):
        end = run.end()
        if end <= pos:
            continue
        first = _NAME_START.search(text, max(run.start(), pos), end)
        if first is None:
            continue
        starts = [first.start()]
        if (
            first.start() < end - 1
            and text.startswith(".", end)
            and _NAME_START.match(text, end - 1)
        ):
            starts.append(end - 1)
        for start in starts:
            match = _SLASH_CREDIT.match(text, start)
            if match is not None:
                yield match
                pos = match.end()
                break


def _agency_like(name: str) -> bool:
    """`AFP`, `Getty Images`, `EPA-EFE`, `PRESS`: a photo agency's name, or one in capitals."""
    letters = name.replace(" ", "").replace("-", "")
    return _names_agency(name) or (letters.isalpha() and letters.isupper() and len(letters) >= 2)

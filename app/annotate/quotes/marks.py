"""Pairing quotation marks, paragraph by paragraph, with a scan that never gives up.

Only double marks delimit quotations: single marks are too often apostrophes
(don't, Reuters', ’90s) to be told apart cheaply and safely. A doubled
apostrophe ('') counts as a double mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Typewriter-style pairs ('' and ``) are how some archives (the NYT's) spell double marks.
OPENING = frozenset(["“", "„", "‟", "«", "``"])
CLOSING = frozenset(["”", "»"])
MARKS = frozenset('"“”„‟«»')
_MARK_RE = re.compile("''|``|[\"“”„‟«»]")
# What may stand before an opening mark, and after a closing one.
_BEFORE_OPEN = frozenset("([{—–-/:")
_AFTER_CLOSE = frozenset(",.;:!?)]}—–-…/'’")


@dataclass
class MarkedQuote:
    """Text between a pair of quotation marks (or up to where an unclosed one must end)."""

    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark, None when never closed
    start: int  # content, marks and surrounding spaces excluded
    end: int
    paragraph: int  # index into the paragraph list the quote starts in
    continues: bool = False  # re-opened in a following paragraph (a multi-paragraph quote)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: the non-blank lines, trimmed (a line of an article never runs on)."""
    out = []
    at = 0
    for line in text.split("\n"):
        start, end = at, at + len(line)
        at = end + 1
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append((start, end))
    return out


def _looks_opening(text: str, i: int, j: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[j] if j < end else " "
    return (before.isspace() or before in _BEFORE_OPEN or before in OPENING) and not after.isspace()


def _looks_closing(text: str, i: int, j: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[j] if j < end else " "
    return (after.isspace() or after in _AFTER_CLOSE or after in CLOSING) and not before.isspace()


def _glued_opening(text: str, i: int, j: int, end: int) -> bool:
    """A mark glued between a sentence's end and the next word ('he said."We ...'): it
    opens a quotation when none is open (and closes the open one otherwise)."""
    return i > 0 and text[i - 1] in ".!?" and j < end and text[j].isalpha()


def _content(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in MARKS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in MARKS):
        end -= 1
    return start, end


def pair_marks(text: str, paragraphs: list[tuple[int, int]]) -> list[MarkedQuote]:
    """Quotations of `text`, marks paired within each paragraph.

    A mark is read as opening or closing from its glyph, its neighbours and
    whether a quotation is open. An opening mark met while a quotation is
    open ends that quotation there; a closing mark met while none is open is
    dropped; a quotation still open at the end of its paragraph runs to that
    end, and is marked `continues` when the next paragraph re-opens with a mark.
    """
    quotes: list[MarkedQuote] = []
    for p, (pstart, pend) in enumerate(paragraphs):
        open_at: int | None = None
        open_end = 0
        for match in _MARK_RE.finditer(text, pstart, pend):
            i, j = match.span()
            glyph = match.group()
            opening = _looks_opening(text, i, j, pstart, pend)
            closing = _looks_closing(text, i, j, pstart, pend)
            if open_at is None:
                # Only a mark placed as an opening one starts a quotation: a stray
                # closing mark, a free-standing one or inches (5'10") do not.
                if (
                    opening
                    or (glyph in OPENING and not closing)
                    or _glued_opening(text, i, j, pend)
                ):
                    open_at, open_end = i, j
                continue
            if opening and not closing and glyph not in CLOSING:
                # A quotation left unclosed: it ends where the next one opens.
                start, end = _content(text, open_end, i)
                if end > start:
                    quotes.append(MarkedQuote(open_at, None, start, end, p))
                open_at, open_end = i, j
                continue
            start, end = _content(text, open_end, i)
            if end > start:
                quotes.append(MarkedQuote(open_at, i, start, end, p))
            open_at = None
        if open_at is not None:
            start, end = _content(text, open_end, pend)
            if end > start:
                following = paragraphs[p + 1][0] if p + 1 < len(paragraphs) else None
                continues = following is not None and _opens_with_mark(text, following)
                quotes.append(MarkedQuote(open_at, None, start, end, p, continues))
    return quotes


def _opens_with_mark(text: str, at: int) -> bool:
    match = _MARK_RE.match(text, at)
    return match is not None and match.group() not in CLOSING

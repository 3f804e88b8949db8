"""Article structure: title, standfirst, images, headings, paragraphs, READ MORE, source.

Published plain-text articles carry no markup, so structure is read from the
shape of the lines. Every non-empty line is one unit; the rules, in the order
they are applied:

- title: the first non-empty line, whatever its shape.
- source: a last line `Source: X` (only READ MORE lines may follow); the span is `X`.
- read_more: a line `READ MORE: X` (any case with `:` or a dash; in capitals a
  space is enough); the span is the linked title `X`, which may also stand on
  the next line after a bare `READ MORE:`.
- image: a caption line repeated by the next non-empty line, either of them
  maybe ending with a credit such as `(AFP)`, `(Photo: AA)` or `Photo: Jane
  Doe`; or, more conservatively, a single line ending with the parenthesised
  name of a photo agency. The caption span is the first occurrence without any
  credit; the credit span is the name alone.
- standfirst: the second line, when the title is a headline (no final full
  stop) and the line is a sentence that an image follows directly. The image
  marks where the body starts; without it a summary line cannot be told from
  the body's opening paragraph (as in wire or BBC copy), so it stays a
  paragraph. A title that is itself a sentence is the summary: no standfirst.
- heading: a short line (at most ten words, with a letter) without final
  punctuation, or a question of two words or more, or a phrase in quotation
  marks; it follows a blank line (when the text uses them) and stands between
  body text: a finished paragraph (or an image, a READ MORE line) before it
  and a paragraph opening with a capital after it. These checks keep out runs
  of short lines (fixtures, line-ups, lists), interview questions (`Q:`),
  rhetorical one-word questions, and the fragments left where a link was cut
  out of a sentence.
- paragraph: every other line.

Offsets are code points into the text given; every span is trimmed of
surrounding whitespace, including no-break spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.annotate.decoding import _is_space
from app.annotate.lexicon import CREDIT_WORDS, SMALL_WORDS
from app.annotate.types import Block, BlockKind, Image, Span, Structure

# --------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class _Line:
    """One non-empty line, trimmed, with its offsets into the whole text."""

    start: int
    end: int
    text: str
    blank_before: bool  # a blank line (or the start of the text) comes before it

    def span(self) -> Span:
        return Span(start=self.start, end=self.end, text=self.text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow `start:end` of `text` so it has no surrounding whitespace."""
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return start, end


def _span(text: str, start: int, end: int) -> Span | None:
    """The trimmed span `start:end` of `text`, or None when only whitespace is left."""
    start, end = _trim(text, start, end)
    return Span(start=start, end=end, text=text[start:end]) if start < end else None


def _split_lines(text: str) -> list[_Line]:
    """The non-empty lines of `text`, trimmed, noting which stand after a blank line."""
    raw: list[tuple[int, int] | None] = []  # None marks a blank line
    offset = 0
    for piece in text.split("\n"):
        start, end = _trim(text, offset, offset + len(piece))
        raw.append((start, end) if start < end else None)
        offset += len(piece) + 1
    lines = []
    for i, bounds in enumerate(raw):
        if bounds is None:
            continue
        start, end = bounds
        lines.append(
            _Line(
                start=start,
                end=end,
                text=text[start:end],
                blank_before=i == 0 or raw[i - 1] is None,
            )
        )
    return lines


# --------------------------------------------------------------------------- parts


@dataclass
class _Part:
    """A classified stretch of the text: one or two lines and what they are."""

    kind: BlockKind
    lines: list[_Line]
    span: Span  # the span recorded in `Structure` (READ MORE: the title only)
    credit: Span | None = None  # images only

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end


# --- source and READ MORE

_SOURCE = re.compile(r"sources?\s*:\s*", re.IGNORECASE)
# `READ MORE: X`, `Read more - X`, `READ MORE X`; a sentence such as "Read more
# about it in the report." has neither the separator nor the capitals.
_READ_MORE = re.compile(r"(?i:read\s+more)\s*[:\-\u2013\u2014]|READ\s+MORE(?=\s|$)")


def _source_span(text: str, line: _Line) -> Span | None:
    """`X` of a `Source: X` line."""
    match = _SOURCE.match(line.text)
    if not match:
        return None
    return _span(text, line.start + match.end(), line.end)


def _read_more_title(text: str, line: _Line) -> Span | None:
    """The linked title of a `READ MORE: X` line; None for other lines or a bare prefix."""
    match = _READ_MORE.match(line.text)
    if not match:
        return None
    return _span(text, line.start + match.end(), line.end)


def _is_bare_read_more(line: _Line) -> bool:
    """A `READ MORE:` line whose title is on the next line."""
    match = _READ_MORE.match(line.text)
    return match is not None and match.end() == len(line.text)


# --- images

# A trailing credit in parentheses: `... 2020. (AFP)`.
_MAX_PAREN_CREDIT_CHARS = 60
_PAREN_CREDIT = re.compile(rf"\(\s*([^()]{{1,{_MAX_PAREN_CREDIT_CHARS}}}?)\s*\)$")
# The label before a named credit: `Photo: Jane Doe/Reuters`, `(Photo by AA)`.
_CREDIT_LABEL = r"(?:Photo(?:graph)?|PHOTO|Picture|Image|Credit)s?(?: by|:)\s*"
_LABEL_CREDIT = re.compile(r"(?:(?<=\s)|^)" + _CREDIT_LABEL + r"([^\s].{0,60})$")
_LABEL_INSIDE = re.compile(_CREDIT_LABEL, re.IGNORECASE)
_MIN_CAPTION_WORDS = 3
_MAXCREDIT_WORDS = 8
# A lone line needs a known agency in its credit, and a caption of modest length.
_MAX_LONE_CAPTION_WORDS = 60


@dataclass(frozen=True)
class _Caption:
    """A line seen as a caption: its text without credit, and the credit if any."""

    body: Span
    credit: Span | None
    known_credit: bool  # the credit names a photo agency or says `Photo:`


def _read_caption(text: str, line: _Line) -> _Caption:
    """Split a line into caption text and a trailing credit, when it has one."""
    for find, labelled in ((_paren_credit, False), (_LABEL_CREDIT.search, True)):
        match = find(line.text)
        if not match:
            continue
        credit_start = line.start + match.start(1)
        # `(Photo: AA)` credits `AA`: the label is not part of the name.
        if inner := _LABEL_INSIDE.match(match.group(1)):
            credit_start, labelled = credit_start + inner.end(), True
        credit = _span(text, credit_start, line.start + match.end(1))
        body = _span(text, line.start, line.start + match.start())
        if credit is None or body is None or len(credit.text.split()) > _MAXCREDIT_WORDS:
            continue
        return _Caption(body, credit, labelled or _names_agency(credit.text))
    return _Caption(line.span(), None, False)


def _paren_credit(line_text: str) -> re.Match[str] | None:
    """The match of `_PAREN_CREDIT` in `line_text`, or None.

    Searched from every `(`, the pattern backtracks through the spaces after it in
    time quadratic in their number. Its match can only start at the last `(`, and
    only when a short text without parentheses stands between it and the `)` ending
    the line, so it is tried there alone, and only then.
    """
    opening = line_text.rfind("(")
    inside = line_text[opening + 1 : -1]
    if (
        opening < 0
        or not line_text.endswith(")")
        or not inside
        or ")" in inside
        or len(inside.strip()) > _MAX_PAREN_CREDIT_CHARS
    ):
        return None
    return _PAREN_CREDIT.match(line_text, opening)


def _names_agency(credit: str) -> bool:
    """Whether `credit` names a photo agency: `AFP`, `Handout via Reuters`, `AP Photo/Jo Lee`."""
    # The agency comes after `via`, and before the photographer's name after a slash.
    credit = re.split(r"\bvia\b", credit, flags=re.IGNORECASE)[-1].split("/")[0]
    words = [w for w in re.split(r"[\s,;&+\-\u2013]+", credit.lower()) if w]
    return bool(words) and all(w in CREDIT_WORDS for w in words)


def _squash(text: str) -> str:
    """Text compared loosely: runs of whitespace (no-break spaces too) as one space."""
    return " ".join(text.split())


def _repeated_caption(text: str, first: _Line, second: _Line) -> _Part | None:
    """An image from a caption line immediately repeated, with or without a credit. The
    repeat (three words or more) opens both lines alike: others' captions go unread."""
    if first.text.split(maxsplit=2)[:2] != second.text.split(maxsplit=2)[:2]:
        return None
    a, b = _read_caption(text, first), _read_caption(text, second)
    if len(a.body.text.split()) < _MIN_CAPTION_WORDS:
        return None
    # Either line may carry the credit; the repeat may differ only by it.
    if not {_squash(first.text), _squash(a.body.text)} & {
        _squash(second.text),
        _squash(b.body.text),
    }:
        return None
    return _Part(BlockKind.image, [first, second], a.body, a.credit or b.credit)


def _lone_caption(text: str, line: _Line) -> _Part | None:
    """An image from a single line ending with a photo agency's credit."""
    caption = _read_caption(text, line)
    if caption.credit is None or not caption.known_credit:
        return None
    words = len(caption.body.text.split())
    if not _MIN_CAPTION_WORDS <= words <= _MAX_LONE_CAPTION_WORDS:
        return None
    return _Part(BlockKind.image, [line], caption.body, caption.credit)


# --- standfirst and headings

_FINAL_PUNCTUATION = '.!?:;,\u201d"\u2026'
# Sentence ends, closing quotes included, for judging a heading's neighbours.
_SENTENCE_END = ".!?\u201d\"'\u2019\u2026"
_MAX_STANDFIRST_WORDS = 60
_MAX_HEADING_WORDS = 10
_MAX_HEADING_CHARS = 90
# Shorter lines, even when punctuated, are labels ("Playing colours:", "The Haka!").
_MIN_PARAGRAPH_WORDS = 6
# `Q:`, `RAMOS:`, `KATE SMITH:` opening a line of an interview or a transcript.
_SPEAKER_LABEL = re.compile(r"[A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*)*:\s")
# Share of lines after a blank line from which a text counts as blank-separated.
_MIN_BLANK_SHARE = 0.2
# A whole line in double quotation marks, with no quotation mark inside.
_QUOTED_PHRASE = re.compile(r'["\u201c]([^"\u201c\u201d]+)["\u201d]')
_BULLET = "-\u2013\u2014*\u2022\u00b7>("


def _is_sentence(line_text: str) -> bool:
    return line_text.endswith(tuple(_SENTENCE_END))


def _starts_like_sentence(line_text: str) -> bool:
    """Starts with a capital, a digit or a quotation mark: not a sentence's tail."""
    first = line_text[0]
    if first in _BULLET:
        return False
    letter = next((ch for ch in line_text if ch.isalnum()), "")
    return bool(letter) and not letter.islower()


def _looks_like_heading(line_text: str) -> bool:
    """Short, capitalised, and unpunctuated at the end (or a question)."""
    # A phrase in quotation marks (`“Red line”`) may head a section; a quoted
    # sentence or question is someone's words.
    if quoted := _QUOTED_PHRASE.fullmatch(line_text):
        line_text = quoted.group(1).strip()
        if line_text.endswith("?"):
            return False
    words = line_text.split()
    if len(words) > _MAX_HEADING_WORDS or len(line_text) > _MAX_HEADING_CHARS:
        return False
    # A bare number (an attendance, a score) or a tail of a sentence is no heading.
    if not _starts_like_sentence(line_text) or not any(ch.isalpha() for ch in line_text):
        return False
    # Two sentences are a paragraph, however short; an open quotation or a
    # speaker's label (`Q:`, `SMITH:`) belongs to a quote or a transcript.
    if re.search(r"[.!?]\s+\S", line_text) or _is_quote_or_transcript(line_text):
        return False
    if line_text.endswith("?"):
        # A lone "Why?" is a rhetorical question in the body.
        return len(words) > 1 and not line_text.endswith("??")
    if line_text.endswith(tuple(_FINAL_PUNCTUATION)) or line_text[-1] in "-\u2013\u2014":
        return False
    return words[-1].lower() not in SMALL_WORDS


def _is_quote_or_transcript(line_text: str) -> bool:
    """An unbalanced double quotation mark, or a speaker label in capitals."""
    straight = line_text.count('"') % 2 == 1
    curly = line_text.count("\u201c") != line_text.count("\u201d")
    return straight or curly or bool(_SPEAKER_LABEL.match(line_text))


def _is_complete_paragraph(part: _Part) -> bool:
    """A paragraph that is a whole sentence or more, not a short label or a fragment."""
    text = part.span.text
    return (
        part.kind is BlockKind.paragraph
        and _starts_like_sentence(text)
        and _is_sentence(text)
        and len(text.split()) >= _MIN_PARAGRAPH_WORDS
    )


def _is_heading(parts: list[_Part], i: int, *, blank_separated: bool, body_started: bool) -> bool:
    """Whether the paragraph `parts[i]` is really a heading between two paragraphs;
    `body_started` tells whether a paragraph comes before it."""
    part = parts[i]
    if part.kind is not BlockKind.paragraph or not _looks_like_heading(part.span.text):
        return False
    if i + 1 >= len(parts) or not body_started:
        return False  # a heading divides the body: text comes before it and after it
    line = part.lines[0]
    if blank_separated and not line.blank_before:
        return False
    before, after = parts[i - 1], parts[i + 1]
    if before.kind is BlockKind.heading or not _closes_section(before):
        return False
    if after.kind is BlockKind.image:
        # A section may open with a picture; the text after it must still follow.
        return i + 2 < len(parts) and _opens_section(parts[i + 2])
    return _opens_section(after)


def _closes_section(part: _Part) -> bool:
    """Whether a part can be the last one before a heading: not a broken-off sentence."""
    if part.kind is not BlockKind.paragraph:
        return True
    words = part.span.text.split()
    # Long lines without a full stop (an embedded post's date line) end a section too.
    return _is_complete_paragraph(part) or (
        len(words) > _MAX_HEADING_WORDS
        and words[-1].lower() not in SMALL_WORDS
        and not part.span.text.endswith((",", ":", ";", "-", "\u2013", "\u2014"))
    )


def _opens_section(part: _Part) -> bool:
    """Whether a part can be the first paragraph under a heading."""
    return _is_complete_paragraph(part) or (
        part.kind is BlockKind.paragraph
        and _starts_like_sentence(part.span.text)
        and len(part.span.text.split()) > _MAX_HEADING_WORDS
    )


def _is_standfirst(parts: list[_Part]) -> bool:
    """Whether `parts[1]` is a standfirst: a sentence between a headline and an image."""
    if len(parts) < 3 or parts[1].kind is not BlockKind.paragraph:
        return False
    # A title that is itself a full sentence is the summary: what follows is body.
    if parts[0].span.text.endswith((".", "!")):
        return False
    candidate = parts[1].span.text
    return (
        parts[2].kind is BlockKind.image
        and _is_sentence(candidate)
        and len(candidate.split()) <= _MAX_STANDFIRST_WORDS
    )


# --------------------------------------------------------------------------- parsing


def _classify_lines(text: str, lines: list[_Line]) -> Iterator[_Part]:
    """First pass: title, source, READ MORE and images; everything else a paragraph."""
    yield _Part(BlockKind.title, [lines[0]], lines[0].span())
    last = len(lines) - 1
    # The source line closes the article, though READ MORE lines may follow it.
    source_at = max(
        (i for i, line in enumerate(lines) if not _READ_MORE.match(line.text)), default=0
    )
    i = 1
    while i <= last:
        line = lines[i]
        nxt = lines[i + 1] if i < last else None
        source = _source_span(text, line) if i == source_at else None
        title = _read_more_title(text, line)
        if source is not None:
            yield _Part(BlockKind.source, [line], source)
        elif title is not None:
            yield _Part(BlockKind.read_more, [line], title)
        elif nxt is not None and _is_bare_read_more(line):
            yield _Part(BlockKind.read_more, [line, nxt], nxt.span())
            i += 1
        elif nxt is not None and (image := _repeated_caption(text, line, nxt)):
            yield image
            i += 1
        elif image := _lone_caption(text, line):
            yield image
        else:
            yield _Part(BlockKind.paragraph, [line], line.span())
        i += 1


def _mark_headings_and_standfirst(parts: list[_Part], lines: list[_Line]) -> None:
    """Second pass: re-label paragraphs that are the standfirst or headings."""
    if _is_standfirst(parts):
        parts[1].kind = BlockKind.standfirst
    # When the text separates paragraphs with blank lines (even only in places),
    # a heading must follow one: lines packed together are a list.
    blank_separated = sum(line.blank_before for line in lines[1:]) >= _MIN_BLANK_SHARE * len(lines)
    # Whether a paragraph comes before the part looked at, carried along rather than
    # looked for again at each part: a text of short lines has a candidate on every line.
    body_started = False
    for i, part in enumerate(parts):
        if _is_heading(parts, i, blank_separated=blank_separated, body_started=body_started):
            part.kind = BlockKind.heading
        body_started = body_started or part.kind is BlockKind.paragraph


def _block(text: str, part: _Part) -> Block:
    """The block of a part: images span their whole region, others their span."""
    if part.kind is BlockKind.image:
        start, end = part.start, part.end
    else:
        start, end = part.span.start, part.span.end
    return Block(kind=part.kind, start=start, end=end, text=text[start:end])


def parse_structure(text: str) -> Structure:
    """Split normalised `text` into its structural parts, with offsets."""
    lines = _split_lines(text)
    if not lines:
        return Structure()
    parts = list(_classify_lines(text, lines))
    _mark_headings_and_standfirst(parts, lines)

    structure = Structure(blocks=[_block(text, part) for part in parts])
    for part in parts:
        match part.kind:
            case BlockKind.title:
                structure.title = part.span
            case BlockKind.standfirst:
                structure.standfirst = part.span
            case BlockKind.image:
                structure.images.append(
                    Image(caption=part.span, credit=part.credit, start=part.start, end=part.end)
                )
            case BlockKind.heading:
                structure.headings.append(part.span)
            case BlockKind.paragraph:
                structure.paragraphs.append(part.span)
            case BlockKind.read_more:
                structure.read_more.append(part.span)
            case BlockKind.source:
                structure.source = part.span
    return structure


def not_article_text(structure: Structure) -> list[tuple[int, int]]:
    """What is not article text, as sorted (start, end) ranges: READ MORE lines, the Source
    line, and an image's region outside its caption and credit (a repeated caption, its
    residue). Every layer takes its exclusions from here."""
    ranges: list[tuple[int, int]] = []
    for block in structure.blocks:
        if block.kind in (BlockKind.read_more, BlockKind.source):
            ranges.append((block.start, block.end))
    ranges.extend((s.start, s.end) for s in structure.read_more)
    if structure.source is not None:
        ranges.append((structure.source.start, structure.source.end))
    for image in structure.images:
        kept = [(image.caption.start, image.caption.end)]
        if image.credit is not None:
            kept.append((image.credit.start, image.credit.end))
        pos = image.start
        for s, e in sorted(kept):
            if s > pos:
                ranges.append((pos, s))
            pos = max(pos, e)
        if pos < image.end:
            ranges.append((pos, image.end))
    return sorted(ranges)

"""Offsets for JavaScript: every span served in code points, or in UTF-16 code units.

Gazette stores and serves spans as code-point offsets into a text (Python's `str`
indexes). JavaScript strings index UTF-16 code units, in which a character outside the
Basic Multilingual Plane (most emoji, `𝕏`, CJK extension B) takes two: past the first such
character, `text.slice(start, end)` with code-point offsets cuts the wrong span. With
`offsets=utf16` a response's offsets are converted so that it cuts the same one.

A span's offsets belong to one text (an article's, or the posted one), which need not be
in the response: a search snippet's offsets are into its article's text. Callers pass the
text the offsets index; `convert` rewrites every span of a response part with it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pydantic_core
from fastapi import Query
from pydantic import BaseModel

OffsetUnit = Literal["codepoints", "utf16"]
OffsetsQuery = Annotated[
    OffsetUnit,
    Query(
        description="The unit of every `start`/`end` offset in the response: `codepoints` "
        "(Unicode code points, Python's `str` indexes; the default) or `utf16` (UTF-16 code "
        "units, JavaScript's string indexes: `text.slice(start, end)` gives the span). "
        "They differ once a text has a character outside the Basic Multilingual Plane "
        "(most emoji, `𝕏`, CJK extension B), which takes two UTF-16 units.",
    ),
]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def in_bmp(text: str) -> bool:
    """Whether every character of `text` is in the BMP: offsets are the same in both units."""
    return _ASTRAL.search(text) is None


def utf16_offsets(text: str) -> Callable[[int], int] | None:
    """The map from code-point offsets of `text` to UTF-16 offsets; None when they are equal.

    One pass (in the regex engine) finds the characters outside the BMP; an offset then
    moves right by the number of them before it. Text with none needs no conversion.
    """
    astral = [match.start() for match in _ASTRAL.finditer(text)]
    if not astral:
        return None
    return lambda offset: offset + bisect_left(astral, offset)


def convert(node: Any, text: str) -> None:
    """Rewrite in place every span in `node`, offsets into `text`, to UTF-16 offsets.

    `node` is a response model, a parsed JSON value, or a list of them; a span is any
    object in it with integer `start` and `end` (every offset pair the API serves is one).
    """
    if (to_utf16 := utf16_offsets(text)) is not None:
        _convert(node, to_utf16, set())


def convert_json(body: str, text: str) -> str:
    """`body` (a served JSON document, offsets into `text`) with UTF-16 offsets."""
    if (to_utf16 := utf16_offsets(text)) is None:
        return body
    document = pydantic_core.from_json(body)
    _convert(document, to_utf16, set())
    return pydantic_core.to_json(document).decode()


def _convert(node: Any, to_utf16: Callable[[int], int], seen: set[int]) -> None:
    kind = type(node)
    if kind is list:
        for item in node:
            _convert(item, to_utf16, seen)
    elif kind is dict:  # parsed JSON: a tree, each object reached once
        start, end = node.get("start"), node.get("end")
        if type(start) is int and type(end) is int:
            node["start"], node["end"] = to_utf16(start), to_utf16(end)
        for value in node.values():
            if type(value) is list or type(value) is dict:
                _convert(value, to_utf16, seen)
    elif isinstance(node, BaseModel):
        # Models may share a part (a statement and its segment, one speaker mention):
        # each is converted once however many times it is reached.
        if id(node) in seen:
            return
        seen.add(id(node))
        values = node.__dict__
        start, end = values.get("start"), values.get("end")
        if type(start) is int and type(end) is int:
            node.start, node.end = to_utf16(start), to_utf16(end)  # type: ignore[attr-defined]
        for value in values.values():
            if type(value) is list or isinstance(value, BaseModel):
                _convert(value, to_utf16, seen)

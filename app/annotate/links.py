"""Related links named in the article: READ MORE lines."""

from __future__ import annotations

import re

from app.annotate.types import Link, Structure

# A web address closing the line, bare or in brackets: "Title https://…" or "Title (https://…)".
_URL_START = re.compile(r"https?://")
_OPENING, _CLOSING = "(<[", ")>]"  # brackets around an address


def extract_links(structure: Structure) -> list[Link]:
    """One link for each READ MORE title, with its offsets and its URL when the line gives one."""
    links = []
    for span in structure.read_more:
        title, url = span.text, None
        found = _trailing_url(title)
        if found is not None and found[0] > 0:
            at, url = found
            title = title[:at].rstrip(" \u00a0-–—:|")
        links.append(Link(title=title, start=span.start, end=span.start + len(title), url=url))
    return links


def _trailing_url(line: str) -> tuple[int, str] | None:
    """The web address closing `line` (perhaps in brackets, perhaps before spaces), with
    where it starts, spaces and bracket before it included; None when the line ends
    otherwise.

    Read back from the end of the line, in time linear in its length: a pattern searched
    from every space of a long run of spaces before the end took time quadratic in it.
    """
    end = len(line.rstrip())
    if end and line[end - 1] in _CLOSING:
        end -= 1  # an address never holds a closing bracket: this one closes it
    # The address is the end of the run of characters without a space or closing bracket.
    run = end
    while run > 0 and not (line[run - 1].isspace() or line[run - 1] in _CLOSING):
        run -= 1
    match = _URL_START.search(line, run, end)
    if match is None or match.end() >= end:
        return None
    at = match.start()
    if at > 0 and line[at - 1] in _OPENING:
        at -= 1
    while at > 0 and line[at - 1].isspace():
        at -= 1
    return at, line[match.start() : end]

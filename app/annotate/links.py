"""Related links named in the article: READ MORE lines."""

from __future__ import annotations

import re

from app.annotate.types import Link, Structure

# A web address closing the line, bare or in brackets: "Title https://…" or "Title (https://…)".
_TRAILING_URL = re.compile(r"[\s\u00a0]*[(<\[]?(?P<url>https?://[^\s)>\]]+)[)>\]]?[\s\u00a0]*$")


def extract_links(structure: Structure) -> list[Link]:
    """One link for each READ MORE title, with its offsets and its URL when the line gives one."""
    links = []
    for span in structure.read_more:
        title, url = span.text, None
        match = _TRAILING_URL.search(title)
        if match is not None and match.start() > 0:
            title, url = title[: match.start()].rstrip(" \u00a0-–—:|"), match.group("url")
        links.append(Link(title=title, start=span.start, end=span.start + len(title), url=url))
    return links

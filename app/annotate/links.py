"""Related links named in the article: READ MORE lines."""

from __future__ import annotations

from app.annotate.types import Link, Structure


def extract_links(structure: Structure) -> list[Link]:
    """One link for each READ MORE title, with its offsets."""
    return [Link(title=span.text, start=span.start, end=span.end) for span in structure.read_more]

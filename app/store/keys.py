"""Normalised keys for matching names and titles regardless of typography."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\u00a0": " ",
    }
)  # fmt: skip
_NON_WORD = re.compile(r"[^\w]+")
_SLUG = re.compile(r"[^a-z0-9]+")


def text_key(text: str) -> str:
    """Case, accents, quote marks, dashes and punctuation folded away: a matching key."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    # Possessive and contracted forms keep their letters: "Egypt's" -> "egypts".
    text = text.replace("'", "")
    return _NON_WORD.sub(" ", text).strip()


# Key columns are indexed, so they are bounded: a longer key keeps its first characters.
TITLE_KEY_CHARS = 512
NAME_KEY_CHARS = 300


def title_key(title: str) -> str:
    """The matching key of an article or READ MORE title, as stored (at most 512 characters)."""
    return text_key(title)[:TITLE_KEY_CHARS]


def name_key(name: str) -> str:
    """The matching key of an entity name or alias, as stored (at most 300 characters)."""
    return text_key(name)[:NAME_KEY_CHARS]


def slugify(text: str, *, max_length: int = 80) -> str:
    """A URL-safe slug: lowercase ASCII words joined by hyphens."""
    slug = _SLUG.sub("-", text_key(text).replace("_", " ")).strip("-")
    return slug[:max_length].rstrip("-") or "article"

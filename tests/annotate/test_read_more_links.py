"""Tests for app.annotate.links: READ MORE titles and the web addresses closing them."""

from __future__ import annotations

import random
import re

import pytest

from app.annotate.document import parse_structure
from app.annotate.links import _trailing_url, extract_links

# The pattern the address was once searched with: time quadratic in a run of spaces.
SEARCHED = re.compile(r"[\s\u00a0]*[(<\[]?(?P<url>https?://[^\s)>\]]+)[)>\]]?[\s\u00a0]*$")


@pytest.mark.parametrize(
    ("line", "title", "url"),
    [
        ("Storm closes Dover harbour", "Storm closes Dover harbour", None),
        (
            "Storm closes harbour https://example.org/a",
            "Storm closes harbour",
            "https://example.org/a",
        ),
        (
            "Storm closes harbour (http://example.org/a)",
            "Storm closes harbour",
            "http://example.org/a",
        ),
        (
            "Storm closes harbour - <https://example.org/a>",
            "Storm closes harbour",
            "https://example.org/a",
        ),
        (
            "Storm closes harbour | [https://x.org/a?b=c]",
            "Storm closes harbour",
            "https://x.org/a?b=c",
        ),
        ("https://example.org/a", "https://example.org/a", None),  # nothing but the address
        ("Harbour https://example.org/a text", "Harbour https://example.org/a text", None),
    ],
)
def test_read_more_titles_and_addresses(line: str, title: str, url: str | None) -> None:
    text = f"Harbour reopens\n\nThe harbour reopened on Monday.\n\nREAD MORE: {line}"
    [link] = extract_links(parse_structure(text))
    assert (link.title, link.url) == (title, url)
    assert text[link.start : link.end] == link.title


def test_the_address_is_found_as_the_pattern_finds_it() -> None:
    rng = random.Random(11)
    pieces = ["http://", "https://", "http:/", "s", "a", "b.c", " ", "\u00a0", "\t", "\n"]
    pieces += ["(", ")", "<", ">", "[", "]", ":", "/", "-", "\u2003"]
    for _ in range(20_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        match = SEARCHED.search(line)
        expected = None if match is None else (match.start(), match.group("url"))
        assert _trailing_url(line) == expected, line


def test_an_address_after_a_long_run_of_spaces() -> None:
    # Searched from each of the spaces, the pattern read on through all the others.
    spaces = " " * 100_000
    text = (
        f"Harbour reopens\n\nREAD MORE: Storm{spaces}x\n\nREAD MORE: Storm{spaces}https://x.org/a"
    )
    first, second = extract_links(parse_structure(text))
    assert (first.title, first.url) == (f"Storm{spaces}x", None)
    assert (second.title, second.url) == ("Storm", "https://x.org/a")

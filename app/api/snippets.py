"""Snippets: the passage of a text that best shows why it matched a search, words marked.

The stores rank; this finds the words again in the served text, so the same code marks hits
on SQLite and Postgres. Words are compared with their accents folded, as both stores fold
them (`word_spans`: "Café" is marked for `cafe`); a word matches a query word when they share
a stem (Porter, as FTS5 stems, or Snowball English, as Postgres does); a phrase matches
consecutive words.
"""

from __future__ import annotations

import html
from functools import lru_cache
from itertools import islice
from typing import Any

from app.api.schemas import Snippet, TextSpan
from app.store.search import WORD, SearchQuery, Term, folded_in_place, word_spans


@lru_cache(maxsize=1)
def _stemmers() -> tuple[Any, ...]:
    """Porter (SQLite's FTS5) and Snowball English (Postgres): made on the first snippet, as
    importing the package loads the stemmers of every language it has."""
    import snowballstemmer

    return (snowballstemmer.stemmer("porter"), snowballstemmer.stemmer("english"))


_BEFORE = 8  # words of context before the first marked word
_WORDS = 32  # words in a passage


@lru_cache(maxsize=65536)
def _stems(word: str) -> frozenset[str]:
    return frozenset({word, *(stemmer.stemWord(word) for stemmer in _stemmers())})


def _hits(words: list[str], term: Term) -> list[tuple[int, int]]:
    """(first, last + 1) word indexes of every occurrence of `term` in `words`."""
    wanted = [_stems(w) for w in term.words]
    firsts = {w[:2] for w in term.words}
    found = []
    size = len(wanted)
    for i in range(len(words) - size + 1):
        if words[i][:2] not in firsts:  # a stem keeps the first letters of its word
            continue
        if all(_stems(words[i + k]) & wanted[k] for k in range(size)):
            found.append((i, i + size))
    return found


def make_snippet(text: str, query: SearchQuery, *, offset: int = 0) -> Snippet:
    """The best passage of `text` for `query`; offsets are into `text`, shifted by `offset`."""
    folded = folded_in_place(text)
    spans: list[tuple[int, int]] | None = None
    if folded is not None:  # the words found in C; offsets read below for those served
        words = WORD.findall(folded)
    else:
        found = word_spans(text)
        spans, words = [(start, end) for start, end, _ in found], [w for _, _, w in found]
    hits: list[tuple[int, int, int]] = []  # (first, end, term index)
    for n, term in enumerate(query.positive_terms()):
        hits.extend((first, end, n) for first, end in _hits(words, term))
    hits.sort()
    first = _best_start(hits)
    start_word = max(0, first - _BEFORE) if hits else 0
    end_word = min(len(words), start_word + _WORDS)
    inside = _marks(hits, start_word, end_word)
    if not words:
        return Snippet(text="", start=offset, end=offset, marked="", highlights=[])
    if spans is None:  # the offsets of the words up to the passage's end only
        spans = [m.span() for m in islice(WORD.finditer(folded or ""), end_word)]
    start, end = spans[start_word][0], spans[end_word - 1][1]
    marked, position = [], start
    for first_word, last_word in inside:
        a, b = spans[first_word][0], spans[last_word - 1][1]
        marked += [html.escape(text[position:a]), "<mark>", html.escape(text[a:b]), "</mark>"]
        position = b
    marked.append(html.escape(text[position:end]))
    return Snippet(
        text=text[start:end],
        start=start + offset,
        end=end + offset,
        marked=("…" if start > 0 else "") + "".join(marked) + ("…" if end < len(text) else ""),
        highlights=[
            TextSpan(
                start=spans[a][0] + offset, end=spans[b - 1][1] + offset,
                text=text[spans[a][0] : spans[b - 1][1]],
            )
            for a, b in inside
        ],
    )  # fmt: skip


def _best_start(hits: list[tuple[int, int, int]]) -> int:
    """The first word of the window holding the most distinct terms (longest phrase first)."""
    best, best_key = 0, None
    hits = hits[:200]
    for first, _end, _ in hits:
        within = [h for h in hits if first <= h[0] and h[1] <= first + _WORDS - _BEFORE]
        key = (len({h[2] for h in within}), max(h[1] - h[0] for h in within), -first)
        if best_key is None or key > best_key:
            best, best_key = first, key
    return best


def _marks(hits: list[tuple[int, int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The hits inside [start, end), overlapping ones merged, in order."""
    merged: list[tuple[int, int]] = []
    for first, last, _ in hits:
        if first < start or last > end:
            continue
        if merged and first < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged

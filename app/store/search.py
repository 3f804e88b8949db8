"""Full-text search: the query language, the index and the match conditions, on both stores.

One parser defines what a query means (web-search syntax: words are ANDed, `"exact phrase"`,
`OR` between two terms, `-excluded`); each store gets the same parsed query in its own
language. SQLite answers it with FTS5 tables (Porter stemming, BM25 ranking) kept by
`index_article` / `index_quotes` in the transaction of the write; Postgres with generated,
GIN-indexed `tsvector` columns (English stemming, `ts_rank_cd`), which it keeps itself.
Both drop the same English stop words from the terms of a query, and both fold accents
(`cafe` finds "Café", `café` finds "cafe"): Postgres through its `gazette_english` text
search configuration (`unaccent`, then the English stemmer), SQLite through `fold_accents`
applied to what it indexes and to the words of a query, with the same letters.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Double, cast, func, literal_column, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from app.errors import InvalidInput
from app.store.tables import Quote

ARTICLE_FTS = "article_fts"
QUOTE_FTS = "quote_fts"
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
# Postgres: the generated columns behind search, outside the models (they are not read as
# data), are `to_tsvector` of this configuration: English with accents folded first
# (migrations/versions/0010_search_accents.py makes it).
SEARCH_COLUMN = "search_vector"
TEXT_SEARCH_CONFIG = "gazette_english"
# Title words count more than body words (BM25 column weights; ts_rank_cd's A against B).
_TITLE_WEIGHT, _TEXT_WEIGHT = 4.0, 1.0

# Postgres's English stop words: dropped from the terms of a query on both stores, so that
# `the` means the same (nothing) everywhere.
_STOP_WORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which who
    whom this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'"(?P<phrase>[^"]*)(?P<closed>"?)|(?P<word>[^\s"]+)')

# Letters that Postgres's `unaccent` (its unaccent.rules) folds to other letters than their
# Unicode decomposition gives: strokes, ligatures, eth and thorn, sharp s, hooks.
_UNACCENT_PAIRS = """ÆAE ÐD ØO ÞTH ßss æae ðd øo þth ĐD đd ĦH ħh ıi ĸq ĿL ŀl ŁL łl ŊN ŋn ŒOE œoe
    ŦT ŧt ƀb ƁB ƂB ƃb ƇC ƈc ƉD ƊD ƋD ƌd ƐE ƑF ƒf ƓG ƕhv ƖI ƗI ƘK ƙk ƚl ƝN ƞn ƢOI ƣoi ƤP ƥp
    ƫt ƬT ƭt ƮT ƲV ƳY ƴy ƵZ ƶz ǤG ǥg ȡd ȤZ ȥz ȴl ȵn ȶt ȷj ȸdb ȹqp ȺA ȻC ȼc ȽL ȾT ȿs ɀz ɃB
    ɄU ɆE ɇe ɈJ ɉj ɌR ɍr ɎY ɏy ẞSS"""
_UNACCENT_LETTERS = {pair[0]: pair[1:] for pair in _UNACCENT_PAIRS.split()}
# Where `unaccent` strips what the decomposition adds to a letter: Latin and Greek letters
# (and Cyrillic ё); elsewhere (Cyrillic й, Arabic, Indic scripts) letters are left as they are.
_DECOMPOSED = ((0xC0, 0x250), (0x370, 0x400), (0x1E00, 0x2000))


def _fold_char(char: str) -> str:
    if char in _UNACCENT_LETTERS:
        return _UNACCENT_LETTERS[char]
    code = ord(char)
    if 0x300 <= code < 0x370:
        return ""  # a combining accent on its own
    if char not in "ёЁ" and not any(low <= code < high for low, high in _DECOMPOSED):
        return char
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base.isalnum() else char


class _Folding(dict[int, str]):
    """A `str.translate` table that folds each character the first time it is met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDING = _Folding()


def fold_accents(text: str) -> str:
    """`text` with accents folded as Postgres's `unaccent` folds them ("Straße" -> "Strasse").

    A letter only ever becomes letters, so words stay words.
    """
    return text if text.isascii() else text.translate(_FOLDING)


def words_of(text: str) -> list[str]:
    """The words of `text` as both stores index them: runs of letters and digits, lower-cased
    and with accents folded."""
    return [fold_accents(w.lower()) for w in WORD.findall(text)]


def folded_in_place(text: str) -> str | None:
    """`text` lower-cased with accents folded, if that keeps every character in its place
    (one character for one, as in almost every text); else None. Its words are then
    `words_of(text)`, at the offsets of `text`'s words."""
    if "Σ" in text:  # lower-cased by its context (final "ς" or "σ"), which a word alone lacks
        return None
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter lower-cased into two ("İ")
        return None
    if lowered.isascii():
        return lowered
    folded = fold_accents(lowered)
    if len(folded) != len(text) or any(
        len(_FOLDING[ord(c)]) != 1 for c in set(lowered) if not c.isascii()
    ):
        return None  # "ß" into "ss", a lone accent into nothing
    return folded


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Each word of `text` with its offsets: (start, end, word as `words_of` gives it)."""
    # Inline, not through fold_accents: every word of every snippet's text passes here.
    return [
        (m.start(), m.end(), w if (w := m.group().lower()).isascii() else w.translate(_FOLDING))
        for m in WORD.finditer(text)
    ]


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of consecutive words."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Clause:
    """Terms joined by OR; an excluded clause has a single term."""

    terms: tuple[Term, ...]
    excluded: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: every included clause must match, no excluded one may."""

    clauses: tuple[Clause, ...] = field(default_factory=tuple)

    @property
    def included(self) -> list[Clause]:
        return [c for c in self.clauses if not c.excluded]

    @property
    def excluded(self) -> list[Clause]:
        return [c for c in self.clauses if c.excluded]

    def positive_terms(self) -> list[Term]:
        """The terms a match may contain: what a snippet marks."""
        return [t for c in self.included for t in c.terms]


def parse_query(query: str) -> SearchQuery:
    """Parse web-search syntax; a malformed query raises InvalidInput naming the problem."""
    items: list[tuple[str, Term | None, int]] = []  # (kind, term, position): kind term|or|not
    for match in _TOKEN.finditer(query):
        position = match.start() + 1
        if match.group("word") is not None:
            raw = match.group("word")
            if raw == "OR":
                items.append(("or", None, position))
                continue
            excluded = raw.startswith("-") and len(raw) > 1
            words = tuple(words_of(raw[1:] if excluded else raw))
            if not words:
                continue  # punctuation alone: nothing to search for
            items.append(("not" if excluded else "term", Term(_drop_stop(words)), position))
        else:
            if not match.group("closed"):
                raise InvalidInput(
                    f"The query has an unbalanced quote: the phrase at character {position} "
                    "has no closing '\"'."
                )
            words = tuple(words_of(match.group("phrase")))
            if not words:
                raise InvalidInput(f"The query has an empty phrase at character {position}.")
            start = match.start()
            negated = query[start - 1 : start] == "-" and query[start - 2 : start - 1].strip() == ""
            items.append(("not" if negated else "term", Term(words), position))
    return _combine(items)


def _drop_stop(words: tuple[str, ...]) -> tuple[str, ...]:
    """Stop words leave a single word; inside a hyphenated word they stay (it is a phrase)."""
    if len(words) == 1 and words[0] in STOP_WORDS:
        return ()
    return words


def _combine(items: list[tuple[str, Term | None, int]]) -> SearchQuery:
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    for n, (kind, term, position) in enumerate(items):
        if kind == "or":
            previous = items[n - 1][0] if n else None
            following = items[n + 1][0] if n + 1 < len(items) else None
            if previous != "term" or following != "term":
                raise InvalidInput(
                    f"The query has an 'OR' at character {position} without a term on both "
                    "sides (write it between two words or phrases; an excluded term cannot "
                    "take part)."
                )
            joining = True
            continue
        assert term is not None
        if kind == "not":
            if term.words:
                excluded.append(term)
            continue
        if joining:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        joining = False
    included = [
        Clause(tuple(t for t in terms if t.words))
        for terms in clauses
        if any(t.words for t in terms)
    ]
    if not included:
        raise InvalidInput(
            "The query has no word to search for: it is empty, only excludes (-word), or only "
            "has words too common to index."
        )
    return SearchQuery(tuple(included) + tuple(Clause((t,), excluded=True) for t in excluded))


# --- Each store's query language ----------------------------------------------------------


def fts5_query(query: SearchQuery) -> str:
    """The query as an FTS5 MATCH expression (every word quoted: no operator can sneak in)."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"'

    def clause(c: Clause) -> str:
        inner = " OR ".join(term(t) for t in c.terms)
        return f"({inner})" if len(c.terms) > 1 else inner

    expression = " AND ".join(clause(c) for c in query.included)
    for c in query.excluded:
        expression = f"({expression}) NOT {clause(c)}"
    return expression


def tsquery(query: SearchQuery) -> str:
    """The query as a Postgres `to_tsquery('gazette_english', …)` expression."""

    def term(t: Term) -> str:
        return " <-> ".join(f"'{w}'" for w in t.words)

    def clause(c: Clause) -> str:
        inner = " | ".join(f"({term(t)})" for t in c.terms)
        return f"({inner})"

    parts = [clause(c) for c in query.included] + [f"!{clause(c)}" for c in query.excluded]
    return " & ".join(parts)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _to_tsquery(query: SearchQuery) -> Any:
    return func.to_tsquery(literal_column(f"'{TEXT_SEARCH_CONFIG}'"), tsquery(query))


def matching(session: Session, query: SearchQuery, *, table: str, id_column: Any) -> Any:
    """`select(id, score)` of the rows of `table` ('article' or 'quote') that match `query`."""
    if is_postgres(session):
        vector = literal_column(f"{table}.{SEARCH_COLUMN}")
        ts = _to_tsquery(query)
        # float8: a float4 reads back rounded, and a rounded cursor would repeat rows.
        score = cast(func.ts_rank_cd(vector, ts, literal_column("1")), Double)
        return select(id_column.label("id"), score.label("score")).where(vector.op("@@")(ts))
    fts, key = _fts(table)
    weights = (
        f"0.0, {_TITLE_WEIGHT}, {_TEXT_WEIGHT}" if table == "article" else f"0.0, {_TEXT_WEIGHT}"
    )
    # bm25() is lower for better matches; its negation orders like ts_rank_cd.
    score = -func.bm25(literal_column(fts), literal_column(weights))
    return (
        select(literal_column(f"{fts}.{key}").label("id"), score.label("score"))
        .select_from(text(fts))
        .where(literal_column(fts).op("MATCH")(fts5_query(query)))
    )


def _fts(table: str) -> tuple[str, str]:
    """The FTS5 table of `table` and its id column."""
    return (ARTICLE_FTS, "article_id") if table == "article" else (QUOTE_FTS, "quote_id")


def match_condition(
    session: Session, query: SearchQuery, *, table: str, id_column: Any
) -> ColumnElement[bool]:
    """The condition "this row matches `query`", for filtering without ranking."""
    if is_postgres(session):
        vector = literal_column(f"{table}.{SEARCH_COLUMN}")
        return vector.op("@@")(_to_tsquery(query))
    fts, key = _fts(table)
    return id_column.in_(
        select(literal_column(f"{fts}.{key}"))
        .select_from(text(fts))
        .where(literal_column(fts).op("MATCH")(fts5_query(query)))
    )


# --- Keeping the SQLite index --------------------------------------------------------------


def doc_key(row_id: str) -> int:
    """The FTS5 rowid of a stored row: a stable 63-bit hash of its string id."""
    return int.from_bytes(hashlib.blake2b(row_id.encode(), digest_size=8).digest(), "big") >> 1


def index_article(session: Session, *, article_id: str, title: str, body: str) -> None:
    """(Re)index one article, in the caller's transaction. Postgres keeps its own index.

    FTS5 stores the text with accents folded (its own `remove_diacritics` leaves strokes and
    ligatures: "Łódź", "Straße"); snippets are made from the article's text, not from this.
    """
    if is_postgres(session):
        return
    key = doc_key(article_id)
    session.execute(text(f"DELETE FROM {ARTICLE_FTS} WHERE rowid = :key"), {"key": key})
    session.execute(
        text(
            f"INSERT INTO {ARTICLE_FTS} (rowid, article_id, title, text) "
            "VALUES (:key, :id, :title, :text)"
        ),
        {"key": key, "id": article_id, "title": fold_accents(title), "text": fold_accents(body)},
    )


def unindex_article(session: Session, *, article_id: str) -> None:
    if not is_postgres(session):
        session.execute(
            text(f"DELETE FROM {ARTICLE_FTS} WHERE rowid = :key"), {"key": doc_key(article_id)}
        )


def index_quotes(session: Session, quotes: Iterable[dict[str, Any]]) -> None:
    """Index new quote rows (`id`, `text`), in the caller's transaction."""
    if is_postgres(session):
        return
    rows = [
        {"key": doc_key(q["id"]), "id": q["id"], "text": fold_accents(q["text"])} for q in quotes
    ]
    if rows:
        session.execute(
            text(f"INSERT INTO {QUOTE_FTS} (rowid, quote_id, text) VALUES (:key, :id, :text)"),
            rows,
        )


def unindex_article_quotes(session: Session, article_id: str) -> None:
    """Take an article's quotes out of the index, before its quote rows are deleted."""
    if is_postgres(session):
        return  # the generated column goes with the row
    quote_ids = session.scalars(select(Quote.id).where(Quote.article_id == article_id)).all()
    if quote_ids:
        session.execute(
            text(f"DELETE FROM {QUOTE_FTS} WHERE rowid = :key"),
            [{"key": doc_key(i)} for i in quote_ids],
        )


def is_search_object(name: str | None) -> bool:
    """Tables and columns of the search index, which the models leave out."""
    return bool(name) and (
        name == SEARCH_COLUMN
        or str(name).startswith((ARTICLE_FTS, QUOTE_FTS))
        or str(name).startswith("ix_")
        and str(name).endswith("_search")
    )

"""Resolving READ MORE links to stored articles by title, in both directions of time.

Titles are compared by `text_key` (case, accents, punctuation, quote marks and dashes
folded). Past an exact key match, a title matches when `title_similarity` reaches
`FUZZY_THRESHOLD`: the rapidfuzz `ratio` of the keys (0–100), provided every word
that differs is a small function word ("the", "in", ...) or a slip of one letter in a
word long enough that one letter does not make another word (not "Iran" for "Iraq").
"""

from __future__ import annotations

import math
from difflib import SequenceMatcher
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlalchemy import Row, func, select, update
from sqlmodel import Session

from app.annotate.lexicon import SMALL_WORDS
from app.store.tables import Article, RelatedLink
from app.store.versions import touch_articles_linking

# Measured by bench/link_threshold.py on the BBC corpus (2,095 distinct titles, seed 7).
# Positives: 16,760 titles edited as a READ MORE line may differ (quote and dash style,
# case, a small word dropped or added, a typo, trailing punctuation, two of these).
# Negatives: 10,981 titles of a different story (the nearest distinct BBC title; one
# content word, number or antonym replaced; a word replaced by another a letter away;
# the headline cut short or run on). Plain `ratio` cannot separate them: "Egypt's
# Parliament rejects military intervention in Libya" scores 92 against "... approves ...".
#   scorer            threshold  recall  false matches
#   ratio                 90      99.7%      30.0%
#   token_sort_ratio      90      99.4%      22.1%
#   ratio + word guard    60–88   97.2%       2.0%  (all: a word one letter from another)
#   ratio + word guard    90      96.9%       2.0%
#   ratio + word guard    95      84.6%       2.0%
# Past the guard no measured negative depends on the threshold and no positive scores
# below 86; 85 keeps all of them while refusing titles that differ by a pile of small
# words. The price of the guard is typos in short words: 82% of single typos resolve.
FUZZY_THRESHOLD = 85.0


def title_similarity(a: str, b: str) -> float:
    """Similarity of two title keys, 0–100: 0 when a differing word changes the story."""
    if a == b:
        return 100.0
    if not a or not b:
        return 0.0
    left, right = a.split(), b.split()
    blocks = SequenceMatcher(None, left, right, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in blocks:
        if op != "equal" and not _same_story(left[i1:i2], right[j1:j2]):
            return 0.0
    return float(fuzz.ratio(a, b))


def _same_story(left: list[str], right: list[str]) -> bool:
    """Whether two differing runs of words are only small words, spacing or slips."""
    if "".join(left) == "".join(right):  # "time warner" / "timewarner"
        return True
    left = [w for w in left if w not in SMALL_WORDS]
    right = [w for w in right if w not in SMALL_WORDS]
    return len(left) == len(right) and all(_is_slip(x, y) for x, y in zip(left, right, strict=True))


def _is_slip(x: str, y: str) -> bool:
    """A typo: one letter added, dropped, swapped or (in a long word) replaced."""
    if x == y:
        return True
    if any(c.isdigit() for c in x + y) or OSA.distance(x, y) != 1:
        return False
    if len(x) != len(y):
        return min(len(x), len(y)) >= 4  # "rise" / "rises", not "war" / "wars"... nor "a" / "at"
    if sorted(x) == sorted(y):
        return len(x) >= 4  # transposed letters: "form" / "from" is the price
    return len(x) >= 6  # one letter replaced: "militray" yes, "Iran" / "Iraq" no


def match_title(title_key: str, candidates: dict[str, str]) -> tuple[str, float] | None:
    """The id and score of the candidate (id -> title key) whose title is `title_key`."""
    if not title_key:
        return None
    for article_id, key in candidates.items():
        if key == title_key:
            return article_id, 100.0
    # `ratio` in C narrows the field; the word guard then decides, best first.
    shortlist = process.extract(
        title_key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=20
    )
    for key, _ratio, article_id in shortlist:
        score = title_similarity(title_key, key)
        if score >= FUZZY_THRESHOLD:
            return article_id, score
    return None


def resolve_outgoing(session: Session, links: list[RelatedLink], *, article_id: str) -> None:
    """Point each of an article's new links at the stored article its title names."""
    for link in links:
        found = match_title(
            link.title_key, _candidates(session, link.title_key, exclude=article_id)
        )
        if found is not None:
            link.target_article_id, link.match_score = found


def resolve_incoming(session: Session, article: Article) -> None:
    """Re-point other articles' links at `article` after it was stored or retitled.

    Links that pointed at it but no longer name it are matched against the rest of the
    store (another article may hold that title); then dangling links naming it point at it.
    """
    own = {article.id: article.title_key}
    pointed, lost = [], []
    for row in _pointing_at(session, article.id):
        found = match_title(row.title_key, own)
        if found is None:
            lost.append(row)
        else:
            _point(session, row.id, found)
            pointed.append(row.id)
    _rematch(session, lost, exclude=article.id)
    if article.title_key:
        pointed.extend(_point_dangling_at(session, article))
    touch_articles_linking(session, pointed)


def _point_dangling_at(session: Session, article: Article) -> list[str]:
    """Point the unresolved links naming `article` at it; their ids."""
    dangling = {
        row.id: row.title_key
        for row in session.execute(
            select(RelatedLink.id, RelatedLink.title_key).where(
                RelatedLink.target_article_id.is_(None),
                RelatedLink.article_id != article.id,
                _length_window(RelatedLink.title_key, article.title_key),
            )
        )
    }
    shortlist = process.extract(
        article.title_key, dangling, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
    )
    pointed = []
    for key, _ratio, link_id in shortlist:
        score = title_similarity(article.title_key, key)
        if score >= FUZZY_THRESHOLD:
            _point(session, link_id, (article.id, score))
            pointed.append(link_id)
    return pointed


def release_links(session: Session, *, article_id: str) -> None:
    """Before `article_id` is deleted: links to it move to another article with their title.

    A link with no other stored article of its title becomes unresolved.
    """
    _rematch(session, _pointing_at(session, article_id), exclude=article_id)


def _pointing_at(session: Session, article_id: str) -> list[Row[tuple[str, str, str]]]:
    return list(
        session.execute(
            select(RelatedLink.id, RelatedLink.article_id, RelatedLink.title_key).where(
                RelatedLink.target_article_id == article_id
            )
        ).all()
    )


def _rematch(session: Session, rows: list[Row[tuple[str, str, str]]], *, exclude: str) -> None:
    for row in rows:
        candidates = _candidates(session, row.title_key, exclude=exclude)
        candidates.pop(row.article_id, None)
        _point(session, row.id, match_title(row.title_key, candidates))
    touch_articles_linking(session, [row.id for row in rows])


def _candidates(session: Session, title_key: str, *, exclude: str) -> dict[str, str]:
    """Stored titles (id -> key) long enough and short enough to match `title_key`."""
    # Ordered, so that of two stored articles with one title the same one always wins.
    return dict(
        session.execute(
            select(Article.id, Article.title_key)
            .where(Article.id != exclude, _length_window(Article.title_key, title_key))
            .order_by(Article.id)
        ).all()
    )


def _length_window(column: Any, title_key: str) -> Any:
    """Keys whose length allows a `ratio` of FUZZY_THRESHOLD with `title_key`.

    `ratio` is 100 * (1 - distance / (len(a) + len(b))) and the distance is at least the
    difference in length, so lengths far apart can never match: SQL leaves them out.
    """
    share = FUZZY_THRESHOLD / 100
    length = len(title_key)
    low, high = math.floor(length * share / (2 - share)), math.ceil(length * (2 - share) / share)
    return func.length(column).between(low, high)


def _point(session: Session, link_id: str, found: tuple[str, float] | None) -> None:
    target, score = found if found is not None else (None, None)
    session.execute(
        update(RelatedLink)
        .where(RelatedLink.id == link_id)
        .values(target_article_id=target, match_score=score)
    )
    # The article making the link shows its target (and the target's title): its caller
    # gives that article a new version (`touch_articles_linking`), once for all it points.

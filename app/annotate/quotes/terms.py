"""Quoted words inside a reported clause: the source's own words, however few.

"The campaign is paying 'dozens' of canvassers, according to Jeff Weaver": alone, a word
or two in quotation marks no speech verb governs is a scare quote and left out; inside
a clause reported as someone's, the marks say those words are theirs. They are a partial
quote of that clause's speaker, grouped with it into one statement.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.tokens import Doc

from app.annotate.lexicon import NAMING_WORDS, WORK_KIND_NOUNS
from app.annotate.quotes.context import NESTED_CLAUSES, Attribution, QuoteContext, title_cased
from app.annotate.quotes.marks import MarkedQuote
from app.annotate.types import QuoteKind

# What may close a reported clause after the quoted words end it ('... a "walk-in".').
_CLOSING = " \"”’'.,;:!?)"


def quoted_terms(
    art: QuoteContext,
    left_out: list[tuple[MarkedQuote, tuple[int, int]]],
    found: list[Attribution],
) -> list[Attribution]:
    """A partial quote for each quotation in `left_out` (each with its token range, marks
    included) that lies inside a reported clause of `found` and names nothing where it
    stands, with that clause's speaker."""
    clauses = sorted(
        (f for f in found if f.kind is QuoteKind.indirect and f.speaker is not None),
        key=lambda f: f.start,
    )
    if not clauses:
        return []
    starts = [c.start for c in clauses]
    out = []
    for q, (first, last) in left_out:
        if q.close_at is None:
            continue
        i = bisect_right(starts, q.open_at) - 1
        around = None
        for clause in clauses[max(0, i - NESTED_CLAUSES) : i + 1]:  # those opening before it
            if _ends_within(art.text, q, clause):
                around = clause
        if around is None or around.start == q.start:
            continue  # a quotation opening the clause is no fragment of it
        if names_something_here(art.doc, first, last):
            continue
        item = Attribution(QuoteKind.partial, q.start, q.end, q.paragraph)
        item.cue, item.cue_lemma, item.speaker = around.cue, around.cue_lemma, around.speaker
        item.key = around.key
        out.append(item)
    return out


def _ends_within(text: str, q: MarkedQuote, clause: Attribution) -> bool:
    """The quotation ends inside the clause, or closes it with marks and punctuation."""
    if q.end <= clause.end:
        return True
    return not text[clause.end : q.end].strip(_CLOSING)


def names_something_here(doc: Doc, first: int, last: int) -> bool:
    """Quoted words that name something where they stand, not words anyone said: after
    "titled", "called"... or a kind of work ("the 1969 book 'The Tragedy of ...'"); a
    title-cased name owned by someone ("CNN's 'New Day'") or before a common noun ("the
    'Leave' campaign"); a nickname inside a name (Jesus "Chuy" Garcia); a work of art."""
    words = [t for t in doc[first + 1 : last] if t.is_alpha]
    if words and all(t.ent_type_ == "WORK_OF_ART" for t in words):
        return True
    i = first - 1
    while i >= 0 and (doc[i].is_punct or doc[i].is_space):
        i -= 1
    before = doc[i] if i >= 0 else None
    if before is not None and (
        before.lower_ in NAMING_WORDS or before.lemma_.lower() in WORK_KIND_NOUNS
    ):
        return True
    if not title_cased(doc, first, last):
        return False
    after = doc[last + 1] if last + 1 < len(doc) else None
    if before is not None and before.tag_ == "POS":
        return True
    if (
        after is not None
        and after.pos_ == "NOUN"
        and after.is_lower
        and not any(t.text in (",", "!", "?") for t in doc[first + 1 : last])
    ):
        return True  # a name has no clause inside it: 'an "Oh, no" moment' is words said
    return (
        before is not None
        and after is not None
        and before.pos_ == "PROPN"
        and after.pos_ == "PROPN"
        and i == first - 1
    )

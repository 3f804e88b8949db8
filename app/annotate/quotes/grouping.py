"""Quotes grouped into attributions: one id per statement, shared by all its segments.

Annotated corpora count statements (PolNeAR, one per cue and speaker act), while a
reader highlights segments. Segments of one statement share an `attribution_id`:
- the quotations of one cue (`"A," she said, "B."`);
- a quotation that goes on with its speaker's previous one without a cue of its own,
  later in its paragraph or at the head of the next one;
- a quoted fragment inside the reported clause around it;
- what a speaker is reported saying inside their own reported clause ("X said he ...
  the plan, which he called 'a mistake'").
Ids are `a1`, `a2`, ... in the order of each statement's first segment.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from app.annotate.lexicon import GENERIC_SPEAKERS
from app.annotate.quotes.context import NESTED_CLAUSES
from app.annotate.types import Quote, QuoteKind

# A sentence ends between two quotes: a full stop, question or exclamation mark (and the
# marks closing around it) before a space, or a line break.
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s|\n")


def assign_attributions(text: str, quotes: list[Quote]) -> list[Quote]:
    """`quotes` (in text order) with their `attribution_id` set."""
    groups: list[list[Quote]] = []
    by_cue: dict[int, int] = {}  # cue offset -> index of its group
    # The last group (in order of creation) holding a quotation, not only reported
    # clauses: kept as groups grow rather than looked for again at every quote.
    last_quoted = -1
    for quote in quotes:
        quoted = quote.kind != QuoteKind.indirect
        if quote.cue is not None:
            n = by_cue.get(quote.cue.start)
            if n is not None and all(_same_attribution(text, q, quote) for q in groups[n]):
                groups[n].append(quote)
                if quoted:
                    last_quoted = max(last_quoted, n)
                continue
            by_cue[quote.cue.start] = len(groups)
            groups.append([quote])
            if quoted:
                last_quoted = len(groups) - 1
            continue
        # The last quotation before it, past reported clauses lying between them.
        previous = groups[last_quoted][-1] if last_quoted >= 0 else None
        if (
            previous is not None
            and quote.kind == QuoteKind.direct
            and quote.speaker_mention is not None
            and previous.speaker_mention == quote.speaker_mention
            and _continues(text, previous, quote)
        ):
            groups[last_quoted].append(quote)
            continue
        groups.append([quote])
        if quoted:
            last_quoted = len(groups) - 1
    folded = _fold_nested(_fold_fragments(groups))
    folded.sort(key=lambda g: min(q.start for q in g))
    for n, group in enumerate(folded, 1):
        for quote in group:
            quote.attribution_id = f"a{n}"
    return quotes


def _fold_fragments(groups: list[list[Quote]]) -> list[list[Quote]]:
    """Quoted fragments inside a reported clause belong to that clause's attribution.

    A fragment belongs to the clause it opens in: the clause stops before the marks and
    punctuation closing a fragment at its end ('... to "help get eyes up,"').
    """
    clauses = [g for g in groups if any(q.kind == QuoteKind.indirect for q in g)]
    out = []
    for group in groups:
        if all(q.kind == QuoteKind.partial for q in group):
            start = min(q.start for q in group)
            around = [
                g
                for g in clauses
                if any(q.kind == QuoteKind.indirect and q.start <= start < q.end for q in g)
            ]
            if around:
                clause = min(around, key=lambda g: max(q.end for q in g) - min(q.start for q in g))
                voiced = next((q for q in clause if q.speaker_mention is not None), None)
                for quote in group:
                    if quote.speaker_mention is None and voiced is not None:
                        # A fragment no one was found saying is said by its clause's speaker.
                        quote.speaker_mention = voiced.speaker_mention
                        quote.speaker_key = voiced.speaker_key
                clause.extend(group)
                continue
        out.append(group)
    return out


def _fold_nested(groups: list[list[Quote]]) -> list[list[Quote]]:
    """A speaker's words reported inside their own reported clause are that statement.

    "Rubio said he has begun to unmask Trump, whom he called a 'con artist'": the
    quoted words of the inner cue lie in Rubio's reported clause and are his: one
    statement. Another person's words inside the clause ("X said Y called it '...'")
    stay a statement of their own. Clauses are looked up by binary search, among the
    few opening just before the words: an article of thousands of quotes is not read
    again for each one.
    """
    clauses = sorted(
        (q.start, q.end, q.speaker_key, n)
        for n, group in enumerate(groups)
        for q in group
        if q.kind == QuoteKind.indirect and q.speaker_key is not None
    )
    if not clauses:
        return groups
    starts = [c[0] for c in clauses]
    into: dict[int, int] = {}  # group -> the group it folds into
    for n, group in enumerate(groups):
        key = group[0].speaker_key
        if any(q.kind == QuoteKind.direct or q.speaker_key != key for q in group):
            continue
        if key is None and not all(_generic(q) for q in group):
            continue
        start, end = min(q.start for q in group), max(q.end for q in group)
        i = bisect_right(starts, start)
        best = None
        for c_start, c_end, c_key, m in clauses[max(0, i - NESTED_CLAUSES) : i]:
            if (
                m != n
                and (key is None or c_key == key)
                and end <= c_end + 2
                and c_end - c_start > end - start
                and (best is None or c_end - c_start > best[1] - best[0])
            ):
                best = (c_start, c_end, m)
        if best is not None:
            into[n] = best[2]
    if not into:
        return groups
    out = []
    for n, group in enumerate(groups):
        m = into.get(n)
        # An outer group folded in turn: each step is into a longer clause, so it ends.
        while m is not None and m in into:
            m = into[m]
        if m is None:
            out.append(group)
        else:
            groups[m].extend(group)
    return out


def _generic(quote: Quote) -> bool:
    """No one in particular speaks: "... that you can't yell 'fire' in a theater"."""
    mention = quote.speaker_mention
    return mention is None or mention.text.lower() in GENERIC_SPEAKERS


def _continues(text: str, previous: Quote, quote: Quote) -> bool:
    """`quote` goes on with `previous`: later in its paragraph, or opening the next one."""
    between = text[previous.end : quote.start]
    if "\n" not in between:
        return True
    # A quotation standing at the head of the next paragraph, nothing else between.
    head = between[between.rfind("\n") + 1 :]
    return between.count("\n\n") <= 1 and not head.strip(" \"“'‘")


def _same_attribution(text: str, a: Quote, b: Quote) -> bool:
    """Quotes of one cue are one attribution unless a reported clause lies apart from them.

    A reported clause and a quotation of the same cue in one sentence are one statement
    ("X claimed that A makes him 'B'", the clause cut short by a misparse before 'B').
    """
    if a.kind != QuoteKind.indirect and b.kind != QuoteKind.indirect:
        return True
    if a.start <= b.start < a.end or b.start <= a.start < b.end:
        return True
    first, second = (a, b) if a.start <= b.start else (b, a)
    return not _SENTENCE_END.search(text, first.end, second.start)

"""Reported speech: a reporting verb and the clause it reports."""

from __future__ import annotations

import logging
from bisect import bisect_left, bisect_right
from itertools import accumulate

from spacy.attrs import LOWER, POS
from spacy.tokens import Doc, Token

from app.annotate.lexicon import (
    CLAUSE_SUBJECT_DEPS,
    CLAUSE_VERBS,
    FINITE_TAGS,
    HEARER_VERBS,
    REPORTING_VERBS,
    REQUEST_VERBS,
    SPEECH_VERBS,
    VERBAL_POS,
)
from app.annotate.quotes.context import (
    Attribution,
    QuoteContext,
    cue_and_speaker,
    names_a_thing,
    source_of,
)
from app.annotate.quotes.speakers import (
    is_cue,
    mention_bounds,
    subject_of,
)
from app.annotate.types import QuoteKind

log = logging.getLogger(__name__)


CLAUSE_TRAILERS = frozenset(" :,;—–-\n\"“”'")
CLAUSE_STARTS = frozenset({"DET", "PRON", "PROPN", "NOUN", "ADJ", "NUM"})


class Quotations:
    """The direct quotations of an article, looked up by offset.

    Quotations never overlap (their marks are paired one after another), so sorted by
    start they are sorted by end too, and every lookup is a binary search: a scan of
    every quotation for every reporting verb is quadratic in a long article.
    """

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def overlap(self, start: int, end: int) -> int:
        """How many characters of [start, end) lie inside quotations."""
        total = 0
        i = bisect_right(self.ends, start)
        while i < len(self.starts) and self.starts[i] < end:
            total += min(end, self.ends[i]) - max(start, self.starts[i])
            i += 1
        return total

    def first_start(self, start: int, end: int) -> int | None:
        """The start of the first quotation opening inside (start, end), if any."""
        i = bisect_right(self.starts, start)
        return self.starts[i] if i < len(self.starts) and self.starts[i] < end else None

    def any_within(self, start: int, end: int) -> bool:
        """Whether a whole quotation lies inside [start, end]."""
        i = bisect_left(self.starts, start)
        return i < len(self.starts) and self.ends[i] <= end

    def starts_in(self, start: int, end: int) -> list[int]:
        """The starts of the quotations opening in (start, end]."""
        i, j = bisect_right(self.starts, start), bisect_right(self.starts, end)
        return self.starts[i:j]


def reported_speech(art: QuoteContext, found: list[Attribution]) -> list[Attribution]:
    """Reported speech: a reporting verb and the clause it reports."""
    doc = art.doc
    direct = Quotations([(f.start, f.end) for f in found if f.kind is QuoteKind.direct])
    fragments = {f.cue[0]: f for f in found if f.kind is QuoteKind.partial and f.cue is not None}
    out = []
    # A cue is a verb or `according`: the other tokens are passed over on their numbers,
    # without making a Token of each.
    verbal = {doc.vocab.strings[pos] for pos in VERBAL_POS}
    according = doc.vocab.strings["according"]
    # One array per attribute: `to_array` of several at once takes several times as long.
    tags, lowers = doc.to_array(POS).tolist(), doc.to_array(LOWER).tolist()
    for i, (pos, lower) in enumerate(zip(tags, lowers, strict=True)):
        if art.quote_of[i] != -1 or not (pos in verbal or lower == according):
            continue
        token = doc[i]
        if not (token.lower_ == "according" or is_cue(token, REPORTING_VERBS)):
            continue
        try:
            item = _reported_at(art, token, direct, fragments)
        except Exception:  # one odd parse costs that quote, never the article
            log.warning("reported speech at %d left out", token.idx, exc_info=True)
            continue
        if item is not None:
            out.append(item)
    by_paragraph: dict[int, list[Attribution]] = {}
    for item in out:
        by_paragraph.setdefault(item.paragraph, []).append(item)
    return [
        item for item in out if not _thing_inside_a_report(doc, item, by_paragraph[item.paragraph])
    ]


def _thing_inside_a_report(doc: Doc, item: Attribution, around: list[Attribution]) -> bool:
    """ "X said the platform should reiterate ...": a thing saying something inside
    someone's report (among `around`, the reports of its paragraph) is part of what
    they report, not a source of its own."""
    if not names_a_thing(doc[item.speaker[0] : item.speaker[1]].root):
        return False
    at = doc[item.cue[0]].idx
    return any(
        other is not item
        and other.start <= at < other.end
        and not names_a_thing(doc[other.speaker[0] : other.speaker[1]].root)
        for other in around
    )


def _reported_at(
    art: QuoteContext,
    token: Token,
    direct: Quotations,
    fragments: dict[int, Attribution],
) -> Attribution | None:
    """The reported speech whose cue is `token`, if any."""
    doc = art.doc
    if art.is_excluded(token.idx):
        return None
    if token.lower_ == "according":
        clause = _according_clause(token)
        to = next((t for t in token.children if t.lower_ == "to"), None)
        source = source_of(to) if to is not None else None
        if source is None or clause is None:
            return None
        cue_range, lemma, speaker = (token.i, token.i + 2), "according to", mention_bounds(source)
    else:
        if _infinitive_evidence(token):
            return None
        clause = reported_clause(token) or _reported_request(token) or _clause_after(token)
        if clause is None and token.i in fragments:
            # "X called the plan 'a disaster'": what X said of what, around the fragment.
            clause = _verb_complement(token, fragments[token.i])
        cue = cue_and_speaker(art, token) if clause is not None else None
        if clause is None or cue is None:
            return None
        cue_range, lemma, speaker = cue
    start, end = _trim(doc, *_cut_at_next_cue(doc, *clause))
    if end - start < 2:
        return None
    c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    fragment = fragments.get(token.i)
    if fragment is not None and c_start <= fragment.start:
        gap = art.text[c_end : fragment.start]
        if fragment.start < c_end or not gap.strip(" \"“‘'"):
            # "... blame for focusing on 'he said this'": the clause runs on to the end
            # of the quoted words it leads to.
            c_end = max(c_end, fragment.end)
    inside = direct.overlap(c_start, c_end)
    if inside > 0.5 * (c_end - c_start):
        return None
    if inside:
        # The clause runs on into a quotation of its own ("... lesson: '...'"): stop there.
        opening = direct.first_start(c_start, c_end)
        c_end = c_end if opening is None else opening
        while c_end > c_start and art.text[c_end - 1] in CLAUSE_TRAILERS:
            c_end -= 1
        if c_end - c_start < 10 or c_start <= token.idx < c_end:
            return None  # what is left is the words introducing the quotation
    s_start = doc[speaker[0]].idx
    if c_start <= s_start < c_end and not c_start <= token.idx < c_end:
        return None  # "said Elmendorf, who supports ...": the speaker, not a report
    if c_end <= token.idx and direct.any_within(c_end, token.idx):
        return None  # "X asserted it: 'A,' he claimed": the cue is the quotation's
    cue_end = doc[cue_range[1] - 1].idx + len(doc[cue_range[1] - 1])
    if c_end <= token.idx and any(
        not art.text[cue_end:s].strip(" ,:\"“'‘") for s in direct.starts_in(cue_end, cue_end + 4)
    ):
        return None  # "Suddenly, after the divorce, Crawford said, '...'": it introduces that
    item = Attribution(QuoteKind.indirect, c_start, c_end, art.paragraph_at(c_start))
    item.cue, item.cue_lemma, item.speaker = cue_range, lemma, speaker
    return item


def _reported_request(verb: Token) -> tuple[int, int] | None:
    """What a request reports: "urged X to ...", "called for ...", "called on X to ..."."""
    lemma = verb.lemma_.lower()
    if lemma not in REQUEST_VERBS:
        return None
    rights = [c for c in verb.rights if c.dep_ in ("dobj", "dative", "prep", "xcomp", "ccomp")]
    if lemma == "call":
        anchor = [c for c in rights if c.dep_ == "prep" and c.lower_ in ("for", "on")]
    else:
        anchor = [c for c in rights if c.dep_ in ("xcomp", "ccomp")]
    if not anchor:
        return None
    start = rights[0].left_edge.i
    if rights[0] is anchor[0] and rights[0].dep_ == "prep" and rights[0].i + 1 < len(verb.doc):
        start = rights[0].i + 1  # "called for eliminating ...": what is called for
    end = max([anchor[-1].right_edge.i] + [c.right_edge.i for c in rights if c.dep_ == "xcomp"])
    return start, end + 1


def _clause_after(verb: Token) -> tuple[int, int] | None:
    """The rest of the sentence after a reporting verb, when it reads as a clause.

    "He said legalizing it could put ...", "X told reporters Friday the deal ...": the
    hearer, adverbs and prepositional phrases after the verb are skipped; the clause
    runs to the end of the sentence or to a semicolon or colon.
    """
    doc = verb.doc
    if verb.lemma_.lower() not in CLAUSE_VERBS or verb.dep_ in ("relcl", "amod", "acl", "pcomp"):
        return None
    if any(c.dep_ == "mark" or c.lower_ in ("what", "whatever", "as") for c in verb.lefts):
        return None  # "as he said", "when she said", "what they said"
    if any(c.dep_ in ("dobj", "dative") and not _hearer(verb, c) for c in verb.children):
        return None  # "wrote a book that ...", "told the story of ...", "believe me, ..."
    if any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.lefts) for c in verb.children):
        return None  # "agreed to sell it ..."
    sent_end = verb.sent.end
    i = verb.i + 1
    while i < sent_end:
        t = doc[i]
        if t.head.i == verb.i and (
            t.dep_ in ("advmod", "npadvmod", "prep", "punct") or _hearer(verb, t)
        ):
            i = max(i, t.right_edge.i) + 1
            continue
        break
    while i < sent_end and doc[i].ent_type_ in ("DATE", "TIME") and doc[i].head.i != verb.i:
        i += 1  # "told reporters Friday the deal ...": the day belongs to the report
    start, end = i, sent_end
    for j in range(start, sent_end):
        t = doc[j]
        if t.text in (";", ":") or (t.head.i == verb.i and t.dep_ in ("cc", "conj")):
            end = j
            break
    if end - start < 3:
        return None  # too short to be a report
    if (
        doc[start].lower_ != "that"
        and doc[start].pos_ not in CLAUSE_STARTS
        and doc[start].tag_ != "VBG"  # "said legalizing it could ..."
    ):
        return None  # "acknowledged after ...", "explain how ...", "reports live from ..."
    # The first finite verb must have its subject between the cue and itself.
    finite = next((j for j in range(start, end) if doc[j].tag_ in FINITE_TAGS), None)
    if finite is None:
        return None
    verb_of = doc[finite] if doc[finite].pos_ == "VERB" else doc[finite].head
    if not any(
        c.dep_ in CLAUSE_SUBJECT_DEPS and start <= c.i < verb_of.i for c in verb_of.children
    ):
        return None
    return start, end


def _hearer(verb: Token, token: Token) -> bool:
    """The person told ("told reporters", "assured him"), not what is told."""
    if token.dep_ not in ("dobj", "dative") or verb.lemma_.lower() not in HEARER_VERBS:
        return False
    return token.pos_ in ("PRON", "PROPN") or token.tag_ == "NNS" or token.ent_type_ != ""


def _cut_at_next_cue(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A clause stops where a conjoined speech verb opens another report ("... but added")."""
    for j in range(start + 1, end):
        t = doc[j]
        if t.dep_ == "conj" and t.head.i < j and is_cue(t):
            cut = t.left_edge.i
            while cut > start and (doc[cut - 1].dep_ == "cc" or doc[cut - 1].is_punct):
                cut -= 1
            if cut - start >= 2:
                return start, cut
    if end < len(doc) and doc[end].tag_ in FINITE_TAGS:
        # "... mishandled the investigation and Democrats accused ...": the subject of
        # the next clause, parsed into this one, is left to it.
        for j in range(end - 1, start + 1, -1):
            if doc[j].dep_ == "cc":
                if all(doc[k].pos_ in ("NOUN", "PROPN", "DET", "ADJ") for k in range(j + 1, end)):
                    return start, j
                break
    return start, end


def _infinitive_evidence(verb: Token) -> bool:
    """ "numbers to show how ...": a verb of evidence in the infinitive reports nothing."""
    return verb.lemma_.lower() not in SPEECH_VERBS and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children
    )


def _verb_complement(verb: Token, fragment: Attribution) -> tuple[int, int] | None:
    """The words after `verb` that it governs, when they hold the quoted `fragment`."""
    kept = [
        child
        for child in verb.rights
        if child.dep_ not in ("punct", "cc", "conj", "advcl", "parataxis", "mark")
    ]
    if not kept:
        return None
    start, end = kept[0].left_edge.i, kept[-1].right_edge.i + 1
    doc = verb.doc
    if not (
        doc[start].idx <= fragment.start
        and fragment.end <= doc[end - 1].idx + len(doc[end - 1]) + 1
    ):
        return None
    return start, end


def reported_clause(verb: Token) -> tuple[int, int] | None:
    """The clause `verb` reports: its clausal complement, or the clause it is inserted in."""
    if any(c.lower_ in ("what", "whatever") for c in verb.children):
        return None  # "a return to what he said were the frontlines": a description
    # A clause after the verb first: "Inside the mosque - which looks like a church -
    # Nefzi said he ..." reports what follows `said`.
    for child in sorted(verb.children, key=lambda c: c.i < verb.i):
        if child.dep_ == "ccomp" and child.left_edge.i < verb.i < child.i:
            return None  # "what officials said was their plan"
        if child.dep_ == "ccomp" and _is_statement(child):
            end = child.right_edge.i + 1
            # "X said A, and B": a coordinated clause with its own subject, parsed as
            # hanging from the cue, is reported too.
            for other in verb.rights:
                if (
                    other.dep_ == "conj"
                    and other.i > child.i
                    and not is_cue(other, REPORTING_VERBS)
                    and _own_subject(other, verb)
                ):
                    end = other.right_edge.i + 1
            return child.left_edge.i, end
    head = verb.head
    after_comma = verb.left_edge.i > 0 and verb.doc[verb.left_edge.i - 1].text in (",", "—", "–")
    if verb.dep_ == "parataxis" or (
        verb.dep_ == "ccomp"
        and head.i < verb.i
        and after_comma
        and not is_cue(head, REPORTING_VERBS)
    ):
        if not _is_statement(head):
            return None
        # "The talks failed, he said." or "Mrs. Smith, officials said, would ...":
        # the clause the cue interrupts or follows, without the cue's own words.
        left = (head.left_edge.i, verb.left_edge.i)
        right = (verb.right_edge.i + 1, head.right_edge.i + 1)
        if left[1] - left[0] > 1 and right[1] - right[0] > 1 and verb.dep_ == "parataxis":
            return left[0], right[1]
        return max(left, right, key=lambda r: r[1] - r[0])
    return None


def _own_subject(clause: Token, verb: Token) -> bool:
    """`clause` has a subject, other than the speaker of `verb` ("... and then he left")."""
    speaker = subject_of(verb)
    return any(
        c.dep_ in CLAUSE_SUBJECT_DEPS and (speaker is None or c.lower_ != speaker.lower_)
        for c in clause.children
    )


def _is_statement(root: Token) -> bool:
    """A clause with a subject of its own that is not itself a bare "X said"."""
    has_subject = any(c.dep_ in CLAUSE_SUBJECT_DEPS or c.dep_ == "csubj" for c in root.children)
    if not has_subject and root.right_edge.i - root.left_edge.i < 5:
        return False
    if is_cue(root) and not any(c.dep_ in ("ccomp", "dobj") for c in root.children):
        return root.right_edge.i - root.left_edge.i > 6
    return True


def _according_clause(according: Token) -> tuple[int, int] | None:
    head = according.head
    if head.i == according.i:
        return None
    left = (head.left_edge.i, according.left_edge.i)
    right = (according.right_edge.i + 1, head.right_edge.i + 1)
    if left[1] - left[0] < 2:
        best = right  # "According to X, the talks failed."
    elif head.i > according.i:
        best = (left[0], right[1])  # "The talks, according to X, failed."
    else:
        best = left  # "The talks failed, according to X - despite ..."
    return best if best[1] > best[0] else None


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    def loose(t: Token) -> bool:
        return t.is_punct and not t.is_quote or t.is_space

    while start < end and loose(doc[start]):
        start += 1
    while end > start and loose(doc[end - 1]):
        end -= 1
    return start, end


def fragment_clauses(art: QuoteContext, found: list[Attribution]) -> list[Attribution]:
    """The phrase of the verb each quoted fragment outside a reported clause hangs from.

    "He referred to migrants as 'criminals'": what is reported is the phrase around the
    quoted word ("to migrants as 'criminals'"), as the fragment's cue and speaker say it;
    grouped with the fragment, it makes one statement.
    """
    doc = art.doc
    clauses = sorted((f.start, f.end) for f in found if f.kind is QuoteKind.indirect)
    starts = [s for s, _ in clauses]
    reach = list(accumulate((e for _, e in clauses), max))  # furthest end so far
    out = []
    for f in found:
        if f.kind is not QuoteKind.partial or f.cue is None or f.speaker is None:
            continue
        i = bisect_right(starts, f.start) - 1
        if i >= 0 and reach[i] > f.start:
            continue  # inside a reported clause already
        first = art.token_at(f.start)
        verb = _verb_above(art, doc[first])
        if verb is None:
            continue
        kept = [c for c in verb.rights if c.dep_ not in _NOT_COMPLEMENT]
        if not kept:
            continue
        start, end = kept[0].left_edge.i, kept[-1].right_edge.i + 1
        c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        if not c_start <= f.start <= c_end:
            continue
        if c_start <= doc[f.speaker[0]].idx < max(c_end, f.end):
            continue  # the speaker's own description ("X, a co-author of '...'")
        item = Attribution(QuoteKind.indirect, c_start, max(c_end, f.end), f.paragraph)
        item.cue, item.cue_lemma, item.speaker, item.key = f.cue, f.cue_lemma, f.speaker, f.key
        out.append(item)
    return out


# Dependents of a verb that are not what it says of its object ("and", a clause apart).
_NOT_COMPLEMENT = frozenset({"punct", "cc", "conj", "advcl", "parataxis", "mark", "relcl"})


def _verb_above(art: QuoteContext, token: Token) -> Token | None:
    """The nearest verb outside the quotation of `token` that it hangs from, in its sentence."""
    inside = art.quote_of[token.i]
    sent = token.sent
    steps = 0
    while (art.quote_of[token.i] == inside or token.pos_ != "VERB") and steps < 10:
        if token.head.i == token.i:
            return None
        token = token.head
        steps += 1
    if token.pos_ != "VERB" or art.quote_of[token.i] != -1 or token.sent != sent:
        return None
    return token

"""Reported speech: a reporting verb and the clause it reports."""

from __future__ import annotations

import logging

from spacy.tokens import Doc, Token

from app.annotate.quote_article import Article, Attribution, cue_and_speaker, source_of
from app.annotate.quote_speakers import (
    REPORTING_VERBS,
    SPEECH_VERBS,
    is_cue,
    mention_bounds,
    subject_of,
)
from app.annotate.types import QuoteKind

log = logging.getLogger(__name__)

CLAUSE_TRAILERS = frozenset(" :,;—–-\n\"“”'")
REQUEST_VERBS = frozenset(
    {"call", "urge", "ask", "press", "demand", "implore", "beg", "encourage", "invite", "warn"}
)


def reported_speech(art: Article, found: list[Attribution]) -> list[Attribution]:
    """Reported speech: a reporting verb and the clause it reports."""
    doc = art.doc
    direct = [(f.start, f.end) for f in found if f.kind is QuoteKind.direct]
    fragments = {f.cue[0]: f for f in found if f.kind is QuoteKind.partial and f.cue is not None}
    out = []
    for token in doc:
        if art.quote_of[token.i] != -1 or not (
            token.lower_ == "according" or is_cue(token, REPORTING_VERBS)
        ):
            continue
        try:
            item = _reported_at(art, token, direct, fragments)
        except Exception:  # one odd parse costs that quote, never the article
            log.warning("reported speech at %d left out", token.idx, exc_info=True)
            continue
        if item is not None:
            out.append(item)
    return out


def _reported_at(
    art: Article, token: Token, direct: list[tuple[int, int]], fragments: dict[int, Attribution]
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
        clause = reported_clause(token) or _reported_request(token)
        if clause is None and token.i in fragments:
            # "X called the plan 'a disaster'": what X said of what, around the fragment.
            clause = _verb_complement(token, fragments[token.i])
        cue = cue_and_speaker(art, token) if clause is not None else None
        if clause is None or cue is None:
            return None
        cue_range, lemma, speaker = cue
    start, end = _trim(doc, *clause)
    if end - start < 2:
        return None
    c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    if token.i in fragments and c_start <= fragments[token.i].start < c_end:
        c_end = max(c_end, fragments[token.i].end)
    inside = sum(max(0, min(c_end, e) - max(c_start, s)) for s, e in direct)
    if inside > 0.5 * (c_end - c_start):
        return None
    if inside:
        # The clause runs on into a quotation of its own ("... lesson: '...'"): stop there.
        c_end = min([s for s, _ in direct if c_start < s < c_end] + [c_end])
        while c_end > c_start and art.text[c_end - 1] in CLAUSE_TRAILERS:
            c_end -= 1
        if c_end - c_start < 10:
            return None
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
    for child in verb.children:
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
        c.dep_ in ("nsubj", "nsubjpass", "expl") and (speaker is None or c.lower_ != speaker.lower_)
        for c in clause.children
    )


def _is_statement(root: Token) -> bool:
    """A clause with a subject of its own that is not itself a bare "X said"."""
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in root.children)
    if not has_subject and root.right_edge.i - root.left_edge.i < 5:
        return False
    if is_cue(root) and not any(c.dep_ in ("ccomp", "dobj") for c in root.children):
        return root.right_edge.i - root.left_edge.i > 6
    return True


def _according_clause(according: Token) -> tuple[int, int] | None:
    head = according.head
    if head is according:
        return None
    left = (head.left_edge.i, according.left_edge.i)
    right = (according.right_edge.i + 1, head.right_edge.i + 1)
    best = max(left, right, key=lambda r: r[1] - r[0])
    return best if best[1] > best[0] else None


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    def loose(t: Token) -> bool:
        return t.is_punct and not t.is_quote or t.is_space

    while start < end and loose(doc[start]):
        start += 1
    while end > start and loose(doc[end - 1]):
        end -= 1
    return start, end

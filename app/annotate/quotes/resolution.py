"""Speakers resolved to the article's entities; he/she to the nearest fitting person named before."""

from __future__ import annotations

from app.annotate.lexicon import (
    PERSONAL_PRONOUNS,
    PRONOUN_GENDER,
    SUBJECT_DEPS,
)
from app.annotate.quotes.context import (
    Attribution,
    QuoteContext,
)
from app.annotate.quotes.speakers import (
    EntityIndex,
    is_cue,
)
from app.annotate.types import Cue, Quote, Span

MAX_PARAGRAPHS_BACK = 3


def _resolve(art: QuoteContext, found: list[Attribution], index: EntityIndex) -> None:
    """Give each quote its speaker entity: names looked up, pronouns and followers resolved."""
    doc = art.doc
    for item in found:
        if item.follows is not None:
            item.speaker, item.key = item.follows.speaker, item.follows.key
            continue
        if item.floating:
            item.speaker, item.key = _previous_paragraph_speaker(art, found, item, index)
            continue
        if item.speaker is None or item.key is not None:
            continue
        start, end = item.speaker
        head = doc[start:end].root
        gender = PERSONAL_PRONOUNS.get(head.lower_) if end - start == 1 else None
        if gender is not None:
            item.key = _antecedent(art, index, head.idx, item.paragraph, gender)
        else:
            c_start, c_end = art.mention_offsets(start, end)
            at = max(head.idx, c_start)
            item.key = index.at(c_start, c_end, prefer=at)
            word = art.text[at : head.idx + len(head)]
            if item.key is None and (head.pos_ == "PROPN" or at > head.idx and word.istitle()):
                # A name the entity layer missed here ("Mr Iwata", or one glued to the
                # quotation before it and mistagged), known elsewhere.
                item.key = index.named(word)


def _antecedent(art: QuoteContext, index: EntityIndex, offset: int, paragraph: int, gender: str):
    """The person a he/she refers to, among people of a fitting gender named before it.

    The nearest one named as the subject of a main clause (or who spoke) wins;
    else the nearest subject; else the nearest named at all.
    """
    floor = art.paragraphs[max(0, paragraph - MAX_PARAGRAPHS_BACK)][0]
    candidates = [
        m
        for m in index.before(offset, floor)
        if index.types.get(m[2]) == "PERSON"
        and index.gender.get(m[2], gender) == gender
        and art.quote_of[art.token_at(m[0])] == -1
    ]
    near = art.paragraphs[max(0, paragraph - 1)][0]
    roles = []
    for m_start, m_end, _ in candidates:
        span = art.doc.char_span(m_start, m_end, alignment_mode="expand")
        root = span.root if span is not None else None
        if root is not None and root.dep_ == "appos":
            root = root.head  # "His mother Katherine Jackson told ..."
        if root is None or root.dep_ not in SUBJECT_DEPS:
            roles.append(2)
        elif (root.head.dep_ == "ROOT" or is_cue(root.head)) and m_start >= near:
            roles.append(0)
        else:
            roles.append(1)
    chosen = None
    for wanted in (0, 1, 2):
        chosen = next((m[2] for m, r in zip(candidates, roles, strict=True) if r <= wanted), None)
        if chosen is not None:
            break
    if chosen is not None:
        index.gender.setdefault(chosen, gender)
    return chosen


def _infer_genders(art: QuoteContext, index: EntityIndex) -> None:
    """What the article tells of people's gender: the pronouns of sentences naming one person."""
    doc = art.doc
    votes: dict[str, list[int]] = {}
    for sent in doc.sents:
        mentions = [
            m
            for m in index.before(sent.end_char, sent.start_char)
            if index.types.get(m[2]) == "PERSON" and art.quote_of[art.token_at(m[0])] == -1
        ]
        if len({m[2] for m in mentions}) != 1:
            continue
        # Only a person the sentence is about: its subject ("Michael Jackson's mother ...
        # she" tells nothing of Michael Jackson).
        span = doc.char_span(mentions[0][0], mentions[0][1], alignment_mode="expand")
        if span is None or (span.root.dep_ not in SUBJECT_DEPS and span.root.dep_ != "appos"):
            continue
        tally = votes.setdefault(mentions[0][2], [0, 0])
        for token in sent:
            gender = PRONOUN_GENDER.get(token.lower_)
            if gender is not None and art.quote_of[token.i] == -1:
                tally[gender == "f"] += 1
    for key, (male, female) in votes.items():
        if male != female and key not in index.gender:
            index.gender[key] = "m" if male > female else "f"


def _previous_paragraph_speaker(
    art: QuoteContext, found: list[Attribution], item: Attribution, index
):
    p = item.paragraph - 1
    if p < 0:
        return None, None
    for prev in reversed(found):
        if prev.paragraph == p and prev.speaker is not None and prev.start < item.start:
            return prev.speaker, prev.key
        if prev.paragraph < p:
            break
    start, end = art.paragraphs[p]
    for m_start, m_end, key in index.before(end, start):
        if index.types.get(key) != "PERSON":
            continue
        span = art.doc.char_span(m_start, m_end, alignment_mode="expand")
        if span is not None and span.root.dep_ in SUBJECT_DEPS:
            return (span.start, span.end), key
    return None, None


def _to_quote(art: QuoteContext, f: Attribution) -> Quote:
    doc, text = art.doc, art.text
    speaker = None
    if f.speaker is not None:
        c_start, c_end = art.mention_offsets(*f.speaker)
        speaker = Span(start=c_start, end=c_end, text=text[c_start:c_end])
    cue = None
    if f.cue is not None:
        s, e = f.cue
        c_start, c_end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
        cue = Cue(start=c_start, end=c_end, text=text[c_start:c_end], lemma=f.cue_lemma)
    return Quote(
        kind=f.kind,
        start=f.start,
        end=f.end,
        text=text[f.start : f.end],
        speaker_mention=speaker,
        speaker_key=f.key,
        cue=cue,
    )

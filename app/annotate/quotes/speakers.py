"""Cue verbs, speaker mentions and their resolution to entities."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Token

from app.annotate.lexicon import (
    ADDRESSING_VERBS,
    CONTACT_VERBS,
    DOCUMENT_NOUNS,
    HONORIFICS,
    NOMINAL_POS,
    PLACING_WORDS,
    PUBLISHING_VERBS,
    RELATIVE_PRONOUNS,
    REPLY_WITH_BACK,
    SPEECH_VERBS,
    VERBAL_POS,
)
from app.annotate.types import Entity

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "FAC", "LOC"})
SETTING_LABELS = frozenset({"GPE", "LOC", "DATE", "TIME"})


def is_cue(token: Token, lexicon: frozenset[str] = SPEECH_VERBS) -> bool:
    if token.pos_ not in VERBAL_POS:
        return False
    lemma = token.lemma_.lower()
    if lemma == "put":
        # "As Milbank put it, ...", not "putting it into the file".
        return any(c.lower_ == "it" and c.dep_ == "dobj" for c in token.children) and not any(
            c.dep_ in ("prep", "prt") and c.lower_ in PLACING_WORDS for c in token.children
        )
    if lemma == "call":
        # "called it 'a disaster'", "called for ...", not "were calling every 15 minutes".
        return any(
            (
                c.dep_ in ("dobj", "oprd", "xcomp", "ccomp", "attr", "dative")
                and c.ent_type_ not in ("DATE", "TIME")
            )
            or (c.dep_ == "prep" and c.lower_ in ("for", "on"))
            for c in token.children
        )
    if lemma in REPLY_WITH_BACK:
        # "fired back at critics", not "pushed back the launch" (no object).
        return any(
            c.dep_ in ("prt", "advmod") and c.lower_ == "back" for c in token.children
        ) and not any(c.dep_ == "dobj" for c in token.children)
    return lemma in lexicon


def subject_of(verb: Token) -> Token | None:
    """The grammatical subject of `verb`, looked for up coordinations and participles.

    "adding that ..." and "began by saying ..." take the subject of the verb
    they hang from. Past misparses: a place, day or dash parsed as a second subject
    gives way ("Berea, OH, ... Gov. Kasich said"); a name tagged as a modal is one
    ("..., Will urged"); "X released an ad that urges ..." gives X.
    """
    climbed = False
    for _ in range(5):
        if climbed and verb.dep_ == "ccomp" and is_cue(verb.head):
            # "X said it was early but added ...", parsed with "added" under the reported
            # clause: the speaker is the subject of the cue above, not of that clause.
            verb = verb.head
        # "X was joined by Y and joked": a conjunct shares the passive subject.
        subjects = [
            c
            for c in verb.children
            if c.dep_ in ("nsubj", "csubj") or (climbed and c.dep_ == "nsubjpass")
        ]
        subjects = _past_second_subjects(subjects)
        if subjects:
            child = subjects[0]
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                # "He released a letter that says ...": who released it speaks.
                head = verb.head
                if (
                    head.dep_ == "dobj"
                    and head.lemma_.lower() in DOCUMENT_NOUNS
                    and head.head.lemma_.lower() in PUBLISHING_VERBS
                ):
                    return subject_of(head.head) or head
                return head
            return _past_dateline(child, subjects)
        named = _modal_name(verb)
        if named is not None:
            return named
        head = verb.head
        if head.i == verb.i:
            return None
        if verb.dep_ == "xcomp" and not _contacts(head):
            # "That prompted Rubio to ... call Trump ...": the object is who acts.
            objects = [c for c in head.children if c.dep_ == "dobj" and c.i < verb.i]
            if objects and _can_act(objects[0]):
                return objects[0]
        if verb.dep_ in ("conj", "advcl", "xcomp") and head.pos_ in VERBAL_POS:
            verb = head
            climbed = True
            continue
        if verb.dep_ == "acl" and verb.tag_ != "VBN" and head.pos_ in NOMINAL_POS:
            # "footage of Smith saying ...", or a misparse of "a man yelled ...";
            # but "Smith issued a statement saying ...": the statement's author speaks.
            if head.dep_ == "dobj" and head.pos_ == "NOUN":
                author = subject_of(head.head)
                if author is not None:
                    return author
            return head
        if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in VERBAL_POS:
            verb = head.head
            continue
        return None
    return None


def _modal_name(verb: Token) -> Token | None:
    """ "..., Will urged the electorate to ...": a name the tagger took for a modal, a
    capital inside the sentence right before the verb it would help."""
    if verb.i < 2:
        return None
    doc = verb.doc
    before = doc[verb.i - 1]
    if before.tag_ != "MD" or before.head.i != verb.i or not before.is_title or verb.is_title:
        return None  # "... And Will Call Vote": a headline's capitals
    # Inside a sentence: after a comma or a word, not after a full stop or a line break.
    previous = doc[before.i - 1]
    while previous.i > 0 and previous.is_quote:
        previous = doc[previous.i - 1]
    return before if previous.text in (",", ";") or previous.is_alpha else None


def agent(verb: Token) -> Token | None:
    """ "Sanders was asked by host Bill Maher, '...'": who asks speaks, not who is asked."""
    if verb.lemma_.lower() not in ADDRESSING_VERBS:
        return None
    for by in verb.children:
        if by.dep_ == "agent":
            return next((c for c in by.children if c.dep_ == "pobj"), None)
    return None


def _past_second_subjects(subjects: list[Token]) -> list[Token]:
    """ "Berea, OH, after winning Ohio, Gov. John Kasich said", "... public ― Trump boasted":
    of several subjects (a misparse), not a dash, nor a place or day before a name."""
    if len(subjects) < 2:
        return subjects
    subjects = [c for c in subjects if c.text[0].isalnum()] or subjects
    named = [c for c in subjects if c.ent_type_ not in SETTING_LABELS]
    return named if named and named[0].ent_type_ in ("PERSON", "ORG", "NORP") else subjects


def _past_dateline(subject: Token, subjects: list[Token]) -> Token:
    """ "LONDON — Donald Trump said ...", "Washington (AFP) – Hillary Clinton said ...": a
    place opening the sentence before a dash or bracket is the dateline, parsed as the
    subject; the name after it speaks (another subject of the verb, or in apposition)."""
    doc = subject.doc
    after = doc[subject.i + 1] if subject.i + 1 < len(doc) else None
    if (
        subject.ent_type_ not in ("GPE", "LOC")
        or subject.left_edge.i != subject.sent.start
        or after is None
        or after.text not in ("—", "–", "-", "--", "(")
    ):
        return subject
    for other in [*subjects[1:], *(c for c in subject.children if c.dep_ == "appos")]:
        if other.pos_ in NOMINAL_POS and other.ent_type_ not in ("GPE", "LOC"):
            return other
    return subject


def _can_act(token: Token) -> bool:
    """A name or a pronoun: someone made to act ("prompted Rubio to call ..."). A common
    noun is as often a thing ("used this question to demand ..."), which the subject uses."""
    return token.pos_ in ("PROPN", "PRON") or token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")


def _contacts(verb: Token) -> bool:
    """ "Voters called her to say ...": reaching someone, not asking them ("called on her")."""
    return verb.lemma_.lower() in CONTACT_VERBS and not any(
        c.dep_ == "prep" and c.lower_ in ("on", "upon") for c in verb.children
    )


def mention_bounds(head: Token) -> tuple[int, int]:
    """Token range [start, end) of the words naming the speaker whose head is `head`.

    A name wins over its description: "TRT World's Sara Firth, who ..." gives
    "Sara Firth", "adviser Ibrahim Kalin" gives "Ibrahim Kalin", "the spokesman,
    John Smith," gives "John Smith".
    """
    doc = head.doc
    name = _name_around(head)
    if name is None and head.pos_ in ("NOUN", "PROPN"):
        for child in head.children:
            if child.dep_ == "appos" and child.ent_type_ == "PERSON":
                name = _name_around(child)
                break
    if name is not None:
        return name
    start = head.i
    for child in head.lefts:
        if child.dep_ in ("det", "compound", "amod", "poss", "nummod", "nmod", "quantmod"):
            start = min(start, child.left_edge.i)
    end = head.i + 1
    while end < len(doc) and doc[end].dep_ in ("flat", "compound") and doc[end].head == head:
        end += 1
    return start, end


def _name_around(token: Token) -> tuple[int, int] | None:
    """The named-entity span holding `token`, without a possessive "'s"."""
    if token.ent_type_ not in NAME_LABELS:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    while end - 1 > start and doc[end - 1].tag_ == "POS":
        end -= 1
    return start, end


@dataclass
class EntityIndex:
    """Entity mentions by offset, and what the article tells of each person's gender."""

    starts: list[int] = field(default_factory=list)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    gender: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str | None] = field(default_factory=dict)  # last word -> key, if unique

    @classmethod
    def build(cls, text: str, entities: list[Entity]) -> EntityIndex:
        index = cls()
        rows = sorted((m.start, m.end, e.key) for e in entities for m in e.mentions)
        index.mentions = rows
        index.starts = [r[0] for r in rows]
        index.types = {e.key: e.type for e in entities}
        for e in entities:
            if e.type not in ("PERSON", "ORG"):
                continue
            for name in {e.name, *e.aliases}:
                words = name.split()
                if words:
                    last = words[-1].lower()
                    known = index.by_name.get(last, e.key)
                    index.by_name[last] = e.key if known == e.key else None
        for start, _, key in rows:
            word = text[max(0, start - 6) : start].split()
            if word and word[-1].lower() in HONORIFICS:
                index.gender.setdefault(key, HONORIFICS[word[-1].lower()])
        return index

    def at(self, start: int, end: int, prefer: int | None = None) -> str | None:
        """Key of the entity with a mention overlapping [start, end) (holding `prefer` if given)."""
        hits = []
        i = bisect_right(self.starts, end - 1) - 1
        while i >= 0 and self.mentions[i][0] > start - 200:
            m_start, m_end, key = self.mentions[i]
            if m_end > start:
                hits.append((m_start, m_end, key))
            i -= 1
        if not hits:
            return None
        if prefer is not None:
            # The head word must be named: "Michael Jackson's mother" is not Michael Jackson.
            return next((key for m_start, m_end, key in hits if m_start <= prefer < m_end), None)
        return max(hits, key=lambda h: h[1] - h[0])[2]

    def named(self, word: str) -> str | None:
        """The one person or organisation whose name ends in `word` ("Iwata"), if only one."""
        return self.by_name.get(word.lower())

    def before(self, offset: int, floor: int) -> list[tuple[int, int, str]]:
        """Mentions starting in [floor, offset), nearest first."""
        i = bisect_right(self.starts, offset - 1)
        out = []
        while i > 0:
            i -= 1
            row = self.mentions[i]
            if row[0] < floor:
                break
            if row[1] <= offset:
                out.append(row)
        return out

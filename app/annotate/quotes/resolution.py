"""Speakers resolved to the article's entities; he/she to the nearest fitting person named
before, a pronoun reporting inside a clause of the same one to that clause's subject."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Token

from app.annotate.lexicon import (
    DOCUMENT_NOUNS,
    OUTLET_NOUNS,
    PERSONAL_PRONOUNS,
    PRONOUN_GENDER,
    RELATIVE_PRONOUNS,
    SOURCE_NOUNS,
    SUBJECT_DEPS,
    VERBAL_POS,
)
from app.annotate.quotes.context import (
    Attribution,
    QuoteContext,
    a_person,
    can_voice,
)
from app.annotate.quotes.speakers import (
    EntityIndex,
    is_cue,
    mention_bounds,
    subject_of,
)
from app.annotate.types import Cue, Quote, Span

MAX_PARAGRAPHS_BACK = 3


def _resolve(art: QuoteContext, found: list[Attribution], index: EntityIndex) -> None:
    """Give each quote its speaker entity: names looked up, pronouns and followers resolved."""
    doc = art.doc
    antecedents = _Antecedents(art, index)
    for n, item in enumerate(found):
        if item.follows is not None:
            item.speaker, item.key = item.follows.speaker, item.follows.key
            continue
        if item.floating:
            item.speaker, item.key = _previous_paragraph_speaker(art, found, n, index)
            continue
        if item.speaker is None or item.key is not None:
            continue
        start, end = item.speaker
        head = doc[start:end].root
        gender = PERSONAL_PRONOUNS.get(head.lower_) if end - start == 1 else None
        if gender is not None:
            item.key = antecedents.find(head.idx, item.paragraph, gender)
            outer = (
                _reporting_subject(art, head, item.key, index)
                or _aside_before(art, head, item.key, index)
                if item.key
                else None
            )
            if outer is not None:
                item.speaker = mention_bounds(outer[0])
        elif end - start == 1 and head.lower_ in ("it", "they"):
            outer = _reporting_subject(art, head, None, index)
            if outer is not None:
                item.speaker, item.key = mention_bounds(outer[0]), outer[1]
        else:
            item.key = _key_of(art, head, index, (start, end))


def _reporting_subject(
    art: QuoteContext, pronoun: Token, key: str | None, index: EntityIndex
) -> tuple[Token, str | None] | None:
    """ "Lynch said she recalled thinking, '...'", "Cruz has railed against what he calls
    '...'": the subject of a clause holding a pronoun's, naming the same one, with its key.
    A he or she is the person `key`, named there or described ("The senator said she ...");
    an it or they (`key` None) is a group or a document that fits it. The clauses are
    climbed up to the outermost such subject ("Nor, he said, did he say ..."); one naming
    someone else, or a relative, adverbial or coordinated clause, ends the climb."""
    if pronoun.dep_ not in SUBJECT_DEPS:
        return None
    found = None
    child = pronoun.head
    for verb in child.ancestors:
        if child.dep_ in ("conj", "relcl", "advcl"):
            break  # "when he said ...", "whom he called ...": an act of its own
        child = verb
        if verb.pos_ not in VERBAL_POS:
            continue
        outer = subject_of(verb)
        if outer is None or outer.i >= pronoun.i:
            continue
        if art.quote_of[outer.i] != -1:
            break  # the quotation's own words, parsed as holding its cue
        if outer.lower_ == pronoun.lower_:
            found = outer, key
            continue
        if outer.pos_ == "PRON":
            break
        at = _key_of(art, outer, index)
        if key is not None and at is None and is_cue(verb) and _describes_one(outer):
            # "The longtime senator said he rarely asks ...": a role, not a name.
            found = outer, key
            continue
        if key is not None and at != key:
            break
        if key is None and not _fits_it_or_they(pronoun, outer, index.types.get(at)):
            break
        found = outer, at
    return found


def _aside_before(
    art: QuoteContext, pronoun: Token, key: str, index: EntityIndex
) -> tuple[Token, str] | None:
    """ "..., Fiorina wrote, she began saying '...'": the same person's report set
    aside before the pronoun's clause."""
    for aside in pronoun.head.children:
        if aside.dep_ != "parataxis" or aside.i > pronoun.i or not is_cue(aside):
            continue
        outer = subject_of(aside)
        if outer is None or outer.pos_ == "PRON" or art.quote_of[outer.i] != -1:
            continue
        if _key_of(art, outer, index) == key:
            return outer, key
    return None


def _key_of(
    art: QuoteContext, head: Token, index: EntityIndex, bounds: tuple[int, int] | None = None
) -> str | None:
    """The entity named by the mention headed by `head` (its tokens `bounds`, else the
    mention's own), also where the entity layer missed the name there but knows it from
    elsewhere: "Mr Iwata", a name glued to the quotation before it, or one mistagged as
    a verb ("Trump at the time said")."""
    c_start, c_end = art.mention_offsets(*(bounds or mention_bounds(head)))
    at = max(head.idx, c_start)
    key = index.at(c_start, c_end, prefer=at)
    word = art.text[at : head.idx + len(head)]
    if key is None and (head.pos_ == "PROPN" or head.is_title or at > head.idx and word.istitle()):
        key = index.named(word)
    if key is None:
        key = _publisher(head, index, c_start, c_end)
    return key


def _publisher(head: Token, index: EntityIndex, start: int, end: int) -> str | None:
    """ "According to Labor Department figures", "the Reuters news agency": a document
    speaks for the person or organisation named in it, an outlet is the one named."""
    word = head.lemma_.lower()
    if word in DOCUMENT_NOUNS:
        kinds: tuple[str, ...] = ("PERSON", "ORG")
    elif word in OUTLET_NOUNS:
        kinds = ("ORG",)
    else:
        return None  # looked up only for a document or an outlet
    named = index.at(start, end)
    return named if index.types.get(named or "") in kinds else None


def _describes_one(noun: Token) -> bool:
    """ "The longtime senator": someone named before, whom a he or she may stand for; not
    "a lawmaker" (someone new) nor "her spokesman" (someone else)."""
    return (
        noun.tag_ == "NN"
        and not noun.ent_type_
        and a_person(noun)
        and any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
        and not any(c.dep_ == "poss" for c in noun.children)
    )


def _fits_it_or_they(pronoun: Token, noun: Token, entity_type: str | None) -> bool:
    """A group or a document an it (one) or a they (one group, or several) can stand for."""
    if entity_type == "PERSON" or noun.ent_type_ == "PERSON" or a_person(noun):
        return False
    if not can_voice(noun):
        return False
    if pronoun.lower_ == "it":
        return noun.tag_ in ("NN", "NNP")
    return (
        noun.tag_ in ("NNS", "NNPS")
        or noun.ent_type_ in ("ORG", "NORP")
        or noun.lemma_.lower() in SOURCE_NOUNS
    )


# The role of a person's mention for the he/she after it, the best first.
MAIN_SUBJECT, SUBJECT, NAMED = 0, 1, 2


class _Antecedents:
    """The person a he/she refers to, among people of a fitting gender named before it.

    The nearest one named as the subject of a main clause (or who spoke) in its paragraph
    or the one before wins; else the nearest subject; else the nearest named at all, as
    far back as MAX_PARAGRAPHS_BACK paragraphs. Whom a pronoun is found to refer to
    tells that person's gender, for the pronouns after it.

    Each mention's role is found once, and the mentions of each role are kept in order,
    by gender, so that the nearest of each is found by binary search: a paragraph of
    thousands of quotations, each a he or she, is not read again for each one.
    """

    def __init__(self, art: QuoteContext, index: EntityIndex) -> None:
        self._art, self._index = art, index
        # Mentions of people outside quotations, in order, each with its role.
        self._rows: list[tuple[int, int, str]] = []
        self._roles: list[int] = []
        self._rows_of: dict[str, list[int]] = {}
        # By gender: the mentions (numbers into `_rows`) of people who may have that
        # gender, of each role or better. Made when a pronoun of that gender is met.
        self._by_gender: dict[str, tuple[list[int], list[int], list[int]]] = {}
        self._ready = False

    def _read_mentions(self) -> None:
        art, index = self._art, self._index
        for m_start, m_end, key in index.mentions:
            if index.types.get(key) != "PERSON" or art.quote_of[art.token_at(m_start)] != -1:
                continue
            self._rows_of.setdefault(key, []).append(len(self._rows))
            self._rows.append((m_start, m_end, key))
            self._roles.append(self._role(m_start, m_end))
        self._ready = True

    def _role(self, start: int, end: int) -> int:
        span = self._art.doc.char_span(start, end, alignment_mode="expand")
        root = span.root if span is not None else None
        if root is not None and root.dep_ == "appos":
            root = root.head  # "His mother Katherine Jackson told ..."
        if root is None or root.dep_ not in SUBJECT_DEPS:
            return NAMED
        if root.head.dep_ == "ROOT" or is_cue(root.head):
            return MAIN_SUBJECT
        return SUBJECT

    def _of_gender(self, gender: str) -> tuple[list[int], list[int], list[int]]:
        if gender not in self._by_gender:
            known = self._index.gender
            fitting = [r for r, row in enumerate(self._rows) if known.get(row[2], gender) == gender]
            main_subjects = [r for r in fitting if self._roles[r] == MAIN_SUBJECT]
            subjects = [r for r in fitting if self._roles[r] <= SUBJECT]
            self._by_gender[gender] = (main_subjects, subjects, fitting)
        return self._by_gender[gender]

    def _nearest(self, rows: list[int], offset: int, floor: int) -> int | None:
        """The last of `rows` lying within [floor, offset)."""
        i = bisect_left(rows, offset, key=lambda r: self._rows[r][0]) - 1
        while i >= 0 and self._rows[rows[i]][0] >= floor:
            if self._rows[rows[i]][1] <= offset:
                return rows[i]
            i -= 1
        return None

    def find(self, offset: int, paragraph: int, gender: str) -> str | None:
        """The key of the person the he/she at `offset`, in `paragraph`, refers to."""
        if not self._ready:
            self._read_mentions()
        floor = self._art.paragraphs[max(0, paragraph - MAX_PARAGRAPHS_BACK)][0]
        near = self._art.paragraphs[max(0, paragraph - 1)][0]
        main_subjects, subjects, named = self._of_gender(gender)
        # A subject of a main clause named before the paragraph before is only a subject.
        for rows, start in ((main_subjects, max(near, floor)), (subjects, floor), (named, floor)):
            row = self._nearest(rows, offset, start)
            if row is not None:
                key = self._rows[row][2]
                self._learn(key, gender)
                return key
        return None

    def _learn(self, key: str, gender: str) -> None:
        """`key` is of `gender`, if not known already: not a person of another one."""
        if key in self._index.gender:
            return
        self._index.gender[key] = gender
        for other, lists in self._by_gender.items():
            if other == gender:
                continue
            for rows in lists:
                for r in self._rows_of[key]:
                    i = bisect_left(rows, r)
                    if i < len(rows) and rows[i] == r:
                        del rows[i]


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


def _previous_paragraph_speaker(art: QuoteContext, found: list[Attribution], n: int, index):
    """The speaker of the last quote of the paragraph before `found[n]`, else the person
    named as a subject last in that paragraph."""
    item = found[n]
    p = item.paragraph - 1
    if p < 0:
        return None, None
    # Quotes are in order of their start, so in order of their paragraph: those after
    # this one are of its paragraph or later ones, not of the one before.
    for prev in (found[i] for i in range(n - 1, -1, -1)):
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


def _relative_subject(art: QuoteContext, f: Attribution) -> tuple[int, int] | None:
    """ "X, who said ...": the relative pronoun is the cue's subject as written, the
    mention served (as a he or she is), while the speaker resolved is X."""
    if f.cue is None:
        return None
    doc = art.doc
    verb = f.cue[0]
    for clause in doc[f.speaker[0] : f.speaker[1]].root.children:
        if clause.dep_ != "relcl" or not clause.left_edge.i <= verb <= clause.right_edge.i:
            continue
        for child in clause.children:
            if child.dep_ == "nsubj" and child.lower_ in RELATIVE_PRONOUNS:
                return child.i, child.i + 1
    return None


def _to_quote(art: QuoteContext, f: Attribution) -> Quote:
    doc, text = art.doc, art.text
    speaker = None
    if f.speaker is not None:
        written = _relative_subject(art, f) or f.speaker
        c_start, c_end = art.mention_offsets(*written)
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

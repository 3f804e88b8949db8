"""The parsed article as quote extraction sees it, and what every quote step shares."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.attrs import IDX
from spacy.tokens import Doc, Token

from app.annotate.document import not_article_text
from app.annotate.lexicon import (
    AGENT_SUFFIXES,
    CALENDAR_WORDS,
    DASHES,
    FINITE_TAGS,
    NAME_PART_DEPS,
    NAMING_TYPES,
    NOMINAL_POS,
    NOT_SOURCE_TYPES,
    PEOPLE_NOUNS,
    SENTENCE_END,
    SMALL_WORDS,
    SOURCE_NOUNS,
    SUBJECT_DEPS,
    UNSAID_AFTER_VERBS,
    VERBAL_POS,
)
from app.annotate.quotes.marks import split_paragraphs
from app.annotate.quotes.speakers import agent, mention_bounds, subject_of
from app.annotate.ranges import Ranges
from app.annotate.types import QuoteKind, Structure


@dataclass
class Attribution:
    """One quote as it is being found: offsets, cue and speaker as token ranges."""

    kind: QuoteKind
    start: int
    end: int
    paragraph: int
    cue: tuple[int, int] | None = None  # token range
    cue_lemma: str = ""
    speaker: tuple[int, int] | None = None  # token range
    follows: Attribution | None = None  # takes the speaker of this earlier quote
    floating: bool = False  # takes the speaker of the previous paragraph
    key: str | None = None


# How many reported clauses opening before some quoted words may hold them: clauses nest
# a few deep, and those are looked at, not every clause of the article.
NESTED_CLAUSES = 8

# Quotation marks a token may carry glued to a word.
QUOTE_MARKS = ('"', "“", "”")


class QuoteContext:
    """Token and paragraph lookups over one parsed article."""

    def __init__(self, doc: Doc, structure: Structure, *, text: str | None = None):
        self.doc = doc
        self.text = doc.text if text is None else text
        self.starts = doc.to_array(IDX).tolist()  # without making a Token of each
        self.paragraphs = split_paragraphs(self.text)
        self.excluded = Ranges(not_article_text(structure))
        self.paragraph_starts = [p[0] for p in self.paragraphs]
        self.quote_of = [-1] * len(doc)

    def token_at(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def paragraph_at(self, offset: int) -> int:
        return max(0, bisect_right(self.paragraph_starts, offset) - 1)

    def paragraph_tokens(self, p: int) -> tuple[int, int]:
        start, end = self.paragraphs[p]
        return self.token_at(start), self.token_at(end - 1) + 1

    def is_excluded(self, offset: int) -> bool:
        return self.excluded.overlaps(offset, offset + 1)

    def glued_after(self, mark: int) -> bool:
        """The token holding the mark at `mark` runs on into a word after it."""
        token = self.doc[self.token_at(mark)]
        return token.idx + len(token) > mark + 1 and self.text[mark + 1].isalnum()

    def mention_offsets(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of the tokens [start, end) naming someone, without the end of
        a quotation glued before the first word ('paranoia,”Clinton')."""
        first, last = self.doc[start], self.doc[end - 1]
        c_start, c_end = first.idx, last.idx + len(last)
        cut = max(first.text.rfind(mark) for mark in QUOTE_MARKS)
        if 0 <= cut < len(first) - 1 and c_start + cut + 1 < c_end:
            c_start += cut + 1
            while c_start < c_end - 1 and not self.text[c_start].isalnum():
                c_start += 1  # the rest of markup before a name ('href="...">Sanders')
        return c_start, c_end


def cue_and_speaker(
    art: QuoteContext, verb: Token, around: list[int] | None = None
) -> tuple | None:
    """The cue `verb` with its speaker: who asks a passive asking verb, else its subject,
    else a name the parse left out of it (before the verb or its brackets, or a capital
    right after an inverted cue), else a name in the words `around` it."""
    if _asked_to(verb):
        # "Clinton urged Obama to announce a new strategy": Obama has said nothing yet;
        # what is reported is the request, the cue of the verb above.
        return None
    # "X was asked by host Y, '...'": who asks speaks, when the asking is the cue.
    subject = agent(verb) or subject_of(verb)
    if subject is not None and not _nominal(subject):
        subject = None  # a misparse ("Of Carson, Levine said")
    if (subject is None or art.quote_of[subject.i] != -1) and _after_comma(verb):
        # "X seemed ready to riff on it, telling the crowd, '...'": the participle
        # hangs from the clause before its comma, whatever the parse says.
        subject = _clause_subject_before(art, verb.i - 1)
    if subject is None and verb.tag_ in FINITE_TAGS and verb.i > 0:
        subject = _name_left_out(art, verb)
    if subject is None or art.quote_of[subject.i] != -1:
        # A parse running the quotation into the sentence, or missing the subject of an
        # inverted "..., added a Democrat": the nearest noun next to the cue speaks.
        near = [i for i in around or [] if abs(i - verb.i) <= 5]
        subject = noun_near(art, near, verb.i)
    if subject is None or subject.dep_ == "expl":
        return None
    if subject.lower_ in ("that", "this") and verb.dep_ != "relcl":
        return None  # "That said, ..."
    return (verb.i, verb.i + 1), verb.lemma_.lower(), mention_bounds(subject)


def _name_left_out(art: QuoteContext, verb: Token) -> Token | None:
    """The name the parse left out of a finite verb without a subject: the noun right
    before it ("Speaking at ..., former president Bill Clinton said ..."), or before its
    brackets ("Sen. Elizabeth Warren (D-MA) said"); after a quotation, a capitalised word
    right after the cue, tagged as something else ('"...," said Skelly')."""
    doc = art.doc
    before = doc[verb.i - 1]
    if before.text == ")":
        opening = next(
            (t for t in reversed(doc[max(0, verb.i - 9) : before.i]) if t.text == "("), None
        )
        before = doc[opening.i - 1] if opening is not None and opening.i > 0 else before
    if before.pos_ in ("PROPN", "NOUN") and art.quote_of[before.i] == -1:
        return before
    if not before.is_quote or verb.i + 1 >= len(doc):
        return None
    after = doc[verb.i + 1]
    named = after.is_title and after.is_alpha and not after.is_stop
    if named and after.ent_type_ not in NOT_SOURCE_TYPES and art.quote_of[after.i] == -1:
        return after
    return None


def _asked_to(verb: Token) -> bool:
    """`verb` is what someone else is asked or expected to say ("urged X to announce")."""
    head = verb.head
    if verb.dep_ != "xcomp" or head.lemma_.lower() not in UNSAID_AFTER_VERBS:
        return False
    if head.lemma_.lower() == "call":
        # "called on X to say" asks; "called her to say" phoned her and said it.
        return any(c.dep_ == "prep" and c.lower_ in ("on", "upon") for c in head.children)
    return any(c.dep_ == "dobj" and c.i < verb.i for c in head.children)


def _after_comma(verb: Token) -> bool:
    return verb.tag_ == "VBG" and verb.i > 1 and verb.doc[verb.i - 1].text == ","


def _clause_subject_before(art: QuoteContext, comma: int) -> Token | None:
    """The subject of the clause ending at the comma at token `comma`."""
    doc = art.doc
    top = doc[comma - 1]
    steps = 0
    while top.head.i < comma and top.head.i != top.i and steps < 20:
        top = top.head
        steps += 1
    if art.quote_of[top.i] != -1 or top.pos_ not in VERBAL_POS:
        return None
    subject = subject_of(top)
    if subject is None or subject.i >= comma:
        return None
    return subject


def _nominal(subject: Token) -> bool:
    """A subject that can name a speaker: a noun, or "many"/"several", or a name mistagged."""
    if subject.pos_ in NOMINAL_POS or subject.pos_ in ("NUM", "DET"):
        return True
    if subject.dep_ not in SUBJECT_DEPS:
        return False
    if subject.pos_ == "ADJ":
        return True  # "Several said ...", "Many of her supporters say ..."
    if subject.n_lefts or subject.n_rights:
        return False
    # "..., Ebeling reminisced", "..., From said": a name the tagger took for a verb or
    # a preposition.
    return subject.is_title and subject.i > subject.sent.start and subject.pos_ in ("VERB", "ADP")


def can_voice(subject: Token) -> bool:
    """ "The impostor gushed about a '...'", "the statement talked about '...'": a name,
    a person's role, someone of a kind, or a document can say what it is quoted saying
    (a name the tagger took for a modal, "Will", included)."""
    if subject.ent_type_ in NOT_SOURCE_TYPES:
        return False
    if subject.pos_ == "PROPN" or subject.tag_ == "MD":  # "Will urged ...": a name
        return not subject.is_upper  # a headline in capitals is no one
    if subject.pos_ != "NOUN":
        return False
    return (
        a_person(subject)
        or subject.lemma_.lower() in SOURCE_NOUNS
        or any(c.dep_ == "appos" and c.ent_type_ in ("PERSON", "ORG") for c in subject.children)
    )


def a_person(noun: Token) -> bool:
    """A common noun for someone: a title, role or trade, or an agent ("leader")."""
    word = noun.lemma_.lower()
    return word in PEOPLE_NOUNS or word.endswith(AGENT_SUFFIXES)


def names_a_thing(head: Token) -> bool:
    """A singular common noun naming no one ("the platform", "the advertisement")."""
    return (
        head.pos_ == "NOUN"
        and head.tag_ == "NN"
        and not head.ent_type_
        and head.lower_ not in PEOPLE_NOUNS
    )


def noun_near(art: QuoteContext, tokens: list[int], verb: int) -> Token | None:
    """The nearest name, noun or pronoun to `verb` among `tokens`, compounds climbed."""
    doc = art.doc
    # The subject side first: "...," Ramos, 58, told AFP.
    for i in sorted(tokens, key=lambda i: (i > verb, abs(i - verb))):
        token = doc[i]
        if token.pos_ in NOMINAL_POS and art.quote_of[i] == -1:
            steps = 0
            while token.dep_ in NAME_PART_DEPS and token.head.i in tokens and steps < 5:
                token = token.head
                steps += 1
            return token
    return None


def source_of(to: Token) -> Token | None:
    """Who "according to" cites: a name in its phrase first, else its object."""
    words = [t for t in to.subtree if t.i != to.i and t.pos_ in NOMINAL_POS]
    objects = [t for t in words if t.head.i == to.i]
    for token in words:
        if token.dep_ == "compound" or token.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        if token.ent_type_ == "GPE" and not (objects and token.i == objects[0].i):
            continue  # "the poll in New Hampshire" is the poll's, not the state's
        return token
    return objects[0] if objects else (words[0] if words else None)


def words_before(art: QuoteContext, first: int, para_start: int) -> list[int]:
    """Tokens of the sentence before a quotation, back to a sentence end or another quotation."""
    return _sentence_run(art, range(first - 1, para_start - 1, -1))[::-1]


def words_after(art: QuoteContext, last: int, para_end: int) -> list[int]:
    """Tokens of the same sentence after a quotation, up to a sentence end or another quotation."""
    return _sentence_run(art, range(last + 1, para_end))


def _sentence_run(art: QuoteContext, tokens: range) -> list[int]:
    out = []
    for i in tokens:
        if art.quote_of[i] != -1 or art.doc[i].text in SENTENCE_END:
            break
        out.append(i)
    return out


def after_dash(doc: Doc, tokens: list[int]) -> list[int]:
    """ "Polls not wrong, just early - Mark Blumenthal: '...'": a heading, a dash and the
    name of who says what the colon opens; the words after the last dash, when they are
    names alone."""
    for n in range(len(tokens) - 2, 0, -1):
        if doc[tokens[n]].text in DASHES and doc[tokens[n]].whitespace_:
            rest = tokens[n + 1 :]
            return rest if _a_name(doc, rest) else tokens
    return tokens


def _a_name(doc: Doc, tokens: list[int]) -> bool:
    """Names alone ("Mark Blumenthal and Jon Cohen:", "HuffPollster:"), not a day ("Memorial
    Day:") nor a phrase ("A disaster for the town:")."""
    words = [doc[i] for i in tokens if not doc[i].is_punct and doc[i].lower_ not in ("and", "&")]
    return bool(words) and all(
        w.text[:1].isupper()
        and (w.pos_ == "PROPN" or w.ent_type_ in ("PERSON", "ORG"))
        and w.ent_type_ in NAMING_TYPES
        and w.lower_ not in CALENDAR_WORDS
        for w in words
    )


def noun_before(doc: Doc, tokens: list[int]) -> Token | None:
    for i in reversed(tokens[:-1]):
        token = doc[i]
        if token.pos_ in NOMINAL_POS:
            while token.dep_ in NAME_PART_DEPS and token.head.i in tokens:
                token = token.head
            return token
        if not token.is_punct:
            return None
    return None


def title_cased(doc: Doc, first: int, last: int) -> bool:
    """A quoted name of a work or a show ("Morning Joe", "The Apprentice"), not words said."""
    words = [t for t in doc[first + 1 : last] if t.is_alpha]
    if not words or len(words) > 6:
        return False
    if all(t.ent_type_ == "WORK_OF_ART" for t in words):
        return True
    return words[0].is_title and all(t.is_title or t.lower_ in SMALL_WORDS for t in words)

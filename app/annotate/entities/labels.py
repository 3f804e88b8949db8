"""Step 3, one type per surface form over the whole article: model votes, context, the gazetteer."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.attrs import DEP
from spacy.tokens import Doc, Span, Token

from app.annotate.entities.gazetteer import Place, lookup_place
from app.annotate.entities.junk import SUBJECT_DEPS, span_of
from app.annotate.entities.mentions import (
    LABEL_RANK,
    PLACE_LABELS,
    _DocContext,
    _Group,
    _Lists,
    _Mention,
)
from app.annotate.lexicon import (
    AREA_NOUNS,
    COMPANY_SUFFIXES,
    DEMONYM_ENDINGS,
    FACILITY_NOUNS,
    HONORIFICS,
    LOCATIVES,
    NAMING_WORDS,
    ORG_CLASS_NOUNS,
    ORG_KIND_NOUNS,
    PERSON_SPEECH_VERBS,
    PERSON_TITLES,
    PLURAL_VERBS,
    PRODUCT_KIND_NOUNS,
    SETTLEMENT_NOUNS,
    TITLES,
    TOWN_NOUNS,
    WORK_KIND_NOUNS,
)

# A city this large is a place even when the model only ever calls it a person.
BIG_CITY = 250_000
# A city this large, named by one word that is no part of a person's full name in the
# article and never follows a title, is the place or its team (`Ipswich beat Norwich`).
NAMED_ALONE_CITY = 100_000
# `Blue Gene/L`: a name, a slash and a letter or figures is a model, not a person.
VERSION = re.compile(r"(?<=[\w'’\-])/(?:[A-Z]|\d+)(?![\w/])")
# `Oscar-winning`: a name joined by a hyphen to a word in lower case.
MODIFIER_AFTER = re.compile(r"-[a-z]")
# At most this many tokens between `follow` and `on` (`Follow Jane A. Doe on`).
FOLLOW_REACH = 5
# Numbers after a name below this are a sequel's or a version's (`Xbox 2`, `Hot 100`).
SEQUEL_LIMIT = 100
# The votes the other names of a list give a name: as much as two mentions of its own.
LIST_VOTES = 2
# A first name and a surname, perhaps a middle name: capitalised words, no figures or `&`.
PERSON_SHAPE = re.compile(
    r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?(?: [A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?){1,2}"
)


def _settle_labels(doc: Doc, mentions: list[_Mention], context: _DocContext) -> dict[str, str]:
    text = context.text
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    person_cue: Counter[str] = Counter()
    # `the game Manhunt`, `US band Scissor Sisters`: the article says what kind of thing
    # the name is, which outweighs the model's guesses at its other mentions.
    kind_cue: dict[str, str] = {}
    modifier: Counter[str] = Counter()  # `Oscar-winning`: joined to a word after it
    plural: Counter[str] = Counter()  # one word the tagger reads as a plural common noun
    seen: Counter[str] = Counter(m.text for m in mentions)
    for name in _versioned_names(text):
        kind_cue[name] = "PRODUCT"  # `Blue Gene/L`: a model of a machine, wherever written
    adjectival: Counter[str] = Counter()
    located: Counter[str] = Counter()  # after `in`, `near`...: a place if the gazetteer agrees
    # The label of each mention by the token its span is rooted in, for lists.
    rooted = [(m, doc.char_span(m.start, m.end, alignment_mode="expand")) for m in mentions]
    by_root = {span.root.i: m.label for m, span in rooted if span is not None}
    lists = _Lists(doc, by_root)
    dependents = _Dependents.of(doc)
    for m, span in rooted:
        if span is None or m.label == "PERSON" or not PERSON_SHAPE.fullmatch(m.text):
            continue
        # A name shaped as a person's, listed among people: the model's other label is
        # the slip (`Will Smith, Kevin Spacey and Keanu Reeves`). Lists are no evidence
        # the other way: the model that mislabels one name mislabels its neighbours too.
        if lists.label(span) == "PERSON":
            votes[m.text]["PERSON"] += LIST_VOTES
    for m, span in rooted:
        votes[m.text][m.label] += m.weight
        if span is None:
            continue
        if span.start > 0 and doc[span.start - 1].lower_ in LOCATIVES:
            located[m.text] += 1
        if len(span) == 1 and span[0].pos_ == "ADJ" and m.text.endswith(DEMONYM_ENDINGS):
            adjectival[m.text] += m.weight
        if m.label == "PERSON" and span.start > 0:
            kind = _kind_before(doc[span.start - 1])
            if kind is not None:
                kind_cue.setdefault(m.text, kind)
        if m.label == "PERSON":
            kind = _kind_after(span)
            if kind is not None:
                votes[m.text][kind] += 3  # a vote, not the last word: `the Clinton campaign`
        # Whatever this mention's label: the kind tells what the name is everywhere.
        kind = _kind_of_class(span, doc[lists.first_of(span.root.i)])
        if kind is not None:
            kind_cue.setdefault(m.text, kind)
        if m.label == "PERSON" and _numbered(span):
            kind_cue.setdefault(m.text, "PRODUCT")  # `Spider-Man 2`, `Xbox 2`
        if m.label == "PERSON" and MODIFIER_AFTER.match(text, m.end):
            modifier[m.text] += 1
        if len(span) == 1 and span[0].tag_ == "NNS":
            plural[m.text] += 1
        cue = _context_label(span, m.label, dependents)
        if cue is not None:
            votes[m.text][cue] += 3
            if cue == "PERSON":
                person_cue[m.text] += 1
    person_tokens = {
        w for text, v in votes.items() if _top(v) == "PERSON" and " " in text for w in text.split()
    }
    labels: dict[str, str] = {}
    for text, v in votes.items():
        label = _top(v)
        if label == "PERSON" and text in kind_cue and not person_cue[text]:
            label = kind_cue[text]
        elif label == "PERSON" and " " not in text and 2 <= modifier[text] == seen[text]:
            # Only ever part of a compound word (`Oscar-winner`, `Oscar-winning actress`).
            label = "EVENT"
        elif label == "PERSON" and plural[text] == seen[text]:
            # Read as a plural common noun wherever written, a word names many: a team, a
            # band, a show (`while Spurs entertain Brighton`, `Housewives lift ratings`).
            # The tagger reads a surname so now and then (`Sanders`): not everywhere.
            label = "ORG"
        place = lookup_place(text)
        if place is not None and place.is_strong and label not in PLACE_LABELS:
            place_votes = sum(v[x] for x in PLACE_LABELS)
            person_strong = person_cue[text] > 0 or (
                text in person_tokens and v["PERSON"] >= place_votes
            )
            alone = " " not in text and text not in person_tokens
            if (
                label == "PERSON"
                and not person_strong
                and (
                    place_votes
                    or place.kind != "city"
                    or place.population >= BIG_CITY
                    or (alone and place.population >= NAMED_ALONE_CITY)
                )
            ):
                label = _place_label(place)
            elif label in ("ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT") and (
                place.kind == "country"
                or (place.kind == "region" and label != "ORG")
                or located[text] + place_votes >= v[label]
            ):
                # National teams and governments named by their country are the place.
                label = _place_label(place)
        elif place is not None and place.is_strong and label in PLACE_LABELS:
            label = _place_label(place) if label != "FAC" or place.kind != "city" else "GPE"
        elif place is None and adjectival[text] == sum(v.values()) and label != "NORP":
            label = "NORP"  # `Ukrainian`, `Italian` called a place or a person
        labels[text] = label
    return labels


def _versioned_names(text: str) -> set[str]:
    """Names written before a model letter or number (`IBM Blue Gene/L`): the run of
    capitalised words before the slash and each shorter run ending it (`Blue Gene`)."""
    found: set[str] = set()
    if "/" not in text:  # as in most articles: no match to look for
        return found
    for match in VERSION.finditer(text):
        line = text[max(0, match.start() - 80) : match.start()].rsplit("\n", 1)[-1]
        words: list[str] = []
        for word in reversed(line.split(" ")):
            if not word[:1].isupper():
                break
            words.insert(0, word)
        found.update(" ".join(words[i:]) for i in range(len(words)))
    return found


def _top(votes: Counter[str]) -> str:
    return max(votes, key=lambda label: (votes[label], -LABEL_RANK[label]))


def _place_label(place: Place) -> str:
    return "LOC" if place.kind == "region" else "GPE"


def _context_label(span: Span, label: str, dependents: _Dependents) -> str | None:
    """A label the words around a mention call for: a title, an apposition, `city of`."""
    doc = span.doc
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_.rstrip(".") in PERSON_TITLES:
        return "PERSON"
    if label == "PERSON" and _the_before(span):
        return "ORG"  # `the Beatles`, `The Cloud`: a person's name takes no article
    if label == "PERSON" and _followed_on(span):
        return "ORG"
    if label == "PERSON" and _maker_of_numbered(span):
        return "ORG"
    if label == "PERSON" and _plural_subject(span, dependents):
        return "ORG"
    if span.end < len(doc) and label != "NORP":
        nxt = doc[span.end]
        if nxt.lower_ in TOWN_NOUNS and nxt.pos_ == "NOUN":
            return "GPE"
    if prev is not None and prev.lower_ == "of" and span.start > 1:
        head = doc[span.start - 2].lower_
        if head in SETTLEMENT_NOUNS:
            return "GPE"
        if head in AREA_NOUNS and label not in PLACE_LABELS:
            return "LOC"  # `off the coast of Montauk`: a place, of whatever kind
    # `Jufra, an airbase near ...`
    if span.end + 2 < len(doc) and doc[span.end].text == ",":
        det = doc[span.end + 1]
        if det.lower_ in ("a", "an", "the"):
            for tok in doc[span.end + 2 : min(span.end + 6, len(doc))]:
                if tok.pos_ == "NOUN":
                    word = tok.lower_
                    if word in SETTLEMENT_NOUNS:
                        return "GPE"
                    if word in AREA_NOUNS:
                        return "LOC"
                    if word in FACILITY_NOUNS:
                        return "FAC"
                    break
    return None


def _kind_before(prev: Token) -> str | None:
    """The label a common noun right before a name calls for: `the game Manhunt`, `Glasgow
    group Franz Ferdinand` (a singular noun in lower case)."""
    if prev.tag_ != "NN" or not prev.is_lower:
        return None
    if prev.lower_ in WORK_KIND_NOUNS:
        return "WORK_OF_ART"
    if prev.lower_ in ORG_KIND_NOUNS:
        return "ORG"
    return None


def _kind_after(span: Span) -> str | None:
    """The label a common noun right after a one-word name that qualifies it calls for:
    `the Herald newspaper`, `the Firefox browser`, `the Slammer worm` (a noun in lower
    case the name is a compound of). Only kinds of organisation or made thing: a work is
    as often a person's (`the latest Eminem album`), and so is a full name's kind (`Ray
    Charles studio`). It is a vote, not the last word: an organisation may be a person's
    too (`the Clinton organization`)."""
    doc = span.doc
    if len(span) != 1 or span.end >= len(doc):
        return None
    after = doc[span.end]
    if span.root.dep_ != "compound" or span.root.head.i != after.i or not after.is_lower:
        return None
    kind = after.lemma_.lower()
    if kind in ORG_CLASS_NOUNS:
        return "ORG"
    return "PRODUCT" if kind in PRODUCT_KIND_NOUNS else None


# The label a kind of thing calls for, for a name said to be one of them.
_KINDS = (
    (WORK_KIND_NOUNS, "WORK_OF_ART"),
    (ORG_CLASS_NOUNS, "ORG"),
    (PRODUCT_KIND_NOUNS, "PRODUCT"),
    (FACILITY_NOUNS, "FAC"),
    (SETTLEMENT_NOUNS, "GPE"),
    (AREA_NOUNS, "LOC"),
)


def _kind_of_class(span: Span, first: Token) -> str | None:
    """The label the kind a name is said to be one of calls for: `browsers such as
    Opera and Firefox`, `clubs like Everton`, `universities, including Duke`, `a speed
    test called Linpack` (a common noun in lower case, then `such as`, `like`,
    `including` or a naming word). Only plural kinds take `including`: `the band,
    including Tom Chaplin` names a member. `first` is the first name of the list the
    name is in (`such as Kings Cross and Euston`), the name itself when in none."""
    link = first.head
    if first.dep_ == "pobj" and link.lower_ in ("as", "like", "including"):
        if link.lower_ == "as" and not (link.i > 0 and link.doc[link.i - 1].lower_ == "such"):
            return None
        noun = link.head
        if link.lower_ == "including" and noun.tag_ != "NNS":
            return None
    elif link.lower_ in NAMING_WORDS and link.dep_ == "acl" and first.i > link.i:
        noun = link.head
    else:
        return None
    if noun.pos_ != "NOUN" or not noun.is_lower:
        return None
    kind = noun.lemma_.lower()
    return next((label for nouns, label in _KINDS if kind in nouns), None)


def _the_before(span: Span) -> bool:
    """Whether a one-word name follows `the` and heads its phrase (`the Beatles`), rather
    than qualifying a noun after it (`the Obama administration`, `the late Bill Cosby`)."""
    doc = span.doc
    if len(span) != 1 or span.start == 0 or doc[span.start - 1].lower_ != "the":
        return False
    nxt = doc[span.end] if span.end < len(doc) else None
    return nxt is None or nxt.pos_ not in ("NOUN", "PROPN")


def _plural_subject(span: Span, dependents: _Dependents) -> bool:
    """A name that takes a plural verb is a team or a company, not one person:
    `Ashford were beaten`, `Merrow have signed a deal`."""
    root = span.root
    if (
        root.dep_ not in SUBJECT_DEPS
        or root.tag_ not in ("NNP", "NNPS")
        or root.i in dependents.coordinated
    ):
        return False
    # Only forms that cannot agree with one person: a present tense without `-s` is
    # too often a bare verb the parser took for one (`saw Jane Doe return`).
    head = root.head
    return head.lower_ in PLURAL_VERBS or head.i in dependents.plural_auxiliary


@dataclass(frozen=True)
class _Dependents:
    """What the dependents of the article's tokens tell, gathered in one pass:
    `Token.children` reads the token's whole subtree (the whole sentence for a verb), so
    asking it for each name is quadratic in a long sentence of names."""

    coordinated: frozenset[int]  # tokens with a `conj` or `cc` dependent
    plural_auxiliary: frozenset[int]  # tokens with an auxiliary of plural form (`were`)

    @classmethod
    def of(cls, doc: Doc) -> _Dependents:
        coordinated, plural_auxiliary = set(), set()
        # Only these dependents count: the other tokens are passed over on their labels'
        # numbers, without making a Token of each.
        wanted = {doc.vocab.strings[dep] for dep in ("conj", "cc", "aux", "auxpass")}
        for i, dep_id in enumerate(doc.to_array(DEP).tolist()):
            if dep_id not in wanted:
                continue
            token = doc[i]
            dep = token.dep_
            if dep in ("conj", "cc"):
                found = coordinated
            elif dep in ("aux", "auxpass") and token.lower_ in PLURAL_VERBS:
                found = plural_auxiliary
            else:
                continue
            head = token.head.i
            if head != token.i:  # the root of a sentence is no dependent
                found.add(head)
        return cls(frozenset(coordinated), frozenset(plural_auxiliary))


class _ThingNames:
    """The first words of the article's names of things that read as a kind of thing
    after that word (`Baikal Finance Group`, `Cairn Energy`: a company suffix last, or
    words the article also writes in lower case), by the label of the thing.

    A one-word "person" named by such a first word is that thing's short form (`Baikal
    paid ...`), unless some person's full name holds the word (`Tom Cairn`).
    """

    def __init__(self, groups: list[_Group], lower_words: frozenset[str]) -> None:
        found: dict[str, str] = {}
        person_words: set[str] = set()
        for group in groups:
            for form in group.forms:
                words = form.split()
                if len(words) < 2:
                    continue
                if group.label == "PERSON":
                    person_words.update(words)
                elif words[-1].lower() in COMPANY_SUFFIXES or (
                    group.label != "ORG" and all(w.lower() in lower_words for w in words[1:])
                ):
                    found.setdefault(words[0], group.label)
        self._labels = {w: label for w, label in found.items() if w not in person_words}

    def label(self, group: _Group, doc: Doc) -> str | None:
        """The label of the thing a one-word "person" is the short form of, if it is one
        and no mention of it shows a person (a title before it, a speech verb after)."""
        if group.label != "PERSON" or not self._labels or any(" " in f for f in group.forms):
            return None
        label = next((self._labels[f] for f in group.forms if f in self._labels), None)
        if label is None or any(_named_as_person(doc, m) for m in group.mentions):
            return None
        return label


def _named_as_person(doc: Doc, mention: _Mention) -> bool:
    """Whether a title or a form of address comes before the mention (`Mr Baikal`), or it
    is the subject of a verb only a person's speech takes (`Baikal said`)."""
    span = span_of(doc, mention)
    if span is None:
        return True  # nothing to judge by: a person still
    if span.start > 0:
        prev = doc[span.start - 1].lower_
        if prev.rstrip(".") in TITLES or prev in HONORIFICS:
            return True
    root = span.root
    return root.dep_ in SUBJECT_DEPS and root.head.lemma_.lower() in PERSON_SPEECH_VERBS


def _followed_on(span: Span) -> bool:
    """Whether the name is where someone is followed: `Follow Jane Doe on Twitter`, `you
    can follow us on Instagram`, a network, not a person."""
    root = span.root
    on = root.head
    if root.dep_ != "pobj" or on.lower_ != "on":
        return False
    # `follow` and its object just before `on`: not `following a run of bets on Scott`.
    start = max(on.sent.start, on.i - FOLLOW_REACH)
    return any(t.lemma_.lower() == "follow" for t in span.doc[start : on.i])


def _maker_of_numbered(span: Span) -> bool:
    """Whether a one-word name owns a name with a sequel's or a version's number: the
    maker of a product (`Konami's Pro Evolution Soccer 4`, `Sony's PlayStation 2`). A
    person's full name owns such titles too (`Tony Hawk's Underground 2`) and is left
    alone; a person's surname alone takes the label of their full name's group."""
    root = span.root
    if len(span) != 1 or root.dep_ != "poss" or root.head.pos_ != "PROPN":
        return False
    return any(
        c.dep_ == "nummod" and c.text.isdigit() and int(c.text) < SEQUEL_LIMIT
        for c in root.head.children
    )


def _numbered(span: Span) -> bool:
    """Whether a number the parse attaches to the name follows it, then a word: a
    sequel, a version, a chart (`Spider-Man 2 triumphed`, `Xbox 2 will`, `its Billboard
    Hot 100 chart`), not a person. A minute of play or a score closes a bracket or a
    clause, or another number, `not` or `and` follows (`Drogba 107)`, `Els 67 70`,
    `Russell 56 not out`, `Kasich 2, Rubio 3 and Trump last`); a larger number is a
    name's only before a common noun in lower case (`Film 2005 presenter`, not `Andre
    3000 and Big Boi`)."""
    doc = span.doc
    if span.end + 1 >= len(doc):
        return False
    number, after = doc[span.end], doc[span.end + 1]
    return (
        number.text.isdigit()
        and span.start <= number.head.i < span.end
        and after.is_alpha
        and after.pos_ not in ("PART", "CCONJ")
        and (int(number.text) < SEQUEL_LIMIT or after.pos_ == "NOUN" and after.is_lower)
    )

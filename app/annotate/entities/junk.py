"""Step 2, junk: mentions in boilerplate and common words the model mistakes for names."""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc, Span, Token

from app.annotate.entities.gazetteer import fold, lookup_place
from app.annotate.entities.mentions import (
    PLACE_LABELS,
    QUOTE_CHARS,
    _DocContext,
    _Group,
    _Lists,
    _Mention,
)
from app.annotate.lexicon import (
    HONORIFICS,
    PAGE_FURNITURE,
    PERSON_SPEECH_VERBS,
    ROLES,
    TIME_ZONES,
    TITLES,
)
from app.annotate.ranges import Ranges
from app.annotate.types import Block, BlockKind, Structure

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


FURNITURE = frozenset(fold(w) for w in PAGE_FURNITURE)


def _is_junk(
    text: str, label: str, span: Span, context: _DocContext, headings: dict[int, Block]
) -> bool:
    """Whether a model mention is boilerplate or a common word; `headings` are the
    article's headings and title by their start (see `_headings_by_start`)."""
    if fold(text) in FURNITURE or text in TIME_ZONES:
        return True
    if label == "PERSON" and len(span) == 1 and text.lower() in ROLES:
        return True  # `the Briton`, `the Welshman`: who someone is, not their name
    if any(t.is_lower and t.pos_ in ("VERB", "AUX") for t in span):
        return True  # a clause, not a name: `England won the first Rugby World Cup`
    # A headline in title case read as a name (`Obama Claims Hillary Most Qualified`):
    # several of its words are words the article writes in lower case.
    if (
        label == "PERSON"
        and len(span) >= 3
        and sum(t.lower_ in context.lower_words for t in span) >= 2
    ):
        return True
    if context.upper.overlaps(span.start_char, span.end_char):
        # In a line in capitals the model guesses; names the article also writes
        # in ordinary case are found there again later, from those forms.
        place = lookup_place(text)
        return place is None or not place.is_strong
    if len(span) != 1:
        return False
    tok = span[0]
    if not tok.is_sent_start and not _after_opening_quote(tok):
        return False
    if text.isupper() and len(text) > 1:
        return False  # acronyms are names
    if context.upper.overlaps(span.start_char, span.end_char):
        return False
    if context.mid_sentence_caps[text]:
        return False  # written capitalised mid-sentence elsewhere: a name
    place = lookup_place(text)
    if place is not None and place.is_strong:
        return False
    # A capitalised word at a sentence start is a common word if the article also
    # writes it in lower case, the tagger does not take it for a proper noun, or it is
    # the first word of a heading whose other words are lower case.
    if text.lower() in context.lower_words:
        return True
    if tok.pos_ != "PROPN" and label not in ("NORP", "LANGUAGE"):
        return True
    return _heading_first_word(span, headings)


def _lone_opening_word(group: _Group, doc: Doc, context: _DocContext) -> bool:
    """A one-word "person" named once, opening a sentence, nowhere else in the article
    (`Turnout was put at 61 percent`): news introduces people by their full name."""
    if group.label != "PERSON" or len(group.mentions) != 1:
        return False
    m = group.mentions[0]
    if " " in m.text or m.text.isupper() or context.mid_sentence_caps[m.text]:
        return False
    span = doc.char_span(m.start, m.end)
    if span is None or len(span) != 1 or not span[0].is_sent_start:
        return False
    # ... unless it is the one speaking ("Smith said ..."): only a person says things.
    token = span[0]
    return not (token.dep_ in SUBJECT_DEPS and token.head.lemma_.lower() in PERSON_SPEECH_VERBS)


def _unsupported_single_name(
    group: _Group, doc: Doc, team_sheets: TeamSheets, lists: NameLists
) -> bool:
    """A "person" only ever named by one word, where nothing in the article shows a person:
    `Twitter`, `Linpack`, `Festen`. News introduces people by their full name, and a
    surname alone has its support: a title (`Lord Falconer`), a first name the model left
    out (`Bob [Murray]`), a verb it is the subject of, a list or a team sheet of names, an
    apposition (`his wife, Laura`), a noun it qualifies (`the Obama administration`),
    an age (`Bigbee, 59,`). A list is no support when every other name in it is a thing
    (`Heathrow and Gatwick`, `stations such as Kings Cross and Euston`)."""
    if group.label != "PERSON" or any(" " in f for f in group.forms):
        return False
    # Named once, a first name or a nickname in passing (`rock like Jimi`) has no more
    # support than a product does: it stays, so no person named once is lost, unless it
    # is listed among things and nothing else shows a person.
    if len(group.mentions) < 2:
        return any(
            lists.among_things(span) and not _person_support(doc, m, team_sheets, lists)
            for m in group.mentions
            if (span := span_of(doc, m)) is not None
        )
    return not any(_person_support(doc, m, team_sheets, lists) for m in group.mentions)


def span_of(doc: Doc, mention: _Mention) -> Span | None:
    return doc.char_span(mention.start, mention.end, alignment_mode="expand")


class NameLists:
    """The lists of names of the article (coordinations: `Heathrow, Gatwick, Edinburgh
    and Glasgow`), with the labels of the groups their names are in, to tell a list of
    things from a list that holds people: a list of names holds one kind of thing."""

    def __init__(self, doc: Doc, groups: list[_Group]) -> None:
        by_root: dict[int, str] = {}
        # People, and things the article settles on their own: named twice or more
        # under one label, or places the gazetteer knows and the model calls places
        # (not a first name that is also a town's: `two daughters, Elizabeth and Carol`).
        sure: dict[int, str] = {}
        model_places = {(e.start_char, e.end_char) for e in doc.ents if e.label_ in PLACE_LABELS}
        for group in groups:
            settled = len(group.mentions) >= 2 or (
                group.label in PLACE_LABELS
                and any(_known_place(f) for f in group.forms)
                and any((m.start, m.end) in model_places for m in group.mentions)
            )
            for m in group.mentions:
                span = span_of(doc, m)
                if span is not None:
                    by_root[span.root.i] = group.label
                    if group.label == "PERSON" or settled:
                        sure[span.root.i] = group.label
        self._all = _Lists(doc, by_root)
        self._sure = _Lists(doc, sure)

    def among_things(self, span: Span) -> bool:
        """Whether the other names of the list of `span` are all things: two or more of
        one label, or things settled on their own (the model that takes one name of a list
        for a person mislabels its neighbours too, each in its own way)."""
        others = self._all.others(span)
        if not others or "PERSON" in others:
            return False
        return others.most_common(1)[0][1] >= 2 or self._sure.others(span).total() == others.total()


def _known_place(name: str) -> bool:
    place = lookup_place(name)
    return place is not None and place.is_strong


def _person_support(doc: Doc, mention: _Mention, team_sheets: TeamSheets, lists: NameLists) -> bool:
    span = span_of(doc, mention)
    if span is None:
        return True  # nothing to judge by: keep
    prev = doc[span.start - 1] if span.start > 0 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    root = span.root
    if prev is not None and (
        prev.lower_.rstrip(".") in TITLES
        or prev.lower_ in HONORIFICS
        or prev.pos_ == "PROPN"
        and prev.text[:1].isupper()
        and not prev.is_sent_start
    ):
        return True
    if root.dep_ in ("nsubj", "nsubjpass", "appos", "compound", "poss"):
        return True
    if any(c.dep_ == "appos" for c in root.children):
        return True
    if (
        root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children)
    ) and not lists.among_things(span):
        return True
    if (
        nxt is not None
        and nxt.text == ","
        and span.end + 1 < len(doc)
        and doc[span.end + 1].like_num
    ):
        return True  # an age
    return team_sheets.holds(span.start_char, span.end_char)


class TeamSheets:
    """Which lines of the text are team sheets, lines of capitalised names between commas
    (`Mawson, Travis, Mkandawire, James`). Each line is judged once, however many names
    are asked about in it: a paragraph of thousands of names is not read per name."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._breaks = [m.start() for m in re.finditer("\n", text)]
        self._judged: dict[tuple[int, int], bool] = {}

    def holds(self, start: int, end: int) -> bool:
        """Whether [start, end) lies in a team sheet: the line it starts in, to the end of
        the line it ends in."""
        i = bisect_left(self._breaks, start)  # the line break before `start` is i - 1
        line_start = self._breaks[i - 1] + 1 if i > 0 else 0
        j = bisect_left(self._breaks, end)  # the first line break at or after `end`
        line_end = self._breaks[j] if j < len(self._breaks) else len(self._text)
        key = (line_start, line_end)
        if key not in self._judged:
            self._judged[key] = _is_team_sheet(self._text[line_start:line_end])
        return self._judged[key]


def _is_team_sheet(line: str) -> bool:
    items = [i.strip() for i in line.replace(";", ",").split(",")]
    named = [i for i in items if i[:1].isupper()]
    return len(items) >= 4 and len(named) >= 0.75 * len(items)


def _joined_names(group: _Group, surnames: frozenset[str]) -> bool:
    """`the Clinton-Sanders debate`: two people's names joined by a hyphen name neither."""
    return group.label == "PERSON" and all(
        "-" in f and all(part in surnames for part in f.split("-")) for f in group.forms
    )


def _common_word_alone(group: _Group, context: _DocContext) -> bool:
    """A "person" only ever named by one word that the article also writes in lower
    case (`Lies`, `Backfire`, `Drama` in a title) is that word, not a name."""
    if group.label != "PERSON" or not all(m.from_model for m in group.mentions):
        return False
    if all(" " not in f and f.lower() in context.lower_words for f in group.forms):
        return True
    # `Intellectual Property`, `Advance Warning`: a name once, each of its words a word
    # the article also writes in lower case.
    return (
        len(group.mentions) == 1
        and len(group.forms) == 1
        and all(w.lower() in context.lower_words for w in group.forms[0].split())
    )


def _headline_word_alone(group: _Group, text: str, headlines: list[tuple[int, int]]) -> bool:
    """A "person" named by one word in a headline only, a word the rest of the article
    never writes (`Johnson uncertain about Euro bid`): news names the people of its
    headlines again in the text, by their full name or their surname."""
    if not headlines or group.label != "PERSON" or any(" " in f for f in group.forms):
        return False
    inside = Ranges(headlines)
    if not all(inside.overlaps(m.start, m.end) for m in group.mentions):
        return False
    word = re.compile(rf"\b(?:{'|'.join(map(re.escape, group.forms))})\b")
    pos = 0
    for start, end in sorted(headlines):
        if word.search(text, pos, start):
            return False
        pos = max(pos, end)
    return not word.search(text, pos)


def _shouted_alone(group: _Group, text: str) -> bool:
    """A "person" only ever written as one word in capitals (`GPRS`) is an acronym,
    unless it labels a speaker in a transcript (`WALLACE:`)."""
    return (
        group.label == "PERSON"
        and all(len(f) >= 3 and f.isalpha() and f.isupper() for f in group.forms)
        and not any(text.startswith(":", m.end) for m in group.mentions)
    )


def _after_opening_quote(tok: Token) -> bool:
    return bool(
        tok.i > 0 and tok.doc[tok.i - 1].text in QUOTE_CHARS and tok.doc[tok.i - 1].is_sent_start
    )


def _headings_by_start(structure: Structure) -> dict[int, Block]:
    """The headings and the title, by their start offset (the first of each)."""
    found: dict[int, Block] = {}
    for block in structure.blocks:
        if block.kind in (BlockKind.heading, BlockKind.title):
            found.setdefault(block.start, block)
    return found


def _heading_first_word(span: Span, headings: dict[int, Block]) -> bool:
    block = headings.get(span.start_char)
    if block is None:
        return False
    words = block.text.split()
    return len(words) > 1 and all(w[:1].islower() for w in words[1:] if w[:1].isalpha())


def _credit_mentions(structure: Structure, mentions: list[_Mention]) -> list[_Mention]:
    """A picture credit in capitals (`AFP`, `AP`) names an agency."""
    found = []
    taken = Ranges((m.start, m.end) for m in mentions)
    for image in structure.images:
        credit = image.credit
        if credit is None:
            continue
        name = credit.text.strip("() ")
        if not (name.isupper() and name.replace(" ", "").isalpha() and len(name) <= 12):
            continue
        if taken.overlaps(credit.start, credit.end):
            continue
        s = credit.start + credit.text.index(name)
        found.append(_Mention(s, s + len(name), name, "ORG"))
    return found

"""Step 4, recall: country names, datelines and outlets the model missed, and every other occurrence
of a name found."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain

from spacy.tokens import Doc, Span

from app.annotate.entities.gazetteer import country_names, lookup_place
from app.annotate.entities.mentions import _DocContext, _Group, _Mention
from app.annotate.ranges import Ranges

# A place in capitals opening a line, before a date, an agency or a dash.
DATELINE = re.compile(
    r"^([A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,2})(?=,? \d{4}-\d\d-\d\d| ?\(| [-–—] |,? [A-Z][a-z]{2,8}\.? \d)",
    re.MULTILINE,
)


_OUTLET_NAME = r"((?:[A-Z][\w'’&.\-]*)(?: (?:[A-Z][\w'’&.\-]*|de|du|la|le|el|al)){0,3})"


_OUTLET_KIND = r"(?:news agency|newspaper|daily|broadcaster|news channel|TV channel)"


NAME_THEN_OUTLET = re.compile(rf"\b{_OUTLET_NAME} {_OUTLET_KIND}\b")  # the Tanjug news agency
# What every match of NAME_THEN_OUTLET holds: most articles name no kind of outlet.
_OUTLET_KIND_AFTER_NAME = re.compile(rf" {_OUTLET_KIND}\b")
OUTLET_THEN_NAME = re.compile(rf"\b{_OUTLET_KIND} {_OUTLET_NAME}")  # the news agency Tanjug
# A run of the characters a word of an outlet's name is made of, and where such a word starts.
_NAME_RUN = re.compile(r"[\w'’&.\-]+")
_NAME_START = re.compile(r"\b[A-Z]")


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    """Any country name standing alone, the longest where several fit. Laid out as a trie
    (as `_alternation`): a plain alternation of the hundreds of names, tried one by one
    at every character, took a tenth of the time of every layer together."""
    names = set(country_names())
    names |= {n.upper() for n in names if len(n) >= 4}
    return re.compile(rf"(?<![\w.]){_trie(sorted(names))}(?![\w\-]|\.\w)")


def _place_mentions(
    doc: Doc, text: str, mentions: list[_Mention], excluded: Ranges, context: _DocContext
) -> list[_Mention]:
    """Places the model left untagged: country names (`the UAE`) and datelines
    (`BELGRADE 1996-08-30`, `LONDON (Reuters) -`)."""
    taken = _Occupied(text, context, mentions)
    found = []

    def add(s: int, e: int) -> None:
        if taken.overlaps(s, e) or excluded.overlaps(s, e):
            return
        span = doc.char_span(s, e)
        if span is None or _inside_longer_name(span):
            return
        taken.add(s, e)
        found.append(_Mention(s, e, text[s:e], "GPE", from_model=False))

    for match in _country_pattern().finditer(text):
        s = match.start()
        # After a hyphen only when a capitalised word precedes it (`Russia-Ukraine`,
        # not `ex-England`).
        if s > 1 and text[s - 1] == "-":
            word = re.search(r"(\w+)-$", text[max(0, s - 30) : s])
            if word is None or not word.group(1)[0].isupper():
                continue
        add(s, match.end())
    for match in DATELINE.finditer(text):
        place = lookup_place(match.group(1))
        if place is not None and place.is_strong:
            add(*match.span(1))
    return sorted(found, key=lambda m: m.start)


def _outlet_mentions(
    doc: Doc, text: str, mentions: list[_Mention], excluded: Ranges, context: _DocContext
) -> list[_Mention]:
    """News outlets the model left untagged: `the Tanjug news agency`, `Le Monde
    newspaper`."""
    taken = _Occupied(text, context, mentions)
    found = []
    for match in chain(_names_then_outlet(text), OUTLET_THEN_NAME.finditer(text)):
        s, e = match.span(1)
        while text.startswith(("The ", "A ", "An "), s) and e - s > 4:
            s = text.index(" ", s) + 1
        if taken.overlaps(s, e) or excluded.overlaps(s, e):
            continue
        span = doc.char_span(s, e)
        if span is None or span[0].is_sent_start and len(span) == 1 and span[0].pos_ != "PROPN":
            continue
        found.append(_Mention(s, e, text[s:e], "ORG", from_model=False))
    return found


def _names_then_outlet(text: str) -> Iterator[re.Match[str]]:
    """The matches of `NAME_THEN_OUTLET` in `text`, as `finditer` gives them, in time
    linear in the text.

    Tried at each capital starting a word, the pattern reads the name's first word on to
    the end of its run of name characters, so a long run with a capital after every dot
    (`A.B.C.D...`) took time quadratic in its length. From any capital of a run the
    pattern goes on alike after the run's end: only the first capital is tried. A text
    without a kind of outlet after a space, as most are, has no match to look for.
    """
    if not _OUTLET_KIND_AFTER_NAME.search(text):
        return
    pos = 0  # matches do not overlap: the next one starts where the last ended
    for run in _NAME_RUN.finditer(text):
        if run.end() <= pos:
            continue
        start = _NAME_START.search(text, max(run.start(), pos), run.end())
        if start is None:
            continue
        match = NAME_THEN_OUTLET.match(text, start.start())
        if match is not None:
            yield match
            pos = match.end()


def _inside_longer_name(span: Span) -> bool:
    """Whether a capitalised word runs on either side (`Chad Smith`, `New Jersey`),
    unless the line is in capitals."""
    doc = span.doc
    if span.text.isupper() and len(span.text) > 3:
        return False
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    if before is not None and before.text[:1].isupper() and not span[0].is_sent_start:
        return True
    return after is not None and after.text[:1].isupper() and not after.is_sent_start


def _propagate(
    doc: Doc,
    text: str,
    groups: list[_Group],
    excluded: Ranges,
    context: _DocContext,
) -> list[_Mention]:
    """Other occurrences of the names already found, which the model missed: each
    surface form, a person's surname, and both in lines written in capitals."""
    owner: dict[str, _Group | None] = {}

    def claim(form: str, group: _Group) -> None:
        owner[form] = group if owner.get(form, group) is group else None

    for group in groups:
        for form in group.forms:
            if len(form) >= 2:
                claim(form, group)
    for group in groups:
        if group.label != "PERSON":
            continue
        for form in group.forms:
            words = form.split()
            surname = words[-1]
            if (
                len(words) > 1
                and len(surname) >= 3
                and surname[0].isupper()
                and surname.lower() not in context.lower_words
                and surname not in owner
                and lookup_place(surname) is None
            ):
                claim(surname, group)
    forms = {f: g for f, g in owner.items() if g is not None}
    if not forms:
        return []
    taken = _Occupied(text, context, [m for g in groups for m in g.mentions])
    found = []

    def add(s: int, e: int, group: _Group) -> None:
        if taken.overlaps(s, e) or excluded.overlaps(s, e):
            return
        span = doc.char_span(s, e)
        if span is None:
            return
        if len(span) == 1 and span[0].is_sent_start and span[0].pos_ != "PROPN":
            return
        taken.add(s, e)
        found.append(_Mention(s, e, text[s:e], group.label, from_model=False))

    for s, e in _Forms(forms).spans(text):
        add(s, e, forms[text[s:e]])
    upper = {f.upper(): g for f, g in forms.items() if len(f) >= 3}
    if context.upper_lines and upper:
        finder = _Forms(upper)
        for line_start, line_end in context.upper_lines:
            for s, e in finder.spans(text, line_start, line_end):
                add(s, e, upper[text[s:e]])
    return sorted(found, key=lambda m: m.start)


# A run of word characters, and one that opens a word (not inside a word or after a
# hyphen); where a word ends (no word character or hyphen follows).
_WORD = re.compile(r"\w+")
_WORD_OPENING = re.compile(r"(?<![\w\-])\w+")
_WORD_END = re.compile(r"(?![\w\-])")
# Up to this many first words, each is searched for through the text: fewer steps in
# Python than looking up every word of the text.
_MAX_WORDS_SEARCHED = 50


class _Forms:
    """Finds any of `forms` standing alone, the longest where several fit, left to right:
    the spans `_alternation(forms).finditer` gives, without compiling a pattern for each
    article (a third of a millisecond, as much as the rest of this step).

    A form opening with a word character can only match where the text's word is the
    form's own first word (what follows either matches the form or must end the word):
    the forms are tried where one of their first words opens a word of the text. Forms
    opening otherwise are left to the pattern.
    """

    def __init__(self, forms: Iterable[str]) -> None:
        self._pattern: re.Pattern[str] | None = None
        self._by_word: dict[str, list[str]] = defaultdict(list)
        longest_first = sorted(set(forms), key=len, reverse=True)
        for form in longest_first:
            word = _WORD.match(form)
            if word is None:
                self._pattern = _alternation(longest_first)
                return
            self._by_word[word.group()].append(form)

    def spans(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, int]]:
        """The (start, end) of each match in `text[pos:endpos]`, as `finditer` reads them."""
        endpos = len(text) if endpos is None else endpos
        if self._pattern is not None:
            yield from (m.span() for m in self._pattern.finditer(text, pos, endpos))
            return
        end = pos  # matches do not overlap
        for start, word in self._openings(text, pos, endpos):
            if start < end:
                continue
            for form in self._by_word[word]:
                stop = start + len(form)
                if text.startswith(form, start, endpos) and _WORD_END.match(text, stop, endpos):
                    yield start, stop
                    end = stop
                    break

    def _openings(self, text: str, pos: int, endpos: int) -> list[tuple[int, str]]:
        """Where the first words of the forms open a word of `text[pos:endpos]`, in order:
        each first word searched for in the text, or, when there are many, each word of
        the text looked up among them."""
        if len(self._by_word) > _MAX_WORDS_SEARCHED:
            openings = _WORD_OPENING.finditer(text, pos, endpos)
            return [(m.start(), m.group()) for m in openings if m.group() in self._by_word]
        found = []
        for word in self._by_word:
            at = text.find(word, pos, endpos)
            while at != -1:
                opening = _WORD_OPENING.match(text, at, endpos)
                if opening is not None and opening.end() == at + len(word):
                    found.append((at, word))
                at = text.find(word, at + 1, endpos)
        return sorted(found)


def _alternation(forms: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding any of `forms` (at least one) standing alone, the longest where
    several fit: not `Smith` in `Smithson` or `Smith-Jones`.

    The forms are laid out as a trie: each place in the text is tried against the forms
    that begin as the text there does, not against every form in turn, which was
    quadratic in an article naming thousands of people.
    """
    return re.compile(rf"(?<![\w\-]){_trie(sorted(set(forms)))}(?![\w\-])")


# Deeper than this, a trie's branches are a plain alternation, longest first: a pattern
# nests no deeper, however many forms begin with others.
_MAX_TRIE_DEPTH = 40


def _trie(forms: list[str], depth: int = 0) -> str:
    """The pattern of a trie of `forms`, distinct, the empty one ending there. A form ends
    after every branch going on from there: the longest form that fits is tried first,
    and a shorter one when what follows the longer does not end a word."""
    if depth >= _MAX_TRIE_DEPTH:
        return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")"
    branches: dict[str, list[str]] = defaultdict(list)
    for form in forms:
        if form:
            branches[form[0]].append(form[1:])
    patterns = []
    for first, rests in branches.items():
        shared = os.path.commonprefix(rests)  # one literal for a run without a branch
        following = [rest[len(shared) :] for rest in rests]
        patterns.append(re.escape(first + shared) + _trie(following, depth + 1))
    if "" in forms:
        patterns.append("")
    return patterns[0] if len(patterns) == 1 else "(?:" + "|".join(patterns) + ")"


class _Occupied:
    """Which characters of the text some mention (or other model entity) already covers."""

    def __init__(self, text: str, context: _DocContext, mentions: list[_Mention]) -> None:
        self.mask = bytearray(len(text))
        for start, end in context.model_spans:
            self.add(start, end)
        for m in mentions:
            self.add(m.start, m.end)

    def add(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self.mask.find(1, start, end) != -1

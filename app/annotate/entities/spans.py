"""Step 1, span cleaning: the name inside a model span (no possessive, quote marks, leading article or
title), people split out of lists, headline words trimmed."""

from __future__ import annotations

import re
from collections import defaultdict

from spacy.tokens import Doc, Span, Token

from app.annotate.entities.gazetteer import lookup_place
from app.annotate.entities.grouping import _is_initial
from app.annotate.entities.mentions import QUOTE_CHARS, _DocContext, _Mention
from app.annotate.lexicon import (
    EVENT_LAST_WORDS,
    FACILITY_LAST_WORDS,
    FACILITY_LAST_WORDS_LONG,
    MINISTRY_NOUNS,
    NAME_SUFFIXES,
    ORG_LAST_WORDS,
    PARTICLES,
    ROLES,
    SMALL_WORDS,
    TITLES,
    TRADES,
    WEAK_TITLES,
)
from app.annotate.ranges import Ranges
from app.annotate.types import BlockKind, Structure

POSSESSIVES = frozenset({"'s", "’s", "'", "’", "'S", "’S"})


PREFIX_SEPARATORS = frozenset({"-", "–", "—", ":", "|", "/"})


HYPHENATED_BEFORE = re.compile(r"(?<![\w-])([A-Za-z]+)-(?:[A-Za-z]+-)*$")


HYPHENATED_AFTER = re.compile(r"(?:-[A-Z][a-z]+)+(?![\w-])")


def _parts(ent: Span) -> list[Span]:
    """The names inside one model span: the part outside an unclosed bracket
    (`Night Desk (Channel 5`), and each person of `Jo Pratt & Ali Moss`."""
    doc = ent.doc
    start, end = ent.start, ent.end
    opening = [t.i for t in ent if t.text == "("]
    closing = [t.i for t in ent if t.text == ")"]
    if opening and not closing:
        end = opening[0]
    elif closing and not opening:
        start = closing[-1] + 1
    if ent.label_ != "PERSON":
        return [Span(doc, start, end, label=ent.label_)] if start < end else []
    parts = []
    for tok in doc[start:end]:
        if tok.text in ("&", ",", ";") or tok.lower_ == "and":
            if tok.i > start:
                parts.append(Span(doc, start, tok.i, label=ent.label_))
            start = tok.i + 1
    if start < end:
        parts.append(Span(doc, start, end, label=ent.label_))
    return parts


def _clean_span(ent: Span, text: str) -> tuple[int, int, Span] | None:
    """The name inside a model span (character offsets and the tokens they fall in):
    no possessive, quote marks, leading article or title."""
    doc = ent.doc
    start, end = ent.start, ent.end
    # A mention never runs over a line break: keep the part before it. (Tokens are read
    # by index: a slice of `doc` is a Span made for nothing.)
    for tok in map(doc.__getitem__, range(start, end)):
        if "\n" in tok.text or ("\n" in tok.whitespace_ and tok.i < end - 1):
            end = tok.i if "\n" in tok.text else tok.i + 1
            break
    # Anything up to a dash or colon is a prefix such as `WATCH:` or a dateline.
    for tok in map(doc.__getitem__, range(start, end)):
        if tok.text in PREFIX_SEPARATORS and tok.i > start and tok.i < end - 1:
            start = tok.i + 1

    def trim_edges() -> None:
        nonlocal start, end
        while start < end and (doc[start].is_punct or doc[start].text in QUOTE_CHARS):
            start += 1
        while end > start and (
            doc[end - 1].is_punct
            and doc[end - 1].text not in (".",)
            or doc[end - 1].text in QUOTE_CHARS
            or doc[end - 1].text in POSSESSIVES
            or doc[end - 1].text == "."
        ):
            end -= 1

    trim_edges()
    if start >= end:
        return None
    # A leading article: `the UAE`, not `The Hague` (a place under that name).
    first = doc[start]
    if first.lower_ == "the" and end - start > 1:
        keep = first.text == "The" and (
            lookup_place(doc[start:end].text) is not None
            and lookup_place(doc[start + 1 : end].text) is None
            or (
                ent.label_ in ("ORG", "WORK_OF_ART")
                and end - start == 2
                and not first.is_sent_start
            )
        )
        if not keep:
            start += 1
    # A number before a name (`1 Westfield` in a table).
    while end - start > 1 and doc[start].is_digit:
        start += 1
    # Lower-case words before a name (`a Hans Christian Andersen`), bar name particles.
    while end - start > 1 and doc[start].is_lower and doc[start].lower_ not in PARTICLES:
        start += 1
    if ent.label_ == "PERSON":
        # Titles and roles before a person's name, and a description
        # (`Hungarian Melinda Czink`, `Cinematographer John Mathieson`).
        while end - start > 1 and (
            _is_title(doc[start], doc[start + 1 : end])
            or end - start > 2
            and doc[start].pos_ in ("ADJ", "NOUN")
            and doc[start + 1].pos_ == "PROPN"
        ):
            start += 1
        # A title inside the span ends a prefix (`Lib Dem MP Lembit Opik`).
        for j in range(end - 2, start, -1):
            if doc[j].lower_ not in WEAK_TITLES and _is_title(doc[j], doc[j + 1 : end]):
                start = j + 1
                break
        while end - start > 1 and any(c.isdigit() for c in doc[end - 1].text):
            end -= 1
    # Lower-case words after a proper name are a description: `Interfax news agency`.
    tail = end
    while tail - start > 1 and doc[tail - 1].is_lower and doc[tail - 1].is_alpha:
        tail -= 1
    if tail < end and doc[tail - 1].pos_ == "PROPN" and not doc[tail - 1].is_lower:
        end = tail
    # An all-capitals prefix of several words before a name in ordinary case.
    caps = start
    while caps < end and doc[caps].is_alpha and doc[caps].is_upper and len(doc[caps]) > 1:
        caps += 1
    if caps - start >= 2 and caps < end and not doc[caps].is_upper:
        start = caps
    trim_edges()
    if start >= end:
        return None
    span = doc[start:end]
    # Quote marks glued to a token's edge.
    s, e = span.start_char, span.end_char
    while s < e and text[s] in QUOTE_CHARS:
        s += 1
    while e > s and text[e - 1] in QUOTE_CHARS + ",;:":
        e -= 1
    for suffix in ("'s", "’s"):
        if text[s:e].endswith(suffix) and e - s > len(suffix):
            e -= len(suffix)
    # A bracket inside a token (`Party(BNP`): keep the part before an unclosed one.
    inner = text[s:e]
    if "(" in inner and ")" not in inner:
        e = s + len(inner[: inner.index("(")].rstrip())
    elif ")" in inner and "(" not in inner:
        s = e - len(inner[inner.rindex(")") + 1 :].lstrip())
    if not any(c.isupper() for c in text[s:e]):
        return None  # names are capitalised: `naira`, `year-old` are not
    # The rest of a hyphenated name (`Nagorno-Karabakh`, `al-Aqsa`), not a compound
    # word (`Syria-type`, `UN-recognised`, `ex-England`).
    # Nor two names joined (`Russia-Ukraine`).
    # Only a hyphen before `s` can end a match (`$` also matches before a last line break).
    hyphen_before = text.endswith(("-", "-\n"), 0, s)
    before = HYPHENATED_BEFORE.search(text, max(0, s - 40), s) if hyphen_before else None
    if (
        before
        and (before.group(1)[0].isupper() or before.group(1).lower() in PARTICLES)
        and not _known_name(before.group(0).strip("-"))
    ):
        s = before.start()
    after = HYPHENATED_AFTER.match(text, e)
    if after and not _known_name(after.group(0).strip("-")):
        e = after.end()
    return s, e, span


def _strip_known_prefixes(mentions: list[_Mention], text: str, raw: list[str]) -> None:
    """`Lib Dem Norman Baker`: a person's span opening with a name the article uses
    for a party or nationality, or on its own before several people's names, starts
    after it."""
    alone = {m.text for m in mentions}
    others = {m.text for m in mentions if m.label in ("NORP", "ORG")}
    openings: dict[str, set[str]] = defaultdict(set)
    for words in (t.split() for t in [*raw, *alone]):
        for k in (1, 2):
            if len(words) > k:
                openings[" ".join(words[:k])].add(" ".join(words[k:]))
    for m in mentions:
        words = m.text.split()
        if m.label != "PERSON" or len(words) < 3:
            continue
        for k in (2, 1):
            prefix = " ".join(words[:k])
            shared = prefix in alone and len(openings[prefix]) > 1
            if len(words) - k >= 2 and (prefix in others or shared):
                m.start += len(prefix) + 1
                m.text = text[m.start : m.end]
                break


VERSUS = re.compile(r"\s(?:v|vs)\.?\s")
VERSUS_AFTER = re.compile(r"\s+(?:v|vs)\.?\s+[A-Z]")
VERSUS_BEFORE = re.compile(r"[A-Z][\w.]*\s+(?:v|vs)\.?\s+$")
INNER_WORD = re.compile(r"\s+(\S+)")
CREDITED_NAME = re.compile(r"[A-Z][\w'’\-]+(?: [A-Z][\w'’.\-]*)+")


NICKNAME_THEN_SURNAME = re.compile(
    r"[\"“‘'][A-Z][\w.\-]*(?: [A-Z][\w.\-]*)?[\"”’'] ([A-Z][\w'’\-]*[a-z][\w'’\-]*)(?![\w\-])"
)


INNER_QUOTE = re.compile(r"[\"“”«»„‚`]|(?<!\w)['‘’]|['‘’](?!\w)")


POSSESSIVE_INSIDE = re.compile(r"['’‘]s(?=\s|$)")


INITIALS_ONLY = re.compile(r"(?:[A-Z]\.\s*)+|[A-Z]")


def _person_span(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """A person's name as the model spans it, made good, with the label it calls for:
    no quote mark or possessive inside (`Marine John “Tig`, `Joseph O'Connor's Star`),
    no stray hyphen or bracket; a name ending in `Tower` or `Foundation` is a building
    or an organisation; initials alone (`C.L.`) or a hashtag are no one."""
    if start > 0 and text[start - 1] in "#@" or any(c in text[start:end] for c in "@\\"):
        return None  # a hashtag, a handle
    if "/" in text[start:end]:
        # A photo credit (`PRESS/Sean Kilpatrick`) names the person after the slash; an
        # address (`twitter.com/JaneDoe`) no one.
        after = text[start:end].rsplit("/", 1)[1]
        if "." in text[start:end].rsplit("/", 1)[0] or not CREDITED_NAME.fullmatch(after):
            return None
        start = end - len(after)
    while start < end and (text[start] in "-–—[]" or text[start].isspace()):
        start += 1
    name = text[start:end]
    cut = INNER_QUOTE.search(name)
    possessive = POSSESSIVE_INSIDE.search(name)
    if possessive and (cut is None or possessive.start() < cut.start()):
        cut = possessive
    if cut is not None:
        before, after = name[: cut.start()].rstrip(), name[cut.end() :].strip()
        # A nickname in quotes between the first name and the surname (`Mark “Oz”
        # Geist`, or the model's `John “Tig` before `” Tiegen`): the surname.
        surname = NICKNAME_THEN_SURNAME.match(text, start + cut.start())
        if surname is not None and " " not in before and cut.group() not in ("'s", "’s", "‘s"):
            return surname.start(1), surname.end(1), "PERSON"
        if any(c.isupper() for c in before):
            end = start + len(before)
        elif cut.group() not in ("'s", "’s") and any(c.isupper() for c in after):
            start = end - len(after)
        else:
            return None
        name = text[start:end]
    # A square bracket inside (`Hillary] Clinton`): keep the part after a closing one,
    # before an opening one.
    if "]" in name:
        start += name.rindex("]") + 1
    if "[" in text[start:end]:
        end = start + text[start:end].index("[")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    name = text[start:end]
    if not any(c.isupper() for c in name) or INITIALS_ONLY.fullmatch(name):
        return None
    # `Hale v Dunmore`, `Plessy v. Ferguson`: a match or a court case, not a person.
    if (
        VERSUS.search(name)
        or VERSUS_AFTER.match(text, end)
        or VERSUS_BEFORE.search(text, max(0, start - 40), start)
    ):
        return None
    # `Ana Reyes for Night Train`: a name ends before a word in lower case (a particle
    # such as `van` or `de` excepted).
    for word in INNER_WORD.finditer(name):
        if word.group(1).islower() and word.group(1) not in PARTICLES:
            end = start + word.start()
            name = text[start:end]
            break
    if name.lower() in NAME_SUFFIXES:
        return None  # `Jr.` split off a name
    words = name.split()
    if len(words) > 1 and re.fullmatch(r"[A-Z]\.", words[-1]):
        # A trailing initial is a name cut short (`Charles G.` before a line break).
        end = start + len(name) - len(words[-1])
        end = len(text[:end].rstrip())
        name = text[start:end]
        words = words[:-1]
    if any(c.isdigit() for c in name):
        return start, end, "ORG"  # `1Xtra`, `Channel 4`
    acronym = len(words[0]) >= 3 and words[0].isalpha() and words[0].isupper()
    if len(words) > 1 and acronym and not name.isupper():
        return start, end, "ORG"  # `BBC Sport`, `CNN Politics`
    last = words[-1].lower()
    if len(words) > 1 and words[-1][:1].isupper():
        if last in FACILITY_LAST_WORDS or len(words) > 2 and last in FACILITY_LAST_WORDS_LONG:
            return start, end, "FAC"
        if last in ORG_LAST_WORDS:
            return start, end, "ORG"
        if last in EVENT_LAST_WORDS:
            return start, end, "EVENT"
    return start, end, "PERSON"


def _trim_headline_words(
    mentions: list[_Mention], text: str, doc: Doc, structure: Structure, context: _DocContext
) -> list[_Mention]:
    """`Dennis Prager Tells`, `Top Clinton`, `Turnout Numbers`: in a headline in title
    case the model takes runs of capitalised words for names. There a person's name
    keeps only the longest run of words the article also writes capitalised in its
    body, and none if there is no such word."""
    blocks = [
        (b.start, b.end) for b in structure.blocks if b.kind in (BlockKind.heading, BlockKind.title)
    ]
    _trim_common_word(mentions, text, doc, Ranges(blocks), context)
    headings = Ranges((s, e) for s, e in blocks if _title_case(text[s:e]))
    if not headings or not any(
        m.label == "PERSON" and headings.overlaps(m.start, m.end) for m in mentions
    ):
        return mentions
    body_caps = {
        tok.text
        for tok in doc
        if tok.text[:1].isupper() and not headings.overlaps(tok.idx, tok.idx + len(tok))
    }
    kept = []
    for m in mentions:
        span = doc.char_span(m.start, m.end)
        if m.label != "PERSON" or span is None or not headings.overlaps(m.start, m.end):
            kept.append(m)
            continue
        runs: list[list[Token]] = [[]]
        for tok in span:
            if tok.is_stop:
                if runs[-1]:
                    runs.append([])
                continue
            if (
                tok.text in body_caps
                or tok.lower_ in PARTICLES
                or _is_initial(tok.text)
                or tok.tag_ == "NNP"
                and not tok.is_stop
                and tok.lower_ not in context.lower_words
            ):
                runs[-1].append(tok)
            elif runs[-1]:
                runs.append([])
        best = max(runs, key=len)
        if not any(tok.text in body_caps for tok in best):
            continue
        m.start, m.end = best[0].idx, best[-1].idx + len(best[-1])
        m.text = text[m.start : m.end]
        kept.append(m)
    return kept


def _trim_common_word(
    mentions: list[_Mention],
    text: str,
    doc: Doc,
    headings: Ranges,
    context: _DocContext,
) -> None:
    """`Dennis Prager Tells`, `Top Clinton`: in a headline, a common word joined to a
    name the article gives elsewhere is not part of it."""
    names = {m.text for m in mentions if m.label == "PERSON"}
    for m in mentions:
        words = m.text.split()
        if m.label != "PERSON" or len(words) < 2 or not headings.overlaps(m.start, m.end):
            continue
        span = doc.char_span(m.start, m.end)
        if span is None or len(span) != len(words):
            continue

        def common(tok: Token) -> bool:
            return tok.lower_ in context.lower_words or tok.pos_ in ("VERB", "AUX", "ADJ", "ADV")

        rest_after, rest_before = " ".join(words[1:]), " ".join(words[:-1])
        if rest_after in names and common(span[0]):
            m.start = m.end - len(rest_after)
        elif rest_before in names and common(span[-1]):
            m.end = m.start + len(rest_before)
        else:
            continue
        m.text = text[m.start : m.end]


def _title_case(line: str) -> bool:
    """Whether a line of three words or more has each word capitalised but for short
    function words."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return len(words) >= 3 and all(
        w[0].isupper() for w in words if len(w) >= 3 and w.lower() not in SMALL_WORDS
    )


def _drop_family_plurals(mentions: list[_Mention]) -> list[_Mention]:
    """`the Clintons`, `the Obamas`: a family, not one more person."""
    surnames = {
        m.text.split()[-1] for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1
    }
    return [
        m
        for m in mentions
        if not (
            m.label == "PERSON"
            and " " not in m.text
            and m.text.endswith("s")
            and m.text[:-1] in surnames
            and m.text not in surnames
        )
    ]


def _ministry_end(doc: Doc, i: int) -> int | None:
    """The end offset of `[foreign] ministry` starting at token `i`, if there."""
    for tok in doc[i : i + 3]:
        if not tok.is_lower:
            return None
        if tok.lower_ in MINISTRY_NOUNS:
            return tok.idx + len(tok)
    return None


def _known_name(words: str) -> bool:
    """Whether hyphen-joined words are each a place (`Russia-Ukraine`)."""
    return any(
        (place := lookup_place(word)) is not None and place.is_strong for word in words.split("-")
    )


def _is_title(token: Token, rest: Span) -> bool:
    word = token.lower_
    if word not in TITLES and word not in ROLES:
        return False
    nxt = rest[0]
    if not (nxt.text[:1].isupper() or nxt.lower_ in TITLES):
        return False
    if token.text[:1].isupper() and (word in WEAK_TITLES or word in ROLES):
        return len(rest) >= 2 or word in TRADES and nxt.pos_ == "PROPN"
    return True

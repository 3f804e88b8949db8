"""Entities: mentions recognised, merged into one entity per real-world thing, geocoded.

The steps, each a function below:
1. take the model's mentions of the kinds we keep and clean their spans (possessive
   `'s`, quote marks, a leading `the`, a title such as `President`, lists of people);
2. drop mentions in boilerplate (READ MORE titles, the Source line, a repeated caption)
   and sentence-initial common words the model mistakes for names;
3. settle one type per surface form over the whole article (model votes, context such as
   `the city of`, the gazetteer);
4. add mentions the model missed: country names, datelines, acronyms defined in
   brackets, news outlets, and every other occurrence of a name found (surnames too);
5. group surface forms into entities (person short forms, acronyms, case variants, one
   country under several names) and geocode the places.

Everything works from `doc` and `structure` alone, in a few passes over the article: no
per-mention scan of the whole text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from app.annotate.gazetteer import Place, country_names, fold, lookup_place
from app.annotate.types import BlockKind, Entity, Mention, Structure


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


KEPT_LABELS = (
    "PERSON",
    "GPE",
    "LOC",
    "FAC",
    "ORG",
    "NORP",
    "EVENT",
    "PRODUCT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
)
# Tie-break between equally supported labels: the order above.
LABEL_RANK = {label: i for i, label in enumerate(KEPT_LABELS)}
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

QUOTE_CHARS = "\"'“”‘’«»„‚`"
POSSESSIVES = frozenset({"'s", "’s", "'", "’", "'S", "’S"})
DASHES = frozenset({"-", "–", "—", ":", "|", "/"})

# Words that precede a name as a title or role and are not part of it.
TITLES = _words(
    """
    president vice prime minister ministers mr mr. mrs mrs. ms ms. miss dr dr. sir dame
    king queen prince princess pope chancellor senator sen sen. rep rep. representative
    congressman congresswoman gov gov. governor mayor gen gen. general col col. colonel
    lt lt. lieutenant capt capt. captain sgt sgt. sergeant cmdr commander admiral adm
    adm. marshal secretary foreign defence defense interior finance justice home chief
    chairman chairwoman chair ceo executive director judge rev rev. reverend father
    sheikh sheik imam ayatollah emir sultan professor prof prof. ambassador envoy coach
    manager striker midfielder defender goalkeeper deputy crown archbishop bishop
    cardinal speaker premier warlord leader spokesman spokeswoman spokesperson
    opposition former late president-elect minister-designate first lady st. saint lord
    baroness baron earl duke duchess count countess
    """
)
# Lower-case words that belong to names.
PARTICLES = _words("de da di del della der den van von le la al el bin ibn bint abu du dos das")
# Titles before a name that is the bearer's whole name (`Prince Charles`, `Pope Francis`).
SOLE_NAME_TITLES = _words("king queen prince princess pope emperor empress saint st st.")
# Titles that are also common first names or name parts; stripped only when the
# remaining span still has two name words.
WEAK_TITLES = frozenset({"general", "justice", "chief", "father", "saint", "st.", "lady", "home"})
# Nationalities and trades written before a name (`Briton Tim Henman`, `Director Ang
# Lee`); also surnames, so stripped only before two more name words.
ROLES = _words(
    """
    briton britons scot welshman welshwoman irishman irishwoman englishman englishwoman
    frenchman frenchwoman dutchman olympian compatriot countryman countrywoman teammate
    winger prop centre lock striker forward midfielder cinematographer photographer
    soldier sergeant private officer lawyer attorney candidate nominee activist
    team-mate veteran rookie skipper star legend winger flanker fly-half scrum-half
    full-back hooker bowler batsman keeper goalkeeper pitcher jockey trainer champion
    holder favourite seed singer actor actress director producer author writer novelist
    artist designer rapper comedian presenter host anchor reporter correspondent editor
    analyst economist chef boss founder owner chairman bar tory democrat republican
    labour conservative liberal mp mep senator congressman
    """
)
# Trades and positions that are no one's given name: stripped even before a surname
# alone (`Winger Nitoglia`).
TRADES = _words(
    """
    winger flanker fly-half scrum-half full-back hooker prop striker midfielder defender
    goalkeeper bowler batsman pitcher jockey cinematographer photographer producer actor
    actress singer rapper comedian presenter novelist designer director
    """
)
MINISTRY_NOUNS = _words("ministry ministries")
# Verbs of saying whose subject is a person (`Smith said ...`), and the dependencies of
# a subject.
SPEECH_VERBS = _words(
    """
    say tell add note explain state declare announce claim insist argue warn write tweet
    ask reply respond answer suggest acknowledge admit confirm deny recall comment remark
    stress predict promise pledge vow urge complain testify assert contend maintain
    reveal describe quip joke shout whisper mutter exclaim concede allege accuse retort
    """
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Last words that make a name a company's (`Leadplex LLC`).
COMPANY_SUFFIXES = _words(
    "inc inc. llc ltd ltd. plc corp corp. co co. ag sa gmbh nv bv spa lp llp group"
)

# Last words that make a "person" a building or a place (`Trump Tower`), or an
# organisation (`Clinton Foundation`, `Manchester United`).
FACILITY_LAST_WORDS = _words(
    """
    tower towers center centre building plaza hall house palace hotel hospital airport
    stadium arena square street road avenue boulevard station mall library museum
    gallery theatre theater cathedral mosque school college
    """
)
# Also surnames (`Mungo Park`, `Wayne Bridge`): a place only after two more words
# (`Franklin Delano Roosevelt Park`).
FACILITY_LAST_WORDS_LONG = _words("park bridge hall church court temple")
ORG_LAST_WORDS = _words(
    """
    foundation institute university party fc afc united rovers wanderers athletic
    association society council committee commission agency company corporation
    campaign group trust fund bank club league union federation alliance network
    ministry department administration dem dems democrat democrats republican republicans
    """
)
# Head nouns that make a name a place when in apposition ("Jufra, an airbase") or
# around it ("the city of Sirte", "Sirte city").
SETTLEMENT_NOUNS = _words(
    """
    city town village capital province district state country county municipality
    suburb neighbourhood neighborhood governorate prefecture enclave oasis
    """
)
AREA_NOUNS = _words("region area valley desert peninsula island islands coast")
FACILITY_NOUNS = _words("airbase base airport port harbour harbor bridge stadium prison camp")

DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "ic", "ch", "ean")
# A city this large is a place even when the model only ever calls it a person.
BIG_CITY = 250_000
LOCATIVES = _words("in near outside at across around inside")

TIME_ZONES = frozenset({"GMT", "BST", "UTC", "EST", "EDT", "CST", "PST", "PDT", "CET", "CEST"})
# Labels of page furniture that the model sometimes takes for names.
FURNITURE = frozenset(
    fold(w)
    for w in (
        "READ MORE",
        "Read more",
        "Source",
        "Sources",
        "Related",
        "Watch",
        "Listen",
        "Advertisement",
        "Photo",
        "File photo",
        "Video",
        "Image",
        "Caption",
        "Getty Images",
        "Share",
        "Updated",
    )
)

# A place in capitals opening a line, before a date, an agency or a dash.
DATELINE = re.compile(
    r"^([A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,2})(?=,? \d{4}-\d\d-\d\d| ?\(| [-–—] |,? [A-Z][a-z]{2,8}\.? \d)",
    re.MULTILINE,
)
HYPHENATED_BEFORE = re.compile(r"(?<![\w-])([A-Za-z]+)-(?:[A-Za-z]+-)*$")
HYPHENATED_AFTER = re.compile(r"(?:-[A-Z][a-z]+)+(?![\w-])")
_OUTLET_NAME = r"((?:[A-Z][\w'’&.\-]*)(?: (?:[A-Z][\w'’&.\-]*|de|du|la|le|el|al)){0,3})"
_OUTLET_KIND = r"(?:news agency|newspaper|daily|broadcaster|news channel|TV channel)"
OUTLETS = (
    re.compile(rf"\b{_OUTLET_NAME} {_OUTLET_KIND}\b"),  # the Tanjug news agency
    re.compile(rf"\b{_OUTLET_KIND} {_OUTLET_NAME}"),  # the news agency Tanjug
)
ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z&.\-]{1,11})\)")
SMALL_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "des", "la", "le", "in", "on", "&"})


@dataclass
class _Mention:
    start: int
    end: int
    text: str
    label: str
    weight: int = 1  # votes this mention gives its label
    from_model: bool = True  # False for mentions this module adds


def warm_up() -> None:
    """Load the gazetteer and compile the country pattern now (about a second), so that
    the first article does not pay for it. Call once at startup, after the model."""
    _country_pattern()
    lookup_place("London")


def extract_entities(doc: Doc, structure: Structure) -> list[Entity]:
    """The entities of the article parsed as `doc`, each with all its mentions."""
    text = doc.text
    excluded = excluded_ranges(structure)
    context = _DocContext.build(doc, text)

    mentions: list[_Mention] = []
    titled: set[str] = set()  # names seen right after `King`, `Prince`, `Pope`...
    raw: list[str] = []  # the model's spans, before cleaning
    for ent in (part for e in doc.ents if e.label_ in LABEL_RANK for part in _parts(e)):
        raw.append(ent.text)
        cleaned = _clean_span(ent, text)
        if cleaned is None:
            continue
        start, end, tokens = cleaned
        if _in_ranges(start, end, excluded) or _is_junk(
            text[start:end], ent.label_, tokens, context, structure
        ):
            continue
        label = ent.label_
        weight = 1
        if label == "PERSON" and tokens[-1].lower_ in COMPANY_SUFFIXES and len(tokens) > 1:
            label = "ORG"
        if label == "PERSON":
            person = _person_span(text, start, end)
            if person is None:
                continue
            # A surname found past the span, after a nickname in quotes, is a person's.
            weight = 3 if person[1] > end else 1
            start, end, label = person
        if label == "NORP":
            # `the Turkish foreign ministry` names an organisation.
            ministry = _ministry_end(doc, tokens.end)
            if ministry is not None:
                end, label = ministry, "ORG"
        mentions.append(_Mention(start, end, text[start:end], label, weight))
        if tokens.start > 0 and doc[tokens.start - 1].lower_ in SOLE_NAME_TITLES:
            titled.add(text[start:end])

    _strip_known_prefixes(mentions, text, raw)
    mentions = _trim_headline_words(mentions, text, doc, structure, context)
    mentions.extend(_credit_mentions(structure, mentions))
    labels = _settle_labels(doc, mentions, context)
    for m in mentions:
        m.label = labels[m.text]
    mentions = _drop_family_plurals(mentions)
    mentions.extend(_place_mentions(doc, text, mentions, excluded))
    mentions.extend(_acronym_mentions(text, mentions))
    mentions.extend(_outlet_mentions(doc, text, mentions, excluded))

    groups = _group(mentions, text, frozenset(titled), context.lower_words)
    mentions.extend(_propagate(doc, text, groups, excluded, context))
    groups = _group(mentions, text, frozenset(titled), context.lower_words)
    for group in groups:
        if _shouted_alone(group, text):
            group.label = "ORG"
    return _build_entities(
        [
            g
            for g in groups
            if not _lone_opening_word(g, doc, context) and not _common_word_alone(g, context)
        ]
    )


# -- 1. span cleaning ------------------------------------------------------------------


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
    # A mention never runs over a line break: keep the part before it.
    for tok in doc[start:end]:
        if "\n" in tok.text or ("\n" in tok.whitespace_ and tok.i < end - 1):
            end = tok.i if "\n" in tok.text else tok.i + 1
            break
    # Anything up to a dash or colon is a prefix such as `WATCH:` or a dateline.
    for tok in doc[start:end]:
        if tok.text in DASHES and tok.i > start and tok.i < end - 1:
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
    before = HYPHENATED_BEFORE.search(text, max(0, s - 40), s)
    if (
        before
        and (before.group(1)[0].isupper() or before.group(1).lower() in PARTICLES)
        and not _known_name(before.group(0).strip("-"), text)
    ):
        s = before.start()
    after = HYPHENATED_AFTER.match(text, e)
    if after and not _known_name(after.group(0).strip("-"), text):
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


CREDITED_NAME = re.compile(r"[A-Z][\w'’\-]+(?: [A-Z][\w'’.\-]*)+")
NAME_SUFFIXES = _words("jr jr. sr sr. ii iii iv")
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
    return start, end, "PERSON"


def _trim_headline_words(
    mentions: list[_Mention], text: str, doc: Doc, structure: Structure, context: _DocContext
) -> list[_Mention]:
    """`Dennis Prager Tells`, `Top Clinton`, `Turnout Numbers`: in a headline in title
    case the model takes runs of capitalised words for names. There a person's name
    keeps only the longest run of words the article also writes capitalised in its
    body, and none if there is no such word."""
    headings = [
        (b.start, b.end) for b in structure.blocks if b.kind in (BlockKind.heading, BlockKind.title)
    ]
    _trim_common_word(mentions, text, doc, headings, context)
    headings = [(s, e) for s, e in headings if _title_case(text[s:e])]
    if not headings or not any(
        m.label == "PERSON" and _in_ranges(m.start, m.end, headings) for m in mentions
    ):
        return mentions
    body_caps = {
        tok.text
        for tok in doc
        if tok.text[:1].isupper() and not _in_ranges(tok.idx, tok.idx + len(tok), headings)
    }
    kept = []
    for m in mentions:
        span = doc.char_span(m.start, m.end)
        if m.label != "PERSON" or span is None or not _in_ranges(m.start, m.end, headings):
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
    headings: list[tuple[int, int]],
    context: _DocContext,
) -> None:
    """`Dennis Prager Tells`, `Top Clinton`: in a headline, a common word joined to a
    name the article gives elsewhere is not part of it."""
    names = {m.text for m in mentions if m.label == "PERSON"}
    for m in mentions:
        words = m.text.split()
        if m.label != "PERSON" or len(words) < 2 or not _in_ranges(m.start, m.end, headings):
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


TITLE_CASE_SMALL = _words("and the for but nor off out via per from into with over upon")


def _title_case(line: str) -> bool:
    """Whether a line of three words or more has each word capitalised but for short
    function words."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return len(words) >= 3 and all(
        w[0].isupper() for w in words if len(w) >= 3 and w.lower() not in TITLE_CASE_SMALL
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


def _known_name(words: str, text: str) -> bool:
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


# -- 2. junk -----------------------------------------------------------------------------


@dataclass
class _DocContext:
    """Token statistics of the whole article, gathered in one pass."""

    mid_sentence_caps: Counter[str]  # capitalised words not at a sentence start
    lower_words: frozenset[str]  # words written in lower case somewhere
    upper_lines: list[tuple[int, int]]  # lines in capitals (headlines, datelines)

    @classmethod
    def build(cls, doc: Doc, text: str) -> _DocContext:
        mid: Counter[str] = Counter()
        lower: set[str] = set()
        for tok in doc:
            t = tok.text
            if t.islower():
                lower.add(t)
            elif t[:1].isupper() and not tok.is_sent_start:
                prev = doc[tok.i - 1] if tok.i else None
                if prev is None or prev.text not in QUOTE_CHARS + "(":
                    mid[t] += 1
        upper_lines = []
        pos = 0
        for line in text.split("\n"):
            letters = [c for c in line if c.isalpha()]
            if len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
                upper_lines.append((pos, pos + len(line)))
            pos += len(line) + 1
        return cls(mid, frozenset(lower), upper_lines)


def _is_junk(text: str, label: str, span: Span, context: _DocContext, structure: Structure) -> bool:
    if fold(text) in FURNITURE or text in TIME_ZONES:
        return True
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
    if _in_ranges(span.start_char, span.end_char, context.upper_lines):
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
    if _in_ranges(span.start_char, span.end_char, context.upper_lines):
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
    return _heading_first_word(span, structure)


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
    return not (token.dep_ in SUBJECT_DEPS and token.head.lemma_.lower() in SPEECH_VERBS)


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


def _heading_first_word(span: Span, structure: Structure) -> bool:
    for block in structure.blocks:
        if block.kind in (BlockKind.heading, BlockKind.title) and block.start == span.start_char:
            words = block.text.split()
            return len(words) > 1 and all(w[:1].islower() for w in words[1:] if w[:1].isalpha())
    return False


def excluded_ranges(structure: Structure) -> list[tuple[int, int]]:
    """Text outside the article proper: READ MORE lines, the Source line, a caption's
    repetition."""
    ranges: list[tuple[int, int]] = []
    for block in structure.blocks:
        if block.kind in (BlockKind.read_more, BlockKind.source):
            ranges.append((block.start, block.end))
    ranges.extend((s.start, s.end) for s in structure.read_more)
    if structure.source is not None:
        ranges.append((structure.source.start, structure.source.end))
    for image in structure.images:
        kept = [(image.caption.start, image.caption.end)]
        if image.credit is not None:
            kept.append((image.credit.start, image.credit.end))
        pos = image.start
        for s, e in sorted(kept):
            if s > pos:
                ranges.append((pos, s))
            pos = max(pos, e)
        if pos < image.end:
            ranges.append((pos, image.end))
    return sorted(ranges)


def _in_ranges(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in ranges)


def _credit_mentions(structure: Structure, mentions: list[_Mention]) -> list[_Mention]:
    """A picture credit in capitals (`AFP`, `AP`) names an agency."""
    found = []
    for image in structure.images:
        credit = image.credit
        if credit is None:
            continue
        name = credit.text.strip("() ")
        if not (name.isupper() and name.replace(" ", "").isalpha() and len(name) <= 12):
            continue
        if any(m.start < credit.end and credit.start < m.end for m in mentions):
            continue
        s = credit.start + credit.text.index(name)
        found.append(_Mention(s, s + len(name), name, "ORG"))
    return found


# -- 3. one type per surface form --------------------------------------------------------


def _settle_labels(doc: Doc, mentions: list[_Mention], context: _DocContext) -> dict[str, str]:
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    person_cue: Counter[str] = Counter()
    adjectival: Counter[str] = Counter()
    located: Counter[str] = Counter()  # after `in`, `near`...: a place if the gazetteer agrees
    for m in mentions:
        votes[m.text][m.label] += m.weight
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        if span.start > 0 and doc[span.start - 1].lower_ in LOCATIVES:
            located[m.text] += 1
        if len(span) == 1 and span[0].pos_ == "ADJ" and m.text.endswith(DEMONYM_ENDINGS):
            adjectival[m.text] += m.weight
        cue = _context_label(span, m.label)
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
        place = lookup_place(text)
        if place is not None and place.is_strong and label not in PLACE_LABELS:
            place_votes = sum(v[x] for x in PLACE_LABELS)
            person_strong = person_cue[text] > 0 or (
                text in person_tokens and v["PERSON"] >= place_votes
            )
            if (
                label == "PERSON"
                and not person_strong
                and (place_votes or place.kind != "city" or place.population >= BIG_CITY)
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


def _top(votes: Counter[str]) -> str:
    return max(votes, key=lambda label: (votes[label], -LABEL_RANK[label]))


def _place_label(place: Place) -> str:
    return "LOC" if place.kind == "region" else "GPE"


def _context_label(span: Span, label: str) -> str | None:
    """A label the words around a mention call for: a title, an apposition, `city of`."""
    doc = span.doc
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and prev.lower_.rstrip(".") in {"mr", "mrs", "ms", "dr", "president"}:
        return "PERSON"
    if span.end < len(doc) and label != "NORP":
        nxt = doc[span.end]
        if nxt.lower_ in ("city", "town", "village") and nxt.pos_ == "NOUN":
            return "GPE"
    if prev is not None and prev.lower_ == "of" and span.start > 1:
        head = doc[span.start - 2].lower_
        if head in SETTLEMENT_NOUNS:
            return "GPE"
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


# -- 4. recall ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern[str]:
    names = set(country_names())
    names |= {n.upper() for n in names if len(n) >= 4}
    alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternation})(?![\w\-]|\.\w)")


def _place_mentions(
    doc: Doc, text: str, mentions: list[_Mention], excluded: list[tuple[int, int]]
) -> list[_Mention]:
    """Places the model left untagged: country names (`the UAE`) and datelines
    (`BELGRADE 1996-08-30`, `LONDON (Reuters) -`)."""
    taken = _Occupied(text, doc, mentions)
    found = []

    def add(s: int, e: int) -> None:
        if taken.overlaps(s, e) or _in_ranges(s, e, excluded):
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
    doc: Doc, text: str, mentions: list[_Mention], excluded: list[tuple[int, int]]
) -> list[_Mention]:
    """News outlets the model left untagged: `the Tanjug news agency`, `Le Monde
    newspaper`."""
    taken = _Occupied(text, doc, mentions)
    found = []
    for match in (m for pattern in OUTLETS for m in pattern.finditer(text)):
        s, e = match.span(1)
        while text.startswith(("The ", "A ", "An "), s) and e - s > 4:
            s = text.index(" ", s) + 1
        if taken.overlaps(s, e) or _in_ranges(s, e, excluded):
            continue
        span = doc.char_span(s, e)
        if span is None or span[0].is_sent_start and len(span) == 1 and span[0].pos_ != "PROPN":
            continue
        found.append(_Mention(s, e, text[s:e], "ORG", from_model=False))
    return found


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
    excluded: list[tuple[int, int]],
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
    taken = _Occupied(text, doc, [m for g in groups for m in g.mentions])
    found = []

    def add(s: int, e: int, group: _Group) -> None:
        if taken.overlaps(s, e) or _in_ranges(s, e, excluded):
            return
        span = doc.char_span(s, e)
        if span is None:
            return
        if len(span) == 1 and span[0].is_sent_start and span[0].pos_ != "PROPN":
            return
        taken.add(s, e)
        found.append(_Mention(s, e, text[s:e], group.label, from_model=False))

    for match in _alternation(forms).finditer(text):
        add(*match.span(), forms[match.group()])
    if context.upper_lines:
        upper = {f.upper(): g for f, g in forms.items() if len(f) >= 3}
        pattern = _alternation(upper)
        for line_start, line_end in context.upper_lines:
            for match in pattern.finditer(text, line_start, line_end):
                add(*match.span(), upper[match.group()])
    return sorted(found, key=lambda m: m.start)


def _alternation(forms: dict[str, _Group]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?:{alternation})(?![\w\-])")


class _Occupied:
    """Which characters of the text some mention (or other model entity) already covers."""

    def __init__(self, text: str, doc: Doc, mentions: list[_Mention]) -> None:
        self.mask = bytearray(len(text))
        for e in doc.ents:
            self.add(e.start_char, e.end_char)
        for m in mentions:
            self.add(m.start, m.end)

    def add(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self.mask.find(1, start, end) != -1


# -- 5. entities -------------------------------------------------------------------------


@dataclass
class _Group:
    label: str
    mentions: list[_Mention]
    forms: list[str]  # surface forms in order of first mention

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


def _group(
    mentions: list[_Mention], text: str, titled: frozenset[str], common: frozenset[str]
) -> list[_Group]:
    """Surface forms joined into real-world things."""
    mentions = sorted(_dedupe(mentions), key=lambda m: (m.start, m.end))
    by_form: dict[str, list[_Mention]] = defaultdict(list)
    for m in mentions:
        by_form[m.text].append(m)
    label_of = {form: ms[0].label for form, ms in by_form.items()}
    parent: dict[str, str] = {form: form for form in by_form}

    def find(form: str) -> str:
        while parent[form] != form:
            parent[form] = parent[parent[form]]
            form = parent[form]
        return form

    def union(short: str, long: str) -> None:
        a, b = find(short), find(long)
        if a != b:
            parent[a] = b

    # One name in several cases: `eBay` and `EBay`, `LEBED` in a headline and `Lebed`.
    by_fold: dict[str, str] = {}
    for form in by_form:
        key = fold(form)
        if key in by_fold:
            other = by_fold[key]
            if label_of[other] == label_of[form] or form.isupper() or other.isupper():
                # The form in capitals takes the label and name of the other.
                upper, lower = (form, other) if form.isupper() else (other, form)
                label_of[upper] = label_of[lower]
                union(upper, lower)
        else:
            by_fold[key] = form
    _join_person_short_forms(by_form, label_of, union, find, titled, common)
    _join_acronyms(by_form, label_of, text, union)
    _join_same_place(label_of, union)

    members: dict[str, list[str]] = defaultdict(list)
    for form in by_form:
        members[find(form)].append(form)
    groups = []
    for forms in members.values():
        ms = sorted((m for f in forms for m in by_form[f]), key=lambda m: (m.start, m.end))
        counts = Counter(label_of[f] for f in forms for _ in by_form[f])
        label = _top(counts)
        if any(label_of[f] == "PERSON" and len(f.split()) > 1 for f in forms):
            label = "PERSON"
        for m in ms:
            m.label = label
        ordered = sorted(forms, key=lambda f: by_form[f][0].start)
        groups.append(_Group(label, ms, ordered))
    return sorted(groups, key=lambda g: g.first)


def _dedupe(mentions: list[_Mention]) -> list[_Mention]:
    seen: dict[tuple[int, int], _Mention] = {}
    for m in mentions:
        seen.setdefault((m.start, m.end), m)
    # Drop a mention nested in another (a propagated short form inside a long name).
    ordered = sorted(seen.values(), key=lambda m: (m.start, -m.end))
    kept: list[_Mention] = []
    for m in ordered:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


def _join_person_short_forms(by_form, label_of, union, find, titled, common) -> None:  # type: ignore[no-untyped-def]
    """`Kalin` joins `Ibrahim Kalin` when no other person in the article ends with
    that word; failing a surname, a first name joins the one person it begins (not
    after `King`, `Prince`...: `Prince Charles` is not `Charles Kennedy`)."""
    persons = [_name_words(f) for f, label in label_of.items() if label == "PERSON"]
    # Forms are compared word by word; `form_of` leads back to the form as written (which
    # may hold a line break or a double space between its words).
    form_of = {tuple(_name_words(f)): f for f in label_of}
    full = [n for n in persons if len(n) > 1 and not _is_initial(n[0])]
    # `S Taylor` is `Simon Taylor` when he is the only Taylor whose name starts so.
    for name in persons:
        if len(name) == 2 and _is_initial(name[0]):
            same = [f for f in full if f[-1] == name[-1] and f[0][0] == name[0][0]]
            if len(same) == 1:
                union(form_of[tuple(name)], form_of[tuple(same[0])])
    # `George Bush` is `George W Bush` (and `Hillary Clinton` `Hillary Rodham Clinton`)
    # when no other George ... Bush is named.
    for name in persons:
        if len(name) == 2:
            same = [f for f in full if len(f) > 2 and [f[0], f[-1]] == name]
            if len(same) == 1:
                union(form_of[tuple(name)], form_of[tuple(same[0])])
    # `Ken Starr` is `Kenneth Starr`, `Hilary Clinton` `Hillary Clinton`, when the
    # article names no other person whose first name could be shortened so.
    for name in full:
        same = [f for f in full if f[1:] == name[1:] and _first_name_variant(name[0], f[0])]
        if len(same) == 1:
            union(form_of[tuple(name)], form_of[tuple(same[0])])
    surnames = {n[-1] for n in full}
    long_names = full + [
        n for n in persons if len(n) > 1 and _is_initial(n[0]) and n[-1] not in surnames
    ]
    for form in list(label_of):
        # A surname in capitals (`WALLACE:` in a transcript) is compared in title case.
        words = _name_words(form.title() if form.isupper() and len(form) > 3 else form)
        if form.lower() in COMPANY_SUFFIXES:
            continue
        if label_of[form] != "PERSON":
            # A single word the model typed otherwise may still be a person's surname.
            place = lookup_place(form)
            if len(words) != 1 or (place is not None and place.is_strong):
                continue
            if label_of[form] == "NORP" or (label_of[form] in PLACE_LABELS and place):
                continue
        k = len(words)
        longer = [n for n in long_names if len(n) > k]
        match = _maximal([n for n in longer if n[-k:] == words])
        if not match and form not in titled and k == 1:
            match = _maximal([n for n in longer if n[:k] == words])
            if label_of[form] != "PERSON":
                # Not `Pirelli` into `Pirelli Cables`: a name with a common word in it.
                match = [n for n in match if not any(w.lower() in common for w in n)]
        # Several forms of one person (`Donald Trump`, `Donald J. Trump`) are one match.
        if match and len({find(form_of[tuple(n)]) for n in match}) == 1:
            label_of[form] = "PERSON"
            union(form, form_of[tuple(match[0])])


def _name_words(form: str) -> list[str]:
    """The words of a name, with particles in lower case (`De Marigny` is the
    `de Marigny` of `Roland de Marigny`)."""
    return [w.lower() if w.lower() in PARTICLES else w for w in form.split()]


def _first_name_variant(short: str, long: str) -> bool:
    """Whether `short` is a shortened `long` (`Ken`, `Kenneth`) or the same name with a
    letter doubled (`Hilary`, `Hillary`); not `Eric` and `Erica`."""
    if len(short) >= len(long) or len(short) < 3:
        return False
    if long.startswith(short) and len(long) - len(short) >= 2:
        return True
    return re.sub(r"(.)\1", r"\1", long) == re.sub(r"(.)\1", r"\1", short)


def _is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1 and word[0].isupper()


def _maximal(names: list[list[str]]) -> list[list[str]]:
    """The fullest names: `Tayyip Erdogan` is inside `Recep Tayyip Erdogan`."""
    return [n for n in names if not any(len(o) > len(n) and _contains(o, n) for o in names)]


def _contains(long: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _join_acronyms(by_form, label_of, text, union) -> None:  # type: ignore[no-untyped-def]
    """`Federation of Sovereign Indigenous Nations (FSIN)`, and acronyms matching the
    initials of one multi-word name."""
    defined: dict[str, str] = {}
    for form, ms in by_form.items():
        if len(form.split()) < 2 or label_of[form] == "PERSON":
            continue
        for m in ms:
            acronym = _defined_acronym(text, m.end, form)
            if acronym is not None:
                defined[acronym] = form
    for acronym, form in defined.items():
        if acronym in by_form:
            label_of[acronym] = label_of[form]
            union(acronym, form)
    initials: dict[str, list[str]] = defaultdict(list)
    for form in by_form:
        words = form.replace("-", " ").split()
        if len(words) < 2 or label_of[form] == "PERSON":
            continue
        full = "".join(w[0] for w in words if w[0].isalpha()).upper()
        content = "".join(w[0] for w in words if w.lower() not in SMALL_WORDS).upper()
        for key in {full, content}:
            if len(key) >= 2:
                initials[key].append(form)
    for form in by_form:
        key = form.replace(".", "")
        if form in defined or not (2 <= len(key) <= 6 and key.isupper() and key.isalpha()):
            continue
        names = initials.get(key, [])
        if len(names) == 1:
            label_of[form] = label_of[names[0]]
            union(form, names[0])


def _defined_acronym(text: str, end: int, name: str) -> str | None:
    """The acronym in brackets right after `name` at `end`, when it abbreviates it."""
    match = ACRONYM_AFTER.match(text, end)
    if match is None:
        return None
    acronym = match.group(1)
    letters = [c for c in acronym if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    if capitals < 2 or capitals * 2 < len(letters):
        return None
    # Each word's initial, then its inner capitals: `McDonald's Corp` -> M D C.
    words = [w for w in name.replace("-", " ").split() if w[0].isalpha()]
    sequence = "".join(w[0].upper() + "".join(c for c in w[1:] if c.isupper()) for w in words)
    wanted = [c for c in letters if c.isupper()]
    if not sequence or wanted[:1] != [sequence[0]]:
        return None
    pool = iter(sequence)
    if not all(c in pool for c in wanted):
        return None
    return acronym


def _acronym_mentions(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """`Kurdistan Democratic Party (KDP)`: the acronym is a mention of the same thing."""
    taken = {(m.start, m.end) for m in mentions}
    found = []
    for m in mentions:
        if " " not in m.text or m.label == "PERSON":
            continue
        acronym = _defined_acronym(text, m.end, m.text)
        if acronym is None:
            continue
        start = text.index(acronym, m.end)
        if (start, start + len(acronym)) not in taken:
            found.append(_Mention(start, start + len(acronym), acronym, m.label, from_model=False))
    return found


def _join_same_place(label_of, union) -> None:  # type: ignore[no-untyped-def]
    """One country (or city) under several names: `US`, `United States`, `America`."""
    seen: dict[str, str] = {}
    for form, label in label_of.items():
        if label not in PLACE_LABELS:
            continue
        place = lookup_place(form)
        if place is None or place.kind not in ("country", "city") or place.country_code is None:
            continue
        key = place.place
        if key in seen:
            union(form, seen[key])
        else:
            seen[key] = form


def _build_entities(groups: list[_Group]) -> list[Entity]:
    countries = _countries_named(groups)
    entities = []
    for i, group in enumerate(groups, start=1):
        counts = Counter(m.text for m in group.mentions)
        # The fullest form, not the headline's capitals, then the most used.
        shouted = {f for f in group.forms if f.isupper() and f.upper() != f.lower()}
        shouted = {f for f in shouted if any(g != f and g.upper() == f for g in group.forms)}
        name = max(
            group.forms,
            key=lambda f: (len(f.split()), f not in shouted, counts[f], len(f)),
        )
        # Names are served with plain spaces; mentions keep the text as written.
        name = " ".join(name.split())
        aliases = list(dict.fromkeys(" ".join(f.split()) for f in group.forms))
        entity = Entity(
            key=f"e{i}",
            name=name,
            type=group.label,
            aliases=[f for f in aliases if f != name],
            mentions=[Mention(start=m.start, end=m.end, text=m.text) for m in group.mentions],
        )
        if group.label in PLACE_LABELS:
            for form in [name, *entity.aliases]:
                place = lookup_place(form, countries)
                if place is not None and place.country_code is not None:
                    entity.country_code = place.country_code
                    entity.lat, entity.lon = place.lat, place.lon
                    break
        entities.append(entity)
    return entities


def _countries_named(groups: list[_Group]) -> frozenset[str]:
    """Country codes of the countries and states the article names."""
    codes = set()
    for group in groups:
        if group.label not in PLACE_LABELS:
            continue
        for form in group.forms:
            place = lookup_place(form)
            if place is not None and place.kind in ("country", "state") and place.country_code:
                codes.add(place.country_code)
    return frozenset(codes)

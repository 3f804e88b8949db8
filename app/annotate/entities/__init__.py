"""Entities: mentions recognised, merged into one entity per real-world thing, geocoded.

The steps, each a function below:
1. take the model's mentions of the kinds we keep and clean their spans (possessive
   `'s`, quote marks, a leading `the`, a title such as `President`, lists of people);
2. drop mentions in boilerplate (READ MORE titles, the Source line, a repeated caption)
   and sentence-initial common words the model mistakes for names;
3. settle one type per surface form over the whole article (model votes, context such as
   `the city of`, the gazetteer);
4. add mentions the model missed: teams in results tables (before step 3, as votes),
   country names, datelines, acronyms defined in brackets, news outlets, and every
   other occurrence of a name found (surnames too);
5. group surface forms into entities (person short forms, acronyms, case variants, one
   country under several names) and geocode the places.

Everything works from `doc` and `structure` alone, in a few passes over the article: no
per-mention scan of the whole text.
"""

from __future__ import annotations

from spacy.tokens import Doc

from app.annotate.credits import photo_credits
from app.annotate.document import not_article_text
from app.annotate.entities.gazetteer import lookup_place
from app.annotate.entities.grouping import _acronym_mentions, _build_entities, _group
from app.annotate.entities.junk import (
    NameLists,
    TeamSheets,
    _common_word_alone,
    _credit_mentions,
    _headings_by_start,
    _headline_word_alone,
    _is_junk,
    _joined_names,
    _lone_opening_word,
    _shouted_alone,
    _unsupported_single_name,
)
from app.annotate.entities.labels import _settle_labels, _ThingNames
from app.annotate.entities.mentions import (
    KEPT_LABELS,
    LABEL_RANK,
    _DocContext,
    _Mention,
)
from app.annotate.entities.recall import (
    _country_pattern,
    _outlet_mentions,
    _place_mentions,
    _propagate,
)
from app.annotate.entities.spans import (
    _clean_span,
    _drop_family_plurals,
    _ministry_end,
    _parts,
    _person_span,
    _strip_known_prefixes,
    _trim_headline_words,
)
from app.annotate.entities.tables import _table_mentions
from app.annotate.lexicon import COMPANY_SUFFIXES, SOLE_NAME_TITLES
from app.annotate.ranges import Ranges
from app.annotate.types import Entity, Structure

__all__ = ["KEPT_LABELS", "extract_entities", "warm_up"]


def warm_up() -> None:
    """Load the gazetteer and compile the country pattern now (about a second), so that
    the first article does not pay for it. Call once at startup, after the model."""
    _country_pattern()
    lookup_place("London")


# No name runs longer: a longer span is a run of capitalised words, not a name.
MAX_NAME_CHARS = 200


def extract_entities(doc: Doc, structure: Structure, *, text: str | None = None) -> list[Entity]:
    """The entities of the article parsed as `doc`, each with all its mentions; `text` is
    `doc.text` when the caller has it (spaCy joins every token anew to read it)."""
    text = doc.text if text is None else text
    excluded = Ranges(not_article_text(structure))
    context = _DocContext.build(doc, text)
    headings = _headings_by_start(structure)

    mentions: list[_Mention] = []
    titled: set[str] = set()  # names seen right after `King`, `Prince`, `Pope`...
    raw: list[str] = []  # the model's spans, before cleaning
    for ent in (part for e in doc.ents if e.label_ in LABEL_RANK for part in _parts(e)):
        raw.append(ent.text)
        cleaned = _clean_span(ent, text)
        if cleaned is None:
            continue
        start, end, tokens = cleaned
        if excluded.overlaps(start, end) or _is_junk(
            text[start:end], ent.label_, tokens, context, headings
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
        if end - start > MAX_NAME_CHARS:
            continue
        mentions.append(_Mention(start, end, text[start:end], label, weight))
        if tokens.start > 0 and doc[tokens.start - 1].lower_ in SOLE_NAME_TITLES:
            titled.add(text[start:end])

    _strip_known_prefixes(mentions, text, raw)
    mentions = _trim_headline_words(mentions, text, doc, structure, context)
    mentions.extend(_credit_mentions(structure, mentions))
    mentions.extend(_table_mentions(text, mentions))
    labels = _settle_labels(doc, mentions, context)
    for m in mentions:
        m.label = labels[m.text]
    mentions = _drop_family_plurals(mentions)
    mentions.extend(_place_mentions(doc, text, mentions, excluded, context))
    mentions.extend(_acronym_mentions(text, mentions))
    mentions.extend(_outlet_mentions(doc, text, mentions, excluded, context))

    groups = _group(mentions, text, frozenset(titled), context.lower_words)
    mentions.extend(_propagate(doc, text, groups, excluded, context))
    groups = _group(mentions, text, frozenset(titled), context.lower_words)
    credits = Ranges(photo_credits(text, structure))
    team_sheets = TeamSheets(text)
    surnames = frozenset(
        f.split()[-1] for g in groups if g.label == "PERSON" for f in g.forms if "-" not in f
    )
    lists = NameLists(doc, groups)
    things = _ThingNames(groups, context.lower_words)
    # Headlines over a text: a text of one line is its own title, with nothing under it.
    headlines = [(b.start, b.end) for b in headings.values()] if structure.paragraphs else []
    for group in groups:
        if _shouted_alone(group, text) or _unsupported_single_name(group, doc, team_sheets, lists):
            group.label = "ORG"
        # `Baikal` when the article names `Baikal Finance Group`.
        group.label = things.label(group, doc) or group.label
        for m in group.mentions:
            m.label = group.label
        if group.label == "PERSON" and credits:
            # A photographer took the picture; the article does not mention them.
            group.mentions = [m for m in group.mentions if not credits.overlaps(m.start, m.end)]
            group.forms = [f for f in group.forms if any(m.text == f for m in group.mentions)]
    return _build_entities(
        [
            g
            for g in groups
            if g.mentions
            and not _lone_opening_word(g, doc, context)
            and not _common_word_alone(g, context)
            and not _joined_names(g, surnames)
            and not _headline_word_alone(g, text, headlines)
        ]
    )

"""Step 5, grouping: surface forms joined into entities (person short forms, acronyms, one place under
several names), which are built with their mentions and geocoded."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from app.annotate.entities.gazetteer import fold, lookup_place
from app.annotate.entities.labels import _top
from app.annotate.entities.mentions import PLACE_LABELS, _Group, _Mention
from app.annotate.lexicon import COMPANY_SUFFIXES, PARTICLES, SMALL_WORDS
from app.annotate.types import Entity, Mention

ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z&.\-]{1,11})\)")


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
    # Names are compared only with those sharing their last (or first) word: an article
    # naming thousands of people (a results table) must not compare every pair.
    full_by_last = _index(full, -1)
    # `S Taylor` is `Simon Taylor` when he is the only Taylor whose name starts so.
    for name in persons:
        if len(name) == 2 and _is_initial(name[0]):
            same = [f for f in full_by_last[name[-1]] if f[0][0] == name[0][0]]
            if len(same) == 1:
                union(form_of[tuple(name)], form_of[tuple(same[0])])
    # `George Bush` is `George W Bush` (and `Hillary Clinton` `Hillary Rodham Clinton`)
    # when no other George ... Bush is named.
    for name in persons:
        if len(name) == 2:
            same = [f for f in full_by_last[name[-1]] if len(f) > 2 and f[0] == name[0]]
            if len(same) == 1:
                union(form_of[tuple(name)], form_of[tuple(same[0])])
    # `Ken Starr` is `Kenneth Starr`, `Hilary Clinton` `Hillary Clinton`, when the
    # article names no other person whose first name could be shortened so.
    for name in full:
        same = [
            f
            for f in full_by_last[name[-1]]
            if f[1:] == name[1:] and _first_name_variant(name[0], f[0])
        ]
        if len(same) == 1:
            union(form_of[tuple(name)], form_of[tuple(same[0])])
    surnames = {n[-1] for n in full}
    long_names = full + [
        n for n in persons if len(n) > 1 and _is_initial(n[0]) and n[-1] not in surnames
    ]
    long_by_last, long_by_first = _index(long_names, -1), _index(long_names, 0)
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
        if not words:
            continue
        match = _maximal([n for n in long_by_last[words[-1]] if len(n) > k and n[-k:] == words])
        if not match and form not in titled and k == 1:
            match = _maximal([n for n in long_by_first[words[0]] if len(n) > k])
            if label_of[form] != "PERSON":
                # Not `Pirelli` into `Pirelli Cables`: a name with a common word in it.
                match = [n for n in match if not any(w.lower() in common for w in n)]
        # Several forms of one person (`Donald Trump`, `Donald J. Trump`) are one match.
        if match and len({find(form_of[tuple(n)]) for n in match}) == 1:
            label_of[form] = "PERSON"
            union(form, form_of[tuple(match[0])])


def _index(names: list[list[str]], position: int) -> defaultdict[str, list[list[str]]]:
    """Names by their word at `position`, each list in the order of `names`."""
    index: defaultdict[str, list[list[str]]] = defaultdict(list)
    for name in names:
        index[name[position]].append(name)
    return index


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
        content = "".join(w[0] for w in words if not _small(w)).upper()
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


def _small(word: str) -> bool:
    """A word an acronym leaves out: a function word, `&`, a name particle in lower case."""
    return word.lower() in SMALL_WORDS or word == "&" or (word.islower() and word in PARTICLES)


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

"""Tests for app.annotate.entities on the seed article and on short real-style texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.annotate.document import parse_structure
from app.annotate.entities import extract_entities
from tests.annotate.entity_helpers import by_name, entities_of, people_of

pytestmark = pytest.mark.nlp


@pytest.fixture(scope="module")
def seed(nlp, seed_text):
    structure = parse_structure(seed_text)
    return seed_text, structure, extract_entities(nlp(seed_text), structure)


# --------------------------------------------------------------------------- the seed


def test_seed_must_entities(seed, gold) -> None:
    _, _, entities = seed
    index = by_name(entities)
    for item in gold["entities"]["must"]:
        entity = index.get(item["name"])
        assert entity is not None, item["name"]
        assert entity.name == item["name"]
        assert entity.type == item["type"], item["name"]
        assert sorted(entity.aliases) == sorted(item.get("aliases", [])), item["name"]
        assert len(entity.mentions) >= item["min_mentions"], item["name"]


def test_seed_must_not(seed, gold) -> None:
    _, _, entities = seed
    surfaces = {m.text for e in entities for m in e.mentions} | set(by_name(entities))
    for junk in gold["entities"]["must_not"]:
        assert junk not in surfaces


def test_seed_should_entities(seed, gold) -> None:
    _, _, entities = seed
    index = by_name(entities)

    def right(item: dict) -> bool:
        entity = index.get(item["name"])
        return entity is not None and entity.type in item["type"].split("|")

    for item in gold["entities"]["should"]:
        assert right(item), item["name"]


def test_seed_geocoding(seed, gold) -> None:
    _, _, entities = seed
    index = by_name(entities)
    for name, expected in gold["entities"]["geocoding_should"].items():
        entity = index[name]
        assert entity.country_code == expected["country"], name
        if "lat" in expected:
            assert entity.lat == pytest.approx(expected["lat"], abs=0.1)
            assert entity.lon == pytest.approx(expected["lon"], abs=0.1)


def test_seed_one_person_per_person(seed) -> None:
    _, _, entities = seed
    people = [e for e in entities if e.type == "PERSON"]
    for person in people:
        for other in people:
            if other is not person:
                assert not set(other.name.split()) & set(person.name.split())


def test_seed_mentions_well_formed(seed) -> None:
    text, structure, entities = seed
    assert [e.key for e in entities] == [f"e{i}" for i in range(1, len(entities) + 1)]
    firsts = [e.mentions[0].start for e in entities]
    assert firsts == sorted(firsts)
    spans = []
    for entity in entities:
        starts = [(m.start, m.end) for m in entity.mentions]
        assert starts == sorted(starts)
        for m in entity.mentions:
            assert text[m.start : m.end] == m.text
            assert m.text == m.text.strip()
            assert not m.text.endswith(("'s", "’s")) and m.text[0] not in "\"'“‘"
            spans.append((m.start, m.end))
        if entity.type not in ("GPE", "LOC", "FAC"):
            assert entity.country_code is None
    spans.sort()
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "overlap"
    # Nothing inside READ MORE titles, the Source line or the repeated caption.
    boiler = [*structure.read_more, structure.source]
    for s, e in spans:
        assert not any(b.start < e and s < b.end for b in boiler)
    image = structure.images[0]
    assert not any(image.caption.end < s and e <= image.end for s, e in spans if e < image.end - 5)


def test_seed_every_occurrence_of_a_name_is_a_mention(seed) -> None:
    text, structure, entities = seed
    boiler = [*structure.read_more, structure.source]
    for name in ("Haftar", "Sirte", "Libya", "Ankara"):
        entity = by_name(entities)[name]
        covered = {m.start for m in entity.mentions}
        for match in re.finditer(rf"\b{name}\b", text):
            if any(b.start <= match.start() < b.end for b in boiler):
                continue
            if structure.images[0].caption.end < match.start() < structure.images[0].end:
                continue  # the caption's repetition
            assert any(s <= match.start() < s + 20 for s in covered), (name, match.start())


# ------------------------------------------------------------------------- the rules


def test_titles_are_not_part_of_the_name(nlp) -> None:
    text = (
        "French President Emmanuel Macron met Chancellor Angela Merkel in Berlin on Monday.\n\n"
        "Macron said the two leaders had agreed on a recovery fund. Merkel did not comment."
    )
    index = by_name(entities_of(nlp, text))
    macron = index["Emmanuel Macron"]
    assert macron.type == "PERSON" and macron.aliases == ["Macron"]
    assert len(macron.mentions) == 2
    merkel = index["Angela Merkel"]
    assert merkel.aliases == ["Merkel"] and len(merkel.mentions) == 2
    assert all("President" not in m.text and "Chancellor" not in m.text for m in macron.mentions)
    assert index["Berlin"].country_code == "DE"


def test_role_before_a_name_and_company_suffix(nlp) -> None:
    text = (
        "Briton Hayley Yelling finished fourth, behind George W Bush's guest of honour.\n\n"
        "Yelling said the course was hard. George Bush congratulated her, as did the "
        "sponsor Leadplex LLC."
    )
    entities = entities_of(nlp, text)
    index = by_name(entities)
    assert index["Hayley Yelling"].aliases == ["Yelling"]
    assert "Briton" not in index
    people = {e.name for e in entities if e.type == "PERSON"}
    assert "George W Bush" in people and "George Bush" not in people
    assert all(e.type != "PERSON" for e in entities if "LLC" in e.name)


def test_lists_and_brackets_inside_a_model_span(nlp) -> None:
    text = (
        "Odd Street wins three awards\n\n"
        '"We are stunned," said co-writer Jo Pratt.\n\n'
        "Best actor\n\n"
        "Jo Pratt & Ali Moss (Odd Street, BBC Four)\n\n"
        "Best drama\n\n"
        "The Night Desk (Channel 5)"
    )
    entities = entities_of(nlp, text)
    for e in entities:
        for m in e.mentions:
            assert m.text.count("(") == m.text.count(")"), m.text
            if e.type == "PERSON":
                assert not re.search(r"&|,| and ", m.text), m.text
    people = {e.name for e in entities if e.type == "PERSON"}
    assert "Jo Pratt" in people


def test_hyphenated_names(nlp) -> None:
    text = (
        "Fighting in Nagorno-Karabakh overshadowed the Russia-Ukraine talks, said Ata-ur-Rehman. "
        "Syria-type deals and UN-recognised bodies were discussed."
    )
    entities = entities_of(nlp, text)
    surfaces = {m.text for e in entities for m in e.mentions}
    assert {"Russia", "Ukraine", "Syria", "UN"} <= surfaces
    assert not any(s in surfaces for s in ("Russia-Ukraine", "Syria-type", "UN-recognised"))
    assert "Karabakh" not in surfaces and "Rehman" not in surfaces


def test_party_and_title_before_a_name(nlp) -> None:
    text = (
        "Lib Dem MP Lembit Opik said the plan would fail. The Lib Dem spokesman, "
        "Lib Dem Norman Baker, agreed. Opik and Baker will vote against it."
    )
    entities = entities_of(nlp, text)
    index = by_name(entities)
    assert index["Lembit Opik"].aliases == ["Opik"]
    assert all(not e.name.startswith("Lib Dem ") for e in entities if e.type == "PERSON")


def test_surname_in_capitals_in_a_transcript(nlp) -> None:
    text = (
        "Fox News host Chris Wallace moderated the debate.\n\n"
        "WALLACE: Good evening from Las Vegas.\n\n"
        "CLINTON: Thank you, Chris."
    )
    wallace = by_name(entities_of(nlp, text))["Chris Wallace"]
    assert "WALLACE" in wallace.aliases


def test_lone_capitalised_word_opening_a_sentence_is_not_a_person(nlp) -> None:
    text = (
        "Voters in Valdoria re-elected President Lena Ortiz on Sunday.\n\n"
        "Turnout was put at 61 percent, slightly higher than at the last election.\n\n"
        "Ortiz thanked her supporters in the capital."
    )
    doc = nlp(text)
    assert any(e.text == "Turnout" and e.label_ == "PERSON" for e in doc.ents)  # the model's
    entities = extract_entities(doc, parse_structure(text))
    assert "Turnout" not in by_name(entities)
    assert by_name(entities)["Lena Ortiz"].aliases == ["Ortiz"]


def test_a_lone_opening_word_is_a_person_only_as_the_subject_of_a_persons_speech_verb(
    nlp,
) -> None:
    opening = "Voters in Valdoria re-elected President Lena Ortiz on Sunday.\n\n"
    for sentence, person in [
        ("Turnout continued to rise through the afternoon, officials said.", None),
        ("Okafor announced the count had been fair.", None),
        ("Okafor said the count had been fair.", "Okafor"),
    ]:
        text = opening + sentence
        doc = nlp(text)
        word = sentence.split()[0]
        assert any(e.text == word and e.label_ == "PERSON" for e in doc.ents)  # the model's
        people = {
            e.name for e in extract_entities(doc, parse_structure(text)) if e.type == "PERSON"
        }
        assert people == {"Lena Ortiz"} | ({person} if person else set()), sentence


def test_ambiguous_surname_stays_apart(nlp) -> None:
    text = (
        "Labour MP Jo Smith and her brother, the novelist Tom Smith, were at the launch.\n\n"
        "Smith said the book had taken ten years to write."
    )
    people = [e for e in entities_of(nlp, text) if e.type == "PERSON"]
    full = [e for e in people if len(e.name.split()) > 1]
    assert {e.name for e in full} >= {"Jo Smith", "Tom Smith"}
    assert all("Smith" not in e.aliases for e in full)


def test_acronym_defined_in_text_joins_the_long_form(nlp) -> None:
    text = (
        "The Federation of Sovereign Indigenous Nations (FSIN) called for an inquiry on Friday.\n\n"
        "FSIN chief Bobby Cameron said the province had ignored repeated warnings."
    )
    entities = entities_of(nlp, text)
    fsin = by_name(entities)["FSIN"]
    assert fsin.name == "Federation of Sovereign Indigenous Nations"
    assert fsin.type == "ORG" and "FSIN" in fsin.aliases
    assert len([m for m in fsin.mentions if m.text == "FSIN"]) == 2


def test_acronym_matching_initials_joins_the_name(nlp) -> None:
    text = (
        "The United Nations said on Monday that aid had reached Gaza. UN officials said the "
        "European Union would pay. The EU did not comment, nor did the World Health "
        "Organization. A WHO spokesman declined."
    )
    index = by_name(entities_of(nlp, text))
    for name, acronym in [
        ("United Nations", "UN"),
        ("European Union", "EU"),
        ("World Health Organization", "WHO"),
    ]:
        entity = index[acronym]
        assert entity.name == name and entity.aliases == [acronym] and entity.type == "ORG"
        assert len(entity.mentions) == 2


def test_one_country_under_several_names(nlp) -> None:
    text = (
        "The United States imposed new sanctions on Tuesday. The US Treasury said the "
        "measures were aimed at officials in Caracas.\n\n"
        "Venezuela accused the U.S. of economic warfare and said America would fail."
    )
    entities = entities_of(nlp, text)
    us = [e for e in entities if e.country_code == "US"]
    assert len(us) == 1
    assert us[0].name == "United States" and us[0].type == "GPE"
    assert by_name(entities)["Caracas"].country_code == "VE"


def test_parts_of_a_country_stay_apart(nlp) -> None:
    text = "England beat Scotland at Twickenham, and Wales lost to Ireland in Dublin."
    entities = [e for e in entities_of(nlp, text) if e.type == "GPE"]
    names = {e.name for e in entities}
    assert {"England", "Scotland", "Wales"} <= names
    assert {e.country_code for e in entities if e.name in ("England", "Scotland")} == {"GB"}


def test_model_place_label_yields_to_a_surname(nlp) -> None:
    text = (
        "Security chief Alexander Lebed signed the deal on Friday.\n\n"
        "Lebed said the talks would resume. Lebed, Chechens sign framework deal."
    )
    lebed = by_name(entities_of(nlp, text))["Alexander Lebed"]
    assert lebed.type == "PERSON" and lebed.aliases == ["Lebed"]
    assert len(lebed.mentions) == 3


def test_city_geocoded_in_the_country_of_the_article(nlp) -> None:
    text = (
        "Clashes broke out in Tripoli, Lebanon's second city, on Saturday.\n\n"
        "The Lebanese army said it had deployed troops across Tripoli and in Beirut."
    )
    index = by_name(entities_of(nlp, text))
    assert index["Tripoli"].country_code == "LB"
    assert index["Tripoli"].lat == pytest.approx(34.4, abs=0.1)


def test_one_name_in_several_cases(nlp) -> None:
    text = (
        "EBAY PROFITS JUMP\n"
        "Online auctioneer eBay said on Wednesday its profits rose 44%. "
        "EBay shares rose 3% in New York."
    )
    entities = entities_of(nlp, text)
    ebay = [e for e in entities if e.name.lower() == "ebay"]
    assert len(ebay) == 1 and ebay[0].type == "ORG"
    assert ebay[0].name == "eBay" and sorted(ebay[0].aliases) == ["EBAY", "EBay"]
    # A headline word in capitals the article never names otherwise is no entity.
    assert "JUMP" not in by_name(entities)


def test_possessive_and_article_are_trimmed(nlp) -> None:
    text = "The UAE's foreign minister met the Netherlands' ambassador in Abu Dhabi."
    index = by_name(entities_of(nlp, text))
    assert index["UAE"].country_code == "AE"
    assert "Abu Dhabi" in index


@pytest.mark.parametrize("heading", ["Govt denials", "Ceasefire talks"])
def test_heading_word_is_not_a_name(nlp, heading: str) -> None:
    text = (
        "Rebels retake a key town\n\n"
        "Rebel forces said on Sunday they had retaken the town of Kidal from the army.\n\n"
        f"{heading}\n\n"
        "The government denied the town had fallen, a spokesman told AFP in Bamako."
    )
    entities = entities_of(nlp, text)
    word = heading.split()[0]
    assert word not in {m.text for e in entities for m in e.mentions}
    index = by_name(entities)
    assert index["Bamako"].country_code == "ML"
    assert index["Kidal"].type == "GPE"


def test_dateline_in_capitals(nlp) -> None:
    text = (
        "BELGRADE 1996-08-30\n"
        "Serbian police arrested three men on Friday, the Tanjug news agency said."
    )
    index = by_name(entities_of(nlp, text))
    assert index["BELGRADE"].type == "GPE" and index["BELGRADE"].country_code == "RS"
    assert index["Serbian"].type == "NORP"


def test_news_outlets_the_model_misses(nlp) -> None:
    text = (
        "Serbian police arrested three men, the Tanjug news agency said. Tanjug added that "
        "the men were released later, as the Le Monde newspaper also reported."
    )
    index = by_name(entities_of(nlp, text))
    assert index["Tanjug"].type == "ORG" and len(index["Tanjug"].mentions) == 2
    assert index["Le Monde"].type == "ORG"


def test_outlet_names_are_found_as_the_pattern_finds_them() -> None:
    import random

    from app.annotate.entities.recall import NAME_THEN_OUTLET, _names_then_outlet

    rng = random.Random(17)
    pieces = ["A", "Jo", "x", ".", "-", "'", "&", " ", "1", " news agency", " daily", "de "]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        found = [(m.span(), m.groups()) for m in _names_then_outlet(text)]
        assert found == [(m.span(), m.groups()) for m in NAME_THEN_OUTLET.finditer(text)], text


def test_news_outlets_after_a_long_word_of_initials(nlp) -> None:
    # Tried from each capital after a dot, the pattern read on to the end of the word.
    initials = "A." * 50_000
    text = f"Wire copy\n\nHe met {initials} on Monday, the Tanjug news agency said."
    index = by_name(entities_of(nlp, text))
    assert index["Tanjug"].type == "ORG"


def _one_by_one(forms) -> re.Pattern[str]:
    """What `_alternation` finds: every form in turn, the longest first."""
    alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-])(?:{alternation})(?![\w\-])")


@pytest.mark.parametrize("depth", [1, 3, 40])
def test_names_are_looked_for_as_trying_each_in_turn_finds_them(monkeypatch, depth) -> None:
    import random

    from app.annotate.entities import recall

    monkeypatch.setattr(recall, "_MAX_TRIE_DEPTH", depth)  # below it, a plain alternation
    rng = random.Random(depth)
    pieces = ["A", "b", " ", "-", "'", ".", "(", "Ab", "AB", "\u00e9", "1", "\n"]
    for _ in range(3_000):
        forms = {"".join(rng.choices(pieces, k=rng.randint(1, 6))) for _ in range(12)}
        pattern, reference = recall._alternation(forms), _one_by_one(forms)
        for _ in range(5):
            text = "".join(rng.choices(pieces + sorted(forms), k=rng.randint(0, 15)))
            start, end = sorted(rng.choices(range(len(text) + 1), k=2))
            found = [m.span() for m in pattern.finditer(text, start, end)]
            assert found == [m.span() for m in reference.finditer(text, start, end)]


def test_names_each_beginning_with_the_one_before_and_a_very_long_one() -> None:
    from app.annotate.entities.recall import _alternation

    # A thousand forms each beginning with the one before: the pattern nests no deeper
    # for it. And one form of 100,000 characters.
    forms = [" ".join(["Ana"] * k) for k in range(1, 1_000)] + ["B" * 100_000]
    text = " ".join(["Ana"] * 1_500) + ", " + "B" * 100_000 + ". Anas"
    found = [m.group() for m in _alternation(forms).finditer(text)]
    assert found == [forms[998], forms[500], "B" * 100_000]


def test_short_names_only_and_a_line_in_capitals(nlp) -> None:
    # No name of three letters or more to look for in the capitals: none is found there
    # (an empty pattern matched between the colon and the space, and failed the layer).
    text = "EU ministers met on Monday.\n\nBREAKING: NEWS UPDATE\n\nThe EU said it would act."
    [entity] = entities_of(nlp, text)
    assert entity.name == "EU" and len(entity.mentions) == 2


def test_empty_text(nlp) -> None:
    assert entities_of(nlp, "") == []


@pytest.mark.nlp
def test_a_name_written_with_a_no_break_space(nlp) -> None:
    text = (
        "Campaign shake-up\n\n"
        "Former speaker Newt\u00a0Gingrich met the campaign staff in New York on Monday.\n\n"
        "Gingrich said the campaign needed a new manager."
    )
    people = [e for e in entities_of(nlp, text) if e.type == "PERSON"]
    assert [e.name for e in people] == ["Newt Gingrich"]
    assert [m.text for m in people[0].mentions] == ["Newt\u00a0Gingrich", "Gingrich"]


@pytest.mark.nlp
def test_a_title_case_headline_is_not_a_person(nlp) -> None:
    text = (
        "Obama Claims Hillary Most Qualified Presidential Candidate Ever\n\n"
        "President Barack Obama said on Wednesday that Hillary Clinton was the most qualified "
        "presidential candidate ever, and the claims drew criticism from Republicans."
    )
    names = {e.name for e in entities_of(nlp, text) if e.type == "PERSON"}
    assert not any(len(name.split()) > 3 for name in names), names
    assert {"Barack Obama", "Hillary Clinton"} <= names


# ------------------------------------------------------------------ people are clean


def test_a_quote_mark_or_possessive_inside_a_person_is_cut(nlp) -> None:
    from app.annotate.entities.spans import _person_span

    for raw, name in [
        ("Sergeant John “Tig", "Sergeant John"),
        ("Joseph Malloy's Star", "Joseph Malloy"),
        ("Donald Trump‘s", "Donald Trump"),
        ("Hillary] Clinton", "Clinton"),
        ("-David Rothwell", "David Rothwell"),
    ]:
        start, end, label = _person_span(raw, 0, len(raw))
        assert (raw[start:end], label) == (name, "PERSON")
    text = (
        "The novelist Joseph Malloy's Star of the Sea sold well. "
        "Joseph Malloy said he was surprised by the sales."
    )
    people = people_of(nlp, text)
    assert "Joseph Malloy" in people
    assert not any("'" in name for name in people)


def test_a_building_or_organisation_named_after_a_person_is_not_a_person(nlp) -> None:
    text = (
        "Donald Trump held a meeting at Trump Tower on Monday. The Clinton Foundation "
        "declined to comment, and Manchester United said nothing. Trump left at noon."
    )
    entities = entities_of(nlp, text)
    people = {e.name for e in entities if e.type == "PERSON"}
    assert people == {"Donald Trump"}
    types = {e.name: e.type for e in entities}
    assert types.get("Trump Tower") in ("FAC", "GPE", "LOC", "ORG")
    assert types.get("Clinton Foundation", "ORG") == "ORG"


def test_initials_handles_and_family_plurals_are_not_people(nlp) -> None:
    from app.annotate.entities.spans import _person_span

    for raw in ("C.L.", "O.K.", "https://example.com/JaneDoe", "@JaneDoe Twitter"):
        assert _person_span(raw, 0, len(raw)) is None
    credit = "PRESS/Jane Doyle"
    start, end, _ = _person_span(credit, 0, len(credit))
    assert credit[start:end] == "Jane Doyle"
    text = (
        "Bill Clinton and Hillary Clinton spent the holiday in Chappaqua. "
        "The Clintons have hosted the dinner for years, Hillary Clinton said."
    )
    assert "Clintons" not in people_of(nlp, text)


def test_a_headline_word_joined_to_a_name_is_trimmed(nlp) -> None:
    text = (
        "Top Clinton Adviser Sent Classified Email\n\n"
        "Jake Sullivan, an adviser to Hillary Clinton, sent the email in 2012, officials "
        "said on Tuesday. Clinton declined to comment."
    )
    people = people_of(nlp, text)
    assert "Top Clinton" not in people
    assert people["Clinton"] is people["Hillary Clinton"]


def test_one_person_under_several_full_forms_takes_the_surname(nlp) -> None:
    text = (
        "Donald J. Trump spoke in Ohio on Monday. Donald Trump then flew to Florida, "
        "where Trump met donors."
    )
    people = people_of(nlp, text)
    assert people["Trump"] is people["Donald J. Trump"] is people["Donald Trump"]
    assert len({id(e) for e in people.values()}) == 1


def test_a_middle_name_and_a_short_first_name_join_the_full_name(nlp) -> None:
    text = (
        "Kenneth Starr testified on Monday. Ken Starr was the independent counsel. "
        "Anthony Quentin Meyer, a former MP, spoke later; Anthony Meyer said Starr was right. "
        "Eric Garner died in 2014 and his daughter Erica Garner spoke at the rally."
    )
    people = people_of(nlp, text)
    assert people["Ken Starr"] is people["Kenneth Starr"]
    assert people["Anthony Meyer"] is people["Anthony Quentin Meyer"]
    assert people["Eric Garner"] is not people["Erica Garner"]


def test_a_trade_before_a_surname_is_not_part_of_the_name(nlp) -> None:
    text = "Winger Nitoglia scored twice in the second half, and the home side won 21-10."
    people = people_of(nlp, text)
    assert "Winger Nitoglia" not in people
    assert "Nitoglia" in people


def test_an_acronym_alone_in_capitals_is_not_a_person(nlp) -> None:
    text = (
        "Fox News host Chris Wallace moderated the debate.\n\n"
        "WALLACE: Good evening.\n\n"
        "Phone makers said the GPRS network was too slow for video, and Nokia agreed."
    )
    people = people_of(nlp, text)
    assert "GPRS" not in people
    assert "WALLACE" in people["Chris Wallace"].aliases


def test_entities_do_not_import_the_quote_modules() -> None:
    import app.annotate.entities as entities

    modules = list(Path(entities.__file__).parent.glob("*.py"))
    assert len(modules) > 1
    for module in modules:
        assert "app.annotate.quote" not in module.read_text(encoding="utf-8"), module.name


def test_a_common_word_alone_or_a_name_suffix_is_not_a_person(nlp) -> None:
    from app.annotate.entities.spans import _person_span

    assert _person_span("Jr.", 0, 3) is None
    text = (
        "Bill passes the Senate\n\n"
        "The Bill was passed by 60 votes to 38 on Tuesday. Senator Mary Landau said the "
        "bill would protect workers, and Landau urged the House to act."
    )
    people = people_of(nlp, text)
    assert "Bill" not in people
    assert "Mary Landau" in people


def test_words_of_a_title_case_headline_are_cut_from_a_name(nlp) -> None:
    text = (
        "Ben Morton Slams Hillary And The Media In One Debate Answer.\n\n"
        "Republican candidate Ben Morton used Tuesday's debate to attack Hillary Clinton. "
        "Morton said the media were unfair."
    )
    people = people_of(nlp, text)
    assert not any("Slams" in name for name in people), people
    assert people["Morton"] is people["Ben Morton"]
    assert len(people["Ben Morton"].mentions) == 3


def test_a_surname_with_a_capitalised_particle_joins_the_full_name(nlp) -> None:
    text = (
        "Full-back Roland de Marigny kicked three penalties for the visitors. "
        "De Marigny also converted the late try, and the crowd cheered."
    )
    people = people_of(nlp, text)
    assert people["De Marigny"] is people["Roland de Marigny"]


def test_a_nickname_in_quotes_leads_to_the_surname(nlp) -> None:
    text = (
        "Former Marine John “Tig” Tiegen spoke at the convention on Monday. "
        "Tiegen said the attack could have been stopped. Mark “Oz” Geist agreed with Tiegen."
    )
    people = people_of(nlp, text)
    assert not any("“" in name or "”" in name for name in people), people
    assert len(people["Tiegen"].mentions) == 3
    assert "Geist" in people


def test_a_name_made_of_words_the_article_writes_in_lower_case_is_not_a_person(nlp) -> None:
    text = (
        "Software makers back Intellectual Property plan\n\n"
        "The rules on intellectual property were drafted in Brussels, where officials said "
        "the property of inventors needed protection. Firms called it an intellectual "
        "victory, said analyst Jane Morrow."
    )
    assert set(people_of(nlp, text)) == {"Jane Morrow"}


# ------------------------------------------------------------------ work stays linear


def test_grouping_thousands_of_people_compares_only_names_that_share_a_word() -> None:
    import time

    from app.annotate.entities.grouping import _group
    from app.annotate.entities.mentions import _Mention

    forms = [form for i in range(3000) for form in (f"Ana{i:04d} Reyes{i:04d}", f"Reyes{i:04d}")]
    text = " ".join(forms)
    mentions, pos = [], 0
    for form in forms:
        mentions.append(_Mention(pos, pos + len(form), form, "PERSON"))
        pos += len(form) + 1
    started = time.perf_counter()
    groups = _group(mentions, text, frozenset(), frozenset())
    # Comparing every pair of names took over ten seconds here; by shared word, a fraction of one.
    assert time.perf_counter() - started < 5
    assert len(groups) == 3000
    assert all(
        g.forms == [f"Ana{i:04d} Reyes{i:04d}", f"Reyes{i:04d}"] for i, g in enumerate(groups)
    )


# ------------------------------------------------------------------ results tables


def test_teams_in_a_results_table_are_organisations_and_stay_so_in_the_text(nlp) -> None:
    text = (
        "Rugby union results on Saturday:\n"
        "Harlequins 75 Kelso Rovers 19\n"
        "Ashby Town 27 Marston 28\n"
        "Northampton 46 Dunmore 20\n"
        "Kelso Rovers beat Ashby Town in the cup last week, and Northampton lost to Marston."
    )
    entities = entities_of(nlp, text)
    index = by_name(entities)
    for team in ("Harlequins", "Kelso Rovers", "Marston", "Northampton", "Dunmore"):
        assert index[team].type == "ORG", team
    # The rows' names, not the model's spans with the scores (`Rovers 19`).
    assert not any(c.isdigit() for e in entities for m in e.mentions for c in m.text)
    assert len(index["Northampton"].mentions) == 2
    assert not [e for e in entities if e.type == "PERSON"]


def test_standings_and_fixtures_name_teams_and_an_away_fixture_its_ground(nlp) -> None:
    text = (
        "Standings after Saturday's matches:\n"
        "Dunmore 4 3 1 0 7 4 10\n"
        "Kelso Rovers 3 3 0 0 8 2 9\n"
        "Bristol 4 3 0 1 5 3 9\n"
        "Fixtures:\n"
        "Arsenal v Kelso Rovers\n"
        "BALTIMORE AT SEATTLE\n"
        "Cyprus v Israel."
    )
    types = {e.name: e.type for e in entities_of(nlp, text)}
    for team in ("Dunmore", "Kelso Rovers", "Bristol", "Arsenal", "BALTIMORE"):
        assert types[team] == "ORG", team
    assert types["SEATTLE"] == "GPE"  # where the visitors play
    assert types["Cyprus"] == types["Israel"] == "GPE"  # national sides are the country


def test_a_leaderboard_of_people_is_not_a_table_of_teams(nlp) -> None:
    text = (
        "Leaderboard after the third round:\n"
        "Tomas Rekker 68 70 71\n"
        "Oliver Brandt 70 69 72\n"
        "Helen Marsh 71 70 70"
    )
    types = {e.name: e.type for e in entities_of(nlp, text)}
    assert types["Tomas Rekker"] == types["Helen Marsh"] == "PERSON"
    assert "ORG" not in types.values()


def test_two_rows_are_not_a_table() -> None:
    from app.annotate.entities.tables import _table_names

    text = "Plessy v Ferguson\nClinton 44, Trump 40\nThe court ruled on Monday."
    assert _table_names(text) == []
    text = (
        "At Hove: Sussex 363 (W. Athey 111), Lancashire 218 and 53-0.\n"
        "Somerset 83 and 174 (P. Simmons 4-38), Leicestershire 296.\n"
        "Israel 2, Bulgaria 0 (halftime 0-0)"
    )
    names = [text[s:e] for s, e, _ in _table_names(text)]
    assert names == ["Sussex", "Lancashire", "Somerset", "Leicestershire", "Israel", "Bulgaria"]


def test_team_sheets_answer_as_reading_the_line_of_each_span_does(monkeypatch) -> None:
    import random

    from app.annotate.entities import junk

    def by_reading_the_line(text: str, start: int, end: int) -> bool:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : line_end if line_end != -1 else len(text)]
        items = [i.strip() for i in line.replace(";", ",").split(",")]
        named = [i for i in items if i[:1].isupper()]
        return len(items) >= 4 and len(named) >= 0.75 * len(items)

    rng = random.Random(3)
    pieces = ["Mawson", "travis", ", ", "; ", "\n", " ", "James"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        sheets = junk.TeamSheets(text)
        for _ in range(10):
            start = rng.randint(0, len(text))
            end = rng.randint(start, len(text))
            assert sheets.holds(start, end) == by_reading_the_line(text, start, end)

    # Each line is judged once, however many names are asked about in it.
    judged = []
    real = junk._is_team_sheet
    monkeypatch.setattr(junk, "_is_team_sheet", lambda line: judged.append(line) or real(line))
    names = [f"Player{k}" for k in range(5_000)]
    text = "Team news\n" + ", ".join(names) + "\nKick-off is at three."
    sheets = junk.TeamSheets(text)
    start = text.index(names[0])
    for name in names:
        start = text.index(name, start)
        assert sheets.holds(start, start + len(name))
    assert len(judged) == 1


def _list_label_by_walking(span, by_root: dict[int, str]) -> str | None:
    """What `_Lists.label` answers, found by walking the whole list from `span`."""
    from collections import Counter

    top = span.root
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    members = [top]
    for tok in members:
        members.extend(c for c in tok.children if c.dep_ == "conj")
    others = Counter(by_root[t.i] for t in members if t.i != span.root.i and t.i in by_root)
    if not others:
        return None
    label, count = others.most_common(1)[0]
    return label if count >= 2 and sum(others.values()) - count <= 1 else None


def test_list_labels_as_walking_each_list_gives_them(nlp, seed_text) -> None:
    import random

    from app.annotate.entities.labels import _Lists

    rng = random.Random(5)
    first = ["Will", "Kevin", "Keanu", "Ana", "Tomas", "Helen", "Oliver", "Maria"]
    last = ["Smith", "Spacey", "Reeves", "Reyes", "Rekker", "Marsh", "Brandt", "Lopez"]

    def names(count: int) -> str:
        people = [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(count)]
        return ", ".join(people[:-1]) + " and " + people[-1]

    lists = " ".join(f"The guests were {names(rng.randint(2, 8))}." for _ in range(30))
    for text in (seed_text, f"Guests\n\n{lists}\n\nThe cast: {names(300)}."):
        doc = nlp(text)
        spans = list(doc.ents)
        by_root = {s.root.i: rng.choice(["PERSON", "PERSON", "ORG", "GPE"]) for s in spans}
        found = _Lists(doc, by_root)  # asked about every name of the article in turn
        answers = [found.label(s) for s in spans]
        assert answers == [_list_label_by_walking(s, by_root) for s in spans]
    assert {"PERSON", "ORG", None} <= set(answers)

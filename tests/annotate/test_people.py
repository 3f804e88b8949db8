"""The people list holds people: photographers, places, teams, fixtures are no one."""

from __future__ import annotations

import pytest

from app.annotate.credits import photo_credits
from app.annotate.document import parse_structure
from app.annotate.entities.labels import _Dependents, _plural_subject, _settle_labels
from app.annotate.entities.mentions import _DocContext, _Mention
from app.annotate.entities.spans import _person_span
from tests.annotate.entity_helpers import entities_of, people_of, person_names

pytestmark = pytest.mark.nlp


def test_photo_credits_are_found_by_label_and_by_agency_slash() -> None:
    text = (
        "Crews worked through the night. (Photo: Oliver Brandt)\n"
        "A street in Marston. Photograph: Tomas Rekker/AFP\n"
        "EPA/Karl Lindqvist. Prices rose 3/4 of a point and the A/B test ran."
    )
    found = {text[s:e] for s, e in photo_credits(text, parse_structure(text))}
    assert "Oliver Brandt" in found
    assert any("Tomas Rekker" in f for f in found)
    assert "EPA/Karl Lindqvist" in found
    assert not any("A/B" in f or "3/4" in f for f in found)


def test_a_photographer_is_not_a_person_the_article_mentions(nlp) -> None:
    text = (
        "Fires spread north of the capital on Tuesday.\n"
        "Firefighters battle a blaze near Marston. (Photo: Oliver Brandt/Reuters)\n"
        "The governor, Helen Marsh, said crews had worked through the night.\n"
        "Residents clear debris. Photograph: Tomas Rekker/AFP\n"
        "Marsh said more help would come, and Tomas Rekker, a volunteer, agreed."
    )
    found = person_names(nlp, text)
    assert "Helen Marsh" in found
    assert "Oliver Brandt" not in found
    # Named in the article too: those mentions stay, the credit's does not.
    assert "Tomas Rekker" in found
    rekker = next(e for e in entities_of(nlp, text) if e.name == "Tomas Rekker")
    assert len(rekker.mentions) == 1


def test_a_town_named_alone_as_a_person_is_the_place_unless_a_persons_name(nlp) -> None:
    text = "Ipswich drew with the leaders. Later Tom Bolton said Bolton had earned it."
    doc = nlp(text)

    def mention(word: str, nth: int = 0) -> _Mention:
        start = -1
        for _ in range(nth + 1):
            start = text.index(word, start + 1)
        return _Mention(start, start + len(word), word, "PERSON")

    mentions = [
        mention("Ipswich"),
        mention("Tom Bolton"),
        mention("Bolton", 1),
    ]
    labels = _settle_labels(doc, mentions, _DocContext.build(doc, text))
    assert labels["Ipswich"] == "GPE"  # a town of 100,000 or more, nothing marks a person
    assert labels["Bolton"] == "PERSON"  # the surname of a person the article names


def test_a_name_taking_a_plural_verb_is_a_team(nlp) -> None:
    def subject(text: str, name: str) -> bool:
        doc = nlp(text)
        start = text.index(name)
        return _plural_subject(doc.char_span(start, start + len(name)), _Dependents.of(doc))

    assert subject("Ashford Rovers were beaten at home on Saturday.", "Ashford Rovers")
    assert not subject("Kelso will visit Dunmore on Saturday.", "Kelso")
    assert not subject("Other changes see Jean Aubry return after injury.", "Jean Aubry")
    assert not subject("Paula Grant was beaten in the vote on Saturday.", "Paula Grant")
    assert not subject("Coaches saw Jean Aubry return from injury.", "Jean Aubry")
    assert not subject("Tom Reed and Ana Diaz were elected.", "Tom Reed")


def test_dependents_tell_what_each_tokens_children_do(nlp, seed_text) -> None:
    from app.annotate.lexicon import PLURAL_VERBS

    teams = ", ".join(f"Ashford Rovers {k}" for k in range(200))
    text = f"{seed_text}\n\n{teams} and Kelso were beaten, but Dunmore have won."
    doc = nlp(text)
    dependents = _Dependents.of(doc)
    for token in doc:
        children = list(token.children)
        coordinated = any(c.dep_ in ("conj", "cc") for c in children)
        plural = any(c.dep_ in ("aux", "auxpass") and c.lower_ in PLURAL_VERBS for c in children)
        assert (token.i in dependents.coordinated) == coordinated
        assert (token.i in dependents.plural_auxiliary) == plural
    assert dependents.coordinated and dependents.plural_auxiliary


def test_a_fixture_a_case_or_a_work_after_a_name_is_not_a_person() -> None:
    for text, span in [
        ("Kelso Rovers v Ashby Town", "Kelso Rovers v Ashby Town"),
        ("the ruling in Hale v. Dunmore stood", "Hale"),
        ("the ruling in Hale v. Dunmore stood", "Dunmore"),
    ]:
        start = text.index(span)
        assert _person_span(text, start, start + len(span)) is None, span
    text = "the shortlist includes Ana Reyes for Night Train"
    start = text.index("Ana")
    s, e, label = _person_span(text, start, len(text))
    assert (text[s:e], label) == ("Ana Reyes", "PERSON")
    text = "a painting by Vincent van Gogh"
    start = text.index("Vincent")
    s, e, _ = _person_span(text, start, len(text))
    assert text[s:e] == "Vincent van Gogh"


def test_a_name_after_the_kind_of_thing_it_is_is_not_a_person(nlp) -> None:
    text = (
        "Violent games have been criticised after the game Manhunt was blamed for a "
        "killing. Manhunt was withdrawn by some shops, and Manhunt sales fell.\n\n"
        "Glasgow group Franz Ferdinand won two prizes. Franz Ferdinand thanked their fans, "
        "and singer Joss Stone said Franz Ferdinand deserved them."
    )
    types = {e.name: e.type for e in entities_of(nlp, text)}
    assert types["Manhunt"] == "WORK_OF_ART"
    assert types["Franz Ferdinand"] == "ORG"
    assert types["Joss Stone"] == "PERSON"  # after a trade (`singer`), still a person


def test_the_before_a_one_word_name_or_a_role_alone_is_not_a_person(nlp) -> None:
    text = (
        "He had loved the Beatles since he was a boy, said Tom Reed, and the referee "
        "stopped the fight as the Briton crumbled. The talks damaged the Obama "
        "administration, said Jane Doe."
    )
    assert person_names(nlp, text) == {"Tom Reed", "Obama", "Jane Doe"}


def test_a_full_name_listed_among_people_is_a_person_whatever_the_model_said(nlp) -> None:
    text = (
        "More than a dozen celebrities are due to attend, among them Will Smith, "
        "Kevin Spacey and Keanu Reeves."
    )
    doc = nlp(text)
    assert any(e.text == "Keanu Reeves" and e.label_ != "PERSON" for e in doc.ents)  # the model's
    assert person_names(nlp, text) == {"Will Smith", "Kevin Spacey", "Keanu Reeves"}
    # A list is no evidence the other way: a company among names the model took for
    # people stays a company.
    text = "Its customers include Boots, Burberry, Mothercare and consumer products giant Procter & Gamble."
    types = {e.name: e.type for e in entities_of(nlp, text)}
    assert types["Procter & Gamble"] == "ORG"


def test_a_single_name_nothing_shows_to_be_a_persons_is_not_one_unless_named_once(nlp) -> None:
    text = (
        "After the result, Hillary Clinton took to Twitter to say thanks. Her aides said "
        "more posts would follow on Twitter later."
    )
    types = {e.name: e.type for e in entities_of(nlp, text)}
    assert types == {"Hillary Clinton": "PERSON", "Twitter": "ORG"}
    # Named once in passing, a first name stays a person.
    text = "Americans, he said, can rock like Jimi and stir the pot like Richard Pryor."
    assert person_names(nlp, text) == {"Jimi", "Richard Pryor"}
    # A surname alone, with a title or as a subject, is a person's.
    text = (
        "The chairman has launched a bid for the club. Mr Murray is already the largest "
        "shareholder, and Murray said the offer was fair."
    )
    assert person_names(nlp, text) == {"Murray"}


def test_events_models_compound_words_and_joined_names_are_not_people(nlp) -> None:
    text = (
        "Jade Johnson next competes in the high-class Birmingham Grand Prix on 18 February.\n\n"
        "The IBM Blue Gene/L is only a prototype. When finished, Blue Gene will be capable "
        "of a petaflop, said Nick Donofrio.\n\n"
        "Liberal Oscar-winner Susan Sarandon backs Bernie Sanders. The Oscar-winning actress "
        "said she was not sure about Hillary Clinton. The Clinton-Sanders debate will be "
        "held in Brooklyn."
    )
    types = {e.name: e.type for e in entities_of(nlp, text)}
    assert types["Birmingham Grand Prix"] == "EVENT"
    assert types["Blue Gene"] == "PRODUCT"
    assert types.get("Oscar") != "PERSON"
    assert {n for n, t in types.items() if t == "PERSON"} == {
        "Jade Johnson",
        "Nick Donofrio",
        "Susan Sarandon",
        "Bernie Sanders",
        "Hillary Clinton",
    }


def test_slash_credits_are_found_as_the_pattern_finds_them() -> None:
    import random

    from app.annotate.credits import _SLASH_CREDIT, _slash_credits

    rng = random.Random(13)
    pieces = ["A", "Jo", "x", ".", "-", "'", "’", " ", "/", "1", "AFP", "P.", "Getty Images"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        found = [(m.span(), m.groups()) for m in _slash_credits(text)]
        assert found == [(m.span(), m.groups()) for m in _SLASH_CREDIT.finditer(text)], text


def test_photo_credits_after_a_long_hyphenated_word() -> None:
    # Tried from each capital after a hyphen, the pattern read on to the end of the word.
    text = "He met " + "B-" * 50_000 + "C today. Photograph: Jane Doe/AFP. Jean-P./Reuters"
    found = [text[s:e] for s, e in photo_credits(text, parse_structure(text))]
    assert found == ["Jane Doe/AFP", "Jane Doe/AFP", "P./Reuters"]


def test_a_name_listed_among_things_is_no_person(nlp) -> None:
    text = (
        "Toymakers such as Hasbro, Mattel, Lego and Brio reported weak sales. "
        "Mattel said stocks were high."
    )
    doc = nlp(text)
    assert ("Lego", "PERSON") in {(e.text, e.label_) for e in doc.ents}  # the model's slip
    assert "Lego" not in person_names(nlp, text)


def test_a_person_listed_with_one_name_the_model_calls_a_thing_stays(nlp) -> None:
    # One neighbour the model calls an organisation is no evidence: it mislabels
    # the names of a list alike.
    text = "As a girl she played with Matisse and Kowalczyk in the garden."
    assert "Kowalczyk" in person_names(nlp, text)


def test_a_one_word_person_of_a_headline_the_text_never_writes_is_no_one(nlp) -> None:
    text = (
        "Hartley eyes Euro gold\n\n"
        "Sprinter Tom Hartley says he is ready for the European indoor championships."
    )
    assert ("Euro", "PERSON") in {(e.text, e.label_) for e in nlp(text).ents}
    assert "Euro" not in person_names(nlp, text)


def test_a_headline_word_the_text_writes_again_may_be_a_person() -> None:
    from app.annotate.entities.junk import _headline_word_alone
    from app.annotate.entities.mentions import _Group

    text = "Kowal eyes Euro gold\n\nThe coach said Kowal was ready. Europeans wait."
    headlines = [(0, text.index("\n"))]

    def group(word: str) -> _Group:
        start = text.index(word)
        return _Group("PERSON", [_Mention(start, start + len(word), word, "PERSON")], [word])

    assert not _headline_word_alone(group("Kowal"), text, headlines)
    assert _headline_word_alone(group("Euro"), text, headlines)  # `Europeans` is another word


def test_a_one_word_person_naming_a_company_of_the_article_is_that_company(nlp) -> None:
    text = "The deal was signed by Kalbarri Holdings Ltd in May. Kalbarri will now run the port."
    assert ("Kalbarri", "PERSON") in {(e.text, e.label_) for e in nlp(text).ents}
    assert "Kalbarri" not in person_names(nlp, text)


def test_the_first_word_of_a_company_is_a_persons_name_when_the_article_says_so(nlp) -> None:
    from app.annotate.entities.labels import _ThingNames
    from app.annotate.entities.mentions import _Group

    text = "Kelso Mining Group grew. Kelso paid more. Mr Kelso said so. Ann Kelso left."
    doc = nlp(text)

    def group(label: str, form: str, nth: int = 0) -> _Group:
        start = -1
        for _ in range(nth + 1):
            start = text.index(form, start + 1)
        return _Group(label, [_Mention(start, start + len(form), form, label)], [form])

    company = group("ORG", "Kelso Mining Group")
    paid, titled = group("PERSON", "Kelso", 1), group("PERSON", "Kelso", 2)
    lower = frozenset(["grew", "paid", "more"])
    assert _ThingNames([company, paid], lower).label(paid, doc) == "ORG"
    assert _ThingNames([company, titled], lower).label(titled, doc) is None  # `Mr Kelso`
    # A person's full name holds the word: `Kelso` may be hers.
    ann = group("PERSON", "Ann Kelso")
    assert _ThingNames([company, paid, ann], lower).label(paid, doc) is None


def test_a_one_word_person_the_tagger_reads_as_a_plural_noun_names_many(nlp) -> None:
    text = "The cup draw was kind to the leaders, while Saints entertain Tom Reed's side."
    doc = nlp(text)
    assert next(t for t in doc if t.text == "Saints").tag_ == "NNS"

    def mention(words: str) -> _Mention:
        start = text.index(words)
        return _Mention(start, start + len(words), words, "PERSON")

    labels = _settle_labels(
        doc, [mention("Saints"), mention("Tom Reed")], _DocContext.build(doc, text)
    )
    assert labels["Saints"] == "ORG"
    assert labels["Tom Reed"] == "PERSON"


def test_a_name_with_a_sequel_number_is_a_work_not_a_person(nlp) -> None:
    from app.annotate.entities.labels import _numbered

    text = "Reviewers say Kestrelman 2 is better than the original film."
    assert ("Kestrelman 2", "PERSON") in {(e.text, e.label_) for e in nlp(text).ents}
    assert not {n for n in person_names(nlp, text) if "Kestrelman" in n}

    def numbered(text: str, name: str) -> bool:
        doc = nlp(text)
        start = text.index(name)
        return _numbered(doc.char_span(start, start + len(name)))

    assert numbered("Critics agree that Gravebound 2 improves on the first game.", "Gravebound")
    assert not numbered("Subs: Ames (Mills 89), Okafor.", "Mills")  # a minute of play
    assert not numbered("Tiko 3000 and Big Rel made the album.", "Tiko")
    assert not numbered("Kent 244 (Tolley 64 not out, Hooper 58).", "Tolley")
    assert not numbered("Leaders: Harlow 67 70, Ruiz 68 71.", "Harlow")


def test_a_name_the_text_calls_one_of_a_kind_of_thing_is_that_thing(nlp) -> None:
    cases = {
        "Users have switched to browsers such as Opera, Vexlo and Netscape this year.": "Vexlo",
        "The attack used a virus called Quorvax, and Quorvax spread quickly.": "Quorvax",
        "Fans of bands like Marbleton will love the album.": "Marbleton",
    }
    for text, name in cases.items():
        assert "PERSON" in {e.label_ for e in nlp(text).ents if e.text == name}, text
        assert name not in person_names(nlp, text), text


def test_a_kind_of_people_or_a_member_of_a_band_is_a_person(nlp) -> None:
    assert "Okafor" in person_names(nlp, "He met players such as Okafor and Tom Reed.")
    # A singular band `including` someone names a member.
    assert "Kowalczyk" in person_names(nlp, "The band, including Kowalczyk, played for two hours.")


def test_a_one_word_name_owning_a_numbered_title_is_its_maker(nlp) -> None:
    text = "The sports award went to Velmora's Street Racer 3. Velmora makes games in Osaka."
    assert ("Velmora", "PERSON") in {(e.text, e.label_) for e in nlp(text).ents}
    assert "Velmora" not in person_names(nlp, text)
    # A person named in full keeps every mention of their surname.
    text = (
        "Director Tom Brannock made the first film in 2001. Brannock's Nightrise 2 opens "
        "in May, and Brannock said he was proud."
    )
    assert len(people_of(nlp, text)["Tom Brannock"].mentions) == 3


def test_a_name_after_the_coast_of_is_a_place(nlp) -> None:
    text = "He spotted a trawler off the coast of Kessick, and Tom Reed circled it twice."
    doc = nlp(text)

    def mention(words: str, label: str) -> _Mention:
        start = text.index(words)
        return _Mention(start, start + len(words), words, label)

    context = _DocContext.build(doc, text)
    labels = _settle_labels(
        doc, [mention("Kessick", "PERSON"), mention("Tom Reed", "PERSON")], context
    )
    assert labels == {"Kessick": "LOC", "Tom Reed": "PERSON"}
    # A place the model found keeps its own kind.
    assert _settle_labels(doc, [mention("Kessick", "GPE")], context) == {"Kessick": "GPE"}


def test_a_kind_of_thing_after_a_one_word_name_votes_for_that_kind(nlp) -> None:
    def settle(text: str, words: list[str]) -> dict[str, str]:
        doc = nlp(text)
        mentions, start = [], 0
        for word in words:
            start = text.index(word, start)
            mentions.append(_Mention(start, start + len(word), word, "PERSON"))
            start += len(word)
        return _settle_labels(doc, mentions, _DocContext.build(doc, text))

    text = "Users of the Zapnet browser complained. Tom Reed said Zapnet crashed."
    assert settle(text, ["Zapnet", "Tom Reed", "Zapnet"]) == {
        "Zapnet": "PRODUCT",
        "Tom Reed": "PERSON",
    }
    # A vote only: a person's campaign or organisation is theirs (`the Clinton campaign`).
    text = "The Okafor organisation grew. Okafor said so, Okafor smiled and Okafor left."
    assert settle(text, ["Okafor"] * 4) == {"Okafor": "PERSON"}


def test_where_someone_is_followed_is_a_network_not_a_person(nlp) -> None:
    from app.annotate.entities.labels import _followed_on

    def followed(text: str, name: str) -> bool:
        doc = nlp(text)
        start = text.index(name)
        return _followed_on(doc.char_span(start, start + len(name)))

    assert followed("Follow Jane Doe on Chirper: @janedoe.", "Chirper")
    assert followed("You can follow him on Chirper at @tomreed.", "Chirper")
    assert not followed(
        "Bookmakers stopped taking bets, following a run of large wagers on Tom Reed.", "Tom Reed"
    )


def test_a_surname_the_tagger_reads_as_a_plural_only_now_and_then_is_a_person(nlp) -> None:
    text = "Sanders offers a preview. What is next for Sanders? Much rests on it."
    doc = nlp(text)
    assert [t.tag_ for t in doc if t.text == "Sanders"] == ["NNS", "NNP"]
    first, second = text.index("Sanders"), text.rindex("Sanders")
    mentions = [_Mention(s, s + 7, "Sanders", "PERSON") for s in (first, second)]
    assert _settle_labels(doc, mentions, _DocContext.build(doc, text)) == {"Sanders": "PERSON"}


def test_a_first_name_that_is_also_a_towns_is_no_thing_a_list_holds(nlp) -> None:
    text = "He married Ruth Gold in 1950 and had two daughters, Elizabeth and Miriam."
    assert "Miriam" in person_names(nlp, text)


def test_kinds_read_only_where_they_name_a_kind(nlp) -> None:
    from app.annotate.entities.labels import _kind_before, _kind_of_class, _numbered

    def span(text: str, name: str):
        doc = nlp(text)
        start = text.index(name)
        return doc.char_span(start, start + len(name))

    # A clause after the noun: the organisation Tom Reed founded is not named Tom Reed.
    founded = span("The centrist organization Tom Reed founded still meets.", "Tom Reed")
    assert _kind_before(founded.doc[founded.start - 1]) is None
    # The naming word after the name names the book, not the comedian.
    titled = span('A book by the comedian Tom Reed titled "Votes" sold.', "Tom Reed")
    assert _kind_of_class(titled, titled.root) is None
    # A ranking: numbers after people, then `and`.
    assert not _numbered(span("Ana Diaz 1, Tom Reed 2, Jo Kim 3 and Lee Park last.", "Jo Kim"))

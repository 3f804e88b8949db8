"""Quote extraction: the seed article against its gold reference, and each pattern on small texts."""

from __future__ import annotations

import pytest

from app.annotate.document import not_article_text, parse_structure
from app.annotate.quotes import extract_quotes
from app.annotate.quotes.grouping import assign_attributions
from app.annotate.quotes.marks import pair_marks, split_paragraphs
from app.annotate.types import Cue, Entity, Mention, Quote, QuoteKind, Span
from tests.annotate.counting import CountingList
from tests.annotate.quote_helpers import served_quotes

# --- the seed article -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(nlp, seed_text):
    from app.annotate.entities import extract_entities

    doc = nlp(seed_text)
    structure = parse_structure(seed_text)
    entities = extract_entities(doc, structure)
    quotes = extract_quotes(doc, structure, entities)
    names = {e.key: e.name for e in entities}
    return quotes, names


def _find(quotes: list[Quote], item: dict) -> Quote | None:
    for q in quotes:
        if "text" in item and q.text.strip() == item["text"]:
            return q
        if "text_starts" in item and q.text.startswith(item["text_starts"]):
            return q
    return None


def _check(quote: Quote | None, item: dict, names: dict[str, str]) -> None:
    assert quote is not None, item
    assert quote.kind.value == item["kind"], (quote, item)
    assert names.get(quote.speaker_key or "") == item["speaker"], (quote, item)
    if "cue" in item:
        assert quote.cue is not None and quote.cue.text == item["cue"], (quote, item)


@pytest.mark.nlp
def test_seed_must_quotes(seed, gold):
    quotes, names = seed
    for item in gold["quotes"]["must"]:
        _check(_find(quotes, item), item, names)


@pytest.mark.nlp
def test_seed_should_quotes(seed, gold):
    quotes, names = seed
    for item in gold["quotes"]["should"]:
        _check(_find(quotes, item), item, names)


@pytest.mark.nlp
def test_seed_must_not_quotes(seed, gold):
    quotes, _ = seed
    for item in gold["quotes"]["must_not"]:
        assert not any(item["text"] in q.text for q in quotes), item


@pytest.mark.nlp
def test_seed_scare_quotes_never_attributed_to_a_person(seed, seed_text, gold):
    quotes, names = seed
    people = {e["name"] for e in gold["entities"]["must"] if e["type"] == "PERSON"}
    terms = [seed_text.index(f'"{term}"') + 1 for term in ("terrorist groups", "militias")]
    # Leaving the terms out is allowed; a quote that covers one must not name a person.
    covering = [q for q in quotes if any(q.start <= t < q.end for t in terms)]
    assert all(names.get(q.speaker_key or "") not in people for q in covering)


@pytest.mark.nlp
def test_seed_offsets_and_cues_are_consistent(seed, seed_text):
    quotes, _ = seed
    assert quotes
    for q in quotes:
        assert seed_text[q.start : q.end] == q.text
        if q.speaker_mention is not None:
            m = q.speaker_mention
            assert seed_text[m.start : m.end] == m.text
        if q.cue is not None:
            assert seed_text[q.cue.start : q.cue.end] == q.cue.text


# --- small texts, one pattern each --------------------------------------------------------


def _entities(doc) -> list[Entity]:
    """Entities as spaCy names them, people grouped by last name: enough to resolve speakers."""
    groups: dict[tuple[str, str], list] = {}
    for ent in doc.ents:
        name = ent.text.removesuffix("'s")
        key = (ent.label_, name.split()[-1] if ent.label_ == "PERSON" else name)
        groups.setdefault(key, []).append(ent)
    return [
        Entity(
            key=f"e{n}",
            name=max((e.text for e in ents), key=len),
            type=label,
            mentions=[Mention(start=e.start_char, end=e.end_char, text=e.text) for e in ents],
        )
        for n, ((label, _), ents) in enumerate(groups.items(), start=1)
    ]


@pytest.fixture(scope="module")
def quotes_of(nlp):
    def run(text: str) -> list[tuple[Quote, str | None]]:
        doc = nlp(text)
        entities = _entities(doc)
        names = {e.key: e.name for e in entities}
        found = extract_quotes(doc, parse_structure(text), entities)
        for q in found:
            assert text[q.start : q.end] == q.text
        return [(q, names.get(q.speaker_key or "")) for q in found]

    return run


def _only(found, kind: QuoteKind) -> list[tuple[Quote, str | None]]:
    return [(q, name) for q, name in found if q.kind is kind]


@pytest.mark.nlp
@pytest.mark.parametrize(
    "sentence",
    [
        '"We will rebuild the bridge before winter," Maria Lopez said.',
        '"We will rebuild the bridge before winter," said Maria Lopez.',
        'Maria Lopez said: "We will rebuild the bridge before winter."',
        'Maria Lopez said, "We will rebuild the bridge before winter."',
        "“We will rebuild the bridge before winter,” Maria Lopez told reporters.",
    ],
)
def test_direct_quote_with_cue_before_or_after(quotes_of, sentence):
    found = _only(quotes_of("Bridge works to start.\n\n" + sentence), QuoteKind.direct)
    assert len(found) == 1
    quote, name = found[0]
    assert quote.text.rstrip(",.") == "We will rebuild the bridge before winter"
    assert name == "Maria Lopez"
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "Maria Lopez"
    assert quote.cue is not None and quote.cue.lemma in ("say", "tell")


@pytest.mark.nlp
def test_speaker_named_with_apposition_and_relative_clause(quotes_of):
    text = (
        "Floods hit the north.\n\n"
        '"The water is still rising," Radio North\'s Peter Hale, who is in Lyon, said.'
    )
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "Peter Hale"
    assert name == "Peter Hale"


@pytest.mark.nlp
def test_speaker_is_the_head_not_the_possessor(quotes_of):
    text = (
        "Talks resume.\n\n"
        '"We have reached a deal on the border," President Novak\'s chief negotiator '
        "Anna Berg told Reuters."
    )
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "Anna Berg"
    assert quote.cue is not None and quote.cue.text == "told"


@pytest.mark.nlp
def test_name_and_colon(quotes_of):
    text = 'Strike ends.\n\nJohn Carter: "The strike is over and we are going back to work."'
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "John Carter"


@pytest.mark.nlp
def test_pronoun_resolved_to_the_person_named_before(quotes_of):
    text = (
        "Budget agreed.\n\n"
        "Finance minister Helen Marsh presented the budget on Monday.\n\n"
        '"This budget protects families and keeps the deficit down," she said.'
    )
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "she"
    assert name == "Helen Marsh"


@pytest.mark.nlp
def test_floating_quote_takes_the_previous_paragraph_speaker(quotes_of):
    text = (
        "Port reopens.\n\n"
        "Harbour master Tom Reed said the port would reopen on Friday.\n\n"
        '"The ships are waiting outside and the crews are ready. We expect a busy weekend."'
    )
    found = quotes_of(text)
    (quote, name), *_ = _only(found, QuoteKind.direct)
    assert quote.text.startswith("The ships are waiting")
    assert name == "Tom Reed"


@pytest.mark.nlp
def test_quote_continuing_in_the_same_paragraph(quotes_of):
    text = (
        "Vote delayed.\n\n"
        '"We need more time," Senator Alice Grant said. "The bill is not ready for a vote."'
    )
    found = _only(quotes_of(text), QuoteKind.direct)
    assert [name for _, name in found] == ["Alice Grant", "Alice Grant"]


@pytest.mark.nlp
def test_multi_paragraph_quote_is_one_quote(quotes_of):
    text = (
        "Mayor speaks.\n\n"
        'Mayor Paul Stone said: "We have cleared the roads and opened the shelters.\n\n'
        '"Nobody will be left outside tonight."'
    )
    found = _only(quotes_of(text), QuoteKind.direct)
    assert len(found) == 1
    quote, name = found[0]
    assert quote.text.startswith("We have cleared")
    assert quote.text.endswith("outside tonight.")
    assert name == "Paul Stone"


@pytest.mark.nlp
def test_partial_quote_inside_reported_speech(quotes_of):
    text = (
        "Talks go on.\n\n"
        "Sara Klein, a diplomat, met both delegations.\n\n"
        'She said the two sides are now "trying to pull things back from the edge."'
    )
    found = _only(quotes_of(text), QuoteKind.partial)
    assert len(found) == 1
    quote, name = found[0]
    assert quote.text.startswith("trying to pull")
    assert name == "Sara Klein"
    assert quote.cue is not None and quote.cue.lemma == "say"


@pytest.mark.nlp
def test_short_fragment_with_a_speech_verb_is_a_partial_quote(quotes_of):
    text = 'Border tension.\n\nPoland has declared the river crossing "a red line" for its army.'
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.partial)
    assert quote.text == "a red line"
    assert name == "Poland"
    assert quote.cue is not None and quote.cue.text == "declared"


@pytest.mark.nlp
def test_scare_quotes_are_left_out(quotes_of):
    text = 'Army moves.\n\nParliament approved sending troops abroad to fight "armed gangs" in May.'
    assert quotes_of(text) == []


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("sentence", "clause", "speaker", "lemma"),
    [
        (
            "Minister Omar Farouk said any deal must include the northern towns.",
            "any deal must include the northern towns",
            "Omar Farouk",
            "say",
        ),
        (
            "Omar Farouk told Reuters that the talks had failed.",
            "that the talks had failed",
            "Omar Farouk",
            "tell",
        ),
        (
            "The talks had failed, Omar Farouk said.",
            "The talks had failed",
            "Omar Farouk",
            "say",
        ),
        (
            "According to Omar Farouk, the talks had failed.",
            "the talks had failed",
            "Omar Farouk",
            "according to",
        ),
    ],
)
def test_indirect_quotes(quotes_of, sentence, clause, speaker, lemma):
    found = _only(quotes_of("Talks fail.\n\n" + sentence), QuoteKind.indirect)
    assert len(found) == 1
    quote, name = found[0]
    assert quote.text == clause
    assert name == speaker
    assert quote.cue is not None and quote.cue.lemma == lemma


@pytest.mark.nlp
def test_organisations_and_places_can_speak(quotes_of):
    text = "Trade row.\n\nBerlin said the new tariffs would hurt both economies."
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.indirect)
    assert name == "Berlin"


@pytest.mark.nlp
def test_typewriter_double_marks(quotes_of):
    text = "Plant closes.\n\n''We had no other choice,'' Mark Jensen said."
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert quote.text == "We had no other choice,"
    assert name == "Mark Jensen"


@pytest.mark.nlp
def test_signature_after_a_dash(quotes_of):
    text = "Readers write.\n\n“The debate showed who is ready to lead.” ― Laura Quinn"
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "Laura Quinn"


# --- robustness ---------------------------------------------------------------------------


@pytest.mark.nlp
def test_unclosed_quote_costs_only_itself(quotes_of):
    text = (
        "Storm damage.\n\n"
        '"The roof came off in minutes, Jane Ode said at the scene.\n\n'
        "Roads were closed overnight.\n\n"
        '"We are clearing the debris now," Fire chief Omar Dane said.'
    )
    found = _only(quotes_of(text), QuoteKind.direct)
    assert any(q.text.startswith("We are clearing") and n == "Omar Dane" for q, n in found)


@pytest.mark.nlp
def test_odd_marks_stray_guillemet_and_apostrophes(quotes_of):
    text = (
        "Markets » Europe.\n\n"
        "Reuters' sources don't expect a rebound like the ’90s.\n\n"
        'Shares fell 3" on the chart. "Prices will recover by spring," analyst Nina Holt said.'
    )
    found = _only(quotes_of(text), QuoteKind.direct)
    assert len(found) == 1
    quote, name = found[0]
    assert quote.text == "Prices will recover by spring,"
    assert name == "Nina Holt"


@pytest.mark.nlp
def test_nothing_in_read_more_or_source_lines(quotes_of):
    text = (
        "Court ruling.\n\n"
        '"The ruling is final," judge Ellen Park said.\n\n'
        'READ MORE:\u00a0Minister calls ruling "a disgrace", says Ellen Park\n\n'
        'Source: "Court News" and agencies'
    )
    found = quotes_of(text)
    assert [q.text for q, _ in found] == ["The ruling is final,"]


@pytest.mark.nlp
def test_empty_and_quote_free_texts(quotes_of):
    assert quotes_of("") == []
    assert quotes_of("Rain.\n\nIt rained all day in the valley.") == []


def test_pairing_never_gives_up():
    text = 'He said "one. And "two" then.\n\n"Three\n\nno marks here\n\n"Four," x » y "five'
    found = pair_marks(text, split_paragraphs(text))
    texts = [text[q.start : q.end] for q in found]
    assert "Four," in texts
    assert "five" in texts
    assert "two" in texts


def test_curly_and_straight_marks_pair_alike():
    text = '“A,” she said. "B," he said.'
    texts = [text[q.start : q.end] for q in pair_marks(text, split_paragraphs(text))]
    assert texts == ["A,", "B,"]


@pytest.mark.nlp
def test_signature_on_the_line_below(quotes_of):
    text = (
        "Debate notes.\n\n"
        '"We went to the banks before the crash and told them to stop."\n\n'
        "- Laura Quinn.\n\n"
        "The claim is mostly accurate."
    )
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "Laura Quinn"


@pytest.mark.nlp
def test_quotation_after_a_sentence_takes_its_subject(quotes_of):
    text = (
        "Union law.\n\n"
        "Senator Ruth Adler praised the new bill on Monday. "
        '"Workers need to be able to organise without fear of losing their jobs."'
    )
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "Ruth Adler"


@pytest.mark.nlp
def test_parenthetical_cue_reports_the_whole_clause(quotes_of):
    text = "Policy shift.\n\nThe minister, officials said, would resign before the summer."
    (quote, _), *_ = _only(quotes_of(text), QuoteKind.indirect)
    assert quote.text.startswith("The minister")
    assert quote.text.endswith("before the summer")
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "officials"


@pytest.mark.nlp
def test_a_statement_speaks_for_its_author(quotes_of):
    text = (
        "Court pick.\n\n"
        "On Saturday, Governor Dan Miller issued a statement saying that the judge was "
        '"a brilliant mind and a fair man."'
    )
    found = quotes_of(text)
    assert found
    assert all(name == "Dan Miller" for _, name in found)


@pytest.mark.nlp
def test_quoted_titles_are_not_quotes(quotes_of):
    text = 'TV notes.\n\nThe actor, who starred in "The Long Night," said he was retiring.'
    assert not _only(quotes_of(text), QuoteKind.partial)


@pytest.mark.nlp
def test_full_stop_quote_and_the_sentence_after(quotes_of):
    bare = quotes_of('Bridge.\n\n"The bridge will open before winter." Maria Lopez said.')
    assert [name for _, name in _only(bare, QuoteKind.direct)] == ["Maria Lopez"]
    text = (
        "Bridge.\n\n"
        '"We are on schedule," Maria Lopez told reporters. "The bridge opens in May." '
        "Mayor Tom Reed said the budget was tight."
    )
    names = [name for _, name in _only(quotes_of(text), QuoteKind.direct)]
    assert names == ["Maria Lopez", "Maria Lopez"]


@pytest.mark.nlp
def test_according_to_with_a_quotation(quotes_of):
    text = 'Bridge.\n\nAccording to engineer Maria Lopez, "The bridge will open before winter."'
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "Maria Lopez"
    assert quote.cue is not None and quote.cue.lemma == "according to"


@pytest.mark.nlp
def test_requests_are_reported_speech(quotes_of):
    text = "Strike.\n\nUnion leader Carla Diaz urged members to stay home on Monday."
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.indirect)
    assert quote.text == "members to stay home on Monday"
    assert name == "Carla Diaz"


@pytest.mark.nlp
def test_quotation_split_by_its_cue(quotes_of):
    text = 'Vote.\n\n"The way I see it," Senator Alice Grant said, "nobody has read the bill yet."'
    found = _only(quotes_of(text), QuoteKind.direct)
    assert [q.text for q, _ in found] == ["The way I see it,", "nobody has read the bill yet."]
    assert [name for _, name in found] == ["Alice Grant", "Alice Grant"]


@pytest.mark.nlp
def test_clause_after_a_cue_whatever_its_parse(quotes_of):
    text = (
        "Drug law.\n\n"
        "Senator Ruth Adler said legalizing the drug could create thousands of jobs in the state."
    )
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.indirect)
    assert quote.text.startswith("legalizing the drug")
    assert name == "Ruth Adler"


@pytest.mark.nlp
@pytest.mark.parametrize(
    "sentence",
    [
        "Tom Reed wrote a book that inspired the film.",
        "The advert told the story of the tomato pickers.",
        "Tom Reed agreed to sell the plane to a dealer in 2010.",
    ],
)
def test_objects_of_cue_verbs_are_not_reports(quotes_of, sentence):
    assert not _only(quotes_of("Notes.\n\n" + sentence), QuoteKind.indirect)


@pytest.mark.nlp
def test_reported_clause_stops_at_a_second_cue(quotes_of):
    text = "Talks.\n\nOmar Farouk said the talks would take time but added that he backed the deal."
    found = _only(quotes_of(text), QuoteKind.indirect)
    assert found
    assert found[0][0].text == "the talks would take time"


@pytest.mark.nlp
def test_speaker_of_a_relative_clause_is_the_name_it_follows(quotes_of):
    """The mention is the relative pronoun, the cue's subject as written (as a he or
    she is); the speaker it resolves to is the name the clause follows."""
    text = (
        "Vote.\n\n"
        '"It is over," said Tom Reed, who predicted that the bill would pass by a wide margin.'
    )
    found = _only(quotes_of(text), QuoteKind.indirect)
    assert found
    quote, name = found[0]
    assert quote.speaker_mention is not None and quote.speaker_mention.text == "who"
    assert name == "Tom Reed"


@pytest.mark.nlp
def test_name_and_colon_line_reports_what_follows(quotes_of):
    text = (
        "Adler: New tax would hurt small farms\n\n"
        "Senator Ruth Adler said on Monday that the tax was unfair to farmers."
    )
    found = _only(quotes_of(text), QuoteKind.indirect)
    heads = [(q.text, name) for q, name in found if q.cue is not None and q.cue.lemma == ":"]
    assert heads == [("New tax would hurt small farms", "Ruth Adler")]
    unknown = quotes_of("Update: the story was changed on Friday\n\nRain fell all day.")
    assert not unknown


@pytest.mark.nlp
def test_sentence_after_a_quotation_with_its_own_object_is_not_its_cue(quotes_of):
    text = (
        "Bridge.\n\n"
        '"We are on schedule," Maria Lopez told reporters. "The bridge opens in May." '
        "Tom Reed noted a planned visit to the site on Saturday."
    )
    names = [name for _, name in _only(quotes_of(text), QuoteKind.direct)]
    assert names == ["Maria Lopez", "Maria Lopez"]


@pytest.mark.nlp
def test_long_fragment_without_a_cue_takes_the_named_subject(quotes_of):
    text = 'Farm bill.\n\nSenator Ruth Adler wants "a fair deal for every farmer in the state" this year.'
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.partial)
    assert name == "Ruth Adler"


@pytest.mark.nlp
def test_according_to_after_the_clause_reports_the_clause_before(quotes_of):
    text = (
        "Polls.\n\n"
        "Maria Lopez is trailing by more than nine points, according to the Harbour Times "
        "poll in New Hampshire - despite winning the primary there in February."
    )
    found = _only(quotes_of(text), QuoteKind.indirect)
    assert [q.text for q, _ in found] == ["Maria Lopez is trailing by more than nine points"]
    assert found[0][0].speaker_mention is not None
    assert "New Hampshire" not in found[0][0].speaker_mention.text


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("sentence", "clause"),
    [
        (
            "Several said they would rather see the money go to the schools.",
            "they would rather see the money go to the schools",
        ),
        (
            "Many of her supporters say they understand her position on the bill.",
            "they understand her position on the bill",
        ),
        (
            "Inside the hall - which looks like a church - Omar Farouk said the talks had failed.",
            "the talks had failed",
        ),
    ],
)
def test_said_with_an_odd_subject_or_a_clause_before_it(quotes_of, sentence, clause):
    found = _only(quotes_of("Talks.\n\n" + sentence), QuoteKind.indirect)
    assert clause in [q.text for q, _ in found]


@pytest.mark.nlp
def test_quoted_terms_near_a_cue_are_not_statements_of_their_own(quotes_of):
    """The quoted term is the source's word inside the clause reported as theirs: a
    segment of that one statement."""
    text = (
        "Emails.\n\n"
        'Most of the emails were rated "confidential," according to a State Department official.'
    )
    found = quotes_of(text)
    assert len({q.attribution_id for q, _ in found}) == 1
    assert [q.text for q, _ in _only(found, QuoteKind.indirect)]


@pytest.mark.nlp
def test_a_title_after_a_comma_is_not_a_direct_quote(quotes_of):
    text = (
        "Memoir.\n\n"
        'The board was cold to the idea, she wrote in her memoir, "Hard Winter Roads." '
        "She left the company a year later."
    )
    assert not [q for q, _ in _only(quotes_of(text), QuoteKind.direct) if "Hard Winter" in q.text]


@pytest.mark.nlp
def test_calling_without_naming_anything_is_no_cue(quotes_of):
    text = 'Debate.\n\nAt one point, Tom Reed said the producers were calling "every 15 minutes."'
    found = quotes_of(text)
    assert found
    assert all(name == "Tom Reed" for _, name in found)


@pytest.mark.nlp
def test_reported_clause_runs_on_to_the_quoted_words_it_leads_to(quotes_of):
    text = (
        "Debate.\n\n"
        "The governor said the media are to blame for focusing on "
        '"he said this, he tweeted that."'
    )
    found = _only(quotes_of(text), QuoteKind.indirect)
    assert found
    assert found[0][0].text.endswith("he tweeted that.")


@pytest.mark.nlp
@pytest.mark.parametrize(
    "text",
    [
        "Rally.\n\nSenator Ruth Adler seemed ready to joke about the storm in Ohio, telling "
        "the crowd, “Some people get a little carried away, have you noticed that?”",
        "Rally.\n\nRuth Adler was joined on stage again by Ohio Sen. Tom Reed and joked, "
        "“Budget people, you are being ridiculous,” drawing loud jeers.",
    ],
)
def test_speaker_of_a_participle_or_a_conjunct_cue(quotes_of, text):
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "Ruth Adler"


@pytest.mark.nlp
def test_cue_after_a_quotation_following_a_colon_is_its_own(quotes_of):
    text = (
        "Visit.\n\n"
        "After the storm in Lyon, Tom Reed asserted that the region had lost its nerve: "
        "“Lyon is no longer Lyon,” he claimed."
    )
    found = quotes_of(text)
    direct = _only(found, QuoteKind.direct)
    assert direct and direct[0][0].cue is not None and direct[0][0].cue.text == "claimed"
    indirect = _only(found, QuoteKind.indirect)
    assert all(q.cue is not None and q.cue.text == "asserted" for q, _ in indirect)


@pytest.mark.nlp
@pytest.mark.parametrize(
    "text",
    [
        "Vote.\n\nThat said, a loss to Tom Reed in this state would be a sour end to her campaign.",
        'Vote.\n\n"The numbers do not add up," said Tom Reed, who supports the plan but '
        "is not working for it.",
        'Vote.\n\nQuite suddenly, after the vote, Tom Reed said, "We have lost and we know it."',
        'Vote.\n\nThe race is close, Tom Reed said. "We have lost and we know it."',
    ],
)
def test_no_reported_speech_from_idioms_speakers_or_introductions(quotes_of, text):
    found = _only(quotes_of(text), QuoteKind.indirect)
    assert all(q.text == "The race is close" for q, _ in found)


@pytest.mark.nlp
@pytest.mark.parametrize(
    "text",
    [
        "TV.\n\n“Harbour Lights” star Tom Reed turned the tables on the producers.",
        'Notes.\n\nFAREWELL—"The Blue Room to close at the end of December," by Times\' Tom Reed.',
    ],
)
def test_titles_before_a_noun_or_a_byline_are_not_quotes(quotes_of, text):
    assert not _only(quotes_of(text), QuoteKind.direct)


@pytest.mark.nlp
def test_quotation_after_a_comma_takes_the_subject_of_the_verb_before(quotes_of):
    text = (
        "Attack.\n\n"
        "Right after the storm, Governor Tom Reed issued a statement, “Last night our state "
        "was hit hard. Our thoughts go out to the families.”"
    )
    (quote, name), *_ = _only(quotes_of(text), QuoteKind.direct)
    assert name == "Tom Reed"


# --- grouping into attributions ---------------------------------------------------------


def _segment(text: str, words: str, kind: QuoteKind, cue: str = "claimed") -> Quote:
    start = text.index(words)
    at = text.index(cue)
    return Quote(
        kind=kind,
        start=start,
        end=start + len(words),
        text=words,
        speaker_mention=Span(start=0, end=8, text=text[:8]),
        cue=Cue(start=at, end=at + len(cue), text=cue, lemma=cue),
    )


def test_a_clause_and_a_quotation_of_one_cue_in_one_sentence_are_one_statement():
    text = (
        "Tom Reed claimed that the bridge, approved in May after a long fight, makes the "
        "town \u201ca safer place for everyone.\u201d He left."
    )
    clause = _segment(text, "that the bridge, approved in May", QuoteKind.indirect)
    fragment = _segment(text, "a safer place for everyone.", QuoteKind.partial)
    assign_attributions(text, [clause, fragment])
    assert clause.attribution_id == fragment.attribution_id


def test_a_clause_and_a_quotation_of_one_cue_in_two_sentences_stay_apart():
    text = (
        "Tom Reed claimed that the bridge was approved in May. It makes the town "
        "\u201ca safer place for everyone,\u201d he claimed."
    )
    clause = _segment(text, "that the bridge was approved in May", QuoteKind.indirect)
    fragment = _segment(text, "a safer place for everyone,", QuoteKind.partial)
    assign_attributions(text, [clause, fragment])
    assert clause.attribution_id != fragment.attribution_id


def test_a_fragment_opening_inside_a_reported_clause_is_part_of_it():
    text = 'Tom Reed said he began making an effort to "help get eyes up," a reference to drones.'
    clause = _segment(text, "he began making an effort to", QuoteKind.indirect, cue="said")
    clause.end = text.index("up,") + 2  # the clause stops before the comma closing the words
    fragment = _segment(text, "help get eyes up,", QuoteKind.partial, cue="making")
    assign_attributions(text, [clause, fragment])
    assert clause.attribution_id == fragment.attribution_id


def _spoken_by(quote: Quote, key: str) -> Quote:
    quote.speaker_key = key
    return quote


def test_a_speakers_words_inside_their_own_reported_clause_are_that_statement():
    text = (
        "Tom Reed said he has begun to expose the plan, which he called "
        "\u201ca costly mistake.\u201d"
    )
    clause = _spoken_by(
        _segment(
            text, "he has begun to expose the plan, which he called", QuoteKind.indirect, cue="said"
        ),
        "e1",
    )
    clause.end = len(text)
    inner = _spoken_by(_segment(text, "a costly mistake.", QuoteKind.indirect, cue="called"), "e1")
    inner.start -= 1
    fragment = _spoken_by(
        _segment(text, "a costly mistake.", QuoteKind.partial, cue="called"), "e1"
    )
    assign_attributions(text, [clause, inner, fragment])
    assert clause.attribution_id == inner.attribution_id == fragment.attribution_id


def test_another_persons_words_inside_a_reported_clause_stay_apart():
    text = (
        "Tom Reed said the mayor has begun to expose the plan, which she called "
        "\u201ca costly mistake.\u201d"
    )
    clause = _spoken_by(
        _segment(text, "the mayor has begun to expose the plan", QuoteKind.indirect, cue="said"),
        "e1",
    )
    clause.end = len(text)
    fragment = _spoken_by(
        _segment(text, "a costly mistake.", QuoteKind.partial, cue="called"), "e2"
    )
    inner = _spoken_by(_segment(text, "a costly mistake.", QuoteKind.indirect, cue="called"), "e2")
    inner.start -= 1
    assign_attributions(text, [clause, inner, fragment])
    assert clause.attribution_id != fragment.attribution_id == inner.attribution_id


def test_words_no_one_in_particular_says_inside_a_reported_clause_are_that_statement():
    text = "Tom Reed noted that free speech has limits: you cannot yell \u201cfire\u201d in a hall."
    clause = _spoken_by(
        _segment(text, "that free speech has limits", QuoteKind.indirect, cue="noted"), "e1"
    )
    clause.end = len(text) - 1
    inner = _segment(text, "\u201cfire\u201d in a hall", QuoteKind.indirect, cue="yell")
    inner.speaker_mention = Span(start=text.index("you"), end=text.index("you") + 3, text="you")
    fragment = _segment(text, "fire", QuoteKind.partial, cue="yell")
    fragment.speaker_mention = inner.speaker_mention
    assign_attributions(text, [clause, inner, fragment])
    assert clause.attribution_id == inner.attribution_id == fragment.attribution_id


def test_a_fragment_no_one_was_found_saying_takes_its_clauses_speaker():
    text = "Tom Reed found that the bridge is \u201cthe best in the state\u201d by far."
    clause = _spoken_by(_segment(text, "that the bridge is", QuoteKind.indirect, cue="found"), "e1")
    clause.end = len(text) - 1
    fragment = _segment(text, "the best in the state", QuoteKind.partial, cue="found")
    fragment.cue, fragment.speaker_mention = None, None
    assign_attributions(text, [clause, fragment])
    assert fragment.attribution_id == clause.attribution_id
    assert fragment.speaker_mention == clause.speaker_mention
    assert fragment.speaker_key == "e1"


# --- who speaks -------------------------------------------------------------------------


@pytest.mark.nlp
@pytest.mark.parametrize(
    "text",
    [
        "Bridge.\n\nTom Reed urged Maria Lopez to announce that the bridge would close in May.",
        "Bridge.\n\nTom Reed asked Maria Lopez to say the bridge would close in May.",
        "Bridge.\n\nTom Reed called on Maria Lopez to explain why the bridge would close in May.",
    ],
)
def test_who_is_asked_to_speak_has_not_spoken(quotes_of, text):
    found = quotes_of(text)
    assert all(name != "Maria Lopez" for _, name in found)


@pytest.mark.nlp
def test_who_called_someone_to_say_something_said_it(quotes_of):
    text = "Vote.\n\nSome voters called Maria Lopez to say they would not vote for the new bridge."
    found = _only(quotes_of(text), QuoteKind.indirect)
    assert any(q.speaker_mention and q.speaker_mention.text == "Some voters" for q, _ in found)


@pytest.mark.nlp
def test_a_cue_introducing_the_next_quotation_is_not_the_one_before(quotes_of):
    text = (
        "Emails.\n\n"
        "Maria Lopez replies to Tom Reed with, “Why now? Was that on my way to Lyon?” "
        "Tom Reed then writes back, “You look great.”"
    )
    found = {q.text: name for q, name in _only(quotes_of(text), QuoteKind.direct)}
    assert found == {
        "Why now? Was that on my way to Lyon?": "Maria Lopez",
        "You look great.": "Tom Reed",
    }


@pytest.mark.nlp
def test_a_name_glued_to_a_closing_mark_speaks(quotes_of):
    text = (
        "Campaign.\n\n"
        "Maria Lopez spoke in Ohio on Monday.\n\n"
        "“It is surprising to see somebody so affable traffic in prejudice and paranoia,”"
        "Lopez said. “Some of his comments do not fit with what I knew of him.”"
    )
    found = _only(quotes_of(text), QuoteKind.direct)
    assert len(found) == 2
    assert all(name == "Maria Lopez" for _, name in found)
    assert all(q.speaker_mention and q.speaker_mention.text == "Lopez" for q, _ in found)


def test_a_mark_glued_after_a_full_stop_opens_a_quotation():
    text = 'They came for work, one shop owner said."We were deceived into coming here."'
    texts = [text[q.start : q.end] for q in pair_marks(text, split_paragraphs(text))]
    assert texts == ["We were deceived into coming here."]


@pytest.mark.nlp
def test_a_reopened_quotation_with_a_cue_of_its_own_is_a_new_statement(quotes_of):
    text = (
        "Flood.\n\n"
        "“The river rose fast,” Tom Reed said. “We moved everyone out by noon.\n\n"
        "“We will rebuild the bridge before winter,” Reed said. “It will cost more.”"
    )
    found = {q.text: q for q, _ in _only(quotes_of(text), QuoteKind.direct)}
    assert "We moved everyone out by noon." in found
    assert "We will rebuild the bridge before winter," in found
    first, second = found["We moved everyone out by noon."], found["It will cost more."]
    assert first.attribution_id != second.attribution_id


@pytest.mark.nlp
@pytest.mark.parametrize(
    "text",
    [
        "Bridge.\n\nLONDON — Maria Lopez said Monday the bridge would close for repairs in May.",
        "Bridge.\n\nLyon (AFP) – Mayor Maria Lopez has closed the old bridge, saying that "
        "“heavy trucks” damage it more than good repairs can mend.",
    ],
)
def test_a_dateline_is_not_the_speaker(quotes_of, text):
    found = quotes_of(text)
    assert found
    assert all(name == "Maria Lopez" for _, name in found)


@pytest.mark.nlp
def test_a_thing_used_to_say_something_does_not_speak(quotes_of):
    text = (
        "Debate.\n\n"
        "Maria Lopez used this question to demand that wealthy families "
        "“pay their fair share into the system.”"
    )
    found = quotes_of(text)
    assert found
    assert all(name == "Maria Lopez" for _, name in found)


@pytest.mark.nlp
def test_a_colon_quotation_takes_the_subject_of_the_clause_before(quotes_of):
    text = (
        "Rally.\n\n"
        "Tom Reed gestured as if to stop the noise, then leaned in and boomed: "
        "“Let’s beat them in November.”"
    )
    found = _only(quotes_of(text), QuoteKind.direct)
    assert [name for _, name in found] == ["Tom Reed"]


@pytest.mark.nlp
def test_a_few_quoted_words_without_a_cue_are_a_name_unless_a_sentence(quotes_of):
    text = (
        "Rally.\n\n"
        "Tom Reed mocked his rivals all evening. “Little Marco” and “Lying Ted” were back.\n\n"
        "Tom Reed looked at the crowd. “We will win.”"
    )
    found = [q.text for q, _ in quotes_of(text)]
    assert "Little Marco" not in found
    assert "We will win." in found


@pytest.mark.nlp
def test_a_fragment_outside_any_reported_clause_brings_the_phrase_of_its_verb(quotes_of):
    text = (
        "Vote.\n\n"
        "Tom Reed pledged to cut taxes, fix the city’s “broken” bus system and hire more teachers."
    )
    found = quotes_of(text)
    fragment = next(q for q, _ in found if q.kind is QuoteKind.partial)
    clause = next(q for q, _ in found if q.kind is QuoteKind.indirect)
    assert clause.text == "the city’s “broken” bus system"
    assert clause.attribution_id == fragment.attribution_id
    assert all(name == "Tom Reed" for _, name in found)


@pytest.mark.nlp
def test_a_thing_saying_something_inside_a_report_is_part_of_it(quotes_of):
    text = (
        "Platform.\n\n"
        "Maria Lopez said the platform should reiterate the party’s support for its "
        "“stalwart allies” abroad."
    )
    found = quotes_of(text)
    assert any(q.kind is QuoteKind.partial for q, _ in found)
    assert all(name == "Maria Lopez" for _, name in found)
    assert all(q.speaker_mention and q.speaker_mention.text == "Maria Lopez" for q, _ in found)


@pytest.mark.nlp
def test_quotes_in_many_read_more_lines_are_left_out_reading_each_line_once(nlp, monkeypatch):
    import app.annotate.quotes.context as context_module

    excluded: list[CountingList] = []

    def counted(structure):
        excluded.append(CountingList(not_article_text(structure)))
        return excluded[-1]

    monkeypatch.setattr(context_module, "not_article_text", counted)
    count = 600
    lines = ["Court ruling.", '"The ruling is final," judge Ellen Park said.']
    lines += [f'READ MORE: Minister {k} calls ruling "a disgrace", says Park' for k in range(count)]
    text = "\n\n".join(lines)
    doc = nlp(text)
    found = extract_quotes(doc, parse_structure(text), _entities(doc))
    assert [q.text for q in found] == ["The ruling is final,"]
    # Each quotation and cue was checked against every READ MORE line before it: quadratic.
    [ranges] = excluded
    assert len(ranges) >= count
    assert ranges.reads <= 2 * len(ranges)


# --- work stays linear ---------------------------------------------------------------------


class AntecedentsByLookingBack:
    """The person a he/she refers to, found by looking back through every mention of the
    paragraphs before it and judging each: what `_Antecedents` answers."""

    def __init__(self, art, index):
        self.art, self.index = art, index

    def find(self, offset, paragraph, gender):
        from app.annotate.lexicon import SUBJECT_DEPS
        from app.annotate.quotes.resolution import MAX_PARAGRAPHS_BACK
        from app.annotate.quotes.speakers import is_cue

        art, index = self.art, self.index
        floor = art.paragraphs[max(0, paragraph - MAX_PARAGRAPHS_BACK)][0]
        near = art.paragraphs[max(0, paragraph - 1)][0]
        candidates = [
            m
            for m in index.before(offset, floor)
            if index.types.get(m[2]) == "PERSON"
            and index.gender.get(m[2], gender) == gender
            and art.quote_of[art.token_at(m[0])] == -1
        ]
        roles = []
        for m_start, m_end, _ in candidates:
            span = art.doc.char_span(m_start, m_end, alignment_mode="expand")
            root = span.root if span is not None else None
            if root is not None and root.dep_ == "appos":
                root = root.head
            if root is None or root.dep_ not in SUBJECT_DEPS:
                roles.append(2)
            elif (root.head.dep_ == "ROOT" or is_cue(root.head)) and m_start >= near:
                roles.append(0)
            else:
                roles.append(1)
        for wanted in (0, 1, 2):
            chosen = next(
                (m[2] for m, r in zip(candidates, roles, strict=True) if r <= wanted), None
            )
            if chosen is not None:
                index.gender.setdefault(chosen, gender)
                return chosen
        return None


def _pronoun_paragraphs(seed: int, count: int) -> str:
    """Paragraphs of people named in several roles, and quotations of a he or a she."""
    import random

    rng = random.Random(seed)
    people = ["Alice Smith", "Bob Jones", "Carol Brown", "David Evans", "Emma Reyes"]
    sentences = [
        "{name} arrived on Monday.",
        "They met {name} at the hall.",
        "{name}, who runs the firm, was late.",
        "Mr {surname} said the plan would work.",
        "Mrs {surname} left early.",
        '"Yes," she said.',
        '"No," he said.',
        'He said: "We will go."',
        '"It is over," she told reporters.',
    ]
    paragraphs = []
    for _ in range(count):
        chosen = rng.choices(sentences, k=rng.randint(1, 6))
        name = rng.choice(people)
        paragraphs.append(" ".join(s.format(name=name, surname=name.split()[1]) for s in chosen))
    return "People\n\n" + "\n\n".join(paragraphs)


@pytest.mark.nlp
def test_pronouns_are_resolved_as_looking_back_through_every_mention_does(
    nlp, seed_text, monkeypatch
):
    from app.annotate.quotes import resolution

    texts = [seed_text, *(_pronoun_paragraphs(seed, 40) for seed in range(3))]
    texts.append("Title\n\n" + 'They met Alice Smith. "Yes," she said. ' * 100)
    for text in texts:
        doc = nlp(text)
        structure, entities = parse_structure(text), _entities(doc)
        found = extract_quotes(doc, structure, entities)
        with monkeypatch.context() as patched:
            patched.setattr(resolution, "_Antecedents", AntecedentsByLookingBack)
            expected = extract_quotes(doc, structure, entities)
        assert found == expected
        assert any(q.speaker_key for q in found)


@pytest.mark.nlp
def test_each_mention_is_judged_once_for_all_the_pronouns_after_it(nlp, monkeypatch):
    from app.annotate.quotes.resolution import _Antecedents

    judged = []
    real = _Antecedents._role
    monkeypatch.setattr(
        _Antecedents, "_role", lambda self, s, e: judged.append(s) or real(self, s, e)
    )
    text = "Title\n\n" + 'Alice Smith arrived. "Yes," she said. ' * 200  # one paragraph
    doc = nlp(text)
    entities = _entities(doc)
    found = extract_quotes(doc, parse_structure(text), entities)
    [alice] = [e for e in entities if e.name == "Alice Smith"]
    assert len(found) == 200 and all(q.speaker_key == alice.key for q in found)
    assert sorted(judged) == sorted(m.start for m in alice.mentions)


@pytest.mark.nlp
def test_quotations_standing_alone_read_the_quotes_before_them_once(nlp, monkeypatch):
    import app.annotate.quotes as quotes_module

    counted: list[CountingList] = []
    real = quotes_module._resolve

    def resolve(art, found, index):
        counted.append(CountingList(found))
        real(art, counted[-1], index)

    monkeypatch.setattr(quotes_module, "_resolve", resolve)
    lines = [f'"Yes, we will go to {k}."' for k in range(300)]
    text = "Title\n\nAlice Smith arrived on Monday.\n\n" + "\n\n".join(lines)
    doc = nlp(text)
    entities = _entities(doc)
    found = extract_quotes(doc, parse_structure(text), entities)
    [alice] = [e for e in entities if e.name == "Alice Smith"]
    assert len(found) == 300 and all(q.speaker_key == alice.key for q in found)
    # Each took the speaker of the one before by reading every quote after it: quadratic.
    assert counted[0].reads <= 3 * len(found)


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "mention", "speaker"),
    [
        # X reports her own words: the name is the speaker's mention, not the pronoun.
        (
            "Court.\n\nMaria Okafor chaired the panel. "
            'Okafor said she recalled thinking, "Nobody in this room is listening to me."',
            "Okafor",
            "Maria Okafor",
        ),
        # Someone else reports his words: the pronoun stays his mention.
        (
            "Court.\n\nTom Reyes spoke first. The United Nations said he recalled "
            'thinking, "Nobody in this room is listening to me."',
            "he",
            "Tom Reyes",
        ),
    ],
)
def test_a_pronoun_inside_a_report_is_named_by_its_reporter_if_the_same_person(
    nlp, text, mention, speaker
):
    """ "X said she recalled thinking, '...'"."""
    found = _only(served_quotes(nlp, text), QuoteKind.direct)
    assert found
    quote, name = found[0]
    assert quote.speaker_mention is not None and quote.speaker_mention.text == mention
    assert name == speaker


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Rally.\n\nThe retired farmer complained about "
            "\u201ca government that never listens to the people who feed it.\u201d",
            "The retired farmer",
        ),
        (
            "Vote.\n\nThe commission recognised that the court should settle it \u2014 "
            "\u201cso that every voter knows once and for all what the rule means.\u201d",
            "The commission",
        ),
    ],
)
def test_a_fragment_without_a_cue_takes_a_subject_who_can_say_it(quotes_of, text, speaker):
    found = [q for q, _ in quotes_of(text) if q.kind is not QuoteKind.indirect]
    assert found and found[0].speaker_mention is not None
    assert found[0].speaker_mention.text == speaker


@pytest.mark.nlp
def test_a_fragment_without_a_cue_is_not_said_by_a_thing(quotes_of):
    text = (
        "Vote.\n\nHis standing improved after his call for "
        "\u201ca total and complete review of every rule we have.\u201d"
    )
    found = [q for q, _ in quotes_of(text) if q.kind is not QuoteKind.indirect]
    assert all(q.speaker_mention is None for q in found)


@pytest.mark.nlp
def test_a_quoted_word_inside_a_reported_clause_is_its_speakers(quotes_of):
    text = (
        "Vote.\n\nThe council is paying \u201cdozens\u201d of students to knock on doors, "
        "according to Maria Lopez."
    )
    found = quotes_of(text)
    partial = [q for q, _ in found if q.kind is QuoteKind.partial]
    clause = [q for q, _ in found if q.kind is QuoteKind.indirect]
    assert [q.text for q in partial] == ["dozens"]
    assert clause and partial[0].attribution_id == clause[0].attribution_id
    assert partial[0].speaker_mention == clause[0].speaker_mention


@pytest.mark.nlp
@pytest.mark.parametrize(
    "sentence",
    [
        "Maria Lopez said she watched \u201cThe Morning Show\u201d with her students.",
        "Maria Lopez said the city's new budget was discussed on RTE's \u201cMorning Ireland.\u201d",
        "Maria Lopez said the \u201cRemain\u201d campaign had failed to reach older voters.",
        "Maria Lopez said she read the 2009 book \u201cDown the River\u201d twice last year.",
    ],
)
def test_a_name_quoted_inside_a_reported_clause_is_no_quote(quotes_of, sentence):
    assert not [q for q, _ in quotes_of("Vote.\n\n" + sentence) if q.kind is QuoteKind.partial]


@pytest.mark.nlp
def test_a_capitalised_word_quoted_inside_a_reported_clause_is_the_speakers(quotes_of):
    text = "Vote.\n\nMaria Lopez said the plan would lead to another \u201cCatastrophe.\u201d"
    found = _only(quotes_of(text), QuoteKind.partial)
    assert [q.text.rstrip(".") for q, _ in found] == ["Catastrophe"]
    assert found[0][1] == "Maria Lopez"


@pytest.mark.nlp
def test_a_quoted_word_outside_any_reported_clause_stays_a_scare_quote(quotes_of):
    text = "Vote.\n\nThe council is paying \u201cdozens\u201d of students to knock on doors."
    assert not [q for q, _ in quotes_of(text) if q.kind is QuoteKind.partial]


@pytest.mark.nlp
def test_a_name_parsed_into_the_phrase_before_its_verb_still_speaks(nlp):
    text = (
        "Rally.\n\nSpeaking at a rally for his wife Democratic presidential candidate Maria "
        "Okafor, former mayor Tom Okafor said his wife was ready to lead because "
        "\u201cthe city is in tough shape.\u201d"
    )
    found = served_quotes(nlp, text)
    assert found
    assert all(q.speaker_mention and q.speaker_mention.text == "Tom Okafor" for q, _ in found)


@pytest.mark.nlp
@pytest.mark.parametrize(
    "sentence",
    [
        "Maria Okafor likened the new rules to \u201cburning the rulebook\u201d on Monday.",
        "Maria Okafor mocked the mayor for \u201chaving a very tough night\u201d in the debate.",
        "Maria Okafor referred to the protesters as \u201cmy dear friends\u201d at the rally.",
        "Maria Okafor portrayed the mayor as \u201ca fighter for every street\u201d on Monday.",
    ],
)
def test_words_quoted_after_a_verb_of_characterising_are_a_partial_quote(quotes_of, sentence):
    found = _only(quotes_of("Vote.\n\n" + sentence), QuoteKind.partial)
    assert found
    assert found[0][1] == "Maria Okafor"

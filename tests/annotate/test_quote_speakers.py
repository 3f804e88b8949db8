"""Speaker mentions of quotes, through the whole annotation pipeline."""

from __future__ import annotations

import pytest

from app.annotate.types import Quote, QuoteKind
from tests.annotate.quote_helpers import served_quotes


def _quoted(nlp, text: str, words: str) -> tuple[Quote, str | None]:
    """The direct or partial quote holding `words`, with its speaker's name."""
    found = [
        (q, name)
        for q, name in served_quotes(nlp, text)
        if q.kind is not QuoteKind.indirect and words in q.text
    ]
    assert found, [q.text for q, _ in served_quotes(nlp, text)]
    return found[0]


def _mention(quote: Quote) -> str | None:
    return quote.speaker_mention.text if quote.speaker_mention else None


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention"),
    [
        # The pronoun's clause hangs from a verb whose subject names the same person.
        (
            "Harbour.\n\nMaria Okafor opened the meeting. Okafor has railed against what "
            "she calls \u201cthe harbour cartel\u201d for a decade.",
            "harbour cartel",
            "Okafor",
        ),
        (
            "Harbour.\n\nTom Reyes spoke next. Reyes said she was wrong and that he "
            "expects the board to \u201cput the harbour first.\u201d",
            "put the harbour first",
            "Reyes",
        ),
        # The same pronoun reporting itself: the outer one is the report.
        (
            "Harbour.\n\nTom Reyes spoke next. Nor, he said, did he ever promise "
            "anything that could be \u201cread as a guarantee\u201d to the council.",
            "read as a guarantee",
            "he",
        ),
        # A group or a document reporting what it calls something.
        (
            "Harbour.\n\nThe harbour commission met on Friday and pledged new rules as "
            "an answer to what it called \u201ca clear threat to the fishing fleet.\u201d",
            "a clear threat",
            "The harbour commission",
        ),
    ],
)
def test_a_pronoun_reporting_inside_a_clause_is_named_by_its_subject(nlp, text, words, mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) == mention


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention"),
    [
        # A relative clause or a "when" clause is its own act: its pronoun stays.
        (
            "Harbour.\n\nTom Reyes described the fleet, which he called "
            "\u201cthe oldest on the coast,\u201d to the council.",
            "the oldest on the coast",
            "he",
        ),
        # Someone else's subject above: the pronoun is not theirs.
        (
            "Harbour.\n\nTom Reyes spoke first. The commission says he called the fleet "
            "\u201cthe oldest on the coast.\u201d",
            "the oldest on the coast",
            "he",
        ),
        # The subject of the quotation's own words is nobody's report.
        (
            "Harbour.\n\nThe council met. \u201cIn line with this promise, the members of "
            "the council will begin work at once,\u201d they said in a statement.",
            "In line with this promise",
            "they",
        ),
    ],
)
def test_a_pronoun_keeps_its_mention_outside_a_report_of_its_own(nlp, text, words, mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) == mention


@pytest.mark.nlp
def test_a_name_after_a_heading_and_dash_says_what_its_colon_opens(nlp):
    text = (
        "Weekly brief.\n\nPOLLS WERE NOT WRONG, ONLY EARLY - Maria Okafor and Tom Reyes: "
        "\u201cThe surveys stopped a week before the vote, and the last week moved.\u201d\n\n"
        "Pollsters agree - Tom Reyes: \u201cKeep asking voters until the last day.\u201d"
    )
    first, _ = _quoted(nlp, text, "The surveys stopped")
    second, _ = _quoted(nlp, text, "Keep asking voters")
    assert _mention(first) in ("Tom Reyes", "Maria Okafor and Tom Reyes")
    assert _mention(second) == "Tom Reyes"


@pytest.mark.nlp
def test_firing_back_is_a_reply(nlp):
    text = (
        "Debate.\n\nTom Reyes attacked Okafor, calling her \u201ca failed mayor.\u201d "
        "Okafor fired back in March, attacking Reyes for \u201cthe greed, the showing off, "
        "the absurd theatrics\u201d of his campaign."
    )
    quote, _ = _quoted(nlp, text, "the greed")
    assert _mention(quote) == "Okafor"
    assert quote.cue is not None and quote.cue.text == "fired"


@pytest.mark.nlp
def test_a_participle_after_a_quote_does_not_take_it_from_the_colon_before(nlp):
    text = (
        "Debate.\n\nWhen Okafor said the port would close, Tom Reyes fired back "
        "forcefully: \u201cIf they close it, they will lose the town,\u201d referencing "
        "the large number of families on the quay."
    )
    quote, _ = _quoted(nlp, text, "If they close it")
    assert _mention(quote) == "Tom Reyes"
    assert quote.cue is not None and quote.cue.text == "fired"


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention"),
    [
        # A place misparsed as a second subject before the name.
        (
            "Rally.\n\nTuesday at Baldwin Hall in Berea, OH, after winning the county, "
            "Gov. Tom Reyes (R-OH), said, \u201cWe are going all the way to the capital.\u201d",
            "We are going",
            "Tom Reyes",
        ),
        # The name before a party label in brackets, the parse giving the verb no subject.
        (
            "Rally.\n\nSaturday at the state party convention Sen. Maria Okafor (D-MA) said "
            "the governor was a \u201cproven failure\u201d in business.",
            "proven failure",
            "Maria Okafor",
        ),
    ],
)
def test_a_speaker_is_found_past_a_place_or_a_party_label(nlp, text, words, mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) == mention


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention"),
    [
        (
            "Campaign.\n\nTom Reyes is releasing a new ad that urges voters in the county "
            "to \u201csend a message\u201d to the harbour board.",
            "send a message",
            "Tom Reyes",
        ),
        (
            "Campaign.\n\nThe Harbour Gazette recently ran a piece that noted his "
            "\u201cport plan would help the big fleets more than the small boats.\u201d",
            "port plan would help",
            "The Harbour Gazette",
        ),
    ],
)
def test_a_document_that_says_something_speaks_for_who_put_it_out(nlp, text, words, mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) == mention


@pytest.mark.nlp
def test_a_person_who_says_something_speaks_for_themselves(nlp):
    """Only a document is spoken for: a voter who says something is the speaker."""
    text = (
        "Campaign.\n\nTom Reyes met a fisherman who said the port was \u201cdying "
        "a little more every winter.\u201d"
    )
    quote, _ = _quoted(nlp, text, "dying")
    assert _mention(quote) == "who"


def _parsed(nlp, rows: list[tuple[str, str, int, str, str]], ents: list[str] | None = None):
    """A doc parsed as given: (word, pos, head, dep, tag) per token, the parser's mistakes
    included, so that a rule is tested on the parse it mends whatever the model does."""
    from spacy.tokens import Doc

    return Doc(
        nlp.vocab,
        words=[r[0] for r in rows],
        pos=[r[1] for r in rows],
        heads=[r[2] for r in rows],
        deps=[r[3] for r in rows],
        tags=[r[4] for r in rows],
        ents=ents,
    )


@pytest.mark.nlp
def test_a_place_misparsed_as_a_second_subject_does_not_speak(nlp):
    from app.annotate.quotes.speakers import subject_of

    doc = _parsed(
        nlp,
        [
            ("In", "ADP", 8, "prep", "IN"),
            ("Berea", "PROPN", 0, "pobj", "NNP"),
            (",", "PUNCT", 8, "punct", ","),
            ("OH", "PROPN", 8, "nsubj", "NNP"),
            (",", "PUNCT", 8, "punct", ","),
            ("Gov.", "PROPN", 7, "compound", "NNP"),
            ("Tom", "PROPN", 7, "compound", "NNP"),
            ("Reyes", "PROPN", 8, "nsubj", "NNP"),
            ("said", "VERB", 8, "ROOT", "VBD"),
            ("it", "PRON", 10, "nsubj", "PRP"),
            ("rained", "VERB", 8, "ccomp", "VBD"),
            (".", "PUNCT", 8, "punct", "."),
        ],
        ents=["O", "B-GPE", "O", "B-GPE", "O", "O", "B-PERSON", "I-PERSON", "O", "O", "O", "O"],
    )
    assert subject_of(doc[8]).text == "Reyes"


@pytest.mark.nlp
def test_a_verb_left_without_a_subject_takes_the_name_before_its_brackets(nlp):
    from app.annotate.document import parse_structure
    from app.annotate.quotes.context import QuoteContext, cue_and_speaker

    doc = _parsed(
        nlp,
        [
            ("Sen.", "PROPN", 2, "compound", "NNP"),
            ("Ellen", "PROPN", 2, "compound", "NNP"),
            ("Marsh", "PROPN", 8, "npadvmod", "NNP"),
            ("(", "PUNCT", 2, "punct", "-LRB-"),
            ("D", "PROPN", 6, "compound", "NNP"),
            ("-", "PUNCT", 6, "punct", "HYPH"),
            ("MA", "PROPN", 2, "appos", "NNP"),
            (")", "PUNCT", 2, "punct", "-RRB-"),
            ("said", "VERB", 8, "ROOT", "VBD"),
            ("it", "PRON", 10, "nsubj", "PRP"),
            ("failed", "VERB", 8, "ccomp", "VBD"),
            (".", "PUNCT", 8, "punct", "."),
        ],
        ents=["O", "B-PERSON", "I-PERSON"] + ["O"] * 9,
    )
    art = QuoteContext(doc, parse_structure(doc.text))
    cue = cue_and_speaker(art, doc[8])
    assert cue is not None
    start, end = cue[2]
    assert doc[start:end].text == "Ellen Marsh"


@pytest.mark.nlp
def test_a_quotation_over_many_paragraphs_is_one(nlp):
    """Each paragraph re-opens the marks and only the last closes them."""
    text = (
        "Letter.\n\nHe then listed the questions:\n\n"
        '"Has the candidate a record of personal activism?\n\n'
        '"Is the candidate surrounded by people notable for their commitment?\n\n'
        '"Are the candidate\u2019s positions solidly conservative?\n\n'
        '"Can the liberal media destroy any truly conservative candidate?"\n\n'
        "That was all."
    )
    quoted = [q for q, _ in served_quotes(nlp, text) if q.kind is not QuoteKind.indirect]
    assert len(quoted) == 1
    assert quoted[0].text.startswith("Has the candidate")
    assert quoted[0].text.endswith("conservative candidate?")
    assert _mention(quoted[0]) == "He"


@pytest.mark.nlp
def test_who_asks_speaks_not_who_is_asked(nlp):
    text = (
        "Debate.\n\nReyes was asked by host Ana Lind, who is supporting Reyes, \u201cNow, "
        "you famously said, in one of the first debates, I\u2019m tired of hearing about "
        "the harbour.\u201d"
    )
    quote, name = _quoted(nlp, text, "tired of hearing")
    assert _mention(quote) == "Ana Lind"
    assert name == "Ana Lind"


@pytest.mark.nlp
def test_according_to_cites_its_object_not_an_owner_before_it(nlp):
    text = (
        "Harbour.\n\nThe port will close in winter, according to the mayor\u2019s "
        "spokesman, who called it \u201ca hard but necessary decision.\u201d"
    )
    from app.annotate.quotes.context import source_of

    doc = nlp(text)
    to = next(t for t in doc if t.lower_ == "to" and doc[t.i - 1].lower_ == "according")
    assert source_of(to).text == "spokesman"


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention"),
    [
        # "Will" tagged as a modal before the verb it would help.
        (
            "Column.\n\nCiting last week\u2019s attack as a wake-up call for the voters and "
            "their \u201creveries about treating the presidency as an entry-level job,\u201d "
            "Will urged the party to abandon all outsider candidates.",
            "reveries",
            "Will",
        ),
        # "From" tagged as a preposition.
        (
            'Column.\n\nMany voters then saw the party as "the party of overwhelming '
            'government," From said. "Our challenge was: How do you tackle those problems?"',
            "Our challenge",
            "From",
        ),
    ],
)
def test_a_name_the_tagger_took_for_a_modal_or_a_preposition_speaks(nlp, text, words, mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) == mention


@pytest.mark.nlp
def test_a_modal_opening_a_sentence_is_no_name(nlp):
    """A capitalised modal right before its verb but after a full stop is the sentence's
    own capital ("Taxes rose. Will cut them ...")."""
    from app.annotate.quotes.speakers import subject_of

    doc = _parsed(
        nlp,
        [
            ("Taxes", "NOUN", 1, "nsubj", "NNS"),
            ("rose", "VERB", 1, "ROOT", "VBD"),
            (".", "PUNCT", 1, "punct", "."),
            ("Will", "AUX", 4, "aux", "MD"),
            ("cut", "VERB", 4, "ROOT", "VB"),
            ("them", "PRON", 4, "dobj", "PRP"),
            (".", "PUNCT", 4, "punct", "."),
        ],
    )
    subject = subject_of(doc[4])
    assert subject is None or subject.text != "Will"


@pytest.mark.nlp
def test_an_inverted_name_tagged_otherwise_after_the_cue_speaks(nlp):
    text = (
        "Data.\n\n\u201cHaving access to the voter file and two people who understand it is "
        "valuable,\u201d said Skelly, explaining he worked closely with Reyes, who was "
        "responsible for cleaning up state voter-roll data and putting it into the national "
        "party file: \u201cTom is outstanding with data.\u201d"
    )
    first, _ = _quoted(nlp, text, "Having access")
    second, _ = _quoted(nlp, text, "Tom is outstanding")
    assert _mention(first) == "Skelly"
    # "putting it into the file" is no way of saying.
    assert second.cue is None or second.cue.text != "putting"


@pytest.mark.nlp
def test_a_role_reporting_a_he_or_she_is_the_mention(nlp):
    text = (
        "Senate.\n\nSenator Maria Okafor voted against the bill. The senator said she rarely "
        "asks colleagues to campaign for her, \u201cexcept for people I\u2019m very close "
        "to.\u201d"
    )
    quote, name = _quoted(nlp, text, "except for people")
    assert _mention(quote) == "The senator"
    assert name == "Maria Okafor"


@pytest.mark.nlp
def test_a_report_set_aside_before_a_pronoun_names_it(nlp):
    text = (
        "Board.\n\nThe board met at the law firm to read the final agreement. And in those "
        'last nights, Okafor wrote, she began saying a prayer to herself "over and over '
        'again, just as I had as a little girl."'
    )
    quote, _ = _quoted(nlp, text, "over and over")
    assert _mention(quote) == "Okafor"


@pytest.mark.nlp
def test_a_relative_clause_on_the_subject_is_not_the_cue(nlp):
    text = (
        "Column.\n\nThe move, Reyes explained, was the result of nearly three years of "
        "preparation \u2014 an investment he concludes has constituted a \u201chead-start "
        "on the general election.\u201d"
    )
    quote, _ = _quoted(nlp, text, "head-start")
    assert _mention(quote) == "Reyes"
    assert quote.cue is not None and quote.cue.text == "explained"


@pytest.mark.nlp
def test_a_dash_misparsed_as_a_second_subject_does_not_speak(nlp):
    from app.annotate.quotes.speakers import subject_of

    doc = _parsed(
        nlp,
        [
            ("made", "VERB", 0, "ROOT", "VBN"),
            ("public", "ADJ", 2, "amod", "JJ"),
            ("\u2015", "NOUN", 4, "nsubj", "NN"),
            ("Reyes", "PROPN", 4, "nsubj", "NNP"),
            ("boasted", "VERB", 0, "ccomp", "VBD"),
            (".", "PUNCT", 0, "punct", "."),
        ],
    )
    assert subject_of(doc[4]).text == "Reyes"


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "not_mention"),
    [
        # The interviewer of the sentence before does not answer.
        (
            "Reporter.\n\nTom Reyes was asked by reporters about the port on Monday. "
            '"It stays open as long as I am mayor of this town."',
            "It stays open",
            "reporters",
        ),
        # A report someone rejects is not theirs.
        (
            "Report.\n\nMayor Tom Reyes rejected a report that says his port plan "
            '"will cost hundreds of jobs."',
            "will cost hundreds",
            "Tom Reyes",
        ),
        # A they is no single person.
        (
            "Hall.\n\nResidents packed the hall on Monday. The mayor said they called his "
            'plan "a giveaway to the big fleets."',
            "a giveaway",
            "The mayor",
        ),
        # Her spokesman is someone else than she.
        (
            "Senate.\n\nSenator Maria Okafor voted against the bill. Her spokesman said she "
            "rarely asks colleagues to campaign for her, \"except for people I'm very "
            'close to."',
            "except for people",
            "Her spokesman",
        ),
        # A day after a dash is no one signing the words.
        (
            "Tweet.\n\nThe president tweeted Monday \u2013 Memorial Day: "
            '"Honor the heroes who gave everything."',
            "Honor the heroes",
            "Memorial Day",
        ),
    ],
)
def test_the_new_speaker_rules_stay_in_their_place(nlp, text, words, not_mention):
    quote, _ = _quoted(nlp, text, words)
    assert _mention(quote) != not_mention


@pytest.mark.nlp
def test_pushing_back_a_launch_is_no_speech(nlp):
    text = (
        'Launch.\n\nThe company pushed back the launch of its "revolutionary" phone to next year.'
    )
    assert all(q.cue is None or q.cue.text != "pushed" for q, _ in served_quotes(nlp, text))


@pytest.mark.nlp
def test_put_it_under_questioning_is_still_a_way_of_saying(nlp):
    text = (
        'Senate.\n\nAs Reyes put it under questioning from senators, the port is "the heart '
        'of the town and always will be."'
    )
    quote, _ = _quoted(nlp, text, "the heart of the town")
    assert _mention(quote) == "Reyes"


@pytest.mark.nlp
def test_will_in_a_headline_is_no_name(nlp):
    from app.annotate.quotes.speakers import subject_of

    doc = nlp('Okafor Says Port Deal Is Dead And Will Call Vote On "Harbour Betrayal" Friday')
    call = next(t for t in doc if t.text == "Call")
    subject = subject_of(call)
    assert subject is None or subject.text != "Will"


@pytest.mark.nlp
@pytest.mark.parametrize(
    ("text", "words", "mention", "name"),
    [
        # An outlet is the one named in it.
        (
            "Oil.\n\nReuters reported the deal first. Prices rose, the Reuters news agency "
            'said, "on fears of a shortage."',
            "on fears of a shortage",
            "the Reuters news agency",
            "Reuters",
        ),
        # A person of someone's is not them.
        (
            "Party.\n\nTom Reyes left early. Reyes's friend said the evening was "
            '"a disaster from start to finish."',
            "a disaster",
            "Reyes's friend",
            None,
        ),
    ],
)
def test_a_document_or_outlet_resolves_to_who_it_names(nlp, text, words, mention, name):
    quote, speaker = _quoted(nlp, text, words)
    assert _mention(quote) == mention
    assert speaker == name

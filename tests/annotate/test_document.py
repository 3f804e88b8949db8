"""Tests for app.annotate.document: decoding, normalising and article structure."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.annotate.decoding import UnreadableDocument, decode_bytes, normalize_text
from app.annotate.document import not_article_text, parse_structure
from app.annotate.ranges import Ranges
from app.annotate.types import BlockKind, Structure
from tests.annotate.counting import CountingList


def all_spans(structure: Structure):
    """Every span of a structure, image captions and credits included."""
    singles = [structure.title, structure.standfirst, structure.source]
    spans = [s for s in singles if s is not None]
    spans += structure.headings + structure.paragraphs + structure.read_more
    for image in structure.images:
        spans += [image.caption] + ([image.credit] if image.credit else [])
    return spans


def assert_consistent(text: str, structure: Structure) -> None:
    """Spans index into the text, are trimmed, and blocks are in reading order."""
    for span in all_spans(structure):
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
    for block in structure.blocks:
        assert text[block.start : block.end] == block.text
    starts = [block.start for block in structure.blocks]
    assert starts == sorted(starts)


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed(seed_text: str) -> Structure:
    return parse_structure(seed_text)


def test_seed_title(seed: Structure, gold: dict) -> None:
    assert seed.title is not None
    assert seed.title.text == gold["structure"]["title"]
    assert seed.title.start == 0


def test_seed_has_no_standfirst(seed: Structure) -> None:
    # The first line is the summary sentence itself: it is the title.
    assert seed.standfirst is None


def test_seed_image_is_one_with_credit(seed: Structure, seed_text: str, gold: dict) -> None:
    [expected] = gold["structure"]["images"]
    [image] = seed.images
    assert image.caption.text == expected["caption"]
    assert image.credit is not None and image.credit.text == expected["credit"]
    # The region covers the bare caption and its repeat with the credit.
    region = seed_text[image.start : image.end]
    assert region.count(expected["caption"]) == 2
    assert region.endswith(f"({expected['credit']})")


def test_seed_headings(seed: Structure, gold: dict) -> None:
    assert [h.text for h in seed.headings] == gold["structure"]["headings"]


def test_seed_paragraphs(seed: Structure, gold: dict) -> None:
    expected = gold["structure"]
    assert len(seed.paragraphs) == expected["body_paragraph_count"]
    assert seed.paragraphs[0].text.startswith(expected["body_first_paragraph_starts"])
    assert seed.paragraphs[-1].text.startswith(expected["body_last_paragraph_starts"])


def test_seed_nothing_foreign_in_body(seed: Structure, gold: dict) -> None:
    for paragraph in seed.paragraphs:
        for excluded in gold["structure"]["not_in_body"]:
            assert excluded not in paragraph.text


def test_seed_read_more_titles(seed: Structure, gold: dict) -> None:
    expected = [link["title"] for link in gold["related_links"] if link["kind"] == "read_more"]
    assert [span.text for span in seed.read_more] == expected


def test_seed_source(seed: Structure, gold: dict) -> None:
    assert seed.source is not None
    assert seed.source.text == gold["structure"]["source"]


def test_seed_spans_are_consistent(seed: Structure, seed_text: str) -> None:
    assert_consistent(seed_text, seed)


def test_seed_blocks_in_reading_order(seed: Structure) -> None:
    kinds = [block.kind for block in seed.blocks]
    assert kinds[0] is BlockKind.title
    assert kinds[1] is BlockKind.image
    assert kinds[-1] is BlockKind.source
    assert kinds.count(BlockKind.paragraph) == len(seed.paragraphs)
    assert kinds.count(BlockKind.read_more) == len(seed.read_more)
    assert kinds.count(BlockKind.heading) == len(seed.headings)


# --------------------------------------------------------------------------- decoding


def test_decode_utf8() -> None:
    assert decode_bytes("Café – “quoted”".encode()) == "Café – “quoted”"


def test_decode_strips_utf8_bom() -> None:
    assert decode_bytes(b"\xef\xbb\xbfHello") == "Hello"


def test_decode_falls_back_to_cp1252() -> None:
    assert decode_bytes(b"Caf\xe9 \x93quoted\x94") == "Café “quoted”"


def test_decode_utf16_with_bom() -> None:
    assert decode_bytes("Title\n\nBody.".encode("utf-16")) == "Title\n\nBody."


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", "\u00a0\n".encode()])
def test_decode_rejects_empty(data: bytes) -> None:
    with pytest.raises(UnreadableDocument, match="empty"):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Title\x00\x00body",
        bytes(range(1, 32)) * 10,
    ],
)
def test_decode_rejects_binary(data: bytes) -> None:
    with pytest.raises(UnreadableDocument, match="binary"):
        decode_bytes(data)


def test_unreadable_is_a_value_error() -> None:
    assert issubclass(UnreadableDocument, ValueError)


# --------------------------------------------------------------------------- normalising


def test_normalize_line_endings_and_bom() -> None:
    assert normalize_text("\ufeffA\r\nB\rC\n") == "A\nB\nC\n"


def test_normalize_keeps_everything_else() -> None:
    text = "Title \u00a0\n\n  Body\u00a0text.  \t\n"
    assert normalize_text(text) == text


@pytest.mark.parametrize("text", ["\ufeffA\r\n\r\nB\r", "A\n\nB", "A\r\r\nB"])
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


# --------------------------------------------------------------------------- sample articles

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "articles"

# What each invented sample must parse to. BBC-shaped ones: title, blank line,
# paragraphs, with the oddities of that corpus (fixture lines, line-ups, lists,
# fragments left where links were cut out). Agency-shaped ones: images with
# repeated captions, headings, READ MORE lines and a source line.
SAMPLES = {
    "bbc_business.txt": {"paragraphs": 4, "first": "Shares in the northern bakery"},
    "bbc_politics.txt": {"paragraphs": 5, "first": "The home secretary has denied"},
    "bbc_list.txt": {"paragraphs": 7, "first": "The island's government"},
    "bbc_fixture.txt": {"paragraphs": 8, "first": "Quayside Park"},
    "bbc_cut_links.txt": {"paragraphs": 6, "first": "Britain's Sam Ortega"},
    "bbc_lineups.txt": {"paragraphs": 10, "first": "Northgate came from behind"},
    "bbc_awards.txt": {"paragraphs": 7, "first": "The sketch show Odd Street"},
    "bbc_question.txt": {"paragraphs": 3, "first": "Retailers have had"},
    "bbc_short.txt": {"paragraphs": 1, "first": "The city's airport"},
    "bbc_extra_blanks.txt": {"paragraphs": 3, "first": "The rock band Iron Meadow"},
    "bbc_interview_quotes.txt": {"paragraphs": 4, "first": "The national coach"},
    "bbc_reviews.txt": {
        "paragraphs": 4,
        "first": "If you thought puzzle games",
        "headings": ["TOWER OF TILES (BLOCKWORKS)", "LANTERN (GLOWSOFT)", "RIVER CROSSING"],
    },
    "agency_standfirst.txt": {
        "paragraphs": 5,
        "first": "Flood waters have begun to recede",
        "standfirst": "Aid groups say thousands of families still need shelter",
        "headings": ["What comes next?", "Rebuilding costs"],
        "images": [
            ("Volunteers carry food parcels", "Reuters"),
            ("A rescue worker", "Getty Images"),
        ],
        "read_more": ["Dam safety questioned after record rainfall"],
        "source": "AA",
    },
    "agency_summary_first.txt": {
        "paragraphs": 4,
        "first": "Counting continued through the night",
        "headings": ["Opposition reaction"],
        "images": [("Voters queue outside a polling station", "Lena Ortiz")],
        "read_more": [
            "Ruling party sets out its plans for a second term",
            "Observers praise calm voting day",
        ],
        "source": "TRT World and agencies",
    },
}


def load_sample(name: str) -> str:
    return normalize_text(decode_bytes((ARTICLES / name).read_bytes()))


def test_every_sample_is_listed() -> None:
    assert {path.name for path in ARTICLES.glob("*.txt")} == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_structure(name: str) -> None:
    text, expected = load_sample(name), SAMPLES[name]
    structure = parse_structure(text)
    assert_consistent(text, structure)

    assert structure.title is not None
    assert structure.title.text == text.strip().split("\n")[0].strip()
    assert len(structure.paragraphs) == expected["paragraphs"]
    assert structure.paragraphs[0].text.startswith(expected["first"])
    assert [h.text for h in structure.headings] == expected.get("headings", [])
    assert [r.text for r in structure.read_more] == expected.get("read_more", [])
    assert (structure.source and structure.source.text) == expected.get("source")
    standfirst = structure.standfirst.text if structure.standfirst else None
    if "standfirst" in expected:
        assert standfirst is not None and standfirst.startswith(expected["standfirst"])
    else:
        assert standfirst is None
    images = [(i.caption.text, i.credit.text if i.credit else None) for i in structure.images]
    assert len(images) == len(expected.get("images", []))
    for (caption, credit), (caption_start, expected_credit) in zip(
        images, expected.get("images", []), strict=True
    ):
        assert caption.startswith(caption_start)
        assert credit == expected_credit


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_blocks_cover_every_line(name: str) -> None:
    """Each non-empty line belongs to exactly one block (READ MORE/source prefixes aside)."""
    text = load_sample(name)
    blocks = parse_structure(text).blocks
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            start, end = offset, offset + len(line)
            owners = [b for b in blocks if b.start < end and b.end > start]
            assert len(owners) == 1, line
        offset += len(line) + 1


# --------------------------------------------------------------------------- robustness

BODY = (
    "Heavy rain closes mountain pass\n\n"
    "The only road over the pass has been closed after a night of heavy rain, police said.\n\n"
    "Drivers were told to use the coast road, which adds about two hours to the journey.\n\n"
    "Weather warning\n\n"
    "Forecasters expect more rain on Thursday and have warned of landslides in the valleys."
)


def summary(structure: Structure) -> dict:
    """The texts of a structure, for comparing parses of differently laid-out inputs."""
    return {
        "title": structure.title.text if structure.title else None,
        "headings": [h.text for h in structure.headings],
        "paragraphs": [p.text for p in structure.paragraphs],
    }


def test_plain_body() -> None:
    structure = parse_structure(BODY)
    assert summary(structure) == {
        "title": "Heavy rain closes mountain pass",
        "headings": ["Weather warning"],
        "paragraphs": [line for line in BODY.split("\n")[2:] if len(line) > 20],
    }


@pytest.mark.parametrize(
    "raw",
    [
        BODY.replace("\n", "\r\n"),
        BODY.replace("\n", "\r"),
        "\ufeff" + BODY,
        BODY + "\n\n\n",
        "\n\n  " + BODY,
        BODY.replace("\n", " \t\n"),
        BODY.replace("\n", "\u00a0\n").replace("\n\n", "\n\u00a0\n"),
        BODY.replace("\n\n", "\n"),
    ],
    ids=["crlf", "cr", "bom", "final-newlines", "leading-blank", "trailing", "nbsp", "single-nl"],
)
def test_layout_variants_parse_alike(raw: str) -> None:
    text = normalize_text(raw)
    structure = parse_structure(text)
    assert_consistent(text, structure)
    assert summary(structure) == summary(parse_structure(BODY))


def test_cp1252_document_end_to_end() -> None:
    data = b"Caf\xe9 owners protest\r\n\r\nOwners said the \x93new rules\x94 would hurt trade.\r\n"
    text = normalize_text(decode_bytes(data))
    structure = parse_structure(text)
    assert structure.title is not None and structure.title.text == "Café owners protest"
    assert [p.text for p in structure.paragraphs] == [
        "Owners said the “new rules” would hurt trade."
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "  \u00a0 \n\t"])
def test_empty_text_has_no_structure(text: str) -> None:
    assert parse_structure(text) == Structure()


def test_title_only() -> None:
    structure = parse_structure("Just a headline")
    assert structure.title is not None and structure.title.text == "Just a headline"
    assert structure.paragraphs == [] and structure.headings == []


# --------------------------------------------------------------------------- READ MORE, source


@pytest.mark.parametrize(
    "line",
    [
        "READ MORE:\u00a0Ports reopen after strike",
        "READ MORE: Ports reopen after strike",
        "Read more: Ports reopen after strike ",
        "READ MORE - Ports reopen after strike",
        "read more \u2013 Ports reopen after strike",
        "READ MORE Ports reopen after strike",
    ],
)
def test_read_more_span_is_the_title(line: str) -> None:
    text = f"Title line\n\nFirst paragraph of the story, long enough to be one.\n\n{line}\n"
    structure = parse_structure(text)
    assert [r.text for r in structure.read_more] == ["Ports reopen after strike"]
    assert len(structure.paragraphs) == 1
    assert_consistent(text, structure)


def test_read_more_title_on_next_line() -> None:
    text = "Title line\n\nA first paragraph of the story.\n\nREAD MORE:\nPorts reopen after strike"
    structure = parse_structure(text)
    assert [r.text for r in structure.read_more] == ["Ports reopen after strike"]
    assert [p.text for p in structure.paragraphs] == ["A first paragraph of the story."]


def test_read_more_in_a_sentence_is_body() -> None:
    text = "Title line\n\nRead more about the plans in the council's report, officials said."
    structure = parse_structure(text)
    assert structure.read_more == []
    assert len(structure.paragraphs) == 1


def test_source_only_as_last_line() -> None:
    text = "Title line\n\nSource: a council official, speaking anonymously.\n\nThe end of it."
    structure = parse_structure(text)
    assert structure.source is None
    assert len(structure.paragraphs) == 2


def test_source_last_line_with_trailing_space() -> None:
    text = "Title line\n\nA paragraph of the story.\n\nSource:\u00a0Reuters \n"
    structure = parse_structure(text)
    assert structure.source is not None and structure.source.text == "Reuters"
    assert len(structure.paragraphs) == 1


def test_source_before_trailing_read_more() -> None:
    text = "Title line\n\nA paragraph of the story.\n\nSource: AFP\n\nREAD MORE: Ports reopen"
    structure = parse_structure(text)
    assert structure.source is not None and structure.source.text == "AFP"
    assert [r.text for r in structure.read_more] == ["Ports reopen"]


def test_only_read_more_lines() -> None:
    text = "READ MORE: One story\nREAD MORE: Another story"
    structure = parse_structure(text)
    assert structure.title is not None and structure.title.text == "READ MORE: One story"
    assert [r.text for r in structure.read_more] == ["Another story"]


# --------------------------------------------------------------------------- images


def image_text(caption_lines: str) -> str:
    return (
        "Title line\n\nThe first paragraph of the article, a full sentence.\n\n"
        "Another paragraph of the article comes before the picture.\n\n"
        f"{caption_lines}\n\nThe second paragraph of the article, also a full sentence."
    )


@pytest.mark.parametrize(
    ("lines", "credit"),
    [
        ("A crowd gathers in the square.\nA crowd gathers in the square. (AFP)", "AFP"),
        (
            "A crowd gathers in the square\nA crowd gathers in the square (Getty Images)",
            "Getty Images",
        ),
        ("A crowd gathers in the square.\nA crowd gathers in the square. (Photo: AA)", "AA"),
        ("A crowd gathers in the square.\nA crowd gathers in the square. Photo: Jo Lee", "Jo Lee"),
        ("A crowd gathers in the square. (AP)\nA crowd gathers in the square.", "AP"),
        ("A crowd gathers in the square.\nA crowd gathers in the square.", None),
        (
            "A crowd gathers in the square.\n\nA crowd gathers in the\u00a0square.  (Reuters)",
            "Reuters",
        ),
        ("A crowd gathers in the square. (Handout via Reuters)", "Handout via Reuters"),
        ("A crowd gathers in the square. (AFP Archive)", "AFP Archive"),
        ("A crowd gathers in the square. (AP Photo/Jo Lee)", "AP Photo/Jo Lee"),
        ("A crowd gathers in the square (Reuters/Jo Lee)", "Reuters/Jo Lee"),
    ],
)
def test_image_caption_and_credit(lines: str, credit: str | None) -> None:
    text = image_text(lines)
    structure = parse_structure(text)
    assert_consistent(text, structure)
    [image] = structure.images
    assert image.caption.text.rstrip(".") == "A crowd gathers in the square"
    assert (image.credit.text if image.credit else None) == credit
    assert text[image.start : image.end] == lines.strip()
    assert len(structure.paragraphs) == 3
    [block] = [b for b in structure.blocks if b.kind is BlockKind.image]
    assert (block.start, block.end) == (image.start, image.end)


@pytest.mark.parametrize(
    "line",
    [
        "The deal was signed by the two leaders (pictured) on Monday in the capital.",
        "Shares fell sharply after the announcement, ending the day at a low (see chart)",
        "Talks will resume next week, the ministry said. (Updated)",
        "Talks will resume next week, said the head of the agency (Jo Lee/AFP)",
    ],
)
def test_paragraph_with_parenthesis_is_not_an_image(line: str) -> None:
    structure = parse_structure(image_text(line))
    assert structure.images == []
    assert len(structure.paragraphs) == 4


# --------------------------------------------------------------------------- standfirst


def test_standfirst_before_an_image() -> None:
    text = (
        "Ports reopen after strike\n\n"
        "Dock workers accepted a new pay offer after a week-long walkout.\n\n"
        "Cranes stand idle at the port.\nCranes stand idle at the port. (Reuters)\n\n"
        "Ports across the country reopened on Monday, union leaders said."
    )
    structure = parse_structure(text)
    assert structure.standfirst is not None
    assert structure.standfirst.text.startswith("Dock workers accepted")
    assert [p.text[:5] for p in structure.paragraphs] == ["Ports"]
    assert [b.kind for b in structure.blocks] == [
        BlockKind.title,
        BlockKind.standfirst,
        BlockKind.image,
        BlockKind.paragraph,
    ]


def test_no_standfirst_after_a_sentence_title() -> None:
    # A title that is a full sentence is already the summary.
    text = (
        "Dock workers accepted a new pay offer after a week-long walkout.\n\n"
        "Ports across the country reopened on Monday, union leaders said.\n\n"
        "Cranes stand idle at the port.\nCranes stand idle at the port. (Reuters)\n\n"
        "Shipping firms said delays would last into next month."
    )
    structure = parse_structure(text)
    assert structure.standfirst is None
    assert len(structure.paragraphs) == 2


def test_no_standfirst_without_image() -> None:
    # As in wire and BBC copy, the summary sentence opens the body.
    text = "Ports reopen after strike\n\nDock workers accepted a new pay offer.\n\nMore text here."
    structure = parse_structure(text)
    assert structure.standfirst is None
    assert structure.paragraphs[0].text == "Dock workers accepted a new pay offer."


# --------------------------------------------------------------------------- headings

PARA_1 = "The council approved the plan on Tuesday after a long debate, officials said."
PARA_2 = "Work on the new bridge is due to start in the spring and take two years."


@pytest.mark.parametrize(
    "line",
    [
        "What happens next?",
        "Funding questions",
        "'A historic day'",
        "The road to 2030",
        "\u201cA red line\u201d",
    ],
)
def test_heading_between_paragraphs(line: str) -> None:
    structure = parse_structure(f"Title line\n\n{PARA_1}\n\n{line}\n\n{PARA_2}")
    assert [h.text for h in structure.headings] == [line]
    assert len(structure.paragraphs) == 2


@pytest.mark.parametrize(
    "line",
    [
        "It was approved.",  # final full stop
        "The mayor said:",  # introduces what follows
        "two years later",  # a sentence's tail
        "- Funding questions",  # a list item
        "21,482",  # an attendance figure
        "The council voted for the",  # ends mid-phrase
        "Approved! Work starts soon?",  # two sentences
        "A much longer line of text that runs on well past the ten words a heading has",
        "Why?",  # a rhetorical question
        "Q: Will it be ready on time?",  # an interview question
        "SMITH: Who pays for it?",  # a transcript
        '"Who pays for it?',  # a quotation running on into the next paragraph
        '"Who pays for it?"',  # a quoted question
        "\u201cWe will pay for it.\u201d",  # a quoted sentence
    ],
)
def test_not_a_heading(line: str) -> None:
    structure = parse_structure(f"Title line\n\n{PARA_1}\n\n{line}\n\n{PARA_2}")
    assert structure.headings == []
    assert len(structure.paragraphs) == 3


def test_heading_needs_a_complete_paragraph_before() -> None:
    # A link cut out of a sentence leaves a short line between two pieces of it.
    text = f"Title line\n\n{PARA_1} It was backed by\n\nCouncillor Ann Smith\n\nwho spoke first."
    assert parse_structure(text).headings == []


def test_heading_needs_a_paragraph_after() -> None:
    text = f"Title line\n\n{PARA_1}\n\nFunding questions"
    assert parse_structure(text).headings == []


def test_short_lines_in_a_run_are_not_headings() -> None:
    text = f"Title line\n\n{PARA_1}\n\nNorth Park\n\nSaturday 3 May\n\nKick-off 3pm\n\n{PARA_2}"
    structure = parse_structure(text)
    assert structure.headings == []
    assert len(structure.paragraphs) == 5


def test_title_is_never_a_heading() -> None:
    structure = parse_structure(f"Bridge plan approved\n\n{PARA_1}\n\n{PARA_2}")
    assert structure.headings == []
    assert structure.title is not None and structure.title.text == "Bridge plan approved"


def test_heading_may_open_with_a_picture() -> None:
    caption = "Cranes stand idle at the port."
    text = f"Title line\n\n{PARA_1}\n\nFunding questions\n\n{caption}\n{caption} (AFP)\n\n{PARA_2}"
    structure = parse_structure(text)
    assert [h.text for h in structure.headings] == ["Funding questions"]
    assert len(structure.images) == 1


def test_heading_after_an_embedded_post() -> None:
    # A quoted post ends with its author and date, not with a full stop.
    post = (
        "The bridge plan is approved and work starts in spring pic.example.com/x1y2"
        " \u2014 Northshire Council (@northshire) May 12, 2023"
    )
    text = f"Title line\n\n{PARA_1}\n\n{post}\n\nFunding questions\n\n{PARA_2}"
    assert [h.text for h in parse_structure(text).headings] == ["Funding questions"]


def test_no_heading_before_the_body_starts() -> None:
    caption = "Cranes stand idle at the port."
    text = f"Title line\n\n{caption}\n{caption} (AFP)\n\nFunding questions\n\n{PARA_2}"
    structure = parse_structure(text)
    assert structure.headings == []
    assert [p.text for p in structure.paragraphs] == ["Funding questions", PARA_2]


def test_heading_in_text_without_blank_lines() -> None:
    text = f"Title line\n{PARA_1}\nFunding questions\n{PARA_2}\n"
    assert [h.text for h in parse_structure(text).headings] == ["Funding questions"]


def test_heading_needs_a_blank_line_before_in_blank_separated_text() -> None:
    # In text laid out with blank lines, lines packed under a sentence are a list.
    packed = f"Title line\n\n{PARA_1}\nFunding questions\n\n{PARA_2}"
    spaced = f"Title line\n\n{PARA_1}\n\nFunding questions\n{PARA_2}"
    assert parse_structure(packed).headings == []
    assert [h.text for h in parse_structure(spaced).headings] == ["Funding questions"]


# --------------------------------------------------------------------------- long texts

LONG = 50_000  # lines: the structure of as many one-word lines once took a minute


def capitalised_words(count: int) -> list[str]:
    rng = random.Random(count)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(3, 9))).capitalize() for _ in range(count)]


def tiny_lines(count: int) -> list[str]:
    """Lines of one to three characters, each opening with a capital."""
    rng = random.Random(count)
    return [
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + "ab"[: rng.randint(0, 2)] for _ in range(count)
    ]


def line_bounds(lines: list[str], separator: str) -> list[tuple[int, int]]:
    bounds, offset = [], 0
    for line in lines:
        bounds.append((offset, offset + len(line)))
        offset += len(line) + len(separator)
    return bounds


@pytest.mark.parametrize(
    ("make_lines", "separator"), [(capitalised_words, "\n"), (tiny_lines, "\n\n")]
)
def test_many_short_lines_are_paragraphs(make_lines, separator: str) -> None:
    # Each line looks like a heading, but none stands between two complete paragraphs.
    lines = make_lines(LONG)
    text = separator.join(lines)
    structure = parse_structure(text)
    assert_consistent(text, structure)
    kinds = [block.kind for block in structure.blocks]
    assert kinds == [BlockKind.title] + [BlockKind.paragraph] * (LONG - 1)
    assert [(b.start, b.end) for b in structure.blocks] == line_bounds(lines, separator)
    assert structure.headings == []


def test_many_headings_between_paragraphs() -> None:
    headings = [f"Section {k + 1}" for k in range(LONG // 2)]
    lines = ["Title line", PARA_1]
    for heading in headings:
        lines += [heading, PARA_2]
    text = "\n\n".join(lines)
    structure = parse_structure(text)
    assert_consistent(text, structure)
    assert [h.text for h in structure.headings] == headings
    assert len(structure.paragraphs) == len(headings) + 1
    kinds = [block.kind for block in structure.blocks]
    assert kinds[2::2] == [BlockKind.heading] * len(headings)
    assert [(b.start, b.end) for b in structure.blocks] == line_bounds(lines, "\n\n")


@pytest.mark.parametrize("make_lines", [capitalised_words, tiny_lines])
def test_heading_pass_reads_each_part_a_bounded_number_of_times(make_lines) -> None:
    from app.annotate.document import _classify_lines, _mark_headings_and_standfirst, _split_lines

    def reads(count: int) -> int:
        # Short lines, and headings between paragraphs, so every check has work to do.
        words = make_lines(count)
        text = "\n\n".join([w if k % 2 else PARA_1 for k, w in enumerate(words)] + [PARA_2])
        lines = _split_lines(text)
        parts = CountingList(_classify_lines(text, lines))
        _mark_headings_and_standfirst(parts, lines)
        assert any(part.kind is BlockKind.heading for part in parts)
        return parts.reads

    small, large = reads(2_000), reads(8_000)
    assert large <= 10 * 8_000
    assert large <= 4.5 * small


def test_credit_after_a_long_run_of_spaces() -> None:
    # A parenthesis opening on spaces is no credit, however many there are.
    caption = "Crowds (" + " " * 20_000 + "seen here) gathered in the square on Monday"
    text = f"Title line\n\n{PARA_1}\n\n{caption} (AFP)\n\n{PARA_2}\n\nA note (" + " " * 20_000
    structure = parse_structure(text)
    assert_consistent(text, structure)
    [image] = structure.images
    assert image.caption.text == caption
    assert image.credit is not None and image.credit.text == "AFP"
    assert structure.paragraphs[-1].text == "A note ("


# --------------------------------------------------------------------------- excluded ranges


def test_ranges_answer_as_a_scan_of_every_range_does() -> None:
    rng = random.Random(7)
    for _ in range(500):
        starts = [rng.randint(0, 40) for _ in range(rng.randint(0, 8))]
        ranges = [(s, s + rng.randint(0, 6)) for s in starts]
        index = Ranges(ranges)
        assert bool(index) == bool(ranges)
        for start in range(50):
            for end in range(start, start + 8):
                scanned = any(s < end and start < e for s, e in ranges)
                assert index.overlaps(start, end) == scanned


def test_not_article_text_of_many_read_more_lines() -> None:
    count = 20_000
    lines = ["Title line", PARA_1] + [f"READ MORE: Story {k}" for k in range(count)]
    text = "\n\n".join(lines)
    excluded = Ranges(not_article_text(parse_structure(text)))
    bounds = line_bounds(lines, "\n\n")
    assert all(excluded.overlaps(s, e) for s, e in bounds[2:])
    assert not any(excluded.overlaps(s, e) for s, e in bounds[:2])
    # Between two READ MORE lines, the blank line is article text.
    assert not any(excluded.overlaps(e, e + 2) for _, e in bounds[2:-1])


# --------------------------------------------------------------------------- any input

PIECES = [
    "Word",
    "word",
    "The council said.",
    "Why?",
    '"Quoted,"',
    "\u201cCurly\u201d",
    "(AFP)",
    "(Photo: AA)",
    "Photo:",
    "READ MORE:",
    "Read more -",
    "Source:",
    "-",
    "\u00a0",
    "\u200b",
    "  ",
    "\t",
]


def random_text(rng: random.Random) -> str:
    """A jumble of news-like pieces on lines, with repeats, blanks and odd spacing."""
    lines: list[str] = []
    for _ in range(rng.randint(0, 14)):
        if lines and rng.random() < 0.15:
            lines.append(lines[-1] + rng.choice(["", " (Reuters)", "\u00a0"]))
        else:
            words = rng.choices(PIECES, k=rng.randint(0, 12))
            lines.append(" ".join(words))
        if rng.random() < 0.5:
            lines.append(rng.choice(["", " ", "\u00a0"]))
    return normalize_text(rng.choice(["\n", "\r\n"]).join(lines))


@pytest.mark.parametrize("seed_value", range(300))
def test_any_text_parses_consistently(seed_value: int) -> None:
    text = random_text(random.Random(seed_value))
    structure = parse_structure(text)
    assert_consistent(text, structure)
    for earlier, later in zip(structure.blocks, structure.blocks[1:], strict=False):
        assert earlier.end <= later.start
    if text.replace("\u200b", "").strip():
        assert structure.title is not None


@pytest.mark.parametrize("seed_value", range(100))
def test_any_bytes_decode_or_fail_clearly(seed_value: int) -> None:
    rng = random.Random(seed_value)
    data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    try:
        text = decode_bytes(data)
    except UnreadableDocument:
        return
    assert_consistent(normalize_text(text), parse_structure(normalize_text(text)))


@pytest.mark.parametrize("seed_value", range(100))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encoded_text_decodes_to_itself(seed_value: int, encoding: str) -> None:
    text = random_text(random.Random(seed_value))
    # What the encoding can hold of the text (cp1252 has no zero-width space).
    text = text.encode(encoding, errors="ignore").decode(encoding).removeprefix("\ufeff")
    data = text.encode(encoding)
    if not text.replace("\u200b", "").strip():
        with pytest.raises(UnreadableDocument):
            decode_bytes(data)
        return
    assert decode_bytes(data) == text


def test_decode_utf16_bom_with_an_odd_byte_count_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument, match="UTF-16"):
        decode_bytes(b"\xff\xfe" + "Title".encode("utf-16-le") + b"\x00")

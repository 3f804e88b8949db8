"""Tests for app.annotate.document: decoding, normalising and article structure."""

from __future__ import annotations

import pytest

from app.annotate.document import (
    UnreadableDocument,
    decode_bytes,
    normalize_text,
    parse_structure,
)
from app.annotate.types import BlockKind, Structure


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

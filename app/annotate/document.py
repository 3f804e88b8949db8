"""Article structure: title, standfirst, images, headings, paragraphs, READ MORE, source."""

from __future__ import annotations

from app.annotate.types import Structure


def decode_bytes(data: bytes) -> str:
    """Decode a published file: UTF-8 (with or without BOM), else cp1252."""
    raise NotImplementedError


def normalize_text(text: str) -> str:
    """The stored form of a text: no BOM, `\\n` line endings. Offsets refer to this form."""
    raise NotImplementedError


def parse_structure(text: str) -> Structure:
    """Split normalised `text` into its structural parts, with offsets."""
    raise NotImplementedError

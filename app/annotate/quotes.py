"""Quotes: direct, partial and indirect, attributed to resolved speakers."""

from __future__ import annotations

from spacy.tokens import Doc

from app.annotate.types import Entity, Quote, Structure


def extract_quotes(doc: Doc, structure: Structure, entities: list[Entity]) -> list[Quote]:
    """The quotes of the article parsed as `doc`, speakers resolved to `entities`."""
    raise NotImplementedError

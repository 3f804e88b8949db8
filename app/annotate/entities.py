"""Entities: mentions recognised, merged into one entity per real-world thing, geocoded."""

from __future__ import annotations

from spacy.tokens import Doc

from app.annotate.types import Entity, Structure


def extract_entities(doc: Doc, structure: Structure) -> list[Entity]:
    """The entities of the article parsed as `doc`, each with all its mentions."""
    raise NotImplementedError

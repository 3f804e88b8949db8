"""Helpers the entity and people tests share: annotate a text, index entities by name."""

from __future__ import annotations

from app.annotate.document import parse_structure
from app.annotate.entities import extract_entities
from app.annotate.types import Entity


def entities_of(nlp, text: str) -> list[Entity]:
    return extract_entities(nlp(text), parse_structure(text))


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    """Entities under their canonical name and each alias."""
    index: dict[str, Entity] = {}
    for entity in entities:
        for name in [entity.name, *entity.aliases]:
            index.setdefault(name, entity)
    return index


def people_of(nlp, text: str) -> dict[str, Entity]:
    """The people of `text`, under their canonical name and each alias."""
    return by_name([e for e in entities_of(nlp, text) if e.type == "PERSON"])


def person_names(nlp, text: str) -> set[str]:
    """The canonical names of the people of `text`."""
    return {e.name for e in entities_of(nlp, text) if e.type == "PERSON"}

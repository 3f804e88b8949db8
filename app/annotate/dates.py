"""Dates: DATE mentions normalised to ISO 8601."""

from __future__ import annotations

from datetime import date

from spacy.tokens import Doc

from app.annotate.types import DateMention, Structure


def extract_dates(doc: Doc, structure: Structure, *, published_at: date | None) -> list[DateMention]:
    """DATE mentions of the article body, with an ISO value where one can be given."""
    raise NotImplementedError

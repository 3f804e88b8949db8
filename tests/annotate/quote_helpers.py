"""The quotes of the whole annotation pipeline, as a client is served them."""

from __future__ import annotations

from app.annotate.pipeline import annotate
from app.annotate.types import Quote


def served_quotes(nlp, text: str) -> list[tuple[Quote, str | None]]:
    """The quotes of `text`, each with its speaker entity's name."""
    annotation = annotate(text, nlp=nlp)
    names = {e.key: e.name for e in annotation.entities}
    return [(q, names.get(q.speaker_key or "")) for q in annotation.quotes]

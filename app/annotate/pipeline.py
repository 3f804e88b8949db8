"""The annotation pipeline: normalised text in, an `Annotation` out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from app.annotate.dates import extract_dates
from app.annotate.decoding import normalize_text
from app.annotate.document import parse_structure
from app.annotate.entities import extract_entities
from app.annotate.links import extract_links
from app.annotate.quotes import extract_quotes
from app.annotate.types import Annotation

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Document:
    text: str
    published_at: date | None = None


def build_annotation(text: str, doc: Doc, *, published_at: date | None = None) -> Annotation:
    """Assemble every layer of annotation from the parsed `doc` of normalised `text`.

    A layer that fails is logged and left empty: the article keeps its other layers
    rather than being lost whole to one sentence an extractor cannot handle.
    """
    structure = parse_structure(text)
    entities = _layer("entities", lambda: extract_entities(doc, structure, text=text))
    return Annotation(
        text=text,
        structure=structure,
        entities=entities,
        quotes=_layer("quotes", lambda: extract_quotes(doc, structure, entities, text=text)),
        links=_layer("links", lambda: extract_links(structure)),
        dates=_layer(
            "dates", lambda: extract_dates(doc, structure, published_at=published_at, text=text)
        ),
    )


def _layer(name: str, extract: Callable[[], list[T]]) -> list[T]:
    try:
        return extract()
    except Exception:
        log.exception("the %s layer failed on a document; it is left empty", name)
        return []


def annotate(text: str, *, nlp: Language, published_at: date | None = None) -> Annotation:
    """Annotate one document; `text` is normalised first (line endings, BOM)."""
    text = normalize_text(text)
    return build_annotation(text, nlp(text), published_at=published_at)


def annotate_many(
    documents: Iterable[Document], *, nlp: Language, batch_size: int = 16
) -> Iterator[Annotation]:
    """Annotate documents in batches through `nlp.pipe`, in order."""
    # Each text goes along with its document: `doc.text` would join every token again.
    pending = ((text, (text, d)) for text, d in ((normalize_text(d.text), d) for d in documents))
    for doc, (text, document) in nlp.pipe(pending, as_tuples=True, batch_size=batch_size):
        yield build_annotation(text, doc, published_at=document.published_at)

"""The annotation pipeline: normalised text in, an `Annotation` out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from app.annotate.dates import extract_dates
from app.annotate.document import normalize_text, parse_structure
from app.annotate.entities import extract_entities
from app.annotate.links import extract_links
from app.annotate.quotes import extract_quotes
from app.annotate.types import Annotation


@dataclass(frozen=True)
class Document:
    text: str
    published_at: date | None = None


def build_annotation(text: str, doc: Doc, *, published_at: date | None = None) -> Annotation:
    """Assemble every layer of annotation from the parsed `doc` of normalised `text`."""
    structure = parse_structure(text)
    entities = extract_entities(doc, structure)
    return Annotation(
        text=text,
        structure=structure,
        entities=entities,
        quotes=extract_quotes(doc, structure, entities),
        links=extract_links(structure),
        dates=extract_dates(doc, structure, published_at=published_at),
    )


def annotate(text: str, *, nlp: Language, published_at: date | None = None) -> Annotation:
    """Annotate one document; `text` is normalised first (line endings, BOM)."""
    text = normalize_text(text)
    return build_annotation(text, nlp(text), published_at=published_at)


def annotate_many(
    documents: Iterable[Document], *, nlp: Language, batch_size: int = 16
) -> Iterator[Annotation]:
    """Annotate documents in batches through `nlp.pipe`, in order."""
    pending = ((normalize_text(d.text), d) for d in documents)
    for doc, document in nlp.pipe(pending, as_tuples=True, batch_size=batch_size):
        yield build_annotation(doc.text, doc, published_at=document.published_at)

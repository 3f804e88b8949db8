"""Shaping annotations and rows into response models. No queries here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from app.annotate import types as ann
from app.api.schemas import (
    AnnotationDocument,
    ArticleRef,
    ArticleSummary,
    BlockOut,
    CueOut,
    DateOut,
    EntityMentions,
    ImageOut,
    LinkOut,
    QuoteOut,
    SpeakerRef,
    StructureOut,
    TextSpan,
)
from app.store import tables as models


def span_out(span: ann.Span | None) -> TextSpan | None:
    return None if span is None else TextSpan(start=span.start, end=span.end, text=span.text)


def _span(text: str, start: int | None, end: int | None) -> ann.Span | None:
    if start is None or end is None:
        return None
    return ann.Span(start=start, end=end, text=text[start:end])


def structure_out(structure: ann.Structure) -> StructureOut:
    def spans(items: Iterable[ann.Span]) -> list[TextSpan]:
        return [TextSpan(start=s.start, end=s.end, text=s.text) for s in items]

    return StructureOut(
        title=span_out(structure.title),
        standfirst=span_out(structure.standfirst),
        images=[
            ImageOut(
                caption=TextSpan(**image.caption.model_dump()),
                credit=span_out(image.credit),
                start=image.start,
                end=image.end,
            )
            for image in structure.images
        ],
        headings=spans(structure.headings),
        paragraphs=spans(structure.paragraphs),
        read_more=spans(structure.read_more),
        source=span_out(structure.source),
        blocks=[BlockOut(kind=b.kind, start=b.start, end=b.end) for b in structure.blocks],
    )


def structure_from_blocks(text: str, blocks: Iterable[models.ArticleBlock]) -> ann.Structure:
    """The parsed structure again, from its stored blocks."""
    structure = ann.Structure()
    single = {"title", "standfirst", "source"}
    lists = {"heading": "headings", "paragraph": "paragraphs", "read_more": "read_more"}
    for block in sorted(blocks, key=lambda b: b.position):
        kind = ann.BlockKind(block.kind)
        span = ann.Span(start=block.start, end=block.end, text=text[block.start : block.end])
        structure.blocks.append(
            ann.Block(kind=kind, start=block.start, end=block.end, text=span.text)
        )
        if block.kind in single:
            setattr(structure, block.kind, span)
        elif block.kind in lists:
            getattr(structure, lists[block.kind]).append(span)
        elif kind is ann.BlockKind.image:
            caption = _span(text, block.caption_start, block.caption_end) or span
            structure.images.append(
                ann.Image(
                    caption=caption,
                    credit=_span(text, block.credit_start, block.credit_end),
                    start=block.start,
                    end=block.end,
                )
            )
    return structure


def local_document(annotation: ann.Annotation) -> AnnotationDocument:
    """The response of POST /annotate: ids are local to the document."""
    names = {e.key: e.name for e in annotation.entities}
    return AnnotationDocument(
        text=annotation.text,
        structure=structure_out(annotation.structure),
        entities=[
            EntityMentions(
                id=e.key,
                name=e.name,
                type=e.type,
                aliases=e.aliases,
                mentions=[TextSpan(start=m.start, end=m.end, text=m.text) for m in e.mentions],
                country_code=e.country_code,
                lat=e.lat,
                lon=e.lon,
            )
            for e in annotation.entities
        ],
        quotes=[
            QuoteOut(
                id=f"q{n}",
                kind=q.kind,
                text=q.text,
                start=q.start,
                end=q.end,
                speaker=(
                    SpeakerRef(entity_id=q.speaker_key, name=names[q.speaker_key])
                    if q.speaker_key in names
                    else None
                ),
                speaker_mention=span_out(q.speaker_mention),
                cue=CueOut(**q.cue.model_dump()) if q.cue else None,
                attribution_id=q.attribution_id or f"a{n}",
            )
            for n, q in enumerate(annotation.quotes, 1)
        ],
        links=[
            LinkOut(
                id=f"l{n}",
                title=link.title,
                start=link.start,
                end=link.end,
                url=link.url,
                resolved=False,
            )
            for n, link in enumerate(annotation.links, 1)
        ],
        dates=[DateOut(**d.model_dump()) for d in annotation.dates],
    )


def quote_out(quote: models.Quote, speaker_name: str | None) -> QuoteOut:
    return QuoteOut(**quote_fields(quote, speaker_name))


def quote_fields(quote: models.Quote, speaker_name: str | None) -> dict[str, Any]:
    """The fields of a stored quote as served, for QuoteOut and the models extending it."""
    return {
        "id": quote.id,
        "kind": ann.QuoteKind(quote.kind),
        "text": quote.text,
        "start": quote.start,
        "end": quote.end,
        "speaker": (
            SpeakerRef(entity_id=quote.speaker_entity_id, name=speaker_name)
            if quote.speaker_entity_id and speaker_name is not None
            else None
        ),
        "speaker_mention": (
            TextSpan(start=quote.speaker_start, end=quote.speaker_end, text=quote.speaker_text)
            if quote.speaker_start is not None
            and quote.speaker_end is not None
            and quote.speaker_text is not None
            else None
        ),
        "cue": (
            CueOut(
                text=quote.cue_text,
                lemma=quote.cue_lemma or quote.cue_text,
                start=quote.cue_start,
                end=quote.cue_end,
            )
            if quote.cue_text is not None
            and quote.cue_start is not None
            and quote.cue_end is not None
            else None
        ),
        "attribution_id": quote.attribution_id or f"a{quote.position}",
    }


class Titled(Protocol):
    """What a reference to an article shows: a row of these columns, or the article."""

    id: str
    title: str
    slug: str


def article_ref(article: Titled) -> ArticleRef:
    return ArticleRef(id=article.id, title=article.title, slug=article.slug)


def link_out(link: models.RelatedLink, target: Titled | None) -> LinkOut:
    return LinkOut(
        id=link.id,
        title=link.title,
        start=link.start,
        end=link.end,
        url=link.url,
        resolved=target is not None,
        target=article_ref(target) if target is not None else None,
        match_score=link.match_score if target is not None else None,
    )


def article_summary(article: models.Article) -> ArticleSummary:
    return ArticleSummary.model_validate(article, from_attributes=True)

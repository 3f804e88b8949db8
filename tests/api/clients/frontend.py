"""A small program on the client generated from Gazette's OpenAPI document, as a frontend
would write it: type-checked with `mypy --strict`, then run against a live server.

    python frontend.py BASE_URL KEY

Prints one JSON object with what it read, for the test to compare with the raw API.
"""

from __future__ import annotations

import json
import sys

from gazette_client import AuthenticatedClient, Client
from gazette_client.api.annotate import annotate_document
from gazette_client.api.articles import (
    create_article,
    list_article_entities,
    list_article_quotes,
    list_articles,
)
from gazette_client.models import (
    AnnotateRequest,
    AnnotationDocument,
    ArticleIn,
    ArticleSearchPage,
    EntityMentions,
    EntityType,
    IngestOut,
    QuoteKind,
    QuoteOut,
)
from gazette_client.types import UNSET, Unset


def page_through(client: Client) -> list[str]:
    """Every article id, two per page, following `next_cursor`."""
    ids: list[str] = []
    cursor: str | Unset = UNSET
    while True:
        page = list_articles.sync(client=client, limit=2, cursor=cursor)
        assert isinstance(page, ArticleSearchPage), page
        ids.extend(item.id for item in page.items)
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def main(base_url: str, key: str) -> None:
    public = Client(base_url=base_url, raise_on_unexpected_status=True)
    writer = AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True)

    created = create_article.sync(
        client=writer,
        body=ArticleIn(
            id="client-check",
            text="Harbour reopens\n\nThe harbour reopened on Monday, Mayor Ana Lopez said.",
        ),
    )
    assert isinstance(created, IngestOut), created
    ids = page_through(public)

    seed = next(i for i in ids if i != created.article.id)
    quotes = list_article_quotes.sync(seed, client=public)
    entities = list_article_entities.sync(seed, client=public)
    assert isinstance(quotes, list) and all(isinstance(q, QuoteOut) for q in quotes)
    assert isinstance(entities, list) and all(isinstance(e, EntityMentions) for e in entities)
    direct = [q for q in quotes if q.kind is QuoteKind.DIRECT]
    speakers = sorted({q.speaker.name for q in quotes if q.speaker is not None})
    people = sorted(e.name for e in entities if e.type_ is EntityType.PERSON)

    annotated = annotate_document.sync(
        client=writer,
        body=AnnotateRequest(text='Rain\n\n"It will pass," said Maria Silva, a forecaster.'),
    )
    assert isinstance(annotated, AnnotationDocument), annotated
    print(
        json.dumps(
            {
                "created": created.outcome.value,
                "ids": ids,
                "seed": seed,
                "quotes": len(quotes),
                "direct": len(direct),
                "speakers": speakers,
                "people": people,
                "annotated_quotes": [q.text for q in annotated.quotes],
                "annotated_speakers": [q.speaker.name for q in annotated.quotes if q.speaker],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

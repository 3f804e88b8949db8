"""Search, filtered lists and facets against article detail, at 1x and at Nx the corpus.

    python bench/search_bench.py --database-url sqlite:////tmp/bench.db [--scale 10]

The store must already hold a corpus loaded through `python -m app load` (the BBC corpus:
2,225 articles). The script WRITES to it: after measuring, it multiplies the corpus by
copying every article with its entities and quotes under new ids with perturbed titles
(no re-annotation), indexes the copies, and measures again. Use a copy of the store.

It prints, for each kind of request, the p50 latency at 1x and Nx, the ratio of each to the
p50 of an article detail in the same run, and the growth from 1x to Nx. Every request is
answered by its route (no corpus-wide answer is kept: `GAZETTE_CORPUS_PAGE_CACHE_MB=0`), as
the first read of a URL after a write is. Ratios from one run on a busy machine are noisy
on both sides; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, insert, literal, select
from sqlmodel import Session

from app.config import Settings
from app.db import create_db_engine
from app.main import create_app
from app.store import tables as models
from app.store.migrate import upgrade
from app.store.search import index_article, index_quotes, words_of
from app.store.writes import recount_entities


def workload(engine: Any, rng: random.Random, size: int) -> dict[str, list[str]]:
    """Requests drawn from the stored corpus, the same at every scale."""
    with Session(engine) as session:
        articles = session.execute(select(models.Article.id, models.Article.title)).all()
        entities = session.scalars(
            select(models.Entity.id).where(models.Entity.article_count.between(5, 60))
        ).all()
    picked = rng.sample(list(articles), size)
    words = [sorted(words_of(title), key=len, reverse=True)[:2] for _, title in picked if title]
    people = rng.sample(list(entities), min(size, len(entities)))
    return {
        "detail": [f"/articles/{article_id}" for article_id, _ in picked],
        "search": [f"/articles?q={' '.join(w)}" for w in words if w],
        "phrase": [f'/articles?q="{" ".join(w)}"' for w in words if len(w) > 1],
        "quote search": [f"/quotes?q={w[0]}" for w in words if w],
        "filtered list": [f"/articles?entity_id={e}&count=true" for e in people],
        "filtered + q": [f"/articles?entity_id={e}&q=said" for e in people],
        "facets": [
            f"/articles/facets?q={w[0]}&facet=entity&facet=entity_type&facet=speaker"
            for w in words
            if w
        ],
        "quote facets": [f"/quotes/facets?mentions={e}&facet=speaker&facet=cue" for e in people],
    }


def p50(client: TestClient, urls: list[str], rounds: int) -> float:
    timings = []
    for url in urls:
        client.get(url)  # warm: detail documents render once per version
    for _ in range(rounds):
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.text)
    return statistics.median(timings) * 1000


def measure(database_url: str, requests: dict[str, list[str]], rounds: int) -> dict[str, float]:
    # No kept pages: each request is answered by its route, as the first read after a write
    # is (a page read again is sent from memory in the time of an article detail).
    settings = Settings(
        database_url=database_url,
        load_on_startup=False,
        migrate_on_startup=False,
        corpus_page_cache_mb=0,
        annotation_processes=0,
        workers=0,
        log_level="WARNING",
    )
    app = create_app(settings, nlp=object())  # type: ignore[arg-type]  (nothing annotates)
    with TestClient(app) as client:
        return {kind: p50(client, urls, rounds) for kind, urls in requests.items()}


def multiply(engine: Any, scale: int) -> int:
    """Copy every stored article (scale - 1) times, with its entities and quotes."""
    article = models.Article.__table__
    article_entity = models.ArticleEntity.__table__
    quote = models.Quote.__table__
    with Session(engine) as session:
        originals = session.scalars(select(models.Article.id)).all()
        for k in range(1, scale):
            tag = f"~{k}"

            def copy(table: Any, changed: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
                names = [c.name for c in table.columns if c.name not in skip]
                columns = [changed.get(n, table.c[n]) for n in names]
                session.execute(
                    insert(table).from_select(
                        names, select(*columns).where(~table.c.id.contains("~"))
                    )
                )

            copy(
                article,
                {
                    "id": article.c.id + tag,
                    "slug": article.c.slug + f"-{k}",
                    "title": article.c.title + literal(f" (copy {k})"),
                    "title_key": article.c.title_key + literal(f" copy {k}"),
                },
            )
            session.execute(
                insert(article_entity).from_select(
                    [c.name for c in article_entity.columns if c.name != "id"],
                    select(
                        *[
                            article_entity.c.article_id + tag
                            if c.name == "article_id"
                            else article_entity.c[c.name]
                            for c in article_entity.columns
                            if c.name != "id"
                        ]
                    ).where(~article_entity.c.article_id.contains("~")),
                )
            )
            copy(quote, {"id": quote.c.id + tag, "article_id": quote.c.article_id + tag})
            for article_id in originals:
                row = session.get(models.Article, article_id + tag)
                assert row is not None
                index_article(session, article_id=row.id, title=row.title, body=row.text)
                session.expunge(row)
            index_quotes(
                session,
                [
                    {"id": i, "text": t}
                    for i, t in session.execute(
                        select(quote.c.id, quote.c.text).where(quote.c.id.endswith(tag))
                    )
                ],
            )
            session.commit()
        recount_entities(session, set(session.scalars(select(models.Entity.id)).all()))
        session.commit()
        return session.scalar(select(func.count()).select_from(article)) or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a copy of a loaded store")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--sample", type=int, default=20, help="requests of each kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    upgrade(args.database_url)
    engine = create_db_engine(args.database_url)
    with Session(engine) as session:
        count = session.scalar(select(func.count()).select_from(models.Article)) or 0
    requests = workload(engine, random.Random(args.seed), args.sample)
    print(f"1x: {count} articles")
    one = measure(args.database_url, requests, args.rounds)
    started = time.perf_counter()
    count = multiply(engine, args.scale)
    print(f"{args.scale}x: {count} articles (copied in {time.perf_counter() - started:.0f} s)")
    many = measure(args.database_url, requests, args.rounds)
    engine.dispose()
    print(
        f"\n{'request':<15} {'p50 1x ms':>10} {'/detail':>8} {f'p50 {args.scale}x ms':>11}"
        f" {'/detail':>8} {'growth':>7}"
    )
    for kind in requests:
        print(
            f"{kind:<15} {one[kind]:>10.2f} {one[kind] / one['detail']:>8.2f}"
            f" {many[kind]:>11.2f} {many[kind] / many['detail']:>8.2f}"
            f" {many[kind] / one[kind]:>7.2f}"
        )


if __name__ == "__main__":
    main()

"""Time and judge GET /articles/{id}/related on a corpus loaded into a fresh SQLite store.

    python bench/related_bench.py CORPUS.jsonl STORE.db [--reuse] [--sample 200]
        [--judge-out related_judge.txt] [--judge 20] [--seed 7]

Loads CORPUS (records `{id, text, meta: {title, category}}`) into STORE through the one
ingest function (spaCy on every article: minutes for a few thousand), unless `--reuse`
takes STORE as already loaded. Then times the endpoint through the FastAPI TestClient and
the service function on `--sample` random articles, printing median and p95 in ms and the
ratio of the median to the 50 ms budget; and writes `--judge` random articles with their
top 3 related titles, categories and shared entities to `--judge-out` for reading, with
the share of top-1 results in the same category (a floor: judge the story by reading).
`--compare` also scores every article in memory with other length factors.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, select  # noqa: E402

from app.api.services.links import LENGTH_EXPONENT, related_articles  # noqa: E402
from app.db import create_db_engine  # noqa: E402
from app.store import tables as models  # noqa: E402
from app.store.migrate import upgrade  # noqa: E402

BUDGET_MS = 50.0


def load(corpus: Path, url: str) -> None:
    from app.ingest.loader import LoadState, load_paths
    from app.ingest.runners import make_runner

    upgrade(url)
    engine = create_db_engine(url)
    runner = make_runner(engine=engine, broker_url="", workers=None, max_tries=3)
    state = LoadState()
    started = time.perf_counter()
    reported = [0]

    def progress(state: LoadState) -> None:
        if state.done - reported[0] >= 100:
            reported[0] = state.done
            rate = state.done / (time.perf_counter() - started)
            print(f"  {state.done}/{state.total} loaded, {rate:.1f} articles/s", flush=True)

    load_paths(engine, [corpus], runner=runner, state=state, on_progress=progress)
    runner.close()
    elapsed = time.perf_counter() - started
    print(f"loaded {state.done} in {elapsed:.0f} s: {dict(state.counts)}", flush=True)
    engine.dispose()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(name: str, timings: list[float]) -> None:
    median, p95 = statistics.median(timings), percentile(timings, 0.95)
    print(
        f"{name:<10} n={len(timings)}  median {median:6.2f} ms  p95 {p95:6.2f} ms  "
        f"max {max(timings):6.2f} ms  median/budget {median / BUDGET_MS:.3f}"
    )


def time_requests(url: str, ids: list[str]) -> None:
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    settings = Settings(
        database_url=url, load_on_startup=False, migrate_on_startup=False, log_level="WARNING"
    )
    app = create_app(settings, nlp=object())  # type: ignore[arg-type]  (nothing annotates)
    engine = create_db_engine(url)
    with TestClient(app) as client:
        for article_id in ids[:10]:  # warm caches and connections
            client.get(f"/articles/{article_id}/related")
        http, service = [], []
        for article_id in ids:
            started = time.perf_counter()
            response = client.get(f"/articles/{article_id}/related")
            http.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
        with Session(engine) as session:
            for article_id in ids:
                started = time.perf_counter()
                related_articles(session, article_id=article_id)
                service.append((time.perf_counter() - started) * 1000)
    report("http", http)
    report("service", service)
    engine.dispose()


def judge(url: str, corpus: Path, ids: list[str], out: Path) -> None:
    categories = {}
    for line in corpus.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            categories[record["id"]] = record.get("meta", {}).get("category", "?")
    engine = create_db_engine(url)
    same = answered = 0
    with Session(engine) as session, out.open("w", encoding="utf-8") as handle:
        for n, article_id in enumerate(ids, 1):
            article = session.get(models.Article, article_id)
            assert article is not None
            related = related_articles(session, article_id=article_id, limit=3)
            handle.write(f"{n}. [{categories.get(article_id)}] {article_id}: {article.title}\n")
            for rank, item in enumerate(related, 1):
                names = ", ".join(f"{s.name} ({s.weight:.1f})" for s in item.shared_entities[:8])
                handle.write(
                    f"   {rank}. {item.score:6.2f} [{categories.get(item.article.id)}] "
                    f"{item.article.id}: {item.article.title}\n      shared: {names}\n"
                )
            if not related:
                handle.write("   (nothing related)\n")
            handle.write("\n")
            if related:
                answered += 1
                same += categories.get(related[0].article.id) == categories.get(article_id)
    engine.dispose()
    print(f"judge sample: {len(ids)} articles written to {out}")
    print(f"  top-1 in the same category: {same}/{answered} answered ({len(ids)} asked)")


def compare_normalisations(url: str, corpus: Path, check: list[str]) -> None:
    """Score every article against all others in memory, as the SQL does, per length factor.

    Prints the share of top-1 results in the query's category and how often the most
    frequent top-1 article comes back (an article listing a hundred names tops many).
    """
    categories = {}
    for line in corpus.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            categories[record["id"]] = record.get("meta", {}).get("category", "?")
    engine = create_db_engine(url)
    with Session(engine) as session:
        rows = session.exec(
            select(models.ArticleEntity.article_id, models.ArticleEntity.entity_id)
        ).all()
        counts = dict(session.exec(select(models.Entity.id, models.Entity.article_count)).all())
        total = len(session.exec(select(models.Article.id)).all())
        replica_ok = 0
        expected = {
            a: [r.article.id for r in related_articles(session, article_id=a)] for a in check
        }
    engine.dispose()
    entities: dict[str, set[str]] = defaultdict(set)
    holders: dict[str, list[str]] = defaultdict(list)
    for article_id, entity_id in rows:
        entities[article_id].add(entity_id)
        holders[entity_id].append(article_id)
    idf = {e: math.log(total / n) for e, n in counts.items() if n > 1 and total > n}

    def ranked(article_id: str, exponent: float) -> list[str]:
        shared: dict[str, float] = defaultdict(float)
        for e in entities[article_id]:
            for other in holders[e] if e in idf else ():
                if other != article_id:
                    shared[other] += idf[e]
        scored = {b: v / len(entities[b]) ** exponent for b, v in shared.items()}
        return sorted(scored, key=lambda b: (-scored[b], b))[:10]

    for a in check:
        replica_ok += ranked(a, LENGTH_EXPONENT) == expected[a]
    print(f"in-memory replica agrees with the service on {replica_ok}/{len(check)} articles")
    print("length factor       top-1 same category   distinct top-1   most frequent top-1")
    for name, exponent in [
        ("none", 0.0),
        ("cube root", 1 / 3),
        ("square root", 0.5),
        ("linear", 1.0),
    ]:
        pairs = [(a, r[0]) for a in entities if (r := ranked(a, exponent))]
        tops = [top for _, top in pairs]
        same = sum(categories.get(top) == categories.get(a) for a, top in pairs)
        hub = Counter(tops).most_common(1)[0]
        print(f"{name:<18}  {same / len(tops):20.1%}   {len(set(tops)):14}   {hub[1]:4} ({hub[0]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("store", type=Path, help="SQLite file to load into (or reuse)")
    parser.add_argument("--reuse", action="store_true", help="the store is already loaded")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--judge", type=int, default=20)
    parser.add_argument("--judge-out", type=Path, default=Path("related_judge.txt"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--compare", action="store_true", help="compare length factors over every article"
    )
    args = parser.parse_args()

    url = f"sqlite:///{args.store.resolve()}"
    if not args.reuse:
        if args.store.exists():
            raise SystemExit(f"{args.store} exists: remove it, or pass --reuse")
        load(args.corpus, url)
    upgrade(url)  # a reused store gets the newest indexes too
    engine = create_db_engine(url)
    with Session(engine) as session:
        ids = sorted(session.exec(select(models.Article.id)).all())
    engine.dispose()
    print(f"{len(ids)} articles in {args.store}")
    rng = random.Random(args.seed)
    time_requests(url, rng.sample(ids, min(args.sample, len(ids))))
    judge(url, args.corpus, random.Random(args.seed + 1).sample(ids, args.judge), args.judge_out)
    if args.compare:
        compare_normalisations(url, args.corpus, rng.sample(ids, 50))


if __name__ == "__main__":
    main()

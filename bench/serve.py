"""Serve a stored corpus as `make run` does and measure it with wrk against the ceiling.

    python bench/serve.py STORE.db [--postgres URL] [--duration 10] [--connections 32]
        [--ids 200] [--port 8201] [--ceiling-port 8202] [--seed 7] [--only detail,list]
        [--writes-per-second R]

STORE is a SQLite file loaded by `python -m app load` (e.g. the BBC corpus). The service
runs as `make run` starts it (`python -m app serve`: uvicorn, one worker, the connection
limits; the startup load off, so the corpus is all it serves). With `--postgres URL` the SQLite store is first copied into
that (emptied) Postgres database and the service runs on it.

Every endpoint is driven by wrk (`-t2 -cN`, `--latency`) rotating over `--ids` URLs: article
detail, the article list (its first pages), entity detail, quotes by speaker, related
articles and a search of the list by a word from a title. The same run serves the very
same bodies, fetched from the service once, from a bare Starlette app (the ceiling), each
endpoint alternating between the two; it prints req/s, p50 and p99 of both and the ratio,
and the time of each URL's first read, one at a time (before anything it reads was
rendered or kept).
One run, one machine: a busy machine shows as noise on both sides of the ratio.

With `--writes-per-second R`, a thread stores R short new articles a second through
`POST /articles` while wrk drives the service (not the ceiling): each write changes the
corpus's version, so corpus-wide answers are built again as under a steady ingest. The
store is written to: use a copy.

With `--datasette PATH` (a `datasette` executable, installed apart from the project, e.g.
`python -m venv /tmp/ds && /tmp/ds/bin/pip install datasette`), Datasette then serves the
very same SQLite file (read-only) and wrk drives it over the same ids at the nearest URLs
it has, JSON rows as objects: the article's row; a page of article summaries by date,
followed through `next_url`; the entity's row; the speaker's quotes, 20 by article; the
article's entity rows (related articles have no equivalent: these are what they are
computed from); and a full-text search of article_fts. It prints both req/s and ours /
Datasette's. Not with --postgres.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import Integer, create_engine, func, insert, select, text  # noqa: E402

from app.store import tables as models  # noqa: E402
from app.store.search import STOP_WORDS  # noqa: E402

ENDPOINTS = ("detail", "list", "entity", "speaker_quotes", "related", "search")
BUDGET_P99_MS = 50.0
CEILING = """
import json, sys
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
import uvicorn

bodies = {k: v.encode() for k, v in json.load(open(sys.argv[1])).items()}

async def serve(request):
    key = request.url.path + ("?" + request.url.query if request.url.query else "")
    return Response(bodies[key], media_type="application/json")

app = Starlette(routes=[Route("/{path:path}", serve)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]))
"""
WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def sample_urls(sqlite_url: str, *, ids: int, seed: int) -> dict[str, list[str]]:
    """The URLs each endpoint rotates over, drawn from the store."""
    rng = random.Random(seed)
    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        articles = connection.execute(select(models.Article.id, models.Article.title)).all()
        entities = connection.scalars(
            select(models.Entity.id).where(models.Entity.article_count > 1)
        ).all()
        speakers = connection.scalars(
            select(models.Quote.speaker_entity_id)
            .where(models.Quote.speaker_entity_id.is_not(None))
            .group_by(models.Quote.speaker_entity_id)
            .order_by(func.count().desc(), models.Quote.speaker_entity_id)
        ).all()
    engine.dispose()
    chosen = rng.sample(articles, min(ids, len(articles)))
    # A stop word alone is no query (422): "through" is one.
    words = sorted(
        {w.lower() for _, title in articles for w in re.findall(r"[A-Za-z]{6,}", title)}
        - STOP_WORDS
    )
    return {
        "detail": [f"/articles/{a.id}" for a in chosen],
        "related": [f"/articles/{a.id}/related" for a in chosen],
        "entity": [f"/entities/{e}" for e in rng.sample(entities, min(ids, len(entities)))],
        "speaker_quotes": [f"/entities/{s}/quotes" for s in speakers[:ids]],
        "search": [f"/articles?q={w}" for w in rng.sample(words, min(ids, len(words)))],
        "list": [],  # the first pages, followed through `next` once the service runs
    }


def copy_to_postgres(sqlite_url: str, postgres_url: str) -> None:
    """Copy every table of the SQLite store into an emptied Postgres database."""
    from sqlmodel import SQLModel

    from app.store.maintenance import refresh_statistics
    from app.store.migrate import upgrade

    target = create_engine(postgres_url)
    with target.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(postgres_url)
    source = create_engine(sqlite_url)
    with source.connect() as reading, target.begin() as writing:
        for table in SQLModel.metadata.sorted_tables:
            writing.execute(table.delete())
            rows = [dict(r._mapping) for r in reading.execute(select(table))]
            for start in range(0, len(rows), 2000):
                writing.execute(insert(table), rows[start : start + 2000])
        for table in SQLModel.metadata.sorted_tables:  # serial ids continue after the copy
            id_column = table.c.get("id")
            if (
                id_column is not None
                and id_column.autoincrement
                and isinstance(id_column.type, Integer)
            ):
                writing.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 1))"
                    )
                )
    refresh_statistics(target)
    source.dispose()
    target.dispose()


def wait_until_up(
    base: str,
    path: str = "/ready",
    *,
    timeout: float = 120.0,
    interval: float = 0.3,
    process: subprocess.Popen | None = None,
) -> None:
    """Poll `base + path` until it answers 200 (/ready: the startup load is done); exits
    if it has not after `timeout` seconds, or if `process`, the server, has stopped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + path, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process is not None and process.poll() is not None:
            raise SystemExit(f"the server of {base} stopped (exit code {process.returncode})")
        time.sleep(interval)
    raise SystemExit(f"{base}{path} did not answer 200 within {timeout:.0f} s")


def first_pages(base: str, count: int, first_reads: dict[str, float]) -> list[str]:
    urls, url = [], "/articles?limit=20"
    # One client: httpx.get makes a client (and its TLS context) per call, tens of ms.
    with httpx.Client(base_url=base, timeout=30) as client:
        while url and len(urls) < count:
            urls.append(url)
            started = time.perf_counter()
            following = client.get(url).json()["next"]
            first_reads[url] = (time.perf_counter() - started) * 1000
            url = following.removeprefix(base) if following else None
    return urls


class Writer:
    """Stores `rate` short new articles a second through POST /articles while in use: every
    write changes the corpus's version, as a steady ingest does."""

    def __init__(self, base: str, rate: float, *, prefix: str) -> None:
        self.base, self.rate, self.prefix = base, rate, prefix
        self.stored = self.failed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._write, daemon=True)

    def __enter__(self) -> Writer:
        if self.rate > 0:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _write(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            n = 0
            while not self._stop.wait(1 / self.rate):
                n += 1
                text = (
                    f"Council vote number {n}\n\n"
                    f"The council in Leeds voted on item {n} of the budget on Monday, "
                    "the leader of the council said."
                )
                response = client.post(
                    "/articles", json={"id": f"bench-{self.prefix}-{time.time_ns()}", "text": text}
                )
                if response.status_code == 201:
                    self.stored += 1
                else:
                    self.failed += 1


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_wrk(base: str, paths: list[str], *, connections: int, duration: int) -> dict[str, float]:
    script = WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", handle.name]
    output = subprocess.run([*command, base], capture_output=True, text=True, check=True).stdout
    os.unlink(handle.name)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"\s50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1)),
        "errors": float(
            sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
        ),
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


SUMMARY_COLUMNS = (
    "id", "slug", "title", "source", "url", "published_at", "word_count", "created_at",
    "updated_at",
)  # fmt: skip


def datasette_urls(
    base: str, database: str, urls: dict[str, list[str]], pages: int
) -> dict[str, list[str]]:
    """Datasette's nearest URL for each URL of ours (see the module docstring)."""
    shape = "_shape=objects"
    columns = "&".join(f"_col={c}" for c in SUMMARY_COLUMNS if c != "id")

    def last(path: str, strip: str = "") -> str:
        return quote(unquote(path.removesuffix(strip).rsplit("/", 1)[-1]), safe="")

    listing, url = [], f"/{database}/article.json?_sort_desc=sort_at&_size=20&{columns}&{shape}"
    while url and len(listing) < pages:
        listing.append(url)
        following = httpx.get(base + url, timeout=60).json().get("next_url")
        url = following.split(base.split("//", 1)[1], 1)[-1] if following else None
    words = [parse_qs(urlsplit(u).query)["q"][0] for u in urls["search"]]
    return {
        "detail": [f"/{database}/article/{last(u)}.json?{shape}" for u in urls["detail"]],
        "list": listing,
        "entity": [f"/{database}/entity/{last(u)}.json?{shape}" for u in urls["entity"]],
        "speaker_quotes": [
            f"/{database}/quote.json?speaker_entity_id={last(u, '/quotes')}&_sort=article_id"
            f"&_size=20&{shape}"
            for u in urls["speaker_quotes"]
        ],
        "related": [
            f"/{database}/article_entity.json?article_id={last(u, '/related')}&{shape}"
            for u in urls["related"]
        ],
        "search": [
            f"/{database}/article_fts.json?_search={quote(w)}&_size=20&_col=article_id"
            f"&_col=title&{shape}"
            for w in words
        ],
    }


def compare_with_datasette(
    executable: str,
    store: Path,
    *,
    port: int,
    urls: dict[str, list[str]],
    ours: dict[str, dict[str, float]],
    connections: int,
    duration: int,
) -> None:
    """Serve `store` with Datasette, drive it with wrk as ours was, print both."""
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [executable, "serve", str(store), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(base, "/-/versions.json", process=process)
        theirs = datasette_urls(base, store.stem, urls, pages=len(urls["list"]))
        print(f"datasette {httpx.get(base + '/-/versions.json').json()['datasette']['version']}")
        print(
            f"{'endpoint':<15}{'gazette req/s':>15}{'datasette req/s':>17}{'p50 ms':>8}"
            f"{'p99 ms':>8}{'ours/theirs':>13}"
        )
        for name, figures in ours.items():
            for url in theirs[name][:1]:  # a URL that does not answer 200 says so here
                httpx.get(base + url, timeout=60).raise_for_status()
            found = run_wrk(base, theirs[name], connections=connections, duration=duration)
            errors = f"  ({int(found['errors'])} non-2xx)" if found["errors"] else ""
            print(
                f"{name:<15}{figures['rps']:>15.0f}{found['rps']:>17.0f}{found['p50']:>8.1f}"
                f"{found['p99']:>8.1f}{figures['rps'] / found['rps']:>13.2f}{errors}",
                flush=True,
            )
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="SQLite file of a loaded corpus")
    parser.add_argument("--postgres", help="copy the store into this database and serve it")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--ids", type=int, default=200, help="URLs each endpoint rotates over")
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--ceiling-port", type=int, default=8202)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="comma-separated endpoints: " + ",".join(ENDPOINTS))
    parser.add_argument("--datasette", help="a datasette executable: compare with it too")
    parser.add_argument("--datasette-port", type=int, default=8203)
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=0.0,
        help="while wrk drives the service, also store this many short new articles a second",
    )
    args = parser.parse_args()
    if args.datasette and args.postgres:
        parser.error("--datasette serves the SQLite store: not with --postgres")

    sqlite_url = f"sqlite:///{args.store.resolve()}"
    from app.store.migrate import upgrade

    upgrade(sqlite_url)  # the store may predate the newest migration
    urls = sample_urls(sqlite_url, ids=args.ids, seed=args.seed)
    database_url = sqlite_url
    if args.postgres:
        print(f"copying {args.store} into {args.postgres} ...", flush=True)
        copy_to_postgres(sqlite_url, args.postgres)
        database_url = args.postgres
    env = {
        **os.environ,
        "GAZETTE_DATABASE_URL": database_url,
        "GAZETTE_LOAD_ON_STARTUP": "false",
        "GAZETTE_LOG_LEVEL": "WARNING",
    }
    python = str(ROOT / ".venv" / "bin" / "python")
    base = f"http://127.0.0.1:{args.port}"
    ceiling_base = f"http://127.0.0.1:{args.ceiling_port}"
    service = subprocess.Popen(
        [python, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(args.port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ceiling = None
    try:
        wait_until_up(base, process=service)
        # Each URL's first read, one at a time: what a request pays before anything it reads
        # was rendered or kept (the corpus pages of one store rev, stored documents).
        first_reads: dict[str, float] = {}
        urls["list"] = first_pages(base, args.ids, first_reads)
        endpoints = args.only.split(",") if args.only else list(ENDPOINTS)
        bodies: dict[str, str] = {}
        with httpx.Client(base_url=base, timeout=60) as client:
            for name in endpoints:  # also renders what is rendered on first read
                for url in urls[name]:
                    started = time.perf_counter()
                    response = client.get(url)
                    first_reads.setdefault(url, (time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                    bodies[url] = response.text
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(bodies, handle)
        ceiling = subprocess.Popen(
            [sys.executable, "-c", CEILING, handle.name, str(args.ceiling_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(ceiling_base, urls[endpoints[0]][0], process=ceiling)
        backend = "postgres" if args.postgres else "sqlite"
        print(
            f"{backend}, one worker, wrk -t2 -c{args.connections} -d{args.duration}s, "
            f"rotating over up to {args.ids} URLs per endpoint"
        )
        header = (
            f"{'endpoint':<15}{'urls':>5}{'gazette req/s':>15}{'p50 ms':>8}{'p99 ms':>8}"
            f"{'ceiling req/s':>15}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}  p99<50ms"
            f"  first read p50/max ms"
        )
        print(header)
        measured: dict[str, dict[str, float]] = {}
        for name in endpoints:
            paths = urls[name]
            with Writer(base, args.writes_per_second, prefix=name) as writer:
                ours = run_wrk(base, paths, connections=args.connections, duration=args.duration)
            measured[name] = ours
            top = run_wrk(ceiling_base, paths, connections=args.connections, duration=args.duration)
            ratio = ours["rps"] / top["rps"]
            firsts = [first_reads[url] for url in paths]
            flag = "yes" if ours["p99"] < BUDGET_P99_MS else "no"
            errors = f"  ({int(ours['errors'])} non-2xx)" if ours["errors"] else ""
            if args.writes_per_second:
                errors += f"  ({writer.stored} writes, {writer.failed} failed)"
            print(
                f"{name:<15}{len(paths):>5}{ours['rps']:>15.0f}{ours['p50']:>8.1f}"
                f"{ours['p99']:>8.1f}{top['rps']:>15.0f}{top['p50']:>8.1f}{top['p99']:>8.1f}"
                f"{ratio:>7.2f}  {flag:<8}  {quantile(firsts, 0.5):.1f}/{max(firsts):.1f}{errors}",
                flush=True,
            )
        os.unlink(handle.name)
        if args.datasette:
            for process in (service, ceiling):  # the machine to Datasette alone
                process.terminate()
                process.wait(timeout=15)
            compare_with_datasette(
                args.datasette,
                args.store.resolve(),
                port=args.datasette_port,
                urls=urls,
                ours=measured,
                connections=args.connections,
                duration=args.duration,
            )
    finally:
        for process in (service, ceiling):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:  # requests still queued after wrk stopped
                    process.kill()
                    process.wait()


if __name__ == "__main__":
    main()

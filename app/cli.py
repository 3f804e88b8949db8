"""Command line: `python -m app serve`, `load PATH…`, `worker`, `annotate FILE`, `migrate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.config import get_settings

# Connection limits (README, "Connections and proxies"): request headers within 10 s
# (app.api.protocol), idle keep-alive connections closed after 5 s, at most 200 connections
# and requests at once (503 beyond). `serve` gives them to uvicorn as defaults, so an option
# on the command line or uvicorn's own UVICORN_* variable still overrides each.
SERVE_LIMITS = {
    "http": "app.api.protocol:HeaderTimeoutProtocol",
    "timeout_keep_alive": 5,
    "limit_concurrency": 200,
    "backlog": 256,
    "h11_max_incomplete_event_size": 65536,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "serve",
        help="serve the API (app.main:app) with uvicorn and the connection limits; every "
        "further argument is uvicorn's (--host, --port, --workers...)",
        add_help=False,  # --help is uvicorn's
    )
    load = commands.add_parser("load", help="ingest files, folders and JSONL into the store")
    load.add_argument("paths", nargs="+", type=Path)
    load.add_argument("--batch-size", type=int, default=None)
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    load.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local worker processes (default: the broker's workers if GAZETTE_BROKER_URL is "
        "set, else one process per CPU; 0: this process)",
    )
    worker = commands.add_parser("worker", help="take annotation jobs from the broker")
    worker.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    worker.add_argument("--threads", type=int, default=1, help="threads per process (default 1)")
    annotate = commands.add_parser("annotate", help="print the annotation of a file as JSON")
    annotate.add_argument("path", type=Path)
    commands.add_parser("migrate", help="upgrade the database schema to the newest migration")
    args, rest = parser.parse_known_args(argv)
    if args.command == "serve":
        return _serve(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "load":
        return _load(args.paths, batch_size=args.batch_size, quiet=args.quiet, workers=args.workers)
    if args.command == "worker":
        return _worker(processes=args.processes, threads=args.threads)
    if args.command == "annotate":
        return _annotate(args.path)
    return _migrate()


def _serve(arguments: list[str]) -> int:
    from uvicorn.main import main as uvicorn_main

    uvicorn_main.main(
        ["app.main:app", *arguments], prog_name="python -m app serve", default_map=SERVE_LIMITS
    )
    return 0  # not reached: uvicorn exits when it stops


def _migrate() -> int:
    from app.store.migrate import upgrade

    upgrade(get_settings().database_url)
    return 0


def _load(paths: list[Path], *, batch_size: int | None, quiet: bool, workers: int | None) -> int:
    from tqdm import tqdm

    from app.db import create_db_engine
    from app.ingest.loader import LoadState, load_paths
    from app.ingest.runners import make_runner
    from app.store.migrate import upgrade

    settings = get_settings()
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"error: {path} does not exist", file=sys.stderr)
    if missing:
        return 2
    upgrade(settings.database_url)
    engine = create_db_engine(settings.database_url)
    # --workers asks for local processes, even where a broker is configured.
    broker_url = settings.broker_url if workers is None else ""
    workers = settings.workers if workers is None else workers
    nlp = None
    if not broker_url and workers == 0:
        from app.annotate.nlp import load_nlp

        nlp = load_nlp()
    runner = make_runner(
        engine=engine,
        broker_url=broker_url,
        workers=workers,
        max_tries=settings.max_tries,
        nlp=nlp,
        queue_name=settings.queue_name,
    )
    state = LoadState()
    try:
        # A bar with the total and an ETA on a terminal; nothing when the output is a file
        # or a pipe.
        with tqdm(unit="doc", disable=quiet or not sys.stderr.isatty(), file=sys.stderr) as bar:

            def progress(state: LoadState) -> None:
                bar.total = state.total
                bar.update(state.done - bar.n)

            load_paths(
                engine,
                paths,
                runner=runner,
                state=state,
                batch_size=batch_size or settings.batch_size,
                origin="cli",
                on_progress=progress,
            )
    finally:
        runner.close()
    counts = state.counts
    print(
        f"loaded {counts['created'] + counts['updated']} "
        f"(new {counts['created']}, replaced {counts['updated']}) / "
        f"unchanged {counts['unchanged']} / skipped {counts['skipped']} / failed {counts['failed']}"
    )
    for problem in state.problems:
        print(f"  {problem.outcome.value}: {problem.origin}: {problem.reason}")
    engine.dispose()
    return 1 if counts["failed"] else 0


def _worker(*, processes: int, threads: int) -> int:
    from dramatiq.cli import main as dramatiq_main
    from dramatiq.cli import make_argument_parser

    if not get_settings().broker_url:
        print(
            "error: GAZETTE_BROKER_URL is not set; workers take jobs from a broker", file=sys.stderr
        )
        return 2
    arguments = ["app.ingest.worker", "--processes", str(processes), "--threads", str(threads)]
    return int(dramatiq_main(make_argument_parser().parse_args(arguments)) or 0)


def _annotate(path: Path) -> int:
    from app.annotate.decoding import decode_bytes
    from app.annotate.nlp import load_nlp
    from app.annotate.pipeline import annotate
    from app.api.presenters import local_document

    annotation = annotate(decode_bytes(path.read_bytes()), nlp=load_nlp())
    json.dump(
        local_document(annotation).model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2
    )
    print()
    return 0

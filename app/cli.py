"""Command line: `python -m app load PATH…`, `python -m app annotate FILE`, `python -m app migrate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.config import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="ingest files, folders and JSONL into the store")
    load.add_argument("paths", nargs="+", type=Path)
    load.add_argument("--batch-size", type=int, default=None)
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    annotate = commands.add_parser("annotate", help="print the annotation of a file as JSON")
    annotate.add_argument("path", type=Path)
    commands.add_parser("migrate", help="upgrade the database schema to the newest migration")
    args = parser.parse_args(argv)
    if args.command == "load":
        return _load(args.paths, batch_size=args.batch_size, quiet=args.quiet)
    if args.command == "annotate":
        return _annotate(args.path)
    return _migrate()


def _migrate() -> int:
    from app.store.migrate import upgrade

    upgrade(get_settings().database_url)
    return 0


def _load(paths: list[Path], *, batch_size: int | None, quiet: bool) -> int:
    from tqdm import tqdm

    from app.annotate.nlp import load_nlp
    from app.db import create_db_engine
    from app.ingest.loader import LoadState, load_paths
    from app.store.migrate import upgrade

    settings = get_settings()
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"error: {path} does not exist", file=sys.stderr)
    if missing:
        return 2
    upgrade(settings.database_url)
    engine = create_db_engine(settings.database_url)
    nlp = load_nlp()
    state = LoadState()
    with tqdm(unit="doc", disable=quiet, file=sys.stderr) as bar:
        load_paths(
            engine,
            paths,
            nlp=nlp,
            state=state,
            batch_size=batch_size or settings.batch_size,
            on_result=lambda _result: bar.update(1),
        )
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


def _annotate(path: Path) -> int:
    from app.annotate.document import decode_bytes
    from app.annotate.nlp import load_nlp
    from app.annotate.pipeline import annotate
    from app.api.presenters import local_document

    annotation = annotate(decode_bytes(path.read_bytes()), nlp=load_nlp())
    json.dump(
        local_document(annotation).model_dump(mode="json"), sys.stdout, ensure_ascii=False, indent=2
    )
    print()
    return 0

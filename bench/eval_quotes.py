"""Annotate a JSONL set of articles through `POST /annotate` and write quote predictions.

    python bench/eval_quotes.py INPUT.jsonl OUTPUT.jsonl [--limit N]

Each input record needs `id` and `text`. The app runs in process (an ASGI client on
`create_app`, a throw-away SQLite store), so what is scored is what the API serves.
Each output record is `{id, quotes:[{start,end,kind,speaker_name,speaker_start,
speaker_end,attribution}]}`, one per served quote segment, with `speaker_name` the
resolved entity's name, else the mention text, and `attribution` the served
`attribution_id`. Turn it into the counted units with the shared `quote_views.py`
(`segments` or `attributions`), then score with `score_quotes.py`.
With --limit, the ids written go to OUTPUT.ids, for the scorer's `--ids`.
The API refuses control characters (a few archived articles carry a stray U+0083): each
is sent as a space, which keeps every offset.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402

from app.annotate.nlp import load_nlp  # noqa: E402
from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402

# What the API refuses as a document's control characters (app.api.validation).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def served_quotes(document: dict) -> list[dict]:
    """The quotes of one `POST /annotate` response as scorer records."""
    return [
        {
            "start": q["start"],
            "end": q["end"],
            "kind": q["kind"],
            "speaker_name": (q["speaker"] or {}).get("name")
            or (q["speaker_mention"] or {}).get("text"),
            "speaker_start": (q["speaker_mention"] or {}).get("start"),
            "speaker_end": (q["speaker_mention"] or {}).get("end"),
            "attribution": q["attribution_id"],
        }
        for q in document["quotes"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    with open(args.input, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    if args.limit:
        records = records[: args.limit]
        Path(args.output + ".ids").write_text("".join(r["id"] + "\n" for r in records))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/bench.db",
            seed_dir=Path(tmp) / "seed",
            load_on_startup=False,
            max_document_chars=10_000_000,
            log_level="WARNING",
        )
        app = create_app(settings, nlp=load_nlp())
        logging.getLogger("httpx").setLevel(logging.WARNING)
        started = time.perf_counter()
        words = 0
        # From loopback: with no API key configured, only loopback may call POST /annotate.
        with (
            TestClient(app, client=("127.0.0.1", 50000)) as client,
            open(args.output, "w", encoding="utf-8") as out,
        ):
            for record in records:
                text = _CONTROLS.sub(" ", record["text"])
                response = client.post("/annotate", json={"text": text})
                if response.status_code != 200:
                    raise SystemExit(f"{record['id']}: {response.status_code} {response.text}")
                document = response.json()
                if document["text"] != text:
                    raise SystemExit(f"{record['id']}: normalisation changed the text")
                words += len(record["text"].split())
                out.write(
                    json.dumps({"id": record["id"], "quotes": served_quotes(document)}) + "\n"
                )
    elapsed = time.perf_counter() - started
    print(
        f"{len(records)} articles, {words} words in {elapsed:.1f}s ({words / elapsed:.0f} words/s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

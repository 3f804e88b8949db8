"""Annotate a JSONL set of articles through `POST /annotate` and write quote predictions.

    python bench/eval_quotes.py INPUT.jsonl OUTPUT.jsonl [--limit N]

Each input record needs `id` and `text`. The app runs in process (see `served.py`), so
what is scored is what the API serves.
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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.served import annotate_served, served_client  # noqa: E402


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
    words = 0
    with served_client() as client, open(args.output, "w", encoding="utf-8") as out:
        started = time.perf_counter()  # the model is loaded: annotation alone is timed
        for record in records:
            try:
                document = annotate_served(client, record["text"])
            except SystemExit as failed:
                raise SystemExit(f"{record['id']}: {failed}") from None
            words += len(record["text"].split())
            out.write(json.dumps({"id": record["id"], "quotes": served_quotes(document)}) + "\n")
        elapsed = time.perf_counter() - started
    print(
        f"{len(records)} articles, {words} words in {elapsed:.1f}s ({words / elapsed:.0f} words/s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

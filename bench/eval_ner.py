"""Annotate a JSONL file of texts through `POST /annotate` and write entity mentions for `score_ner.py`.

    python bench/eval_ner.py INPUT.jsonl OUTPUT.jsonl [--bare] [--limit N]

Each input line is `{id, text, ...}`; each output line `{id, mentions:[{start,end,type}]}`
with offsets into the input `text`. The app runs in process (see `served.py`), so what
is scored is what the API serves. `--bare` writes the model's own entities instead
(the baseline). Prints the throughput.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.annotate.entities import KEPT_LABELS  # noqa: E402
from app.annotate.nlp import load_nlp  # noqa: E402
from bench.served import annotate_served, served_client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--bare", action="store_true", help="the model's entities, unchanged")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()

    records = [json.loads(line) for line in args.input.open(encoding="utf-8") if line.strip()]
    records = records[: args.limit]
    started = time.perf_counter()
    with args.output.open("w", encoding="utf-8") as out:
        if args.bare:
            docs = load_nlp().pipe((r["text"] for r in records), batch_size=16)
            for record, doc in zip(records, docs, strict=True):
                mentions = [
                    {"start": e.start_char, "end": e.end_char, "type": e.label_}
                    for e in doc.ents
                    if e.label_ in KEPT_LABELS
                ]
                out.write(json.dumps({"id": record["id"], "mentions": mentions}) + "\n")
        else:
            with served_client() as client:
                for record in records:
                    document = annotate_served(client, record["text"])
                    mentions = [
                        {"start": m["start"], "end": m["end"], "type": e["type"]}
                        for e in document["entities"]
                        for m in e["mentions"]
                    ]
                    out.write(json.dumps({"id": record["id"], "mentions": mentions}) + "\n")
    elapsed = time.perf_counter() - started
    chars = sum(len(r["text"]) for r in records)
    print(f"{len(records)} texts, {chars} chars in {elapsed:.1f}s ({chars / elapsed:,.0f} chars/s)")


if __name__ == "__main__":
    main()

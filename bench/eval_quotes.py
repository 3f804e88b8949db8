"""Annotate a JSONL set of articles and write quote predictions for `score_quotes.py`.

    python bench/eval_quotes.py INPUT.jsonl OUTPUT.jsonl [--limit N]

Each input record needs `id` and `text`; each output record is
`{id, quotes:[{start,end,speaker_name,speaker_start,speaker_end,kind}]}`, with
`speaker_name` the resolved entity's canonical name, else the mention text.
With --limit, the ids written go to OUTPUT.ids, for the scorer's `--ids`.

Scorers count attributions (one per cue, as PolNeAR and the Gender Gap
Tracker annotate them), so quotes sharing a cue are reported as one span
covering them ("A," he said, "B." is one attribution; so is a reported clause
and the quoted fragment inside it), and so is a quotation continuing the
previous one of its paragraph, or opening the next paragraph, without a cue
of its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.annotate.nlp import load_nlp  # noqa: E402
from app.annotate.pipeline import Document, annotate_many  # noqa: E402
from app.annotate.types import Annotation, Quote  # noqa: E402

KIND_RANK = {"direct": 0, "partial": 1, "indirect": 2}


def attributions(annotation: Annotation) -> list[dict]:
    """The quotes of one annotation as scorer records, merged by attribution."""
    names = {e.key: e.name for e in annotation.entities}
    groups: list[list[Quote]] = []
    by_cue: dict[int, list[Quote]] = {}
    for quote in sorted(annotation.quotes, key=lambda q: q.start):
        if quote.cue is not None:
            group = by_cue.get(quote.cue.start)
            if group is not None and all(_same_attribution(q, quote) for q in group):
                group.append(quote)
                continue
            by_cue[quote.cue.start] = [quote]
            groups.append(by_cue[quote.cue.start])
            continue
        # The last quotation before it, past reported clauses lying between them.
        quoted = [g for g in groups if any(q.kind.value != "indirect" for q in g)]
        previous = quoted[-1][-1] if quoted else None
        if (
            previous is not None
            and quote.kind.value == "direct"
            and quote.speaker_mention is not None
            and previous.speaker_mention == quote.speaker_mention
            and _continues(annotation.text, previous, quote)
        ):
            quoted[-1].append(quote)
            continue
        groups.append([quote])
    out = []
    for group in _fold_fragments(groups):
        head = min(group, key=lambda q: KIND_RANK[q.kind.value])
        speaker = next((q for q in group if q.speaker_mention is not None), None)
        record = {
            "start": min(q.start for q in group),
            "end": max(q.end for q in group),
            "kind": head.kind.value,
            "speaker_name": None,
            "speaker_start": None,
            "speaker_end": None,
        }
        if speaker is not None and speaker.speaker_mention is not None:
            mention = speaker.speaker_mention
            record["speaker_name"] = names.get(speaker.speaker_key or "", mention.text)
            record["speaker_start"] = mention.start
            record["speaker_end"] = mention.end
        out.append(record)
    return out


def _fold_fragments(groups: list[list[Quote]]) -> list[list[Quote]]:
    """Quoted fragments inside a reported clause belong to that clause's attribution."""
    clauses = [g for g in groups if any(q.kind.value == "indirect" for q in g)]
    out = []
    for group in groups:
        if all(q.kind.value == "partial" for q in group):
            start, end = min(q.start for q in group), max(q.end for q in group)
            around = [
                g
                for g in clauses
                if any(q.kind.value == "indirect" and q.start <= start and end <= q.end for q in g)
            ]
            if around:
                min(around, key=lambda g: max(q.end for q in g) - min(q.start for q in g)).extend(
                    group
                )
                continue
        out.append(group)
    return [sorted(g, key=lambda q: q.start) for g in out]


def _continues(text: str, previous: Quote, quote: Quote) -> bool:
    """`quote` goes on with `previous`: later in its paragraph, or opening the next one."""
    between = text[previous.end : quote.start]
    if "\n" not in between:
        return True
    # A quotation standing at the head of the next paragraph, nothing else between.
    head = between[between.rfind("\n") + 1 :]
    return between.count("\n\n") <= 1 and not head.strip(" \"“'‘")


def _same_attribution(a: Quote, b: Quote) -> bool:
    """Quotes of one cue are one attribution unless a reported clause lies apart from them."""
    if a.kind.value == "indirect" or b.kind.value == "indirect":
        return a.start <= b.start < a.end or b.start <= a.start < b.end
    return True


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
    nlp = load_nlp()
    started = time.perf_counter()
    words = 0
    with open(args.output, "w", encoding="utf-8") as out:
        # A layer that fails on an article is logged by the pipeline and left empty.
        annotations = annotate_many((Document(r["text"]) for r in records), nlp=nlp)
        for record, annotation in zip(records, annotations, strict=True):
            if annotation.text != record["text"]:
                raise SystemExit(f"{record['id']}: normalisation changed the text, offsets differ")
            words += len(record["text"].split())
            quotes = attributions(annotation)
            out.write(json.dumps({"id": record["id"], "quotes": quotes}) + "\n")
    elapsed = time.perf_counter() - started
    print(
        f"{len(records)} articles, {words} words in {elapsed:.1f}s ({words / elapsed:.0f} words/s)",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

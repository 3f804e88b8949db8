"""List the people `POST /annotate` finds in a fixed sample of articles, for judging by hand.

    python bench/people_sample.py OUT.jsonl SET.jsonl:N [SET.jsonl:N ...] [--seed S] [--judged J.json]
        [--missing M.json]

Draws N articles from each JSONL set (`{id, text}`) with a fixed seed, annotates them
through the in-process API (see `served.py`) and writes `{id, people:[name, ...]}` per
article (the input of `score_people.py`). Prints each article's people with the sentence
around their first mention. With `--judged`, a JSON file `{id: {name: true|false}}`
(true: a real person the article mentions), prints people precision over the judged
names, the names not judged yet, and the names judged real that are no longer found.
With `--missing`, a JSON file `{id: [name, ...]}` of people a reader sees in the text
that were not listed when judged, it also prints how many of those are found now and a
recall over every real person known: found real / (found real + real not found).

The judgments of the samples drawn with seeds 8 and 9 (25 BBC and 25 PolNeAR articles
each) are in `bench/data/`: `people_judged.json` (seed 8), `people_judged_heldout.json`
(seed 9, a check that rules are not fitted to the first sample), `people_missing.json`
(both).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.served import annotate_served, served_client  # noqa: E402


def sample(spec: str, seed: int) -> list[dict]:
    path, _, count = spec.rpartition(":")
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return random.Random(seed).sample(records, int(count))


def context(text: str, start: int, end: int, width: int = 60) -> str:
    left = text[max(0, start - width) : start].replace("\n", " ")
    right = text[end : end + width].replace("\n", " ")
    return f"{left}[{text[start:end]}]{right}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("sets", nargs="+", help="PATH:N, N articles drawn from PATH")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--judged", type=Path)
    parser.add_argument("--missing", type=Path)
    parser.add_argument("--quiet", action="store_true", help="print the summary only")
    args = parser.parse_args()

    records = [r for spec in args.sets for r in sample(spec, args.seed)]
    judged = json.loads(args.judged.read_text(encoding="utf-8")) if args.judged else {}
    missing = json.loads(args.missing.read_text(encoding="utf-8")) if args.missing else {}
    missing_found = missing_total = found_missing = 0
    total = false = 0
    unjudged: list[tuple[str, str]] = []
    lost: list[tuple[str, str]] = []
    with served_client() as client, args.output.open("w", encoding="utf-8") as out:
        for record in records:
            document = annotate_served(client, record["text"])
            people = [e for e in document["entities"] if e["type"] == "PERSON"]
            names = [e["name"] for e in people]
            out.write(json.dumps({"id": record["id"], "people": names}) + "\n")
            verdicts = judged.get(record["id"], {})
            if not args.quiet:
                print(f"\n## {record['id']}")
            for entity in people:
                verdict = verdicts.get(entity["name"])
                if verdict is None and any(
                    _same_person(name, entity["name"]) for name in missing.get(record["id"], [])
                ):
                    verdict = True  # noted missing when judged: a real person, found now
                    found_missing += 1
                if verdict is None:
                    unjudged.append((record["id"], entity["name"]))
                else:
                    total += 1
                    false += not verdict
                if not args.quiet:
                    first = entity["mentions"][0]
                    mark = {None: "?", True: "+", False: "-"}[verdict]
                    print(
                        f"{mark} {entity['name']!r} x{len(entity['mentions'])}: "
                        f"{context(document['text'], first['start'], first['end'])}"
                    )
            lost.extend(
                (record["id"], name)
                for name, real in verdicts.items()
                if real and name not in names
            )
            for name in missing.get(record["id"], []):
                missing_total += 1
                missing_found += any(_same_person(name, found) for found in names)
    if judged:
        precision = 100 * (total - false) / total if total else 0.0
        summary: dict[str, float] = {
            "judged": total,
            "false": false,
            "precision": round(precision, 1),
            "unjudged": len(unjudged),
            "real_lost": len(lost),
        }
        if missing:
            # Names noted missing and found now are counted once, with the missing.
            real_found = total - false - found_missing + missing_found
            known = total - false - found_missing + len(lost) + missing_total
            summary |= {
                "missing": missing_total,
                "missing_found": missing_found,
                "recall": round(100 * real_found / known, 1) if known else 0.0,
            }
        print(json.dumps(summary))
        for doc_id, name in unjudged:
            print(f"unjudged {doc_id} {name!r}")
        for doc_id, name in lost:
            print(f"lost {doc_id} {name!r}")


def _same_person(missing: str, found: str) -> bool:
    """Whether a found name is the person noted missing: the same name, or one the end of
    the other (`Mawson` found as `Tom Mawson`)."""
    return found == missing or found.endswith(" " + missing) or missing.endswith(" " + found)


if __name__ == "__main__":
    main()

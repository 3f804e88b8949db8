"""Write the ids of the articles of a quote set whose text has no doubled apostrophe ('').

    python bench/quote_ids.py GOLD.jsonl IDS.txt

PolNeAR's archive spells double quotation marks as `''` in some articles, and its gold
does not flag the quotations between those marks as direct; the direct-only score is
read on the other articles. The ids file goes to the scorer's `--ids`.
"""

from __future__ import annotations

import argparse
import json
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold")
    parser.add_argument("output")
    args = parser.parse_args()
    kept = total = 0
    with open(args.gold, encoding="utf-8") as f, open(args.output, "w", encoding="utf-8") as out:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            total += 1
            if "''" not in record["text"]:
                out.write(record["id"] + "\n")
                kept += 1
    print(f"{kept} of {total} articles without ''", file=sys.stderr)


if __name__ == "__main__":
    main()

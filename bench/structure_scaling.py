"""Time `parse_structure` on texts of many short lines, to see that it grows linearly.

    python bench/structure_scaling.py [--lines 20000 40000 80000]

Each shape is a text that gives the structure rules the most to look at: every line
looks like a heading (one capitalised word, or one to three characters), with or
without blank lines between them, or headings between paragraphs throughout; and a
single line where an opening parenthesis is followed by as many spaces as the size.
Each size is timed in CPU seconds (steady under load) and compared with the size
before: doubling the size should about double the time, a ratio near 2. The last
shape takes milliseconds when linear; backtracking through the spaces took seconds.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.annotate.document import parse_structure  # noqa: E402

PARAGRAPH = "The council approved the plan on Tuesday after a long debate, officials said."
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def words(n: int) -> list[str]:
    rng = random.Random(n)
    return ["".join(rng.choices(LETTERS, k=rng.randint(3, 9))).capitalize() for _ in range(n)]


def tiny(n: int) -> list[str]:
    rng = random.Random(n)
    return [rng.choice(LETTERS.upper()) + "ab"[: rng.randint(0, 2)] for _ in range(n)]


SHAPES: dict[str, Callable[[int], str]] = {
    "one-word lines": lambda n: "\n".join(words(n)),
    "1-3 character lines": lambda n: "\n".join(tiny(n)),
    "one-word lines, blank-separated": lambda n: "\n\n".join(words(n)),
    "headings between paragraphs": lambda n: "\n\n".join(
        PARAGRAPH if k % 2 == 0 else f"Section {k}" for k in range(n)
    ),
    "'(' then n spaces on one line": lambda n: "Title\n\nA caption (" + " " * n + "x",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[20_000, 40_000, 80_000])
    args = parser.parse_args()
    for name, make in SHAPES.items():
        previous: float | None = None
        for n in args.lines:
            text = make(n)
            gc.collect()
            started = time.process_time()
            structure = parse_structure(text)
            elapsed = time.process_time() - started
            # Times of a few milliseconds are too coarse to divide.
            ratio = f"  x{elapsed / previous:.1f}" if previous and previous >= 0.01 else ""
            print(
                f"{name:34} n={n:>7,}  {len(structure.blocks):>7,} blocks  {elapsed:7.3f}s{ratio}"
            )
            previous = elapsed
            del structure  # freed here, not while the next size is timed


if __name__ == "__main__":
    main()

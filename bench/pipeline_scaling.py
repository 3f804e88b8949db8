"""Time the whole annotation pipeline on pathological texts, to see that it grows linearly.

    python bench/pipeline_scaling.py [--tokens 5000 10000 20000] [--kinds dates names]

Each shape is a text of about the given number of tokens (the work budget,
GAZETTE_MAX_DOCUMENT_TOKENS, is 60,000) that gives one layer the most to do: a name
or a one-to-three-character line on every line, READ MORE lines, short quoted lines
(each repeated, so each pair reads as an image's caption), dates, thousands of names
in one sentence or on lines of their own, one long paragraph, marks and brackets, a
paragraph of quotations (of a he or she), quotations alone on their lines, and a few
tokens holding long runs of spaces or of initials.
`annotate` is timed in CPU seconds (steady under load): `total` is the whole of it,
`layers` what follows the model's parse (structure, entities, quotes, links, dates),
which the parse, itself linear, would otherwise hide. Doubling the size should about
double both times, a ratio near 2; a layer quadratic in some shape shows a ratio near 4.
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

from app.annotate.decoding import normalize_text  # noqa: E402
from app.annotate.entities import warm_up  # noqa: E402
from app.annotate.nlp import load_nlp  # noqa: E402
from app.annotate.pipeline import build_annotation  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyz"
FIRST = ["Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Isla", "Jack"]
LAST = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Walker"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def rng(n: int) -> random.Random:
    return random.Random(n)


def name_lines(n: int) -> str:
    r = rng(n)
    return "\n".join(
        r.choice(FIRST) + "".join(r.choices(LETTERS, k=r.randint(0, 3))) for _ in range(n)
    )


def tiny_lines(n: int) -> str:
    r = rng(n)
    return "\n".join(r.choice(LETTERS.upper()) + "ab"[: r.randint(0, 2)] for _ in range(n))


def dates(n: int) -> str:
    r = rng(n)
    return "\n".join(
        f"On {r.randint(1, 28)} {r.choice(MONTHS)} {r.randint(1990, 2024)}, the council met."
        for _ in range(n)
    )


def people(n: int) -> str:
    r = rng(n)
    return ", ".join(f"{r.choice(FIRST)} {r.choice(LAST)}" for _ in range(n)) + " met on Monday."


def distinct_people(n: int) -> str:
    r = rng(n)
    return "\n".join(
        " ".join("".join(r.choices(LETTERS, k=7)).capitalize() for _ in range(2))
        + " said the plan would work."
        for _ in range(n)
    )


def words(n: int) -> str:
    r = rng(n)
    return " ".join("".join(r.choices(LETTERS, k=r.randint(2, 8))) for _ in range(n))


# Each makes a text of about `t` tokens.
SHAPES: dict[str, Callable[[int], str]] = {
    "one-word name lines": lambda t: name_lines(t // 2),
    "1-3 character lines": lambda t: tiny_lines(t // 2),
    "READ MORE lines": lambda t: (
        "Title\n\nThe story begins.\n\n" + "\n".join(f"READ MORE: Story {k}" for k in range(t // 6))
    ),
    "short quoted lines": lambda t: "Title\n\n" + '"Yes," she said.\n' * (t // 8),
    "dates": lambda t: "Title\n\n" + dates(t // 10),
    "names in one sentence": lambda t: "Title\n\n" + people(t // 3),
    "distinct names": lambda t: "Title\n\n" + distinct_people(t // 8),
    "one long paragraph": lambda t: "Title\n\n" + words(t) + ".",
    "'(' and '\"' marks": lambda t: "Title\n\nHe said " + '( " ' * (t // 2) + "end.",
    "quotes in one paragraph": lambda t: (
        "Title\n\n" + 'She said "yes," and then "no." ' * (t // 12)
    ),
    "he/she quotes in one paragraph": lambda t: (
        "Title\n\n" + 'They met Alice Smith. "Yes," she said. ' * (t // 11)
    ),
    "quotations alone on lines": lambda t: (
        "Title\n\nAlice Smith arrived on Monday.\n\n"
        + "\n\n".join(f'"Yes, we will go to {k}."' for k in range(t // 10))
    ),
    # A few tokens, each holding a long run: sized in characters, three per token.
    "runs of spaces": lambda t: (
        "Title\n\nThe story begins.\n\nREAD MORE: Story"
        + " " * t
        + "x\n\nHe said:"
        + " " * t
        + '"Yes."'
    ),
    "words of initials": lambda t: (
        "Title\n\nHe met "
        + "A." * (t // 2)
        + " and "
        + "B-" * (t // 2)
        + "C, the X news agency said."
    ),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, nargs="+", default=[5_000, 10_000, 20_000])
    parser.add_argument("--kinds", nargs="*", help="words the shapes' names must hold")
    args = parser.parse_args()
    nlp = load_nlp()
    warm_up()  # the gazetteer and the country pattern, loaded once, not timed
    for name, make in SHAPES.items():
        if args.kinds and not any(k.lower() in name.lower() for k in args.kinds):
            continue
        previous: tuple[float, float] | None = None
        for size in args.tokens:
            text = normalize_text(make(size))
            gc.collect()
            started = time.process_time()
            doc = nlp(text)
            parsed = time.process_time()
            build_annotation(text, doc)
            ended = time.process_time()
            total, layers = ended - started, ended - parsed
            ratios = ""
            # Times of a few hundredths of a second are too coarse to divide.
            if previous and previous[0] >= 0.05:
                ratios = f"  x{total / previous[0]:.1f}"
                if previous[1] >= 0.05:
                    ratios += f"  layers x{layers / previous[1]:.1f}"
            print(
                f"{name:30} {len(doc):>6,} tokens {len(text):>8,} chars"
                f"  total {total:6.2f}s  layers {layers:6.2f}s{ratios}",
                flush=True,
            )
            previous = (total, layers)
            del doc  # freed here, not while the next size is timed


if __name__ == "__main__":
    main()

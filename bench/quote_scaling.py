"""Time quote extraction on long synthetic articles, to see that it grows linearly.

    python bench/quote_scaling.py [--paragraphs 250 500 1000]

Each paragraph holds quotations, reported clauses and a quoted fragment, so every
step of `extract_quotes` has work to do; the article is parsed and its entities
found first, and only the quote step is timed (CPU seconds, steady under load).
Doubling the paragraphs should about double the time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.annotate.document import parse_structure  # noqa: E402
from app.annotate.entities import extract_entities  # noqa: E402
from app.annotate.nlp import load_nlp  # noqa: E402
from app.annotate.quotes import extract_quotes  # noqa: E402

PARAGRAPH = (
    '"We will not stop now," Smith said. Jones believes the plan is wrong and thinks it '
    'will fail, she said. "It is a bad deal," Jones added, and she warned that "costs '
    'will rise."'
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, nargs="+", default=[250, 500, 1000])
    args = parser.parse_args()
    nlp = load_nlp()
    for n in args.paragraphs:
        text = "A long article\n\n" + "\n\n".join(PARAGRAPH for _ in range(n))
        doc = nlp(text)
        structure = parse_structure(text)
        entities = extract_entities(doc, structure)
        started = time.process_time()
        quotes = extract_quotes(doc, structure, entities)
        elapsed = time.process_time() - started
        print(f"{n} paragraphs, {len(doc)} tokens, {len(quotes)} quotes: {elapsed:.2f}s CPU")


if __name__ == "__main__":
    main()

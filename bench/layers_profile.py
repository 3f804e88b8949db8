"""Time the annotation layers alone (what follows the model's parse) on real articles.

    python bench/layers_profile.py CORPUS.jsonl [MORE.jsonl ...] [-n 300]
        [--docs parsed.spacy] [--repeat 3] [--profile 30] [--dump annotations.jsonl]

Each corpus is JSONL with a `text` field; the first `n` texts of each are normalised
and parsed once with `nlp.pipe` (the parse is not timed). `--docs` keeps the parsed
documents in a DocBin file and reads them back on the next run, so that comparing two
versions of the layers costs no second parse. Then `build_annotation` runs on every
document and the CPU seconds (steady under load) are printed per article, in total and
per layer (structure, entities, quotes, links, dates), of the fastest of `--repeat`
runs over all the documents (the machine's other work slows some; runs after the first
find the process's caches warm, the gazetteer's and `re`'s, so a pattern compiled for
each article shows its cost only in a first run over more articles than `re` keeps,
such as the whole BBC corpus with `--repeat 1`). `--profile` prints the functions
taking most time under cProfile; `--dump` writes each annotation as canonical JSON
(sorted keys), one a line, to compare two versions byte for byte.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spacy.tokens import Doc, DocBin  # noqa: E402

from app.annotate import pipeline  # noqa: E402
from app.annotate.decoding import normalize_text  # noqa: E402
from app.annotate.entities import warm_up  # noqa: E402
from app.annotate.nlp import load_nlp  # noqa: E402

LAYERS = {
    "structure": "parse_structure",
    "entities": "extract_entities",
    "quotes": "extract_quotes",
    "links": "extract_links",
    "dates": "extract_dates",
}


def read_texts(paths: list[Path], n: int) -> list[str]:
    texts = []
    for path in paths:
        with path.open(encoding="utf-8") as lines:
            for k, line in enumerate(lines):
                if k >= n:
                    break
                texts.append(normalize_text(json.loads(line)["text"]))
    return texts


def parsed_docs(nlp, texts: list[str], cache: Path | None) -> list[Doc]:
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
        print(f"{cache} holds other texts: parsing again", file=sys.stderr)
    docs = list(nlp.pipe(texts, batch_size=16))
    if cache is not None:
        DocBin(docs=docs, store_user_data=True).to_disk(cache)
    return docs


def timed_layers(seconds: dict[str, float]) -> None:
    """Wrap each layer's function as the pipeline module calls it, adding up its CPU time."""

    def wrap(name: str, extract: Callable) -> Callable:
        def timed(*args, **kwargs):
            started = time.process_time()
            try:
                return extract(*args, **kwargs)
            finally:
                seconds[name] += time.process_time() - started

        return timed

    for layer, function in LAYERS.items():
        setattr(pipeline, function, wrap(layer, getattr(pipeline, function)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", type=Path, nargs="+", help="JSONL files with a `text` field")
    parser.add_argument("-n", type=int, default=300, help="articles taken from each corpus")
    parser.add_argument("--docs", type=Path, help="DocBin file keeping the parsed documents")
    parser.add_argument("--repeat", type=int, default=3, help="runs, the fastest printed")
    parser.add_argument("--profile", type=int, default=0, help="functions to list by cumtime")
    parser.add_argument("--dump", type=Path, help="write the annotations as canonical JSON")
    args = parser.parse_args()

    nlp = load_nlp()
    warm_up()
    texts = read_texts(args.corpora, args.n)
    docs = parsed_docs(nlp, texts, args.docs)
    seconds: dict[str, float] = defaultdict(float)
    timed_layers(seconds)
    profiler = cProfile.Profile() if args.profile else None
    best: tuple[float, dict[str, float]] | None = None
    for _ in range(args.repeat):
        seconds.clear()
        annotations = []
        gc.collect()
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        for text, doc in zip(texts, docs, strict=True):
            annotations.append(pipeline.build_annotation(text, doc))
        if profiler is not None:
            profiler.disable()
        total = time.process_time() - started
        if best is None or total < best[0]:
            best = (total, dict(seconds))
    assert best is not None

    per_article = 1000 / len(texts)
    print(f"{len(texts)} articles, layers {best[0] * per_article:.2f} ms per article (CPU)")
    for layer in LAYERS:
        print(f"  {layer:10} {best[1].get(layer, 0.0) * per_article:6.2f} ms")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
    if args.dump is not None:
        with args.dump.open("w", encoding="utf-8") as out:
            for annotation in annotations:
                out.write(json.dumps(annotation.model_dump(mode="json"), sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

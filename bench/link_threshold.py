"""Measure title scorers and thresholds for resolving READ MORE links.

    python bench/link_threshold.py CORPUS.jsonl [--seed 7] [--show 8]

CORPUS is JSONL with a title in `title` or `meta.title` (e.g. the BBC corpus). Positive
pairs are each title against itself after a realistic edit (quote and dash style, case,
a small word dropped or added, a typo, trailing punctuation, two edits together).
Negative pairs are a title against a different story: its nearest distinct title in the
corpus, and near misses made from it (a content word or a number replaced, a word
replaced by one a letter away, an antonym, a headline cut short or run on). Prints each
scorer's score distribution and, per threshold, recall, false matches and precision, then
the end-to-end recall and false-match rate of `match_title` at `FUZZY_THRESHOLD`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process  # noqa: E402
from rapidfuzz.distance import OSA  # noqa: E402

from app.store import link_resolution  # noqa: E402
from app.store.keys import text_key  # noqa: E402

SCORERS: dict[str, Callable[[str, str], float]] = {
    "ratio": fuzz.ratio,
    "token_sort": fuzz.token_sort_ratio,
    "token_set": fuzz.token_set_ratio,
    "WRatio": fuzz.WRatio,
    "guarded": link_resolution.title_similarity,
}
THRESHOLDS = (60, 70, 75, 80, 85, 88, 90, 92, 95, 98)
SMALL = ("the", "a", "an", "of", "in", "to", "for", "on", "and", "at", "with")
ANTONYMS = {
    "rise": "fall", "rises": "falls", "up": "down", "win": "lose", "wins": "loses",
    "gain": "loss", "gains": "losses", "boost": "blow", "backs": "rejects", "back": "reject",
    "approves": "rejects", "high": "low", "record": "lowest", "new": "old", "cut": "raise",
    "cuts": "raises", "buy": "sell", "buys": "sells", "more": "fewer", "open": "close",
    "to": "not to", "will": "will not", "beat": "lose to", "ends": "starts",
}  # fmt: skip
SLIPS = {"a": "s", "e": "r", "i": "o", "o": "p", "n": "m", "s": "d", "t": "r", "r": "t"}
WORD = re.compile(r"[A-Za-z]+")


# --- edits that keep the story -----------------------------------------------------------


def quotes(t: str, rng: random.Random) -> str:
    if "'" in t or "\u2019" in t:
        return t.replace("'", "\u2019") if "'" in t else t.replace("\u2019", "'")
    words = t.split()
    i = rng.randrange(len(words))
    left, right = rng.choice([("\u2018", "\u2019"), ("\u201c", "\u201d"), ("'", "'"), ('"', '"')])
    words[i] = left + words[i] + right
    return " ".join(words)


def dashes(t: str, rng: random.Random) -> str:
    dash = rng.choice(["\u2013", "\u2014", "-", "\u2012"])
    if re.search(r" [-\u2013\u2014:] ", t):
        return re.sub(r" [-\u2013\u2014:] ", f" {dash} ", t, count=1)
    words = t.split()
    if len(words) < 3:
        return t + f" {dash}"
    i = rng.randrange(1, len(words))
    return " ".join(words[:i] + [dash] + words[i:])


def case(t: str, rng: random.Random) -> str:
    return rng.choice([str.upper, str.lower, str.title])(t)


def drop_small(t: str, rng: random.Random) -> str:
    words = t.split()
    small = [i for i, w in enumerate(words) if w.lower() in SMALL]
    if not small:
        return add_small(t, rng)
    del words[rng.choice(small)]
    return " ".join(words)


def add_small(t: str, rng: random.Random) -> str:
    words = t.split()
    words.insert(rng.randrange(len(words) + 1), rng.choice(["the", "a", "in", "of"]))
    return " ".join(words)


def typo(t: str, rng: random.Random) -> str:
    spans = [m for m in WORD.finditer(t) if len(m.group()) >= 4]
    if not spans:
        return t + "s"
    m = rng.choice(spans)
    w, i = m.group(), rng.randrange(1, len(m.group()) - 1)
    w = rng.choice(
        [
            w[:i] + w[i + 1] + w[i] + w[i + 2 :],  # swapped
            w[:i] + w[i + 1 :],  # dropped
            w[:i] + w[i] + w[i:],  # doubled
            w[:i] + SLIPS.get(w[i], "e") + w[i + 1 :],  # neighbouring key
        ]
    )
    return t[: m.start()] + w + t[m.end() :]


def trailing(t: str, rng: random.Random) -> str:
    return t.rstrip(".!?") + rng.choice([".", "!", "?", "...", " \u2026"])


EDITS = {
    "quotes": quotes,
    "dashes": dashes,
    "case": case,
    "drop_small": drop_small,
    "add_small": add_small,
    "typo": typo,
    "trailing": trailing,
}


def two_edits(t: str, rng: random.Random) -> str:
    first, second = rng.sample(sorted(EDITS), 2)
    return EDITS[second](EDITS[first](t, rng), rng)


# --- edits that change the story ---------------------------------------------------------


def content_words(t: str) -> list[re.Match[str]]:
    return [m for m in WORD.finditer(t) if m.group().lower() not in link_resolution.SMALL_WORDS]


def replace_word(t: str, rng: random.Random, vocab: list[str]) -> str | None:
    spans = content_words(t)
    if not spans:
        return None
    m = rng.choice(spans)
    near = [w for w in vocab if abs(len(w) - len(m.group())) <= 2 and w != m.group().lower()]
    return t[: m.start()] + rng.choice(near) + t[m.end() :]


def one_letter_word(t: str, rng: random.Random, by_length: dict[int, list[str]]) -> str | None:
    options = []
    for m in content_words(t):
        w = m.group().lower()
        for other in by_length.get(len(w), []):
            if other != w and OSA.distance(w, other) == 1:
                options.append((m, other))
    if not options:
        return None
    m, other = rng.choice(options)
    return t[: m.start()] + other + t[m.end() :]


def number(t: str, rng: random.Random) -> str | None:
    digits = [m for m in re.finditer(r"\d", t)]
    if not digits:
        return None
    m = rng.choice(digits)
    return t[: m.start()] + str((int(m.group()) + rng.randrange(1, 9)) % 10) + t[m.end() :]


def antonym(t: str, rng: random.Random) -> str | None:
    spans = [m for m in WORD.finditer(t) if m.group().lower() in ANTONYMS]
    if not spans:
        return None
    m = rng.choice(spans)
    return t[: m.start()] + ANTONYMS[m.group().lower()] + t[m.end() :]


def cut_short(t: str, rng: random.Random) -> str | None:
    words = t.split()
    content = [i for i, w in enumerate(words) if text_key(w) not in link_resolution.SMALL_WORDS]
    if len(content) < 3:
        return None
    keep = rng.randrange(2, len(content))  # at least one content word goes
    if rng.random() < 0.5:
        return " ".join(words[: content[keep - 1] + 1])
    return " ".join(words[content[-keep] :])


def run_on(t: str, rng: random.Random, titles: list[str]) -> str:
    extra = [
        w for w in rng.choice(titles).split() if text_key(w) not in link_resolution.SMALL_WORDS
    ]
    return t + rng.choice([" and ", " as ", ", ", " "]) + " ".join(extra[: rng.randint(1, 3)])


# --- measuring ----------------------------------------------------------------------------


def nearest(keys: list[str], scorer: Callable[[str, str], float]) -> list[tuple[str, str, float]]:
    """Each key with its nearest distinct key by `scorer`."""
    out = []
    for key in keys:
        if scorer is link_resolution.title_similarity:
            shortlist = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=50, limit=None)
            scored = [(scorer(key, k), k) for k, _, _ in shortlist if k != key]
            score, other = max(scored, default=(0.0, ""))
        else:
            found = process.extract(key, keys, scorer=scorer, limit=2)
            other, score, _ = next((f for f in found if f[0] != key), ("", 0.0, 0))
        out.append((key, other, float(score)))
    return out


def quantiles(values: list[float]) -> str:
    if not values:
        return "-"
    qs = statistics.quantiles(values, n=20, method="inclusive") if len(values) > 1 else values * 19
    return (
        f"min {min(values):5.1f}  p5 {qs[0]:5.1f}  p25 {qs[4]:5.1f}  median "
        f"{statistics.median(values):5.1f}  p75 {qs[14]:5.1f}  p95 {qs[18]:5.1f}  max {max(values):5.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=8, help="examples of errors to print")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    titles: dict[str, str] = {}
    for line in args.corpus.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            title = record.get("title") or (record.get("meta") or {}).get("title")
            if title:
                titles.setdefault(text_key(title), title.strip())
    keys, originals = list(titles), list(titles.values())
    vocab = sorted({w.lower() for t in originals for w in WORD.findall(t) if len(w) >= 3})
    by_length: dict[int, list[str]] = defaultdict(list)
    for w in vocab:
        by_length[len(w)].append(w)
    print(f"{len(keys)} distinct titles (by key), vocabulary {len(vocab)} words")

    positives: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, title in titles.items():
        for name, edit in [*EDITS.items(), ("two_edits", two_edits)]:
            positives[name].append((text_key(edit(title, rng)), key))
    negatives: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, title in titles.items():
        made = {
            "content_word": replace_word(title, rng, vocab),
            "one_letter_word": one_letter_word(title, rng, by_length),
            "number": number(title, rng),
            "antonym": antonym(title, rng),
            "cut_short": cut_short(title, rng),
            "run_on": run_on(title, rng, originals),
        }
        for name, other in made.items():
            if other is not None and text_key(other) != key:
                negatives[name].append((text_key(other), key))
    print(
        "positive pairs: "
        + ", ".join(f"{k} {len(v)}" for k, v in positives.items())
        + f"; total {sum(map(len, positives.values()))}"
    )
    print(
        "negative pairs: nearest distinct title "
        f"{len(keys)}, "
        + ", ".join(f"{k} {len(v)}" for k, v in negatives.items())
        + f"; total {len(keys) + sum(map(len, negatives.values()))}"
    )

    for name, scorer in SCORERS.items():
        print(f"\n=== {name}")
        pos = {k: [float(scorer(a, b)) for a, b in v] for k, v in positives.items()}
        neg = {k: [float(scorer(a, b)) for a, b in v] for k, v in negatives.items()}
        near = nearest(keys, scorer)
        neg["nearest"] = [s for _, _, s in near]
        all_pos = [s for v in pos.values() for s in v]
        all_neg = [s for v in neg.values() for s in v]
        print(f"  positives        {quantiles(all_pos)}")
        for k, v in pos.items():
            print(f"    {k:<14} {quantiles(v)}")
        print(f"  negatives        {quantiles(all_neg)}")
        for k, v in neg.items():
            print(f"    {k:<14} {quantiles(v)}")
        print("  threshold  recall   false-match  precision  (false matches by kind)")
        for t in THRESHOLDS:
            tp = sum(s >= t for s in all_pos)
            fp = sum(s >= t for s in all_neg)
            kinds = ", ".join(f"{k} {sum(s >= t for s in v)}" for k, v in neg.items())
            print(
                f"  {t:>9}  {tp / len(all_pos):6.1%}  {fp / len(all_neg):10.2%}  "
                f"{tp / max(1, tp + fp):9.2%}  ({kinds})"
            )
        top = sorted(near, key=lambda n: -n[2])[: args.show]
        print("  nearest distinct titles:")
        for a, b, s in top:
            print(f"    {s:5.1f}  {titles[a]!r} ~ {titles.get(b, b)!r}")

    threshold = link_resolution.FUZZY_THRESHOLD
    print(f"\n=== match_title end to end, FUZZY_THRESHOLD={threshold:g}")
    candidates = {str(i): k for i, k in enumerate(keys)}
    ids = {k: str(i) for i, k in enumerate(keys)}
    missed = []
    found = total = 0
    for name, pairs in positives.items():
        hits = 0
        for edited, key in pairs:
            match = link_resolution.match_title(edited, candidates)
            hits += match is not None and match[0] == ids[key]
            if match is None or match[0] != ids[key]:
                missed.append((edited, key, match))
        print(f"  {name:<14} resolved to the right article {hits}/{len(pairs)}")
        found, total = found + hits, total + len(pairs)
    print(f"  recall {found / total:.2%} ({found}/{total})")
    wrong = []
    for name, pairs in negatives.items():
        bad = 0
        for other, key in pairs:
            # The story's own title is not stored: a match is a false resolution.
            match = link_resolution.match_title(other, {ids[key]: key})
            bad += match is not None
            if match is not None:
                wrong.append((other, key, match[1]))
        print(f"  {name:<14} false matches {bad}/{len(pairs)}")
    held_out = 0
    for key in keys:  # a dangling link: its title's article is missing from the store
        rest = {i: k for i, k in candidates.items() if k != key}
        match = link_resolution.match_title(key, rest)
        if match is not None:
            held_out += 1
            wrong.append((key, candidates[match[0]], match[1]))
    print(f"  {'held_out':<14} false matches {held_out}/{len(keys)} (title absent from the store)")
    print("  missed positives:")
    for edited, key, match in missed[: args.show]:
        print(f"    {edited!r} -> {key!r} ({match})")
    print("  false matches:")
    for other, key, score in wrong[: args.show]:
        print(f"    {score:5.1f}  {other!r} ~ {key!r}")


if __name__ == "__main__":
    main()

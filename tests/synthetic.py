"""Invented news articles for load and concurrency tests: short, fast to annotate, and
sharing people, organisations and places so that writers compete over the same entities."""

from __future__ import annotations

import random

FIRST = ["Amara", "Tomasz", "Helga", "Rafael", "Ingrid", "Kwame", "Sofia", "Dmitri", "Leila"]
LAST = ["Okonkwo", "Brandt", "Vasquez", "Lindqvist", "Mensah", "Petrova", "Haddad", "Novak"]
ORGS = ["the World Health Organization", "the European Commission", "Reuters", "Interpol"]
PLACES = ["Nairobi", "Lisbon", "Warsaw", "Montreal", "Jakarta", "Lima", "Oslo", "Cairo"]
VERBS = ["met", "criticised", "praised", "called", "thanked", "challenged"]


def title_of(n: int) -> str:
    return f"Talks in {PLACES[n % len(PLACES)]} enter day {n + 1}"


def synthetic_articles(count: int, *, seed: int = 7, prefix: str = "synthetic") -> list[dict]:
    """`count` JSON documents `{id, title, text}`; each but the first has a READ MORE line
    naming an earlier or a later article of the set."""
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        a, b = rng.sample(FIRST, 2)
        x, y = rng.sample(LAST, 2)
        org, place = rng.choice(ORGS), PLACES[n % len(PLACES)]
        paragraphs = [
            f"{a} {x} {rng.choice(VERBS)} {b} {y} in {place} on Monday, according to {org}.",
            f'"We will keep talking," {x} said after the meeting.',
            f"{y} told reporters that {org} would publish a report next week.",
        ]
        if n:
            target = rng.choice([n - 1, (n + 3) % count])
            paragraphs.append(f"READ MORE: {title_of(target)}")
        text = f"{title_of(n)}\n\n" + "\n\n".join(paragraphs)
        articles.append({"id": f"{prefix}-{n:04d}", "title": title_of(n), "text": text})
    return articles

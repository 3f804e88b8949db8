"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "data" / "seed"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy pipeline, loaded once for the whole test session."""
    from app.annotate.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def seed_text() -> str:
    from app.annotate.document import decode_bytes, normalize_text

    path = next(SEED_DIR.glob("*.txt"))
    return normalize_text(decode_bytes(path.read_bytes()))


@pytest.fixture(scope="session")
def gold() -> dict:
    import json

    return json.loads((TEST_DATA / "gold_seed.json").read_text(encoding="utf-8"))

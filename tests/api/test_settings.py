"""Every setting is documented in the README, with its default."""

from __future__ import annotations

import re

from app.config import Settings
from tests.conftest import ROOT


def test_every_setting_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(GAZETTE_[A-Z_]+)` \|", readme, flags=re.MULTILINE))
    expected = {f"GAZETTE_{name.upper()}" for name in Settings.model_fields}
    assert documented == expected


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GAZETTE_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("GAZETTE_LOAD_ON_STARTUP", "false")
    monkeypatch.setenv("GAZETTE_BATCH_SIZE", "4")
    settings = Settings()
    assert settings.database_url.endswith("/x.db")
    assert settings.load_on_startup is False
    assert settings.batch_size == 4


def test_cors_is_off_unless_origins_are_given(make_client):
    plain = make_client()
    preflight = {"Origin": "https://news.example", "Access-Control-Request-Method": "GET"}
    assert (
        "access-control-allow-origin" not in plain.options("/articles", headers=preflight).headers
    )
    open_to = make_client(cors_origins="https://news.example, https://other.example")
    response = open_to.get("/health", headers={"Origin": "https://news.example"})
    assert response.headers["access-control-allow-origin"] == "https://news.example"
    assert "Link" in response.headers["access-control-expose-headers"]

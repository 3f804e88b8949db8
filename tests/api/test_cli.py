"""`python -m app load`: files, folders and JSONL through the one ingest function."""

from __future__ import annotations

import io
import json
import logging
import re
import sys

import pytest
from sqlalchemy import select
from sqlmodel import Session

from app.cli import main
from app.logs import StderrHandler
from app.store.tables import Article
from tests.conftest import seed_document

pytestmark = pytest.mark.nlp


@pytest.fixture
def cli_env(monkeypatch, database_url, nlp):
    from app import config
    from app.annotate import nlp as nlp_module

    monkeypatch.setenv("GAZETTE_DATABASE_URL", database_url)
    monkeypatch.setenv("GAZETTE_WORKERS", "0")
    monkeypatch.delenv("GAZETTE_BROKER_URL", raising=False)
    config.get_settings.cache_clear()
    # The model is already loaded for the test session; loading it again would only cost time.
    monkeypatch.setattr(nlp_module, "load_nlp", lambda: nlp)
    # The command runs in a process of its own, where no app has installed the service's log
    # handler: one an app of an earlier test installed must not write into its output.
    root = logging.getLogger()
    service_handlers = [h for h in root.handlers if isinstance(h, StderrHandler)]
    monkeypatch.setattr(root, "handlers", [h for h in root.handlers if h not in service_handlers])
    yield database_url
    config.get_settings.cache_clear()


def _titles(database_url: str) -> dict[str, str]:
    from app.db import create_db_engine

    engine = create_db_engine(database_url)
    with Session(engine) as session:
        rows = session.execute(select(Article.id, Article.title)).all()
    engine.dispose()
    return dict(rows)


def test_load_folder_and_jsonl_with_a_summary(cli_env, tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(seed_document())
    (folder / "empty.txt").write_bytes(b"")
    records = [
        {"id": "j1", "text": "Floods hit valley\n\nRivers burst their banks overnight."},
        {"text": "Untitled record with no id\n\nIt still gets a stable id."},
        {"id": "bad-date", "text": "Dated\n\nBody.", "published_at": "someday"},
        {"title": "no text"},
    ]
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps(r) for r in records) + "\nnot json at all\n", encoding="utf-8"
    )

    assert main(["load", "--quiet", str(folder), str(jsonl)]) == 0
    out = capsys.readouterr().out
    assert "loaded 3 (new 3, replaced 0) / unchanged 0 / skipped 4 / failed 0" in out
    assert "empty.txt" in out and "more.jsonl:3" in out and "more.jsonl:5" in out
    titles = _titles(cli_env)
    assert set(titles) >= {"seed", "j1"} and len(titles) == 3

    assert main(["load", "--quiet", str(folder), str(jsonl)]) == 0
    assert "unchanged 3" in capsys.readouterr().out
    assert len(_titles(cli_env)) == 3


def test_missing_path_is_an_error(cli_env, tmp_path, capsys):
    assert main(["load", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_broken_utf16_file_is_reported_and_the_rest_loads(cli_env, tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a_broken.txt").write_bytes(b"\xff\xfe" + "Odd".encode("utf-16-le") + b"\x00")
    (folder / "b_seed.txt").write_bytes(seed_document())
    assert main(["load", "--quiet", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "loaded 1 (new 1, replaced 0) / unchanged 0 / skipped 1 / failed 0" in out
    assert "a_broken.txt" in out and "UTF-16" in out
    assert set(_titles(cli_env)) == {"b_seed"}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_has_a_total_and_eta_on_a_terminal_only(
    cli_env, tmp_path, monkeypatch, capsys
):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(seed_document())
    (folder / "more.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Floods hit valley\n\nRivers burst their banks."}) + "\n"
    )
    assert main(["load", str(folder)]) == 0
    assert capsys.readouterr().err == ""  # not a terminal: no bar

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["load", str(folder)]) == 0
    bar = terminal.getvalue()
    assert "2/2" in bar  # the total counts JSONL lines as documents
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d", bar)  # elapsed<remaining: the ETA


def test_a_file_name_that_is_no_valid_id_is_stored_under_its_url_safe_form(cli_env, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "my file (1).txt").write_text(
        "Harbour reopens\n\nThe harbour reopened on Monday, the port authority said.",
        encoding="utf-8",
    )
    assert main(["load", "--quiet", str(folder)]) == 0
    assert _titles(cli_env) == {"my-file-1": "Harbour reopens"}

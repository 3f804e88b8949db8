"""Clients generated from the live OpenAPI document work unedited.

Python: openapi-python-client generates a client with no warning, a small program on it
(`clients/frontend.py`) passes `mypy --strict` and reads the same data as the raw API.
TypeScript, where npm exists: openapi-typescript's types have no `unknown` and no optional
field for one the server always sends.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import SEED_DIR, TEST_KEY, live_server, wait_until_ready

pytestmark = pytest.mark.nlp

PROGRAM = Path(__file__).resolve().parent / "clients" / "frontend.py"
OPENAPI_TYPESCRIPT = "openapi-typescript@7.13.0"


@pytest.fixture(scope="module")
def live(tmp_path_factory, nlp):
    """A server on a fresh SQLite store with the repository's seed folder loaded."""
    from app.config import Settings
    from app.main import create_app

    store = tmp_path_factory.mktemp("store")
    settings = Settings(
        database_url=f"sqlite:///{store / 'gazette.db'}",
        seed_dir=SEED_DIR,
        load_on_startup=True,
        workers=0,
        api_keys=TEST_KEY,
    )
    with live_server(create_app(settings, nlp=nlp)) as port:
        base_url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base_url) as client:
            assert wait_until_ready(client)["ready"]
        document = httpx.get(f"{base_url}/openapi.json").json()
        path = store / "openapi.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        yield base_url, path, document


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None):
    bin_dir = str(Path(sys.executable).parent)
    full_env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    full_env.update(env or {})
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=600
    )


def test_python_client_generates_without_warnings_type_checks_and_runs(live, tmp_path):
    base_url, openapi, _document = live
    # With `--meta none` the output folder is the package itself.
    out = tmp_path / "gazette_client"
    generated = _run(
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", openapi, "--output-path", out, "--meta", "none",
    )  # fmt: skip
    report = generated.stdout + generated.stderr
    assert generated.returncode == 0, report
    assert "WARNING" not in report and "Unsupported" not in report, report
    assert (out / "__init__.py").exists()

    env = {"PYTHONPATH": str(tmp_path), "MYPYPATH": str(tmp_path)}
    checked = _run(
        sys.executable, "-m", "mypy", "--strict", "--no-incremental",
        "--cache-dir", tmp_path / ".mypy", PROGRAM, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr

    ran = _run(sys.executable, PROGRAM, base_url, TEST_KEY, env=env, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    seen = json.loads(ran.stdout)

    # The same data as the raw API.
    raw = httpx.get(f"{base_url}/articles", params={"limit": 100}).json()
    assert seen["ids"] == [item["id"] for item in raw["items"]]
    assert len(seen["ids"]) >= 2 and seen["created"] == "created"
    quotes = httpx.get(f"{base_url}/articles/{seen['seed']}/quotes").json()
    entities = httpx.get(f"{base_url}/articles/{seen['seed']}/entities").json()
    assert seen["quotes"] == len(quotes) > 0
    assert seen["direct"] == sum(q["kind"] == "direct" for q in quotes) > 0
    assert seen["speakers"] == sorted({q["speaker"]["name"] for q in quotes if q["speaker"]})
    assert seen["people"] == sorted(e["name"] for e in entities if e["type"] == "PERSON")
    assert seen["people"]
    assert seen["annotated_quotes"] == ["It will pass,"]
    assert seen["annotated_speakers"] == ["Maria Silva"]


def _typescript_schemas(source: str) -> dict[str, dict[str, bool]]:
    """`{schema: {field: optional}}` from the `components.schemas` block of openapi-typescript's
    output (a schema at 8 spaces of indentation, its fields at 12)."""
    block = source[source.index("\n    schemas: {") :]
    block = block[: block.index("\n    responses:")]
    schemas: dict[str, dict[str, bool]] = {}
    current: dict[str, bool] = {}
    for line in block.splitlines():
        if m := re.match(r"^ {8}([A-Za-z0-9_]+): \{$", line):
            current = schemas.setdefault(m.group(1), {})
        elif m := re.match(r"^ {12}([A-Za-z0-9_]+)(\??):", line):
            current[m.group(1)] = bool(m.group(2))
    return schemas


def test_typescript_types_have_every_field_the_server_sends_required(live, tmp_path):
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the TypeScript client is not checked here")
    _base_url, openapi, document = live
    tools = tmp_path / "tools"
    installed = _run(
        npm, "install", "--prefix", tools, "--no-audit", "--no-fund", "--loglevel=error",
        OPENAPI_TYPESCRIPT,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    types = tmp_path / "gazette.d.ts"
    generated = _run(tools / "node_modules" / ".bin" / "openapi-typescript", openapi, "-o", types)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    source = types.read_text(encoding="utf-8")

    schemas = _typescript_schemas(source)
    assert set(schemas) == set(document["components"]["schemas"]) - {
        name for name, s in document["components"]["schemas"].items() if "enum" in s
    }
    block = source[source.index("\n    schemas: {") : source.index("\n    responses:")]
    assert "unknown" not in block
    for name, schema in document["components"]["schemas"].items():
        for field in schema.get("required", []):
            assert schemas[name].get(field) is False, (name, field)
    # A field that is not always sent stays optional, and so does one a request may omit.
    assert schemas["Problem"]["instance"] is True
    assert schemas["ArticleIn"] == {
        "text": False, "title": True, "published_at": True, "id": True, "url": True
    }  # fmt: skip
    # What every list, entity and quote carries, typed as such.
    assert re.search(r"next_cursor: string \| null;", block)
    assert re.search(r'type: components\["schemas"\]\["EntityType"\];', block)

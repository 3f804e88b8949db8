"""/docs and /redoc work without internet access: every asset comes from the service itself.

The first tests read the pages as HTML; the browser tests render them in headless Chromium
(Debian's `chromium`) with every host but the server unreachable, and check from the
browser's own network log that the pages asked nothing of another host.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import live_server

PAGES = ("/docs", "/redoc")
# Hosts FastAPI's default pages load from; named so that a failure says what came back.
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "fonts.googleapis.com", "fastapi.tiangolo.com")
# Attributes that make a browser load something (spec-url is ReDoc's element's).
LOADING_ATTRIBUTES = frozenset({"src", "href", "spec-url", "data", "poster", "action"})
# URLs in the pages' start-up scripts (`url: '/openapi.json'`).
SCRIPT_URL = re.compile(r"""\burl\s*:\s*['"]([^'"]+)['"]""", re.IGNORECASE)
ABSOLUTE_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//[^\s'\"<>]+", re.IGNORECASE)
EXPECTED_TYPES = {
    ".js": ("application/javascript", "text/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
    ".json": ("application/json",),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WINDOW = (1280, 1600)
# Chromium's screenshot of a blank page of that size is about 9 KB; the rendered docs 100+ KB.
MIN_SCREENSHOT_BYTES = 40_000


class _References(HTMLParser):
    """Every URL a page's markup or start-up scripts would make the browser load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        self.urls += [value for name, value in attrs if name in LOADING_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.urls += SCRIPT_URL.findall(data)


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    parser.close()
    return parser.urls


@pytest.fixture
def anonymous(make_client):
    """A client with no key, on a service where reads need one: the docs must stay open."""
    return make_client(key=None, read_keys_required=True)


@pytest.mark.parametrize("page", PAGES)
def test_the_docs_pages_reference_no_other_host(anonymous, page):
    response = anonymous.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert [host for host in CDN_HOSTS if host in html] == []
    assert ABSOLUTE_URL.findall(html) == []
    urls = references(html)
    assert any(url.endswith(".js") for url in urls), urls
    for url in urls:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), f"{page} loads {url}"


@pytest.mark.parametrize("page", PAGES)
def test_every_asset_of_the_docs_is_served_open_with_its_type(anonymous, page):
    urls = references(anonymous.get(page).text)
    assets = {urljoin(page, url) for url in urls}
    assert "/openapi.json" in assets
    for asset in sorted(assets):
        response = anonymous.get(asset)
        assert response.status_code == 200, asset
        suffix = Path(urlsplit(asset).path).suffix
        media_type = response.headers["content-type"].split(";")[0]
        assert media_type in EXPECTED_TYPES[suffix], (asset, media_type)
        assert len(response.content) > 0, asset
        head = anonymous.head(asset)
        assert head.status_code == 200, asset
        assert head.headers["content-type"] == response.headers["content-type"]
        assert head.content == b""


def test_the_docs_answer_head_as_get(anonymous):
    for page in PAGES:
        head = anonymous.head(page)
        assert head.status_code == 200
        assert head.headers["content-type"].startswith("text/html")
        assert head.headers["etag"] == anonymous.get(page).headers["etag"]
        assert head.content == b""


def test_swagger_ui_is_version_5_or_later(anonymous):
    swagger = [url for url in references(anonymous.get("/docs").text) if url.endswith(".js")]
    assert len(swagger) == 1, swagger
    bundle = anonymous.get(swagger[0]).text
    version = re.search(r'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', bundle)
    assert version is not None, "Swagger UI's bundle no longer states its version"
    assert int(version.group(1)) >= 5, version.group(0)


def test_the_docs_pages_let_the_browser_load_from_their_own_origin_only(anonymous):
    for page in (*PAGES, "/docs/oauth2-redirect"):
        policy = anonymous.get(page).headers["content-security-policy"]
        directives = dict(
            (parts[0], parts[1:])
            for parts in (directive.split() for directive in policy.split(";"))
            if parts
        )
        assert directives["default-src"] == ["'self'"]
        sources = {source for values in directives.values() for source in values}
        # Keywords and local schemes only: no host is named.
        assert sources <= {"'self'", "'unsafe-inline'", "'none'", "data:", "blob:"}, policy


def test_the_docs_stay_out_of_the_openapi_document(anonymous):
    paths = anonymous.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc", "/static-docs"))]


# --- In a browser -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium; CI sets GAZETTE_REQUIRE_BROWSER=1 so that its absence fails there."""
    path = shutil.which("chromium")
    if path is None:
        message = "chromium not installed: apt-get install chromium"
        if os.environ.get("GAZETTE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message} (GAZETTE_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return path


@pytest.fixture
def served(settings, nlp):
    """The application on a live server, reads needing a key (which the browser never sends)."""
    from app.main import create_app

    app = create_app(settings.model_copy(update={"read_keys_required": True}), nlp=nlp)
    with live_server(app) as port:
        yield app, f"http://127.0.0.1:{port}"


def render(chromium: str, url: str, folder: Path) -> tuple[str, Path, Path]:
    """Load `url` in headless Chromium; the rendered DOM, a screenshot and the network log."""
    screenshot, net_log = folder / "page.png", folder / "net-log.json"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--virtual-time-budget=10000",
        f"--user-data-dir={folder / 'profile'}",
        # Nothing leaves the machine, the browser's own background requests included: every
        # host name fails to resolve, and anything not on loopback goes to a closed port.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--log-net-log={net_log}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--screenshot={screenshot}",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, screenshot, net_log


def requests_from(net_log: Path, origin: str) -> list[str]:
    """The URLs of every request a page of `origin` made (not the browser's own)."""
    log = json.loads(net_log.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        event["params"]["url"]
        for event in log["events"]
        if event["type"] == start and event.get("params", {}).get("initiator") == origin
    ]


def assert_screenshot(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert struct.unpack(">II", data[16:24]) == WINDOW  # IHDR's width and height
    assert len(data) > MIN_SCREENSHOT_BYTES, f"{len(data)} bytes: a blank page?"


def operations(app) -> list[tuple[str, str, str, str]]:
    """(method, path, tag, operationId) of every operation in the OpenAPI document."""
    return [
        (method, path, tag, operation["operationId"])
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
        for tag in operation["tags"]
    ]


@pytest.mark.browser
def test_swagger_ui_renders_every_operation_offline(chromium, served, tmp_path):
    app, base = served
    dom, screenshot, net_log = render(chromium, f"{base}/docs", tmp_path)

    blocks = set(re.findall(r'class="opblock opblock-(\w+)[^"]*" id="operations-([^"]+)"', dom))
    expected = {
        (method, f"{tag}-{operation_id}") for method, _, tag, operation_id in operations(app)
    }
    assert expected and expected <= blocks, sorted(expected - blocks)
    shown_paths = set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', dom))
    assert "/articles/{article_id}" in shown_paths
    assert shown_paths == {path for _, path, _, _ in operations(app)}

    loaded = requests_from(net_log, base)
    assert f"{base}/openapi.json" in loaded
    assert any(url.endswith(".js") for url in loaded)
    assert [url for url in loaded if not url.startswith(f"{base}/")] == []
    assert_screenshot(screenshot)


@pytest.mark.browser
def test_redoc_renders_every_operation_offline(chromium, served, tmp_path):
    app, base = served
    dom, screenshot, net_log = render(chromium, f"{base}/redoc", tmp_path)

    anchors = set(re.findall(r'id="tag/([^/"]+)/operation/([^"]+)"', dom))
    expected = {(tag, operation_id) for _, _, tag, operation_id in operations(app)}
    assert expected and expected <= anchors, sorted(expected - anchors)
    assert ">/articles/{article_id}<" in dom

    loaded = requests_from(net_log, base)
    assert f"{base}/openapi.json" in loaded
    assert any(url.endswith(".js") for url in loaded)
    # ReDoc's bundle would fetch its logo from its makers' CDN; the page's policy stops it.
    assert [url for url in loaded if not url.startswith(f"{base}/")] == []
    assert_screenshot(screenshot)

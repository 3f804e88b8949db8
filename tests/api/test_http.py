"""HEAD wherever GET works; a 405 names every method of the path."""

from __future__ import annotations

import re

import pytest

PROBLEM = "application/problem+json"
ARTICLE = {
    "id": "head-check",
    "text": "Council passes budget\n\nThe council in Leeds approved it, Mayor Ann Smith said.",
}


@pytest.fixture
def stored(client) -> dict[str, str]:
    """Values for the path parameters, pointing at stored things."""
    assert client.post("/articles", json=ARTICLE).status_code == 201
    entities = client.get("/articles/head-check/entities").json()
    return {"article_id": "head-check", "entity_id": entities[0]["id"] if entities else "x"}


def _fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "x"), template)


def test_head_answers_like_get_on_every_get_route(client, stored):
    paths = [p for p, ops in client.app.openapi()["paths"].items() if "get" in ops]
    assert "/articles/{article_id}" in paths
    for template in paths:
        path = _fill(template, stored)
        get = client.get(path)
        head = client.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"", path
        assert head.headers["content-type"] == get.headers["content-type"], path
        if "content-length" in get.headers:
            assert head.headers["content-length"] == get.headers["content-length"], path
    # A HEAD on a path without GET is a 405 naming HEAD.
    response = client.head("/annotate")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    "method, path, allow",
    [
        ("PUT", "/articles", "GET, HEAD, POST"),
        ("PATCH", "/articles/x", "DELETE, GET, HEAD"),
        ("POST", "/articles/x", "DELETE, GET, HEAD"),
        ("GET", "/annotate", "POST"),
        ("DELETE", "/entities", "GET, HEAD"),
        # Routes the OpenAPI document leaves out.
        ("POST", "/docs", "GET, HEAD"),
        ("DELETE", "/openapi.json", "GET, HEAD"),
        ("POST", "/metrics", "GET, HEAD"),
    ],
)
def test_405_allow_lists_every_method_of_the_path(client, method, path, allow):
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.headers["content-type"].startswith(PROBLEM)
    assert method in response.json()["detail"]


def test_allow_is_complete_for_every_documented_path(client):
    paths = client.app.openapi()["paths"]
    for template, operations in paths.items():
        path = _fill(template, {})
        expected = {m.upper() for m in operations}
        if "GET" in expected:
            expected.add("HEAD")
        # A fixed path such as /articles/facets is also an id of /articles/{article_id}: a
        # method another template answers there is routed, not refused, so try another.
        routed = {
            m.upper()
            for other, others in paths.items()
            if re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(other)), path)
            for m in others
        }
        unused = sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - expected - routed)
        if not unused:
            continue
        response = client.request(unused[0], path)
        assert response.status_code == 405, template
        assert set(response.headers["allow"].split(", ")) == expected, template

"""`offsets=utf16`: every served span in UTF-16 code units, as JavaScript indexes strings.

Each check compares a response with its default (code-point) twin: every span of the
UTF-16 one, cut from the UTF-16 encoding of the text its offsets index, must be the
code-point slice of the same span in the default one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from app.api.offsets import convert, convert_json, in_bmp, utf16_offsets
from app.api.schemas import StructureOut, TextSpan

pytestmark = pytest.mark.nlp

FAMILY = "👩\u200d👩\u200d👧"  # a ZWJ sequence: three characters outside the BMP, two inside
# Characters outside the BMP before, inside and after the spans the pipeline finds.
HARBOUR = (
    "𝕏 Council 😀 approves new harbour plan 𠀀\n\n"
    f'😀 "This plan will bring {FAMILY} jobs back to the waterfront," Mayor Helen Carter '
    "said on Tuesday 𝕏.\n\n"
    "𠀀 Carter said the first ships could dock next spring 😀 in Lisbon.\n\n"
    "Opposition leader Tom Briggs told reporters on 3 March 2024: "
    '"We will fight this 𝕏 in court."\n\n'
    "READ MORE: Harbour 😀 plan faces court challenge"
)
# Another count of such characters before its spans: converting its offsets with the
# other article's text would cut the wrong spans.
COURT = (
    f"Harbour 😀 plan faces court challenge {FAMILY}{FAMILY}\n\n"
    f"{FAMILY} The harbour plan will be challenged in court, Tom Briggs said on Friday 😀.\n\n"
    '"The waterfront belongs to everyone," said Ana Lima, a lawyer in Lisbon 𠀀.'
)
PLAIN = 'Council meets\n\n"The harbour plan is ready," Mayor Helen Carter said on Monday.'


def utf16_slice(text: str, start: int, end: int) -> str:
    """What JavaScript's `text.slice(start, end)` gives."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def is_span(node: Any) -> bool:
    return isinstance(node, dict) and isinstance(node.get("start"), int) and "end" in node


def span_pairs(default: Any, utf16: Any) -> Iterator[tuple[dict, dict]]:
    """Every (code-point span, UTF-16 span) at the same place of two twin responses; all
    else in them must be equal."""
    if isinstance(default, list):
        assert isinstance(utf16, list) and len(default) == len(utf16)
        for a, b in zip(default, utf16, strict=True):
            yield from span_pairs(a, b)
    elif isinstance(default, dict):
        assert isinstance(utf16, dict) and default.keys() == utf16.keys()
        if is_span(default):
            yield default, utf16
        for key, value in default.items():
            if key in ("start", "end") and is_span(default):
                continue
            if isinstance(value, list | dict):
                yield from span_pairs(value, utf16[key])
            else:
                assert value == utf16[key], key
    else:
        assert default == utf16


def assert_twins(default: Any, utf16: Any, text: str) -> int:
    """Check every span of `utf16` against `default`, both offsets into `text`; returns
    how many spans the UTF-16 offsets moved."""
    moved = checked = 0
    for cp, u16 in span_pairs(default, utf16):
        assert utf16_slice(text, u16["start"], u16["end"]) == text[cp["start"] : cp["end"]], cp
        if "text" in cp and isinstance(cp["text"], str) and cp.get("marked") is None:
            assert text[cp["start"] : cp["end"]] == cp["text"]
        checked += 1
        moved += (u16["start"], u16["end"]) != (cp["start"], cp["end"])
    assert checked, "no span to check"
    return moved


@pytest.fixture
def stored(client):
    for article_id, text in (("harbour", HARBOUR), ("court", COURT), ("plain", PLAIN)):
        response = client.post("/articles", json={"id": article_id, "text": text})
        assert response.status_code == 201, response.text
    return client


def twins(client, url: str, **params) -> tuple[Any, Any]:
    default = client.get(url, params=params)
    utf16 = client.get(url, params={**params, "offsets": "utf16"})
    assert default.status_code == 200, default.text
    assert utf16.status_code == 200, utf16.text
    return default.json(), utf16.json()


def texts(client) -> dict[str, str]:
    return {i: client.get(f"/articles/{i}").json()["text"] for i in ("harbour", "court", "plain")}


# --- The conversion ---------------------------------------------------------------------


def test_every_code_point_offset_maps_to_the_same_slice_in_utf16():
    text = f"a𝕏b{FAMILY}c 😀 𠀀d"
    to_utf16 = utf16_offsets(text)
    assert to_utf16 is not None and to_utf16(len(text)) == len(text.encode("utf-16-le")) // 2
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            assert utf16_slice(text, to_utf16(start), to_utf16(end)) == text[start:end]


def test_text_in_the_bmp_needs_no_conversion():
    text = "Zoë said “ça va” — 東京 ½"
    assert in_bmp(text) and utf16_offsets(text) is None
    body = '{"start":3,"end":5}'
    assert convert_json(body, text) is body
    assert not in_bmp("x😀")


def test_convert_rewrites_nested_spans_and_nothing_else():
    text = "😀😀 hello"
    node = {"start": 3, "end": 8, "text": "hello", "count": 3, "inner": [{"start": 0, "end": 1}]}
    convert(node, text)
    assert node == {
        "start": 5,
        "end": 10,
        "text": "hello",
        "count": 3,
        "inner": [{"start": 0, "end": 2}],
    }
    assert json.loads(convert_json('[{"start":3,"end":8}]', text)) == [{"start": 5, "end": 10}]


def test_a_part_shared_by_two_models_is_converted_once():
    text = "😀 Ana said"
    mention = TextSpan(start=2, end=5, text="Ana")
    page = [StructureOut(title=mention, paragraphs=[mention]), StructureOut(source=mention)]
    convert(page, text)
    assert (mention.start, mention.end) == (3, 6)
    assert utf16_slice(text, mention.start, mention.end) == "Ana"


# --- Every route serving spans ----------------------------------------------------------


def test_article_detail_and_layers(stored):
    for article_id, text in texts(stored).items():
        default, utf16 = twins(stored, f"/articles/{article_id}")
        assert default["quotes"] and default["entities"] and default["structure"]["paragraphs"]
        moved = assert_twins(default, utf16, text)
        assert moved if not in_bmp(text) else not moved
        for layer in ("entities", "quotes", "links"):
            layer_default, layer_utf16 = twins(stored, f"/articles/{article_id}/{layer}")
            assert layer_default == default[layer]
            if layer_default:
                assert_twins(layer_default, layer_utf16, text)
    harbour = stored.get("/articles/harbour").json()
    assert harbour["links"] and harbour["dates"]


def test_quotes_across_articles_each_converted_with_its_own_text(stored):
    text_of = texts(stored)
    default, utf16 = twins(stored, "/quotes", limit=100)
    assert {q["article_id"] for q in default["items"]} == set(text_of)
    for cp, u16 in zip(default["items"], utf16["items"], strict=True):
        assert_twins(cp, u16, text_of[cp["article_id"]])
    page = stored.get("/quotes", params={"limit": 1, "offsets": "utf16"}).json()
    assert "offsets=utf16" in page["next"]  # the next page in the same unit
    default, utf16 = twins(stored, "/quotes", limit=100, group="attribution")
    assert default["items"] and all(s["segments"] for s in default["items"])
    for cp, u16 in zip(default["items"], utf16["items"], strict=True):
        assert_twins(cp, u16, text_of[cp["article_id"]])


def test_search_snippets_are_offsets_into_the_article_text(stored):
    text_of = texts(stored)
    for url, q in (("/articles", "harbour"), ("/quotes", "waterfront")):
        default, utf16 = twins(stored, url, q=q)
        hits = [item for item in default["items"] if item["snippet"]]
        assert len(hits) >= 2, url  # in two articles
        for cp, u16 in zip(default["items"], utf16["items"], strict=True):
            text = text_of[cp.get("article_id", cp["id"])]
            snippet = cp["snippet"]
            assert text[snippet["start"] : snippet["end"]] == snippet["text"]
            assert snippet["highlights"] and all(
                text[h["start"] : h["end"]] == h["text"] for h in snippet["highlights"]
            )
            moved = assert_twins(cp, u16, text)
            assert bool(moved) == (not in_bmp(text[: snippet["end"]])), url


def test_a_speakers_quotes_and_the_links(stored):
    text_of = texts(stored)
    quotes = stored.get("/quotes", params={"limit": 100}).json()["items"]
    speaker = next(q["speaker"]["entity_id"] for q in quotes if q["speaker"])
    default, utf16 = twins(stored, f"/entities/{speaker}/quotes")
    assert default["items"]
    for cp, u16 in zip(default["items"], utf16["items"], strict=True):
        assert_twins(cp, u16, text_of[cp["article_id"]])
    default, utf16 = twins(stored, "/links")
    assert default["items"]
    for cp, u16 in zip(default["items"], utf16["items"], strict=True):
        assert assert_twins(cp, u16, text_of[cp["article_id"]])


def test_exports(stored):
    text_of = texts(stored)
    lines = {}
    for offsets in ("codepoints", "utf16"):
        body = stored.get("/articles/export", params={"offsets": offsets}).text
        lines[offsets] = [json.loads(line) for line in body.splitlines()]
    assert len(lines["codepoints"]) == 3
    for cp, u16 in zip(lines["codepoints"], lines["utf16"], strict=True):
        assert_twins(cp, u16, cp["text"])
    for offsets in ("codepoints", "utf16"):
        body = stored.get("/quotes/export", params={"offsets": offsets}).text
        lines[offsets] = [json.loads(line) for line in body.splitlines()]
    assert lines["codepoints"]
    for cp, u16 in zip(lines["codepoints"], lines["utf16"], strict=True):
        assert_twins(cp, u16, text_of[cp["article_id"]])
    rows = {
        offsets: list(
            csv.DictReader(
                io.StringIO(
                    stored.get(
                        "/quotes/export",
                        params={"offsets": offsets},
                        headers={"Accept": "text/csv"},
                    ).text
                )
            )
        )
        for offsets in ("codepoints", "utf16")
    }
    for cp, u16 in zip(rows["codepoints"], rows["utf16"], strict=True):
        text = text_of[cp["article_id"]]
        cp_span, u16_span = (int(cp["start"]), int(cp["end"])), (int(u16["start"]), int(u16["end"]))
        assert utf16_slice(text, *u16_span) == text[slice(*cp_span)] == cp["text"]


def test_annotate(stored):
    for text in (HARBOUR, COURT):
        default = stored.post("/annotate", json={"text": text})
        utf16 = stored.post("/annotate", params={"offsets": "utf16"}, json={"text": text})
        assert default.status_code == utf16.status_code == 200, utf16.text
        assert default.json()["quotes"] and default.json()["entities"]
        assert assert_twins(default.json(), utf16.json(), default.json()["text"])


def test_an_unknown_unit_is_a_422(stored):
    response = stored.get("/articles/harbour", params={"offsets": "bytes"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["loc"] == ["query", "offsets"]


# --- Caching ----------------------------------------------------------------------------


def test_the_two_units_have_their_own_etags(stored):
    for article_id in ("harbour", "plain"):
        for path in (f"/articles/{article_id}", f"/articles/{article_id}/quotes"):
            # UTF-16 asked first: rendered for it, and the stored rendering serves both after.
            utf16 = stored.get(path, params={"offsets": "utf16"})
            default = stored.get(path)
            explicit = stored.get(path, params={"offsets": "codepoints"})
            assert explicit.content == default.content
            assert explicit.headers["etag"] == default.headers["etag"]
            tags = {"default": default.headers["etag"], "utf16": utf16.headers["etag"]}
            assert tags["default"] != tags["utf16"]
            if article_id == "plain":  # all in the BMP: the same offsets
                assert utf16.json() == default.json()
            else:
                assert utf16.json() != default.json()
            for unit, params in (("default", {}), ("utf16", {"offsets": "utf16"})):
                own, other = tags[unit], tags["utf16" if unit == "default" else "default"]
                again = stored.get(path, params=params, headers={"If-None-Match": own})
                assert again.status_code == 304 and again.headers["etag"] == own
                crossed = stored.get(path, params=params, headers={"If-None-Match": other})
                assert crossed.status_code == 200, (path, unit)
                assert crossed.content == (default if unit == "default" else utf16).content


def test_gzipped_etags_stay_apart_too(stored):
    zipped = {"Accept-Encoding": "gzip"}
    default = stored.get("/articles/harbour", headers=zipped)
    utf16 = stored.get("/articles/harbour", params={"offsets": "utf16"}, headers=zipped)
    assert default.headers["content-encoding"] == utf16.headers["content-encoding"] == "gzip"
    assert default.headers["etag"].endswith('-gz"') and utf16.headers["etag"].endswith('-gz"')
    assert default.headers["etag"] != utf16.headers["etag"]
    crossed = stored.get(
        "/articles/harbour",
        params={"offsets": "utf16"},
        headers={**zipped, "If-None-Match": default.headers["etag"]},
    )
    assert crossed.status_code == 200
    own = stored.get(
        "/articles/harbour",
        params={"offsets": "utf16"},
        headers={**zipped, "If-None-Match": utf16.headers["etag"]},
    )
    assert own.status_code == 304 and own.headers["etag"] == utf16.headers["etag"]


def test_a_new_version_gets_a_new_utf16_etag(stored):
    before = stored.get("/articles/harbour", params={"offsets": "utf16"})
    changed = HARBOUR.replace("𝕏 Council", "𝕏𝕏 Council")
    assert stored.post("/articles", json={"id": "harbour", "text": changed}).status_code == 200
    after = stored.get(
        "/articles/harbour",
        params={"offsets": "utf16"},
        headers={"If-None-Match": before.headers["etag"]},
    )
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    default = stored.get("/articles/harbour").json()
    assert default["text"] == changed
    assert assert_twins(default, after.json(), changed)


# --- The OpenAPI document ---------------------------------------------------------------

# Their NDJSON lines carry spans, though the document declares them as text.
STREAMED_WITH_SPANS = {"export_articles", "export_quotes"}


def _has_span(schema: Any, components: dict, seen: set[str]) -> bool:
    if isinstance(schema, list):
        return any(_has_span(s, components, seen) for s in schema)
    if not isinstance(schema, dict):
        return False
    if ref := schema.get("$ref"):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return False
        return _has_span(components[name], components, seen | {name})
    properties = schema.get("properties", {})
    if {"start", "end"} <= properties.keys() and all(
        properties[k].get("type") == "integer" for k in ("start", "end")
    ):
        return True
    return any(_has_span(value, components, seen) for value in schema.values())


def test_every_operation_serving_spans_takes_offsets(client):
    document = client.get("/openapi.json").json()
    components = document["components"]["schemas"]
    serving = set()
    for item in document["paths"].values():
        for operation in item.values():
            responses = [
                media.get("schema")
                for status, response in operation.get("responses", {}).items()
                if status.startswith("2")
                for media in response.get("content", {}).values()
            ]
            takes = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if _has_span(responses, components, set()) or operation["operationId"] in (
                STREAMED_WITH_SPANS
            ):
                serving.add(operation["operationId"])
                assert "offsets" in takes, operation["operationId"]
                (parameter,) = [p for p in operation["parameters"] if p["name"] == "offsets"]
                assert parameter["schema"]["enum"] == ["codepoints", "utf16"]
                assert parameter["schema"]["default"] == "codepoints"
                assert "UTF-16" in parameter["description"]
    assert {
        "get_article",
        "list_article_entities",
        "list_article_quotes",
        "list_article_links",
        "list_articles",
        "list_quotes",
        "list_entity_quotes",
        "list_links",
        "annotate_document",
        *STREAMED_WITH_SPANS,
    } <= serving

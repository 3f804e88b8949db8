"""The OpenAPI document describes every operation well enough to use it unread: a summary,
every parameter described, and examples that are what the operation really takes and sends."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pydantic import TypeAdapter

from app.api import schemas


@pytest.fixture
def document(client) -> dict:
    return client.get("/openapi.json").json()


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _model(schema: dict) -> TypeAdapter:
    if schema.get("type") == "array":
        return TypeAdapter(list[getattr(schemas, schema["items"]["$ref"].rsplit("/", 1)[1])])
    refs = [option["$ref"] for option in schema.get("anyOf", [schema])]
    types = tuple(getattr(schemas, ref.rsplit("/", 1)[1]) for ref in refs)
    return TypeAdapter(types[0] if len(types) == 1 else types[0] | types[1])


def test_every_operation_has_a_summary_described_parameters_and_an_example(document):
    for name, operation in _operations(document):
        assert operation.get("summary"), name
        assert operation.get("operationId"), name
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (name, parameter["name"])
        assert '"example"' in json.dumps(operation), name


def test_examples_are_valid_bodies_of_their_operation(document):
    checked = 0
    for name, operation in _operations(document):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            _model(body["schema"]).validate_python(body["example"])
            checked += 1
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                continue
            for media, content in response.get("content", {}).items():
                example = content["example"]
                if media == "application/json":
                    _model(content["schema"]).validate_python(example)
                elif media == "application/x-ndjson":
                    assert all(json.loads(line) for line in example.splitlines()), name
                elif media == "text/csv":
                    header, *rows = list(csv.reader(io.StringIO(example)))
                    assert rows and all(len(row) == len(header) for row in rows), name
                else:
                    pytest.fail(f"{name}: no check for {media}")
                checked += 1
    assert checked >= 30


def test_example_spans_are_offsets_into_the_example_text(document):
    detail = document["paths"]["/articles/{article_id}"]["get"]["responses"]["200"]
    article = detail["content"]["application/json"]["example"]
    text = article["text"]
    spans = [
        *article["structure"]["paragraphs"],
        *(m for e in article["entities"] for m in e["mentions"]),
        *(q["speaker_mention"] for q in article["quotes"]),
        *article["quotes"],
        *article["dates"],
    ]
    assert len(spans) >= 6
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]

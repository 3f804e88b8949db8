"""The OpenAPI document: error responses as problem+json, named request bodies."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from app.api.schemas import AnnotateRequest, ArticleIn, JobIn, Problem

PROBLEM_JSON = "application/problem+json"
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# Bodies read by hand (JSON or plain text), so FastAPI does not list their models itself.
_BODY_MODELS: tuple[type[BaseModel], ...] = (AnnotateRequest, ArticleIn, JobIn)


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry declaring that a route may answer with these error codes."""
    return {code: {"model": Problem, "description": HTTPStatus(code).phrase} for code in codes}


def export_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The `responses` of an export route: NDJSON or CSV by `Accept`, else 406."""
    content = {
        media: {"schema": {"type": "string"}} for media in ("application/x-ndjson", "text/csv")
    }
    return {200: {"description": description, "content": content}, **problems(406, 422)}


def openapi_body(model: type[BaseModel]) -> dict[str, Any]:
    """The `requestBody` of a route that reads `model` by hand.

    Only the JSON body is declared: generators cannot express `text/plain` or NDJSON bodies
    (openapi-python-client warns and drops them), and a JSON body always works. The routes
    still accept those media types; their descriptions say so.
    """
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error response in the one shape the API sends."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (*_BODY_MODELS, Problem):
        _add_component(components, model)
    for model in _BODY_MODELS:
        _omit_null_defaults(components[model.__name__])
    for path in schema["paths"].values():
        for operation in path.values():
            if operation.get("security"):
                # The key check answers before the route runs; declare what it answers.
                responses = operation.setdefault("responses", {})
                for code in (401, 403):
                    responses.setdefault(
                        str(code), {"description": HTTPStatus(code).phrase, **_problem_content()}
                    )
            for code, response in operation.get("responses", {}).items():
                if code.isdigit() and int(code) >= 400 and _is_problem(response):
                    response.update(_problem_content())
                    if code == "422":
                        response["description"] = "The request is not valid."
    _add_examples(schema)
    # FastAPI's own validation error models are never sent: errors are problems.
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


def _problem_content() -> dict[str, Any]:
    return {"content": {PROBLEM_JSON: {"schema": dict(_PROBLEM_REF)}}}


def _is_problem(response: dict[str, Any]) -> bool:
    """True unless the route declared a model of its own for this error (as /ready does)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    return not ref or ref.endswith(("/Problem", "/HTTPValidationError"))


def _add_component(components: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema


def _omit_null_defaults(schema: dict[str, Any]) -> None:
    """A request field defaulting to null may be left out: say only that (not `required`),
    since TypeScript generators read a `default` as a field that must be sent."""
    for field in schema.get("properties", {}).values():
        if "default" in field and field["default"] is None:
            del field["default"]


def _add_examples(schema: dict[str, Any]) -> None:
    """An example for every request body, path parameter and successful response."""
    from app.api import examples

    for path in schema["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in examples.PARAMETERS:
                    parameter["example"] = examples.PARAMETERS[parameter["name"]]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                body["example"] = examples.example_of(examples.REQUESTS[_ref_name(body["schema"])])
            exports = examples.EXPORTS.get(operation.get("operationId", ""), {})
            for code, response in operation.get("responses", {}).items():
                if not code.startswith("2"):
                    continue
                for media, content in response.get("content", {}).items():
                    if media in exports:
                        content["example"] = exports[media]
                    elif media == "application/json":
                        value = examples.RESPONSES[_ref_name(content["schema"])]
                        content["example"] = examples.example_of(value)


def _ref_name(schema: dict[str, Any]) -> str:
    """The component a body schema names: itself, its items, or its first alternative."""
    schema = schema.get("items") or (schema.get("anyOf") or [schema])[0]
    return str(schema["$ref"]).rsplit("/", 1)[1]

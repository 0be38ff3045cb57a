"""Responses are checked against their OpenAPI operation: warnings by default, step failures under strict."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from arazzo_runner import Runner

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "http://api.test"}],
    "paths": {"/pets/{id}": {"get": {
        "operationId": "getPet",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Pet"}}}},
            "4XX": {"description": "client error"},
        },
    }}},
    "components": {"schemas": {"Pet": {"type": "object", "required": ["id", "name"],
                                       "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}},
}
ARAZZO = {
    "arazzo": "1.0.1",
    "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "openapi.json", "type": "openapi"}],
    "workflows": [{"workflowId": "w", "steps": [{
        "stepId": "get", "operationId": "getPet",
        "parameters": [{"name": "id", "in": "path", "value": 7}],
    }]}],
}


@pytest.fixture
def document(tmp_path: Path) -> Path:
    (tmp_path / "openapi.json").write_text(json.dumps(OPENAPI), "utf-8")
    path = tmp_path / "w.arazzo.json"
    path.write_text(json.dumps(ARAZZO), "utf-8")
    return path


def run(document: Path, response: httpx.Response, strict: bool) -> Any:
    transport = httpx.MockTransport(lambda request: response)
    return Runner(transport=transport, strict=strict, environ={}).run(document)


@pytest.mark.parametrize(("response", "problem"), [
    (httpx.Response(200, json={"id": "seven", "name": "Rex"}),
     'response body at id: "seven" is not of type "integer"'),
    (httpx.Response(200, json={"id": 7}), 'response body at (root): "name" is a required property'),
    (httpx.Response(500, json={}), "status 500 is not declared by GET /pets/{id} (api: getPet) (declared: 200, 4XX)"),
    (httpx.Response(200, text="<pet/>", headers={"content-type": "application/xml"}),
     "content type application/xml is not declared for status 200"),
], ids=["schema-type", "schema-required", "undeclared-status", "undeclared-content-type"])
def test_mismatching_response_is_a_warning_by_default_and_a_failure_when_strict(
        document: Path, response: httpx.Response, problem: str) -> None:
    lenient = run(document, response, strict=False)
    assert lenient.status == "succeeded"
    assert any(problem in warning for warning in lenient.steps[0].warnings)

    strict = run(document, response, strict=True)
    assert strict.status == "failed"
    assert strict.steps[0].error is not None
    assert strict.steps[0].error.startswith("response does not match the OpenAPI description: ")
    assert problem in strict.steps[0].error


@pytest.mark.parametrize("response", [
    httpx.Response(200, json={"id": 7, "name": "Rex"}),
    httpx.Response(404, text="not here"),  # matched by the 4XX range, which declares no content
], ids=["conforming-200", "range-4xx"])
def test_conforming_response_raises_no_problem(document: Path, response: httpx.Response) -> None:
    result = run(document, response, strict=True)

    assert result.status == "succeeded"
    assert not [w for w in result.steps[0].warnings if w.startswith("response check")]

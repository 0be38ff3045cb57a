"""Contract mode: openapi-core checks each request and response against its operation (``Runner(contract=True)``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from arazzo_runner import Runner

PET = {"type": "object", "required": ["id", "name"],
       "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


def openapi(version: str = "3.1.0", pet: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://pets.example/v1"}],
        "paths": {"/pets/{id}": {"get": {
            "operationId": "getPet",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": {"description": "ok",
                        "headers": {"X-Rate": {"required": True, "schema": {"type": "integer"}}},
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                "4XX": {"description": "client error"},
            },
        }}},
        "components": {"schemas": {"Pet": pet or PET}},
    }


def write(tmp_path: Path, description: dict[str, Any], pet_id: Any = 7) -> Path:
    (tmp_path / "openapi.json").write_text(json.dumps(description), "utf-8")
    document = {
        "arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
        "sourceDescriptions": [{"name": "api", "url": "openapi.json", "type": "openapi"}],
        "workflows": [{"workflowId": "w", "steps": [{
            "stepId": "get", "operationId": "getPet",
            "parameters": [{"name": "id", "in": "path", "value": pet_id}],
        }]}],
    }
    path = tmp_path / "w.arazzo.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


def run(path: Path, response: httpx.Response, **options: Any) -> Any:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return response

    result = Runner(transport=httpx.MockTransport(answer), contract=True, environ={}, **options).run(path)
    return result, sent


GOOD = {"headers": {"X-Rate": "10"}, "json": {"id": 7, "name": "Rex"}}

CASES = [
    pytest.param(GOOD, "succeeded", None, id="conforming"),
    pytest.param({"headers": {"X-Rate": "10"}, "json": {"id": "seven", "name": "Rex"}}, "failed",
                 "response does not match the OpenAPI contract: body: id: 'seven' is not of type 'integer'",
                 id="body-schema"),
    pytest.param({"json": {"id": 7, "name": "Rex"}}, "failed",
                 "response does not match the OpenAPI contract: Missing required header: X-Rate",
                 id="required-response-header"),
    pytest.param({"headers": {"X-Rate": "many"}, "json": {"id": 7, "name": "Rex"}}, "failed",
                 "response does not match the OpenAPI contract: header X-Rate: Failed to cast value to integer type: "
                 "many", id="response-header-type"),
]


@pytest.mark.parametrize(("reply", "status", "error"), CASES)
def test_a_response_that_breaks_the_contract_fails_its_step(tmp_path: Path, reply: dict[str, Any], status: str,
                                                             error: str | None) -> None:
    result, _ = run(write(tmp_path, openapi()), httpx.Response(200, **reply))

    assert result.status == status, result.steps[0].error
    step = result.steps[0]
    if error is None:
        assert step.error is None and not step.warnings
    else:
        assert step.error is not None and error in step.error


def test_a_request_that_breaks_the_contract_is_a_warning_and_is_still_sent(tmp_path: Path) -> None:
    result, sent = run(write(tmp_path, openapi(), pet_id="seven"), httpx.Response(200, **GOOD))

    assert result.status == "succeeded"
    assert len(sent) == 1
    assert result.steps[0].warnings == (
        "contract: request Path parameter error: id: Failed to cast value to integer type: seven",)


def test_requests_sent_to_a_server_override_are_judged_against_the_operation(tmp_path: Path) -> None:
    result, sent = run(write(tmp_path, openapi()), httpx.Response(200, json={"id": "x"}),
                       servers={"api": "http://127.0.0.1:9/stand-in"})

    assert str(sent[0].url) == "http://127.0.0.1:9/stand-in/pets/7"
    assert result.status == "failed"
    assert "'x' is not of type 'integer'" in (result.steps[0].error or "")


def test_openapi_30_nullable_is_understood(tmp_path: Path) -> None:
    nullable = {**PET, "properties": {"id": {"type": "integer"}, "name": {"type": "string", "nullable": True}}}
    path = write(tmp_path, openapi("3.0.3", nullable))

    result, _ = run(path, httpx.Response(200, headers={"X-Rate": "1"}, json={"id": 7, "name": None}))

    assert result.status == "succeeded", result.steps[0].error


def test_without_contract_mode_openapi_core_is_never_imported(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write(tmp_path, openapi())
    script = (
        "import sys, httpx\n"
        "from arazzo_runner import Runner\n"
        "reply = lambda request: httpx.Response(200, headers={'X-Rate': '1'}, json={'id': 7, 'name': 'Rex'})\n"
        f"result = Runner(transport=httpx.MockTransport(reply), environ={{}}).run({str(path)!r})\n"
        "assert result.status == 'succeeded', result\n"
        "print('openapi_core' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

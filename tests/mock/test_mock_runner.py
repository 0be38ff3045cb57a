"""``Runner(mock=True)`` / ``run --mock`` over the kinds of source descriptions: Swagger 2.0, OpenAPI 3.0, 3.1
and 3.2 (its ``query`` method and ``additionalOperations``), and the mock's marks in every output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.cli import main
from arazzo_runner.runner import Runner

ARAZZO = """\
arazzo: 1.0.1
info: {title: t, version: '1'}
sourceDescriptions:
  - {name: api, url: ./api.yaml, type: openapi}
workflows:
  - workflowId: main
    steps:
      - stepId: find
        operationId: findPet
        parameters:
          - {name: id, in: path, value: 7}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          name: $response.body#/name
    outputs:
      name: $steps.find.outputs.name
"""

PET_SCHEMA = "{type: object, required: [name], properties: {name: {type: string, example: Rex}}}"

DESCRIPTIONS = [
    pytest.param(f"""\
        swagger: '2.0'
        info: {{title: t, version: '1'}}
        host: pets.example.com
        produces: [application/json]
        paths:
          /pets/{{id}}:
            get:
              operationId: findPet
              parameters: [{{name: id, in: path, required: true, type: integer}}]
              responses:
                '200': {{description: ok, schema: {PET_SCHEMA}}}
        """, "GET", id="swagger-2.0"),
    pytest.param(f"""\
        openapi: 3.0.3
        info: {{title: t, version: '1'}}
        servers: [{{url: 'https://pets.example.com'}}]
        paths:
          /pets/{{id}}:
            get:
              operationId: findPet
              parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]
              responses:
                '200': {{description: ok, content: {{application/json: {{schema: {PET_SCHEMA}}}}}}}
        """, "GET", id="openapi-3.0"),
    pytest.param(f"""\
        openapi: 3.2.0
        info: {{title: t, version: '1'}}
        paths:
          /pets/{{id}}:
            query:
              operationId: findPet
              parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]
              responses:
                '200': {{description: ok, content: {{application/json: {{schema: {PET_SCHEMA}}}}}}}
        """, "QUERY", id="openapi-3.2-query-method"),
    pytest.param(f"""\
        openapi: 3.2.0
        info: {{title: t, version: '1'}}
        servers: [{{url: 'https://pets.example.com/v1'}}]
        paths:
          /pets/{{id}}:
            additionalOperations:
              LINK:
                operationId: findPet
                parameters: [{{name: id, in: path, required: true, schema: {{type: integer}}}}]
                responses:
                  '200': {{description: ok, content: {{application/json: {{schema: {PET_SCHEMA}}}}}}}
        """, "LINK", id="openapi-3.2-additional-operation"),
]


def documents(tmp_path: Path, description: str) -> Path:
    (tmp_path / "api.yaml").write_text(textwrap.dedent(description), "utf-8")
    path = tmp_path / "flow.arazzo.yaml"
    path.write_text(ARAZZO, "utf-8")
    return path


@pytest.mark.parametrize(("description", "method"), DESCRIPTIONS)
def test_a_mocked_run_answers_from_any_kind_of_description(tmp_path: Path, description: str, method: str) -> None:
    result = Runner(mock=True, environ={}).run(documents(tmp_path, description))

    assert result.succeeded, result.error
    assert dict(result.outputs) == {"name": "Rex"}
    [step] = result.steps
    assert step.mocked and step.request is not None and step.request.method == method
    assert step.request.url.endswith("/pets/7")


def test_mock_is_marked_in_the_text_the_json_and_every_report(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = documents(tmp_path, DESCRIPTIONS[1].values[0])  # type: ignore[index]
    reports = {kind: tmp_path / f"r.{kind}" for kind in ("junit", "json", "har", "markdown")}

    text_code = main(["run", str(path), "--mock", *(a for k, p in reports.items() for a in (f"--report-{k}", str(p)))])
    text, _ = capsys.readouterr()
    json_code = main(["run", str(path), "--mock", "--format", "json"])
    result: dict[str, Any] = json.loads(capsys.readouterr().out)

    assert text_code == json_code == 0
    assert "-> 200 mocked" in text
    assert result["steps"][0]["mocked"] is True
    assert json.loads(reports["har"].read_text("utf-8"))["log"]["entries"][0]["_mocked"] is True
    assert json.loads(reports["json"].read_text("utf-8"))["runs"][0]["steps"][0]["response"]["mocked"] is True
    assert "mocked from the OpenAPI description" in reports["junit"].read_text("utf-8")
    assert "(mocked)" in reports["markdown"].read_text("utf-8")


def test_mock_combines_with_dry_run_which_still_sends_nothing(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = documents(tmp_path, DESCRIPTIONS[1].values[0])  # type: ignore[index]

    code = main(["run", str(path), "--mock", "--dry-run"])

    out, _ = capsys.readouterr()
    assert code == 0
    assert "  find: GET https://pets.example.com/pets/7" in out


def test_the_status_a_criterion_asks_for_is_the_one_mocked(tmp_path: Path) -> None:
    description = DESCRIPTIONS[1].values[0].replace(  # type: ignore[index]
        "'200': {description: ok,", "'404': {description: gone}\n                '200': {description: ok,")
    path = documents(tmp_path, description)
    path.write_text(ARAZZO.split("        outputs:")[0].replace("$statusCode == 200", "$statusCode == 404"), "utf-8")

    result = Runner(mock=True, environ={}).run(path)

    assert result.succeeded, result.error
    assert result.steps[0].status_code == 404


def test_mock_with_a_transport_of_ones_own_is_a_usage_error() -> None:
    import httpx

    from arazzo_runner.errors import UsageError

    with pytest.raises(UsageError, match="mock=True answers every request itself"):
        Runner(mock=True, transport=httpx.MockTransport(lambda request: httpx.Response(200)))

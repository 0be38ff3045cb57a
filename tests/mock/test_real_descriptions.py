"""The mock answers every operation of the project's real OpenAPI descriptions — for every status each one
declares — with that status and a body valid against the declared schema, checked exactly as a run checks
responses (:mod:`arazzo_runner.plan.responses`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from arazzo_runner import Runner
from arazzo_runner.expressions import MISSING
from arazzo_runner.http import decode_body
from arazzo_runner.loader import to_url
from arazzo_runner.mock import EXPECTED_STATUS, MockTransport
from arazzo_runner.mock.scalars import FORMAT_EXAMPLES
from arazzo_runner.plan.responses import plan_response_check
from arazzo_runner.plan.schemas import SchemaCompiler
from arazzo_runner.sources import OpenAPISource, Operation, Workspace
from arazzo_runner.sources.openapi import build_openapi_source
from arazzo_runner.sources.refs import follow

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = [ROOT / "workflows" / "mixpanel-track-and-segment.arazzo.yaml",
             ROOT / "workflows" / "mixpanel-identity-resolve-and-track.arazzo.yaml"]
EXAMPLES = sorted((ROOT / "tests" / "data" / "arazzo" / "examples" / "1.0.0").glob("*openapi.yaml"))
_VARIABLE = re.compile(r"\{[^{}]+\}")


def mixpanel_sources(workspace: Workspace) -> list[OpenAPISource]:
    found: dict[str, OpenAPISource] = {}
    for path in WORKFLOWS:
        bundle = workspace.bundle(workspace.load(str(path)))
        assert bundle.main.problems == ()
        for source in bundle.main.openapi.values():
            found.setdefault(source.url, source)
    return list(found.values())


def example_sources(workspace: Workspace) -> list[OpenAPISource]:
    return [build_openapi_source(path.stem, workspace.document(to_url(str(path))), workspace.load_referenced)
            for path in EXAMPLES]


def exchanges(operation: Operation) -> Iterator[int | None]:
    """No expected status, then each declared one (a range as its x01 code, ``default`` as 599)."""
    yield None
    for key in operation.raw.get("responses") or {}:
        key = str(key)
        yield int(key) if key.isdigit() else (599 if key == "default" else int(key[0]) * 100 + 1)


def url_of(operation: Operation) -> str:
    server = operation.servers[0].url if operation.servers else ""
    base = server if "://" in server else f"https://mock.test{server}"
    return base.rstrip("/") + _VARIABLE.sub("p1", operation.path)


def declared_media(operation: Operation, source: OpenAPISource, workspace: Workspace, status: int) -> bool:
    """Whether the response for ``status`` declares a media type with a schema or example (so a body is due)."""
    responses = {str(k): v for k, v in (operation.raw.get("responses") or {}).items()}
    text = str(status)
    key = text if text in responses else next((k for k in responses if k.upper() == f"{text[0]}XX"), "default")
    home = operation.home or source.document
    _, response = follow(home, responses.get(key), workspace.load_referenced)
    if source.version == "2.0":
        return isinstance(response, dict) and ("schema" in response or bool(response.get("examples")))
    content = response.get("content") if isinstance(response, dict) else None
    return isinstance(content, dict) and any(
        isinstance(m, dict) and ({"schema", "example", "examples"} & set(m)) for m in content.values())


def check_every_operation(sources: list[OpenAPISource], workspace: Workspace) -> int:
    transport = MockTransport(sources, workspace.load_referenced)
    compiler = SchemaCompiler(workspace.load_referenced)
    problems: list[str] = []
    checked = 0
    with httpx.Client(transport=transport) as client:
        for source in sources:
            for operation in source.operations:
                check = plan_response_check(operation, source, compiler, workspace.load_referenced)
                url = url_of(operation)
                assert transport.match(operation.method, httpx.URL(url).raw_path.decode()) is operation, url
                for expected in exchanges(operation):
                    request = client.build_request(operation.method, url, extensions={EXPECTED_STATUS: expected})
                    response = client.send(request)
                    content_type = response.headers.get("content-type")
                    body = decode_body(response.content, content_type) if response.content else MISSING
                    found = check.check(response.status_code, content_type, body)
                    if expected is not None and response.status_code != expected:
                        found.append(f"answered {response.status_code}, expected {expected}")
                    if body is MISSING and response.status_code not in (204, 304) and declared_media(
                            operation, source, workspace, response.status_code):
                        found.append("no body although the response declares one")
                    problems.extend(f"{operation} [{expected}]: {p}" for p in found)
                    checked += 1
    assert problems == []
    return checked


def test_every_mixpanel_operation_is_answered_as_declared() -> None:
    workspace = Workspace()
    sources = mixpanel_sources(workspace)
    assert sorted(Path(s.url).name for s in sources) == [
        "mixpanel-identity-openapi.yml", "mixpanel-ingestion-openapi.yml", "mixpanel-query-openapi.yml"]
    assert check_every_operation(sources, workspace) > sum(len(s.operations) for s in sources)


def test_every_operation_of_the_arazzo_spec_examples_is_answered_as_declared() -> None:
    workspace = Workspace()
    sources = example_sources(workspace)
    assert {s.version for s in sources} >= {"3.0"}
    assert check_every_operation(sources, workspace) > sum(len(s.operations) for s in sources)


def test_the_track_and_segment_workflow_runs_against_the_mock() -> None:
    workspace = Workspace()
    transport = MockTransport(mixpanel_sources(workspace), workspace.load_referenced)
    inputs: dict[str, Any] = json.loads((ROOT / "workflows" / "mixpanel-track-and-segment.inputs.json").read_text())
    result = Runner(transport=transport, environ={}, auth={"queryApi.serviceAccount": "sa:secret"}).run(
        str(WORKFLOWS[0]), inputs=inputs)
    assert result.status == "succeeded", result.error
    assert [(step.step_id, step.status_code) for step in result.steps] == [("trackEvent", 200), ("segmentEvent", 200)]
    assert result.outputs["ingestStatus"] == 1


@pytest.mark.parametrize("name", sorted(FORMAT_EXAMPLES))
def test_format_values_pass_the_format_checker(name: str) -> None:
    # Formats the checker does not know (or lacks a library for) pass trivially; the rest must really hold.
    validator = Draft202012Validator({"type": "string", "format": name},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(FORMAT_EXAMPLES[name])) == []

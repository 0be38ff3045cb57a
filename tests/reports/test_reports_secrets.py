"""No secret leaves any writer: not in headers, URLs, bodies, messages, outputs or inputs, in no form."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus
from xml.sax.saxutils import escape

import httpx
import pytest

from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import RunRecord, har, json_report, junit_xml, markdown
from tests.reports.support import SECRET, Api, check_har, check_junit, step, workflow

FORMS = {
    "plain": SECRET,
    "base64": base64.b64encode(SECRET.encode()).decode(),
    "percent": quote(SECRET, safe=""),
    "percent-plus": quote_plus(SECRET),
    "percent-slash-kept": quote(SECRET, safe="/"),
    "json": json.dumps(SECRET)[1:-1],
    "json-twice": json.dumps(json.dumps(SECRET)[1:-1])[1:-1],
    "xml": escape(SECRET, {'"': "&quot;"}),
    "start": SECRET[:4],  # what a cut before masking would leave
}


def echo(request: httpx.Request) -> httpx.Response:
    """Sends every form of the credential it received back: in the body, in headers, in a redirect."""
    key = parse_qs(request.url.query.decode())["apiKey"][0]
    assert key == SECRET and request.headers["authorization"] == f"Bearer {SECRET}"
    if request.url.path == "/a":
        body = {"echo": key, "b64": base64.b64encode(key.encode()).decode(), "pct": quote(key, safe=""),
                "nested": json.dumps({"key": key})}
        headers = {"x-echo": key, "set-cookie": f"token={key}; Path=/",
                   "location": f"https://api.test/next?key={quote(key, safe='/')}"}
        return httpx.Response(200, json=body, headers=headers)
    if request.url.path == "/b":
        return httpx.Response(200, json={"echo": key})
    # the engine cuts a failed step's body at 200 characters: the secret straddles the cut
    return httpx.Response(500, text="x" * 195 + key, headers={"content-type": "text/plain"})


@pytest.fixture
def records(tmp_path: Path) -> list[RunRecord]:
    api = Api(tmp_path, secured=True)
    api.write([workflow("flow", [
        step("leak", "getA", outputs={"echo": "$response.body#/echo", "header": "$response.header.x-echo"}),
        step("compare", "getB", successCriteria=[{"condition": "$response.body#/echo == 'nope'"}],
             onFailure=[{"name": "on", "type": "goto", "stepId": "cut"}]),
        step("cut", "getC")],
        inputs={"type": "object", "properties": {"token": {"type": "string"}}},
        outputs={"echo": "$steps.leak.outputs.echo", "header": "$steps.leak.outputs.header"})])
    found = [api.run(echo, label=f"row {n}", inputs={"token": SECRET}) for n in (1, 2)]
    assert found[0].result.steps[0].outputs["echo"] == SECRET  # the secret really went through the run
    # The engine masks the credential in its result (before it cuts the body excerpt), so none survives there.
    error = found[0].result.error or ""
    assert error.endswith("x" * 5 + "***") and SECRET not in error and FORMS["start"] not in error
    return found


def outputs(records: list[RunRecord]) -> dict[str, str]:
    redact = Redactor([SECRET])
    junit = junit_xml(records, redact)
    check_junit(junit)
    archive = har(records, redact)
    check_har(archive)
    return {
        "junit": junit,
        "har": json.dumps(archive, ensure_ascii=False),
        "har-ascii": json.dumps(archive),
        "markdown": markdown(records, redact),
        "json": json.dumps(json_report(records, redact), ensure_ascii=False),
        "json-ascii": json.dumps(json_report(records, redact)),
    }


@pytest.mark.parametrize("form", FORMS, ids=str)
def test_no_form_of_a_secret_appears_in_any_report(records: list[RunRecord], form: str) -> None:
    for writer, text in outputs(records).items():
        assert FORMS[form] not in text, f"{form} form of the secret in the {writer} report"


def test_the_masked_places_still_show_what_is_not_secret(records: list[RunRecord]) -> None:
    reports = outputs(records)
    entry = json.loads(reports["har"])["log"]["entries"][0]

    assert entry["request"]["url"] == "https://api.test/a?apiKey=***"
    assert entry["response"]["redirectURL"] == "https://api.test/next?key=***"
    assert json.loads(entry["response"]["content"]["text"])["b64"] == "***"
    run = json.loads(reports["json"])["runs"][0]
    assert (run["inputs"], run["outputs"]) == ({"token": "***"}, {"echo": "***", "header": "***"})
    assert run["steps"][1]["criteria"][0]["actual"] == "'***' == 'nope'"
    assert run["error"].endswith("x" * 5 + "***")

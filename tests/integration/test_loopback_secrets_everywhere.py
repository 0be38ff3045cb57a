"""No output path shows a secret: every kind of secret the engine knows, through every output, in every encoding.

One workflow touches them all — credentials from ``--auth`` and the environment (bearer, basic, an apiKey in the
query, OAuth2 client credentials and the token fetched with them), ``format: password`` and ``writeOnly`` inputs,
secret-named fields in request and response bodies, a cookie the server sets — against a server that echoes
whatever it receives; its last step fails, so error messages, failing criteria and response excerpts are
printed too. Then each output is searched for each secret, plain and encoded.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from doc_builder import WORKFLOW, Documents, json_body, operation, step
from recording_server import Received, RecordingServer, Reply

from arazzo_runner.cli import main
from arazzo_runner.runner import Runner

BEARER = "BEARER-cred-333"
QUERY_KEY = "QK/cred+444="
BASIC = "alice:BASIC-pw-555"
CLIENT = "client-9:OAUTH-client-secret-666"
FETCHED = "OAUTH-tok-777"
PASSWORD_INPUT = 'PW-input-888"\\'
WRITE_ONLY_INPUT = "WO-input-999"
BODY_TOKENS = {"access_token": "AT-secret-token-111", "refresh_token": "RT-refresh-112", "id_token": "IDT-id-113"}
COOKIE = "COOKIE-val-114"
BODY_CLIENT_SECRET = "CS-body-115"

SECRETS = [BEARER, QUERY_KEY, BASIC, CLIENT, FETCHED, PASSWORD_INPUT, WRITE_ONLY_INPUT, *BODY_TOKENS.values(),
           COOKIE, BODY_CLIENT_SECRET]


def forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` an output could carry."""
    parts = {secret, secret.partition(":")[2]} - {""}
    found = set()
    for part in parts:
        found |= {part, quote(part, safe=""), quote_plus(part), json.dumps(part)[1:-1],
                  base64.b64encode(part.encode()).decode()}
    return found


def leaks(text: str) -> list[str]:
    return sorted({form for secret in SECRETS for form in forms(secret) if form in text})


def echo(request: Received) -> Reply:
    """What a careless API does: send back every header, the query and the body it got."""
    body = request.body.decode("utf-8", "replace")
    return Reply(200, {"headers": dict(request.headers), "query": request.query, "body": body})


SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
    "queryKey": {"type": "apiKey", "in": "query", "name": "key"},
}


def document(docs: Documents, server: RecordingServer) -> Path:
    server.reply(Reply(body={"access_token": FETCHED, "token_type": "Bearer"}), path="/token")
    server.reply(Reply(200, {**BODY_TOKENS, "user": "ann"}, headers={"Set-Cookie": f"sid={COOKIE}; HttpOnly"}),
                 path="/login")
    server.reply(echo)
    schemes = {**SCHEMES, "oauth": {"type": "oauth2", "flows": {"clientCredentials": {
        "tokenUrl": f"{server.url}/token", "scopes": {}}}}}
    paths = {
        "/login": {"post": operation("login", requestBody=json_body())},
        "/items": {"get": operation("items", security=[{"bearer": [], "queryKey": []}])},
        "/basic": {"get": operation("basic", security=[{"basic": []}])},
        "/oauth": {"get": operation("oauth", security=[{"oauth": []}])},
        "/echo": {"post": operation("echo", requestBody=json_body())},
    }
    inputs = {"type": "object", "properties": {"password": {"type": "string", "format": "password"},
                                               "note": {"type": "string", "writeOnly": True}}}
    steps = [
        step("login", "login", requestBody={"payload": {"user": "ann", "password": "$inputs.password",
                                                        "client_secret": BODY_CLIENT_SECRET}},
             outputs={"token": "$response.body#/access_token"}),
        step("items", "items"),
        step("basic", "basic"),
        step("oauth", "oauth"),
        step("echo", "echo", parameters=[{"name": "X-Token", "in": "header", "value": "$steps.login.outputs.token"}],
             requestBody={"payload": {"note": "$inputs.note", "token": "$steps.login.outputs.token"}},
             successCriteria=[{"condition": "$response.body#/headers/x-token == 'nothing'"}]),
    ]
    return docs.flow(paths, steps, inputs=inputs, api_components={"securitySchemes": schemes},
                     outputs={"token": "$steps.login.outputs.token"})


@pytest.fixture
def flow(docs: Documents, server: RecordingServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The run's arguments; the query key comes from the environment, the others from --auth."""
    monkeypatch.setenv("ARAZZO_AUTH_API_QUERYKEY", QUERY_KEY)
    path = document(docs, server)
    return [str(path), "--input", f"password={PASSWORD_INPUT}", "--input", f"note={WRITE_ONLY_INPUT}",
            "--auth", f"api.bearer={BEARER}", "--auth", f"api.basic={BASIC}", "--auth", f"api.oauth={CLIENT}"]


def test_the_workflow_really_sends_every_secret(flow: list[str], server: RecordingServer,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", *flow])

    capsys.readouterr()
    assert code == 1
    wire = "".join(f"{r.target} {r.headers} {r.body.decode()}" for r in server.requests)
    for secret in (BEARER, quote(QUERY_KEY, safe=""), base64.b64encode(BASIC.encode()).decode(), FETCHED,
                   json.dumps(PASSWORD_INPUT)[1:-1], WRITE_ONLY_INPUT, BODY_TOKENS["access_token"], COOKIE,
                   BODY_CLIENT_SECRET):
        assert secret in wire, secret


OUTPUTS = [
    pytest.param([], id="text"),
    pytest.param(["--verbose"], id="verbose"),
    pytest.param(["--format", "json"], id="json"),
    pytest.param(["--dry-run"], id="dry-run"),
    pytest.param(["--dry-run", "--format", "json"], id="dry-run-json"),
]


@pytest.mark.parametrize("flags", OUTPUTS)
def test_no_terminal_output_shows_a_secret(flow: list[str], flags: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    main(["run", *flow, *flags])

    out, err = capsys.readouterr()
    assert "***" in out + err
    assert leaks(out + err) == []


def test_no_report_shows_a_secret(flow: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "github-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    reports = {flag: tmp_path / f"report.{flag}" for flag in ("junit", "json", "har", "markdown")}

    main(["run", *flow, *(arg for flag, path in reports.items() for arg in (f"--report-{flag}", str(path)))])

    capsys.readouterr()
    for path in [*reports.values(), summary]:
        text = path.read_text("utf-8")
        assert leaks(text) == [], path.name
    for flag in ("junit", "json", "har"):  # these show requests and responses, so masks must be visible
        assert "***" in reports[flag].read_text("utf-8"), flag


def test_concurrent_runs_and_their_summary_show_no_secret(flow: list[str], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("{}\n{}\n", "utf-8")

    main(["run", *flow, "--inputs-file", str(rows), "--concurrency", "2"])

    out, err = capsys.readouterr()
    assert "summary:" in out
    assert leaks(out + err) == []


def test_the_api_result_shows_no_secret_outside_the_outputs(docs: Documents, server: RecordingServer) -> None:
    path = document(docs, server)
    runner = Runner(auth={"api.bearer": BEARER, "api.basic": BASIC, "api.oauth": CLIENT, "api.queryKey": QUERY_KEY},
                    environ={})

    result = runner.run(path, WORKFLOW, {"password": PASSWORD_INPUT, "note": WRITE_ONLY_INPUT})

    assert result.status == "failed"
    shown: dict[str, Any] = result.to_json()
    shown.pop("outputs")
    for entry in shown["steps"]:
        entry.pop("outputs")
    assert leaks(json.dumps(shown)) == []

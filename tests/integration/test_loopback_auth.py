"""Credentials reach the server as the OpenAPI security schemes say, and never leak into reports."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus, unquote

import pytest
from doc_builder import WORKFLOW, Documents, operation, param, step
from recording_server import Received, RecordingServer, Reply

from arazzo_runner.cli import main
from arazzo_runner.runner import Runner

SCHEMES: dict[str, dict[str, Any]] = {
    "headerKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "queryKey": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"},
    "basic": {"type": "http", "scheme": "basic"},
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "implicit": {"type": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://example.test/auth",
                                                          "scopes": {}}}},
}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secured(docs: Documents, security: Sequence[Mapping[str, Sequence[str]]], *, steps: int = 1,
            schemes: Mapping[str, Any] | None = None, source: str = "api") -> Path:
    """A workflow of ``steps`` GET /items steps on an operation guarded by ``security``."""
    paths = {"/items": {"get": operation("list", security=list(security))}}
    return docs.flow(paths, [step(f"call{i}", "list") for i in range(1, steps + 1)], source=source,
                     api_components={"securitySchemes": dict(schemes or SCHEMES)})


@pytest.mark.parametrize(("scheme", "credential", "check"), [
    pytest.param("headerKey", "k-123", lambda r: r.header_values("x-api-key") == ["k-123"], id="apikey-header"),
    pytest.param("queryKey", "k/1 23", lambda r: r.query == "api_key=k%2F1%2023", id="apikey-query-encoded"),
    pytest.param("cookieKey", "k-123", lambda r: r.cookies() == [("session", "k-123")], id="apikey-cookie"),
    pytest.param("basic", "alice:pa ss:w", lambda r: r.header("authorization") == "Basic " + b64("alice:pa ss:w"),
                 id="http-basic"),
    pytest.param("bearer", "tok.en", lambda r: r.header("authorization") == "Bearer tok.en", id="http-bearer"),
    pytest.param("implicit", "ready-token", lambda r: r.header("authorization") == "Bearer ready-token",
                 id="oauth2-ready-token"),
])
def test_credential_is_placed_where_the_scheme_says(docs: Documents, server: RecordingServer, scheme: str,
                                                    credential: str, check: Callable[[Received], bool]) -> None:
    document = secured(docs, [{scheme: []}])

    result = Runner(auth={f"api.{scheme}": credential}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert check(server.last), server.last
    assert result.steps[0].warnings == ()


def test_api_key_in_query_follows_the_operation_parameters(docs: Documents, server: RecordingServer) -> None:
    document = docs.flow({"/items": {"get": operation("list", security=[{"queryKey": []}],
                                                      parameters=[param("q", "query")])}},
                         [step("call", "list", parameters=[{"name": "q", "in": "query", "value": "cats"}])],
                         api_components={"securitySchemes": SCHEMES})

    result = Runner(auth={"api.queryKey": "k"}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.query == "q=cats&api_key=k"


def token_server(server: RecordingServer, *replies: Reply) -> dict[str, Any]:
    """Script ``/token`` on the recording server and return a clientCredentials scheme pointing at it."""
    server.reply(*(replies or (Reply(body={"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600}),)),
                 path="/token")
    return {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {
        "tokenUrl": f"{server.url}/token", "scopes": {"read": "read items", "write": "write items"}}}}}


def test_oauth2_client_credentials_token_is_fetched_once_and_reused(docs: Documents,
                                                                    server: RecordingServer) -> None:
    document = secured(docs, [{"oauth": ["read"]}], steps=2, schemes=token_server(server))

    result = Runner(auth={"api.oauth": "client-1:s3cret"}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    (token_request,) = server.to("/token")
    assert token_request.method == "POST"
    assert token_request.header("authorization") == "Basic " + b64("client-1:s3cret")
    assert token_request.form() == [("grant_type", "client_credentials"), ("scope", "read")]
    calls = server.to("/items")
    assert [r.header("authorization") for r in calls] == ["Bearer tok-1", "Bearer tok-1"]
    assert [r.path for r in server.requests] == ["/token", "/items", "/items"]


def test_oauth2_token_endpoint_refusal_fails_the_step_without_leaking_the_secret(
        docs: Documents, server: RecordingServer) -> None:
    schemes = token_server(server, Reply(status=401, body={"error": "invalid_client",
                                                           "error_description": "bad s3cret"}))
    document = secured(docs, [{"oauth": []}], schemes=schemes)

    result = Runner(auth={"api.oauth": "client-1:s3cret"}).run(document, WORKFLOW, {})

    assert result.status == "failed"
    error = result.steps[0].error or ""
    assert f"token request to {server.url}/token failed with HTTP 401: invalid_client" in error
    assert "s3cret" not in error
    assert server.to("/items") == []


@pytest.mark.parametrize(("source", "scheme", "variable"), [
    pytest.param("api", "headerKey", "ARAZZO_AUTH_API_HEADERKEY", id="plain"),
    pytest.param("pet-store", "api.key-v2", "ARAZZO_AUTH_PET_STORE_API_KEY_V2", id="punctuation-becomes-underscore"),
])
def test_credentials_come_from_the_environment_by_the_naming_rule(docs: Documents, server: RecordingServer,
                                                                  source: str, scheme: str, variable: str) -> None:
    schemes = {scheme: {"type": "apiKey", "in": "header", "name": "X-API-Key"}}
    document = secured(docs, [{scheme: []}], schemes=schemes, source=source)

    result = Runner(environ={variable: "from-env"}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.header_values("x-api-key") == ["from-env"]


def test_explicit_credential_wins_over_the_environment(docs: Documents, server: RecordingServer) -> None:
    document = secured(docs, [{"headerKey": []}])

    Runner(auth={"api.headerKey": "explicit"}, environ={"ARAZZO_AUTH_API_HEADERKEY": "env"}).run(document, WORKFLOW)

    assert server.last.header_values("x-api-key") == ["explicit"]


@pytest.mark.parametrize(("security", "auth", "expected_headers"), [
    pytest.param([{"basic": []}, {"headerKey": []}], {"api.headerKey": "k"}, {"x-api-key": "k"},
                 id="first-satisfiable-alternative"),
    pytest.param([{"oauth": []}, {"headerKey": []}], {"api.headerKey": "k"}, {"x-api-key": "k"},
                 id="no-token-fetched-for-an-unsatisfiable-oauth2-alternative"),
    pytest.param([{"basic": []}, {"headerKey": []}], {"api.basic": "u:p", "api.headerKey": "k"},
                 {"authorization": "Basic " + b64("u:p")}, id="first-wins-when-both-satisfiable"),
    pytest.param([{"headerKey": [], "bearer": []}, {"basic": []}], {"api.headerKey": "k", "api.bearer": "t"},
                 {"x-api-key": "k", "authorization": "Bearer t"}, id="all-schemes-of-a-requirement"),
    pytest.param([{"headerKey": [], "bearer": []}, {"basic": []}], {"api.headerKey": "k", "api.basic": "u:p"},
                 {"authorization": "Basic " + b64("u:p")}, id="partial-requirement-skipped"),
    pytest.param([{}, {"headerKey": []}], {"api.headerKey": "k"}, {"x-api-key": "k"},
                 id="optional-auth-still-sends-credentials"),
    pytest.param([{}, {"headerKey": []}], {}, {}, id="optional-auth-anonymous-without-warning"),
])
def test_security_alternatives_use_the_first_satisfiable_requirement(
        docs: Documents, server: RecordingServer, security: list[dict[str, list[str]]], auth: dict[str, str],
        expected_headers: dict[str, str]) -> None:
    document = secured(docs, [*security], schemes={**SCHEMES, **token_server(server)})

    result = Runner(auth=auth, environ={}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.to("/token") == []
    seen = {name: server.last.header(name) for name in ("x-api-key", "authorization")}
    assert seen == {name: expected_headers.get(name) for name in seen}
    assert result.steps[0].warnings == ()


def test_missing_credentials_send_the_request_without_them_and_warn(docs: Documents,
                                                                    server: RecordingServer) -> None:
    document = secured(docs, [{"headerKey": []}, {"bearer": []}])

    result = Runner(environ={}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.header("x-api-key") is None and server.last.header("authorization") is None
    # The engine names what is missing; the flags to supply it are the CLI's to add (see the CLI report tests).
    assert result.steps[0].warnings == tuple(
        f"no credentials configured for api.{scheme}: request sent without them" for scheme in ("headerKey", "bearer"))


def echo(request: Received) -> Reply:
    """Answer with what the request carried, as a careless API might."""
    return Reply(body={"authorization": request.header("authorization"), "query": request.query})


def wire_forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` a report could show: raw, password part, base64, percent-encoded."""
    forms = {secret, secret.partition(":")[2], b64(secret), quote(secret, safe=""), quote_plus(secret)}
    return {form for form in forms if form}


LEAK_CASES = [
    pytest.param("bearer", "tok-SECRET-bear", id="bearer"),
    pytest.param("basic", "alice:pw-SECRET-basic", id="basic"),
    pytest.param("queryKey", "key-SECRET-query", id="query-key"),
    pytest.param("queryKey", "Zm9v/SECRET+cXV4=", id="query-key-that-needs-percent-encoding"),
]


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("via", ["flag", "environment"])
@pytest.mark.parametrize(("scheme", "secret"), LEAK_CASES)
def test_secret_never_appears_in_cli_output_or_warnings(docs: Documents, server: RecordingServer,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, fmt: str, via: str,
                                                        scheme: str, secret: str) -> None:
    server.reply(echo)
    paths = {"/items": {"get": operation("list", security=[{scheme: []}])}}
    steps = [step("echo", "list", outputs={"seen": "$response.body"}),
             step("strict", "list", successCriteria=[{"condition": "$statusCode == 201"}])]
    document = docs.flow(paths, steps, api_components={"securitySchemes": SCHEMES},
                         outputs={"seen": "$steps.echo.outputs.seen"})
    flags = ["--auth", f"api.{scheme}={secret}"]
    if via == "environment":
        monkeypatch.setenv(f"ARAZZO_AUTH_API_{scheme.upper()}", secret)
        flags = []

    code = main(["run", str(document), "--workflow", WORKFLOW, "--format", fmt, *flags])

    out, err = capsys.readouterr()
    assert code == 1
    wire = server.requests[0].header("authorization") or unquote(server.requests[0].query)
    assert wire.endswith(b64(secret) if scheme == "basic" else secret)
    assert sorted(form for form in wire_forms(secret) if form in out + err) == []
    assert "***" in out
    if fmt == "json":
        assert json.loads(out)["status"] == "failed"


def test_malformed_auth_flag_is_a_usage_error_that_does_not_repeat_it(docs: Documents, server: RecordingServer,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    document = secured(docs, [{"bearer": []}])

    code = main(["run", str(document), "--auth", "bearer=tok-SECRET"])

    out, err = capsys.readouterr()
    assert code == 2
    assert "--auth argument #1 is not of the form SOURCE.SCHEME=VALUE" in err
    assert "tok-SECRET" not in out + err
    assert server.requests == []


def test_basic_credential_without_a_colon_fails_the_step_without_showing_it(docs: Documents,
                                                                             server: RecordingServer) -> None:
    document = secured(docs, [{"basic": []}])

    result = Runner(auth={"api.basic": "just-a-SECRET"}).run(document, WORKFLOW, {})

    assert result.status == "failed"
    error = result.steps[0].error or ""
    assert "the credential for api.basic must have the form user:password" in error
    assert "just-a-SECRET" not in error
    assert server.requests == []


def test_api_key_cookie_value_cannot_inject_other_cookies(docs: Documents, server: RecordingServer) -> None:
    document = secured(docs, [{"cookieKey": []}])

    result = Runner(auth={"api.cookieKey": "a b;admin=1"}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    cookies = server.last.cookies()
    assert [name for name, _ in cookies] == ["session"], cookies
    assert unquote(cookies[0][1]) == "a b;admin=1"


@pytest.mark.parametrize(("scheme", "credential", "header"), [
    pytest.param("headerKey", "clé-☃", "x-api-key", id="apikey-header"),
    pytest.param("bearer", "jeton-é", "authorization", id="bearer"),
])
def test_non_ascii_credential_never_escapes_as_an_exception(docs: Documents, server: RecordingServer, scheme: str,
                                                            credential: str, header: str) -> None:
    document = secured(docs, [{scheme: []}])

    result = Runner(auth={f"api.{scheme}": credential}).run(document, WORKFLOW, {})

    if result.status == "succeeded":  # sent as UTF-8 octets (http.server reads header bytes as latin-1)
        assert (server.last.header(header) or "").encode("latin-1").decode("utf-8").endswith(credential)
    else:  # or refused, naming the scheme but not the value
        error = result.steps[0].error or ""
        assert f"api.{scheme}" in error and credential not in error
        assert server.requests == []


def test_async_run_fetches_the_oauth2_token_once(docs: Documents, server: RecordingServer) -> None:
    document = secured(docs, [{"oauth": ["write"]}], steps=3, schemes=token_server(server))

    result = asyncio.run(Runner(auth={"api.oauth": "client-1:s3cret"}).arun(document, WORKFLOW, {}))

    assert result.status == "succeeded", result.error
    (token_request,) = server.to("/token")
    assert token_request.form() == [("grant_type", "client_credentials"), ("scope", "write")]
    assert [r.header("authorization") for r in server.to("/items")] == ["Bearer tok-1"] * 3


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_fetched_oauth2_access_token_is_redacted_from_cli_output(docs: Documents, server: RecordingServer,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 fmt: str) -> None:
    schemes = token_server(server, Reply(body={"access_token": "tok-XYZ-secret", "token_type": "Bearer"}))
    server.reply(Reply(body={"seen": "Bearer tok-XYZ-secret"}), path="/items")
    document = docs.flow({"/items": {"get": operation("list", security=[{"oauth": []}])}},
                         [step("call", "list", outputs={"seen": "$response.body#/seen"})],
                         api_components={"securitySchemes": schemes}, outputs={"seen": "$steps.call.outputs.seen"})

    code = main(["run", str(document), "--auth", "api.oauth=client-1:s3cret", "--format", fmt])

    captured = capsys.readouterr()
    assert code == 0
    assert server.to("/items")[0].header("authorization") == "Bearer tok-XYZ-secret"
    assert "tok-XYZ-secret" not in captured.out + captured.err
    assert "Bearer ***" in captured.out


def test_a_token_in_a_response_body_is_masked_in_cli_output_but_kept_as_an_output_value(
        docs: Documents, server: RecordingServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(Reply(200, {"access_token": "tok-from-body-77", "token_type": "bearer"},
                       headers={"Set-Cookie": "sid=cookie-val-88; HttpOnly"}), path="/login")
    server.reply(Reply(401, {"echo": "you sent tok-from-body-77 and cookie-val-88"}), path="/items")
    paths = {"/login": {"post": operation("login")}, "/items": {"get": operation("list")}}
    steps = [step("login", "login", outputs={"token": "$response.body#/access_token"}),
             step("use", "list", parameters=[{"name": "Authorization", "in": "header",
                                               "value": "Bearer {$steps.login.outputs.token}"}],
                  successCriteria=[{"condition": "$statusCode == 200"}])]
    document = docs.flow(paths, steps, outputs={"token": "$steps.login.outputs.token"})

    result = Runner().run(document, WORKFLOW)
    code = main(["run", str(document), "--workflow", WORKFLOW])

    out, err = capsys.readouterr()
    assert server.requests[1].header("authorization") == "Bearer tok-from-body-77"
    assert result.outputs["token"] == "tok-from-body-77"  # the API returns the workflow's values as they are
    assert "tok-from-body-77" not in (result.error or "")
    assert code == 1
    assert "tok-from-body-77" not in out + err
    assert "cookie-val-88" not in out + err

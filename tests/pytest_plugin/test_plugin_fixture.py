"""The ``arazzo_runner`` fixture and ``assert_succeeded``, exercised in a child pytest session (pytester) against
an in-process WSGI app."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "http://never.invalid"}],
    "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}},
}
ARAZZO = {
    "arazzo": "1.0.1",
    "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "openapi.json", "type": "openapi"}],
    "workflows": [{"workflowId": "ping", "steps": [{
        "stepId": "ping", "operationId": "ping",
        "successCriteria": [{"condition": "$statusCode == 200"}],
        "outputs": {"pong": "$response.body#/pong"},
    }], "outputs": {"pong": "$steps.ping.outputs.pong"}}],
}

TEST_FILE = textwrap.dedent('''
    import httpx
    from arazzo_runner import Runner
    from arazzo_runner.pytest_plugin import assert_succeeded

    def app(environ, start_response):
        status = "200 OK" if environ.get("HTTP_AUTHORIZATION") != "Bearer bad" else "401 Unauthorized"
        start_response(status, [("Content-Type", "application/json")])
        return [b'{"pong": true}']

    def test_workflow_passes(arazzo_runner):
        runner = arazzo_runner(transport=httpx.WSGITransport(app=app), environ={})
        result = runner.run("ping.arazzo.json")
        assert_succeeded(result)
        assert result.outputs == {"pong": True}
        assert result.steps[0].request.url.startswith("http://local.test/")

    def test_workflow_fails_with_trace(arazzo_runner):
        def refuse(environ, start_response):
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b"{}"]
        runner = arazzo_runner(transport=httpx.WSGITransport(app=refuse), environ={})
        assert_succeeded(runner.run("ping.arazzo.json"))

    def test_run_the_fixture_did_not_make_is_explained_from_its_result():
        def refuse(environ, start_response):
            start_response("503 Service Unavailable", [("Content-Type", "application/json")])
            return [b"{}"]
        runner = Runner(transport=httpx.WSGITransport(app=refuse), environ={}, servers={"api": "http://other.test"})
        assert_succeeded(runner.run("ping.arazzo.json"))
''')


QUIET = "addopts = -p no:hypothesispytest -p no:anyio"
"""Plugins the child sessions do without: pytester forgets the modules a child imported, so hypothesis' plugin
would import hypothesis afresh in every one."""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    Path(pytester.path, "openapi.json").write_text(json.dumps(OPENAPI), "utf-8")
    Path(pytester.path, "ping.arazzo.json").write_text(json.dumps(ARAZZO), "utf-8")
    pytester.makepyfile(test_flow=TEST_FILE)
    pytester.makeini(f"[pytest]\n{QUIET}")
    return pytester


def test_fixture_takes_servers_from_the_command_line_and_explains_failures_as_collected_items_do(
        project: pytest.Pytester) -> None:
    result = project.runpytest("--arazzo-server", "api=http://local.test", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*_ test_workflow_fails_with_trace _*",
        "workflow ping failed at step ping",
        "ping.arazzo.json:*: step ping",
        ">   $statusCode == 200",
        "E   assert 503 == 200",
        "    request:  GET http://local.test/ping",
        "    response: 503 Service Unavailable",
        "*_ test_run_the_fixture_did_not_make_is_explained_from_its_result _*",
        "workflow ping failed at step ping",
        "step ping",
        "E   success criterion not met: $statusCode == 200*",
        "    request:  GET http://other.test/ping",
        "    response: 503 Service Unavailable",
    ])


def test_fixture_takes_servers_from_the_ini_file_and_ignores_sources_a_document_does_not_use(
        project: pytest.Pytester) -> None:
    project.makeini(f"""
        [pytest]
        {QUIET}
        arazzo_servers =
            api=http://local.test
            billing=http://billing.test
    """)

    result = project.runpytest("-p", "no:cacheprovider", "-k", "passes")

    result.assert_outcomes(passed=1, deselected=2)


def test_malformed_server_option_is_a_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--arazzo-server", "no-equals-sign", "-p", "no:cacheprovider")

    result.stderr.fnmatch_lines(["ERROR: --arazzo-server expects NAME=VALUE"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR

"""The pytest plugin, exercised in a child pytest session (pytester) against an in-process WSGI app."""

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
''')


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    Path(pytester.path, "openapi.json").write_text(json.dumps(OPENAPI), "utf-8")
    Path(pytester.path, "ping.arazzo.json").write_text(json.dumps(ARAZZO), "utf-8")
    pytester.makepyfile(test_flow=TEST_FILE)
    return pytester


def test_fixture_takes_servers_from_the_command_line_and_reports_failures_with_the_step_trace(
        project: pytest.Pytester) -> None:
    result = project.runpytest("--arazzo-server", "api=http://local.test", "-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*Arazzo workflow did not succeed*",
        "*workflow ping: failed*",
        "*ping: failed GET http://local.test/ping -> 503 (1 attempt)*success criterion not met: $statusCode == 200*",
    ])


def test_malformed_server_option_is_a_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--arazzo-server", "no-equals-sign", "-p", "no:cacheprovider")

    result.stderr.fnmatch_lines(["ERROR: --arazzo-server expects NAME=VALUE"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR

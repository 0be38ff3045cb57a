"""Where requests go: OpenAPI servers, variables, base paths and overrides; dead servers and slow ones."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from doc_builder import WORKFLOW, Documents, operation, step
from recording_server import LOOPBACK, RecordingServer, Reply, closed_port

from arazzo_runner.cli import main
from arazzo_runner.runner import Runner


def listing(docs: Documents, servers: Sequence[Mapping[str, Any]] | None = None,
            operation_servers: Sequence[Mapping[str, Any]] | None = None) -> Path:
    """One GET /items step; the OpenAPI description lists ``servers`` (and the operation its own)."""
    fields = {} if operation_servers is None else {"servers": list(operation_servers)}
    return docs.flow({"/items": {"get": operation("list", **fields)}}, [step("list", "list")], servers=servers)


def test_server_override_replaces_the_openapi_servers(docs: Documents, server: RecordingServer) -> None:
    document = listing(docs, [{"url": f"http://{LOOPBACK}:{closed_port()}/nowhere"}])

    result = Runner(servers={"api": server.url + "/mounted"}).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.target == "/mounted/items"


def test_cli_server_flag_replaces_the_openapi_servers(docs: Documents, server: RecordingServer,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    document = listing(docs, [{"url": f"http://{LOOPBACK}:{closed_port()}"}])

    code = main(["run", str(document), "--server", f"api={server.url}/v9/"])

    assert code == 0, capsys.readouterr()
    assert server.last.target == "/v9/items"


@pytest.mark.parametrize("flag", ["api", "api=", "=http://x"])
def test_malformed_server_flag_is_a_usage_error(docs: Documents, server: RecordingServer,
                                                capsys: pytest.CaptureFixture[str], flag: str) -> None:
    code = main(["run", str(listing(docs)), "--server", flag])

    assert code == 2
    assert f"--server expects NAME=VALUE, got {flag!r}" in capsys.readouterr().err
    assert server.requests == []


@pytest.mark.parametrize(("suffix", "expected"), [
    pytest.param("", "/items", id="no-base-path"),
    pytest.param("/", "/items", id="root-slash"),
    pytest.param("/api/v1", "/api/v1/items", id="base-path"),
    pytest.param("/api/v1/", "/api/v1/items", id="base-path-trailing-slash"),
    pytest.param("/api/v1?tenant=t1", "/api/v1/items?tenant=t1", id="server-query-kept"),
])
def test_server_base_path_is_joined_with_one_slash(docs: Documents, server: RecordingServer, suffix: str,
                                                   expected: str) -> None:
    document = listing(docs, [{"url": server.url + suffix}])

    result = Runner().run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.target == expected


def test_operation_servers_win_over_the_document_servers(docs: Documents, server: RecordingServer) -> None:
    document = listing(docs, [{"url": f"http://{LOOPBACK}:{closed_port()}"}],
                       operation_servers=[{"url": server.url + "/op-level"}])

    result = Runner().run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.target == "/op-level/items"


def templated(server: RecordingServer) -> list[dict[str, Any]]:
    return [{"url": "http://{host}:{port}/{version}/", "variables": {
        "host": {"default": LOOPBACK},
        "port": {"default": str(server.port)},
        "version": {"default": "v1", "enum": ["v1", "v2"]},
    }}]


@pytest.mark.parametrize(("overrides", "expected"), [
    pytest.param({}, "/v1/items", id="defaults"),
    pytest.param({"version": "v2"}, "/v2/items", id="override"),
    pytest.param({"version": "v2", "unused": "x"}, "/v2/items", id="unused-override-ignored"),
])
def test_server_variables_take_defaults_and_overrides(docs: Documents, server: RecordingServer,
                                                      overrides: dict[str, str], expected: str) -> None:
    document = listing(docs, templated(server))

    result = Runner(server_variables=overrides).run(document, WORKFLOW, {})

    assert result.status == "succeeded", result.error
    assert server.last.target == expected


def test_server_variable_outside_its_enum_fails_the_step_before_sending(docs: Documents,
                                                                        server: RecordingServer) -> None:
    document = listing(docs, templated(server))

    result = Runner(server_variables={"version": "v3"}).run(document, WORKFLOW, {})

    assert result.status == "failed"
    assert "server variable 'version' = 'v3' is not one of its enum values: v1, v2" in (result.steps[0].error or "")
    assert server.requests == []


def test_cli_server_variable_flag_overrides_the_default(docs: Documents, server: RecordingServer,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    document = listing(docs, templated(server))

    code = main(["run", str(document), "--server-variable", "version=v2"])

    assert code == 0, capsys.readouterr()
    assert server.last.target == "/v2/items"


def test_relative_server_of_a_file_description_fails_the_step_with_advice(docs: Documents,
                                                                          server: RecordingServer) -> None:
    document = listing(docs, [{"url": "/v1"}])

    result = Runner().run(document, WORKFLOW, {})

    assert result.status == "failed"
    error = result.steps[0].error or ""
    assert "server URL '/v1' is relative" in error and "read from a file" in error
    assert server.requests == []


def test_unreachable_server_fails_the_step_with_a_connection_error(docs: Documents) -> None:
    port = closed_port()
    document = listing(docs, [{"url": f"http://{LOOPBACK}:{port}"}])

    started = time.monotonic()
    result = Runner(timeout=1.0).run(document, WORKFLOW, {})

    assert time.monotonic() - started < 5
    assert result.status == "failed"
    (only,) = result.steps
    assert only.status_code is None
    assert only.request is not None and only.request.url == f"http://{LOOPBACK}:{port}/items"
    assert (only.error or "").startswith(f"GET http://{LOOPBACK}:{port}/items: cannot connect")


def test_async_run_reports_an_unreachable_server_the_same_way(docs: Documents) -> None:
    port = closed_port()
    document = listing(docs, [{"url": f"http://{LOOPBACK}:{port}"}])

    result = asyncio.run(Runner(timeout=1.0).arun(document, WORKFLOW, {}))

    assert result.status == "failed"
    assert (result.steps[0].error or "").startswith(f"GET http://{LOOPBACK}:{port}/items: cannot connect")


def test_cli_reports_an_unreachable_server_without_traceback_and_exits_1(docs: Documents,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    document = listing(docs, [{"url": f"http://{LOOPBACK}:{port}"}])

    started = time.monotonic()
    code = main(["run", str(document), "--workflow", WORKFLOW, "--timeout", "1"])

    out, err = capsys.readouterr()
    assert time.monotonic() - started < 5
    assert code == 1
    assert "cannot connect" in out
    assert "FAIL list" in out and f"GET http://{LOOPBACK}:{port}/items -> -" in out
    assert "Traceback" not in out + err


def test_request_timeout_fails_the_step_and_does_not_wait_for_the_server(docs: Documents, server: RecordingServer,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(Reply(delay=3.0))
    document = listing(docs)

    started = time.monotonic()
    code = main(["run", str(document), "--timeout", "0.2", "--format", "json"])

    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert elapsed < 2.0
    assert code == 1
    assert len(server.requests) == 1
    assert "Traceback" not in out + err
    report = json.loads(out)
    assert report["status"] == "failed"
    assert report["steps"][0]["statusCode"] is None
    assert "timed out" in report["steps"][0]["error"]


def test_request_timeout_through_the_api_names_the_timeout(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(delay=3.0))
    document = listing(docs)

    result = Runner(timeout=0.2).run(document, WORKFLOW, {})

    assert result.status == "failed"
    assert (result.steps[0].error or "") == f"GET {server.url}/items: timed out (ReadTimeout)"


def test_async_request_timeout_names_the_timeout(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(delay=3.0))
    document = listing(docs)

    started = time.monotonic()
    result = asyncio.run(Runner(timeout=0.2).arun(document, WORKFLOW, {}))

    assert time.monotonic() - started < 2.0
    assert result.status == "failed"
    # httpx's read timeout and the whole-exchange deadline (0.05 s later) race on a busy machine: either says so.
    assert (result.steps[0].error or "") in (
        f"GET {server.url}/items: timed out (ReadTimeout)",
        f"GET {server.url}/items: the response took longer than 0.2 s to arrive in full (request_timeout)")

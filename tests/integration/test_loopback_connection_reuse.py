"""Rows run at ``--concurrency N`` reuse their connections: N lanes, each a client serving one run at a time,
so a server sees no more connections than lanes (and a TLS server no more handshakes)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from arazzo_runner.cli import main

OPENAPI = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "http://127.0.0.1:9"}],
           "paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}},
                     "/pong": {"get": {"operationId": "pong", "responses": {"200": {"description": "ok"}}}}}}
ARAZZO = {"arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
          "sourceDescriptions": [{"name": "api", "url": "openapi.json"}],
          "workflows": [{"workflowId": "w", "inputs": {"type": "object", "properties": {"n": {"type": "integer"}}},
                         "steps": [{"stepId": "ping", "operationId": "ping",
                                    "successCriteria": [{"condition": "$statusCode == 200"}]},
                                   {"stepId": "pong", "operationId": "pong",
                                    "successCriteria": [{"condition": "$statusCode == 200"}]}]}]}


class KeepAliveServer:
    """HTTP/1.1 on 127.0.0.1 that keeps connections open and records which connection each request came on."""

    def __init__(self) -> None:
        self.connections: list[tuple[str, int]] = []
        self.cookies: list[tuple[str, str | None]] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                with owner._lock:
                    owner.connections.append(self.client_address)
                    owner.cookies.append((self.path, self.headers.get("Cookie")))
                body = b"{}"
                self.send_response(200)
                self.send_header("Set-Cookie", f"session=from-{self.client_address[1]}-{len(owner.connections)}")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> KeepAliveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[KeepAliveServer]:
    with KeepAliveServer() as running:
        yield running


@pytest.mark.parametrize(("rows", "concurrency"), [(12, 3), (6, 2), (20, 5), (5, 1)])
def test_rows_at_a_concurrency_share_one_connection_per_lane(
        tmp_path: Path, server: KeepAliveServer, rows: int, concurrency: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "openapi.json").write_text(json.dumps(OPENAPI), "utf-8")
    (tmp_path / "flow.arazzo.json").write_text(json.dumps(ARAZZO), "utf-8")
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps({"n": n}) + "\n" for n in range(rows)), "utf-8")

    code = main(["run", str(tmp_path / "flow.arazzo.json"), "--inputs-file", str(tmp_path / "rows.jsonl"),
                 "--concurrency", str(concurrency), "--server", f"api={server.url}", "-q"])

    capsys.readouterr()
    assert code == 0
    assert len(server.connections) == 2 * rows
    assert len(set(server.connections)) <= min(rows, concurrency)


def test_a_cookie_a_server_set_in_one_row_is_not_sent_in_the_next(
        tmp_path: Path, server: KeepAliveServer, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "openapi.json").write_text(json.dumps(OPENAPI), "utf-8")
    (tmp_path / "flow.arazzo.json").write_text(json.dumps(ARAZZO), "utf-8")
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps({"n": n}) + "\n" for n in range(6)), "utf-8")

    code = main(["run", str(tmp_path / "flow.arazzo.json"), "--inputs-file", str(tmp_path / "rows.jsonl"),
                 "--concurrency", "2", "--server", f"api={server.url}", "-q"])

    capsys.readouterr()
    assert code == 0
    assert [cookie for path, cookie in server.cookies if path == "/ping"] == [None] * 6

"""Real loopback serving: ``serve_in_thread`` and ``python -m mixpanel_standin``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from mixpanel_standin import create_app
from mixpanel_standin.__main__ import main
from mixpanel_standin.server import serve_forever, serve_in_thread

STANDIN_DIR = Path(__file__).resolve().parents[2] / "standin"


def test_track_then_segment_over_real_loopback() -> None:
    app = create_app()
    with serve_in_thread(app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=base_url, timeout=5) as http:
            tracked = http.post("/track", params={"token": "demo-token", "verbose": 1},
                                json={"data": {"event": "Signed Up",
                                               "properties": {"distinct_id": "user-42", "token": "demo-token"}}})
            assert tracked.json() == {"error": None, "status": 1}
            day = time.strftime("%Y-%m-%d", time.gmtime())
            segmented = http.get("/api/query/segmentation", auth=("demo-sa", "demo-secret"),
                                 params={"project_id": 123456, "event": "Signed Up", "from_date": day,
                                         "to_date": day, "type": "general"})
            assert segmented.json()["data"]["values"] == {"Signed Up": {day: 1}}
        assert app.request_count == 2
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/track", timeout=2)
    app.close()


def test_serve_in_thread_on_an_explicit_port_that_is_taken_fails_fast() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(OSError), serve_in_thread(create_app(), port=port):
            pass


def test_cli_refuses_non_loopback_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--host", "0.0.0.0", "--port", "1"]) == 2
    assert "refusing to listen on '0.0.0.0'" in capsys.readouterr().err


def test_serve_forever_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="serves 127.0.0.1 only"):
        serve_forever(create_app(), host="192.168.1.10", port=1)


def test_python_dash_m_serves_in_the_foreground() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(STANDIN_DIR), "STANDIN_PROJECT_ID": "77"}
    process = subprocess.Popen([sys.executable, "-m", "mixpanel_standin", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/query/segmentation",
                                     params={"project_id": 77, "event": "A", "from_date": "2025-01-01",
                                             "to_date": "2025-01-01"},
                                     auth=("demo-sa", "demo-secret"), timeout=2)
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.communicate()[0].decode()
                assert time.monotonic() < deadline, "stand-in did not start"
                time.sleep(0.1)
        assert response.json()["data"]["values"] == {"A": {"2025-01-01": 0}}
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert "project_id=77" in output

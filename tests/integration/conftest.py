"""Fixtures of the integration tests: a recording loopback server, a document writer and a recording sleep."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from doc_builder import Documents
from recording_server import RecordingServer


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    """A started :class:`RecordingServer`, stopped (and checked to be stopped) after the test."""
    started = RecordingServer().start()
    try:
        yield started
    finally:
        started.stop()
    assert not any(t.name == "recording-http-server" and t.is_alive() for t in threading.enumerate())


@pytest.fixture
def docs(tmp_path: Path, server: RecordingServer) -> Documents:
    """Writes OpenAPI/Arazzo documents into ``tmp_path``, their servers pointing at :func:`server`."""
    return Documents(tmp_path, server.url)


@pytest.fixture
def sleeps() -> list[float]:
    """Durations a run asked to sleep; pass ``sleep=sleeps.append`` so retries never really wait."""
    return []


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep ``ARAZZO_AUTH_*`` variables of the developer's shell out of runs that read ``os.environ``."""
    for name in [n for n in os.environ if n.startswith("ARAZZO_AUTH_")]:
        monkeypatch.delenv(name)

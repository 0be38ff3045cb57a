"""Fixtures of the engine tests: a scripted loopback HTTP server and a sleep that only records."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from stub_server import StubServer


@pytest.fixture
def stub() -> Iterator[StubServer]:
    """A started :class:`StubServer`, stopped (and checked to be stopped) after the test."""
    server = StubServer().start()
    try:
        yield server
    finally:
        server.stop()
    assert not any(t.name == "stub-http-server" and t.is_alive() for t in threading.enumerate())


@pytest.fixture
def sleeps() -> list[float]:
    """Durations a run asked to sleep; pass ``sleep=sleeps.append`` so retries never really wait."""
    return []

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pytest_plugin.support import OPENAPI, LoopbackApi


@pytest.fixture
def api() -> Iterator[LoopbackApi]:
    """The loopback API, stopped after the test."""
    with LoopbackApi() as running:
        yield running


@pytest.fixture
def suite(pytester: pytest.Pytester, api: LoopbackApi, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A child project that collects ``*.arazzo.yaml`` and targets the loopback API; the test writes the
    documents. The outer session's job summary and credentials stay out of the child sessions, and so does
    hypothesis' plugin, which would import hypothesis afresh in every child session (pytester forgets the
    modules a child imported)."""
    for name in ("GITHUB_STEP_SUMMARY", "ARAZZO_AUTH_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    Path(pytester.path, "openapi.yaml").write_text(OPENAPI, "utf-8")
    pytester.makeini(f"""
        [pytest]
        addopts = -p no:hypothesispytest -p no:anyio
        arazzo_files = *.arazzo.yaml
        arazzo_servers = api={api.url}
    """)
    return pytester

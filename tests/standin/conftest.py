"""Fixtures: stand-ins with a pinned clock and a synchronous client over ``httpx.ASGITransport``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from mixpanel_standin import StandinApp, StandinConfig, create_app

from .support import NOW, Client


@pytest.fixture
def make_app() -> Iterator[Callable[..., StandinApp]]:
    """Build stand-ins with the pinned clock; extra keyword arguments go to :class:`StandinConfig`."""
    apps: list[StandinApp] = []

    def build(**overrides: Any) -> StandinApp:
        app = create_app(StandinConfig(**{"clock": lambda: NOW, **overrides}))
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.close()


@pytest.fixture
def client(make_app: Callable[..., StandinApp]) -> Client:
    """A client of a default stand-in with the pinned clock."""
    return Client(make_app())

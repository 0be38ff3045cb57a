"""Routing, the request log, the ``/__standin__`` endpoints and the ASGI protocol edges."""

from __future__ import annotations

import asyncio
from typing import Any

import mixpanel_standin
import pytest
from mixpanel_standin import RequestRecord, StandinApp
from mixpanel_standin.http import Message

from .support import Client, event


def test_public_surface_is_pinned() -> None:
    assert sorted(mixpanel_standin.__all__) == ["RequestRecord", "StandinApp", "StandinConfig", "create_app"]


def test_a_fresh_app_has_received_zero_requests(client: Client) -> None:
    assert client.app.request_count == 0
    assert client.get("/__standin__/requests").json() == {"count": 0, "requests": []}


def test_requests_are_logged_but_admin_requests_are_not(client: Client) -> None:
    client.track(event("A", "u"), verbose=1)
    client.get("/nowhere")
    assert client.app.requests == (
        RequestRecord("POST", "/track", "verbose=1", 200),
        RequestRecord("GET", "/nowhere", "", 404),
    )
    listed = client.get("/__standin__/requests").json()
    assert listed["count"] == 2
    assert listed["requests"][0] == {"method": "POST", "path": "/track", "query": "verbose=1", "status": 200}


def test_reset_forgets_requests_but_keeps_events(client: Client) -> None:
    client.track(event("A", "u"))
    assert client.post("/__standin__/reset").json() == {"count": 0}
    assert client.app.request_count == 0
    assert client.app.store.count_events() == 1


def test_unknown_path_is_404_with_a_message(client: Client) -> None:
    response = client.get("/api/query/funnels")
    assert response.status_code == 404
    assert response.json() == {"error": "no such endpoint in the Mixpanel stand-in: GET /api/query/funnels"}


def test_wrong_method_is_405_with_allow(client: Client) -> None:
    response = client.request("DELETE", "/track")
    assert response.status_code == 405
    assert response.json() == {"error": "method DELETE not allowed on /track"}
    assert response.headers["allow"] == "GET, POST"


def test_lifespan_startup_and_shutdown_complete(make_app: Any) -> None:
    app: StandinApp = make_app()
    incoming: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app({"type": "lifespan"}, receive, send))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_websocket_scope_is_refused(make_app: Any) -> None:
    app: StandinApp = make_app()

    async def never() -> Message:
        raise AssertionError("not called")

    async def ignore(message: Message) -> None:
        raise AssertionError("not called")

    with pytest.raises(RuntimeError, match="serves HTTP only, not 'websocket'"):
        asyncio.run(app({"type": "websocket"}, never, ignore))


def test_file_database_persists_across_apps(make_app: Any, tmp_path: Any) -> None:
    path = str(tmp_path / "events.sqlite")
    Client(make_app(database=path)).track(event("A", "u"))
    assert make_app(database=path).store.count_events() == 1

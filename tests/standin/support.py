"""Helpers shared by the stand-in tests: pinned dates, credentials and a synchronous ASGI client."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from mixpanel_standin import StandinApp

# 2025-01-15 12:00:00 UTC: every test that depends on "today" uses this instant.
NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC).timestamp()
TODAY = "2025-01-15"
SA = ("demo-sa", "demo-secret")
PROJECT = {"project_id": "123456"}


class Client:
    """Sends each request through ``httpx.ASGITransport`` inside its own ``asyncio.run``.

    No pytest-asyncio plugin is installed; one event loop per request is plenty for these tests.
    """

    def __init__(self, app: StandinApp) -> None:
        self.app = app

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://standin") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(send())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def track(self, *events: dict[str, Any], **params: Any) -> httpx.Response:
        """POST events in the seed workflows' ``{"data": ...}`` JSON shape."""
        data: Any = events[0] if len(events) == 1 else list(events)
        return self.post("/track", params=params, json={"data": data})

    def segmentation(self, **params: Any) -> httpx.Response:
        """GET ``/api/query/segmentation`` with valid credentials, project and today's dates by default."""
        query = {**PROJECT, "from_date": TODAY, "to_date": TODAY, **params}
        return self.get("/api/query/segmentation", params=query, auth=SA)


def event(name: str, distinct_id: str | None = None, **properties: Any) -> dict[str, Any]:
    """An event record with the demo token."""
    props: dict[str, Any] = {"token": "demo-token", **properties}
    if distinct_id is not None:
        props["distinct_id"] = distinct_id
    return {"event": name, "properties": props}

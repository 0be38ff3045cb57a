"""The ASGI application: routing, the request log tests assert on, and the ``/__standin__`` endpoints."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from mixpanel_standin.config import StandinConfig
from mixpanel_standin.http import (
    Handler,
    Receive,
    Request,
    Response,
    Scope,
    Send,
    json_response,
    read_request,
    send_response,
)
from mixpanel_standin.identity import IdentityGraph, IdentityRoutes
from mixpanel_standin.ingest import IngestionRoutes
from mixpanel_standin.query import QueryRoutes
from mixpanel_standin.store import EventStore

__all__ = ["ADMIN_PREFIX", "RequestRecord", "StandinApp", "create_app"]

ADMIN_PREFIX = "/__standin__"


@dataclass(frozen=True)
class RequestRecord:
    """One request the stand-in served (admin requests are not recorded)."""

    method: str
    path: str
    query: str
    status: int


class StandinApp:
    """A stateful Mixpanel stand-in as a pure ASGI callable.

    Attributes:
        config: The configuration it was built with.
        store: The SQLite store holding events, identity links and profiles.
        graph: Identity merging over ``store``.
    """

    def __init__(self, config: StandinConfig) -> None:
        """Build the store and the route table for ``config``."""
        self.config = config
        self.store = EventStore(config.database)
        self.graph = IdentityGraph(self.store, require_uuid_anon_id=config.require_uuid_anon_id)
        self._routes: dict[tuple[str, str], Handler] = {}
        for group in (
            IngestionRoutes(config, self.store, self.graph),
            IdentityRoutes(config, self.store, self.graph),
            QueryRoutes(config, self.store, self.graph),
        ):
            self._routes.update(group.routes())
        self._routes[("GET", f"{ADMIN_PREFIX}/requests")] = self._admin_requests
        self._routes[("POST", f"{ADMIN_PREFIX}/reset")] = self._admin_reset
        self._log_lock = threading.Lock()
        self._log: list[RequestRecord] = []

    @property
    def requests(self) -> tuple[RequestRecord, ...]:
        """Every non-admin request served so far, oldest first."""
        with self._log_lock:
            return tuple(self._log)

    @property
    def request_count(self) -> int:
        """How many non-admin requests were served (so a test can assert "none were sent")."""
        with self._log_lock:
            return len(self._log)

    def reset_requests(self) -> None:
        """Forget the request log (stored events stay)."""
        with self._log_lock:
            self._log.clear()

    def close(self) -> None:
        """Close the store; the app must not serve afterwards."""
        self.store.close()

    def handle(self, request: Request) -> Response:
        """Route one request: 404 for an unknown path, 405 for a known path with another method."""
        handler = self._routes.get((request.method, request.path))
        if handler is not None:
            response = handler(request)
        elif any(path == request.path for _, path in self._routes):
            allowed = sorted(method for method, path in self._routes if path == request.path)
            response = json_response(
                {"error": f"method {request.method} not allowed on {request.path}"},
                405,
                (("allow", ", ".join(allowed)),),
            )
        else:
            response = json_response(
                {"error": f"no such endpoint in the Mixpanel stand-in: {request.method} {request.path}"}, 404
            )
        if not request.path.startswith(ADMIN_PREFIX):
            with self._log_lock:
                self._log.append(RequestRecord(request.method, request.path, request.raw_query, response.status))
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point: HTTP requests and the lifespan protocol."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise RuntimeError(f"the Mixpanel stand-in serves HTTP only, not {scope['type']!r}")
        request = await read_request(scope, receive)
        await send_response(send, self.handle(request))

    def _admin_requests(self, request: Request) -> Response:
        records = self.requests
        listed = [{"method": r.method, "path": r.path, "query": r.query, "status": r.status} for r in records]
        return json_response({"count": len(records), "requests": listed})

    def _admin_reset(self, request: Request) -> Response:
        self.reset_requests()
        return json_response({"count": 0})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(config: StandinConfig | None = None) -> StandinApp:
    """Build a stand-in for ``config`` (the documented defaults when None; see :class:`StandinConfig`)."""
    return StandinApp(config if config is not None else StandinConfig())

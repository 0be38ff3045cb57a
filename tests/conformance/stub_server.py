"""A real HTTP server on 127.0.0.1 for engine tests: it records every request and answers from a script.

The server listens on an ephemeral loopback port in a background thread. By default every request gets
``200 {"id": 7, "name": "Rex"}``; :meth:`StubServer.script` replaces that with a sequence of replies consumed
call by call (the last one repeating once the sequence is spent) or with a function of the request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOOPBACK = "127.0.0.1"
DEFAULT_BODY: dict[str, Any] = {"id": 7, "name": "Rex"}


@dataclass(frozen=True)
class Reply:
    """One scripted answer. A ``dict``/``list`` body is sent as JSON; ``str``/``bytes`` as they are."""

    status: int = 200
    body: Any = field(default_factory=lambda: dict(DEFAULT_BODY))
    headers: Mapping[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        """The body bytes and the headers to send, ``Content-Type`` filled in when the script left it out."""
        headers = dict(self.headers)
        if isinstance(self.body, bytes):
            content = self.body
        elif isinstance(self.body, str):
            content = self.body.encode("utf-8")
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        elif self.body is None:
            content = b""
        else:
            content = json.dumps(self.body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        return content, headers


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the server received it. Header names are lower-cased; ``query`` keeps repeated keys."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    raw_query: str
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8")


Responder = Callable[[RecordedRequest], Reply]
ReplyLike = Reply | int | tuple[Any, ...]


def as_reply(item: ReplyLike) -> Reply:
    """Coerce a script entry: a :class:`Reply`, a status (body ``{}`` unless 2xx) or ``(status, body[, headers])``."""
    if isinstance(item, Reply):
        return item
    if isinstance(item, int):
        return Reply(item) if 200 <= item < 300 else Reply(item, {})
    status, body, *rest = item
    return Reply(status, body, rest[0] if rest else {})


class StubServer:
    """A scripted HTTP server on an ephemeral 127.0.0.1 port; use as a context manager or start/stop it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._queue: list[Reply] = []
        self._responder: Responder | None = None
        self._httpd = ThreadingHTTPServer((LOOPBACK, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                        name="stub-http-server", daemon=True)

    @property
    def url(self) -> str:
        """Base URL, ``http://127.0.0.1:PORT`` (no trailing slash)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def calls(self) -> list[str]:
        """``METHOD /path`` of every request so far, the compact form tests compare against."""
        return [f"{r.method} {r.path}" for r in self.requests]

    def script(self, replies: Iterable[ReplyLike] | Responder) -> None:
        """Answer the next requests from ``replies`` in order (the last repeats), or by calling a function."""
        with self._lock:
            if callable(replies):
                self._responder, self._queue = replies, []
            else:
                self._responder, self._queue = None, [as_reply(r) for r in replies]

    def reset(self) -> None:
        """Forget the requests and the script."""
        with self._lock:
            self._requests.clear()
            self._queue, self._responder = [], None

    def start(self) -> StubServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and wait for the serving thread."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answer(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            responder = self._responder
            if responder is None:
                if not self._queue:
                    return Reply()
                return self._queue.pop(0) if len(self._queue) > 1 else self._queue[0]
        return responder(request)


def _handler_for(server: StubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            recorded = RecordedRequest(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                raw_query=parts.query,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            try:
                reply = server._answer(recorded)
                content, headers = reply.encoded()
            except Exception as exc:  # a broken script must show up as a response, not a hung client
                reply, content, headers = Reply(599), repr(exc).encode(), {"Content-Type": "text/plain"}
            self.send_response(reply.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler

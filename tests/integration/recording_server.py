"""A scripted HTTP server on 127.0.0.1 that records exactly what the engine put on the wire.

It runs the standard library's ``ThreadingHTTPServer`` on an ephemeral loopback port in a background thread.
Every request is kept as a :class:`Received` (method, raw request target, headers, body bytes) before it is
answered. Answers come from a script: :meth:`RecordingServer.reply` queues :class:`Reply` objects (or functions
of the request) for one path or for every path; a queue hands them out in order and keeps repeating its last
one. Without a script each request gets ``200 {"ok": true}``.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

LOOPBACK = "127.0.0.1"
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Reply:
    """One scripted answer.

    A ``dict`` or ``list`` body is sent as ``application/json``; a ``str`` as ``text/plain`` unless the headers
    name another Content-Type; ``bytes`` exactly as given; ``None`` as an empty body. ``delay`` holds the
    answer back that many seconds (cut short when the server stops).
    """

    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": True})
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self) -> tuple[bytes, list[tuple[str, str]]]:
        """The body bytes and the header lines, with a Content-Type filled in when the script left it out."""
        headers = list(self.headers.items())
        named = {name.lower() for name, _ in headers}
        if self.body is None:
            content, default_type = b"", None
        elif isinstance(self.body, bytes):
            content, default_type = self.body, None
        elif isinstance(self.body, str):
            content, default_type = self.body.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            content, default_type = json.dumps(self.body).encode("utf-8"), "application/json"
        if default_type and "content-type" not in named:
            headers.append(("Content-Type", default_type))
        headers.append(("Content-Length", str(len(content))))
        return content, headers


@dataclass(frozen=True)
class Received:
    """One request as the server read it off the socket."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def path(self) -> str:
        """The raw (still percent-encoded) path, without the query."""
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        """The raw query string (without ``?``), exactly as sent."""
        return self.target.partition("?")[2]

    def query_pairs(self) -> list[tuple[str, str]]:
        """The query decoded into ordered ``(name, value)`` pairs."""
        return parse_qsl(self.query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        """The first value of a header, looked up case-insensitively."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list[str]:
        """Every value of a header, in the order received."""
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def cookies(self) -> list[tuple[str, str]]:
        """The ``Cookie`` header split into raw ``(name, value)`` pairs."""
        pairs = []
        for header in self.header_values("cookie"):
            for part in header.split(";"):
                name, _, value = part.strip().partition("=")
                pairs.append((name, value))
        return pairs

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    def text(self) -> str:
        """The body as UTF-8 text."""
        return self.body.decode("utf-8")

    def form(self) -> list[tuple[str, str]]:
        """The body parsed as ``application/x-www-form-urlencoded`` pairs."""
        return parse_qsl(self.text(), keep_blank_values=True)

    def multipart(self) -> list[tuple[str, str | None, str | None, bytes]]:
        """The body parsed as ``multipart/form-data``: ``(name, filename, content type, content)`` per part."""
        head = f"Content-Type: {self.header('content-type')}\r\n\r\n".encode("ascii")
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        parts = []
        for part in message.iter_parts():
            explicit_type = part.get("content-type")
            payload = part.get_payload(decode=True)
            parts.append((part.get_param("name", header="content-disposition"),
                          part.get_param("filename", header="content-disposition"),
                          None if explicit_type is None else part.get_content_type(),
                          payload if isinstance(payload, bytes) else b""))
        return parts

    def part_headers(self) -> list[dict[str, str]]:
        """The headers of each ``multipart/form-data`` part (names lower-cased), in order."""
        head = f"Content-Type: {self.header('content-type')}\r\n\r\n".encode("ascii")
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        return [{name.lower(): str(value) for name, value in part.items()} for part in message.iter_parts()]


Responder = Reply | Callable[[Received], Reply]


class RecordingServer:
    """Loopback HTTP server: records each request, answers from per-path scripts."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._routes: dict[str | None, list[Responder]] = {}
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((LOOPBACK, 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="recording-http-server",
                                        kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        return f"http://{LOOPBACK}:{self._httpd.server_address[1]}"

    @property
    def port(self) -> int:
        """The ephemeral port the server listens on."""
        return int(self._httpd.server_address[1])

    def start(self) -> RecordingServer:
        """Start serving in the background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, release delayed answers and close the socket."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def reply(self, *responders: Responder, path: str | None = None) -> None:
        """Script the answers for requests to ``path`` (decoded, without query), or for any path when ``None``."""
        if not responders:
            raise ValueError("reply() needs at least one Reply")
        with self._lock:
            self._routes[path] = list(responders)

    def to(self, path: str) -> list[Received]:
        """The requests received for ``path`` (decoded, without query)."""
        return [r for r in self.requests if unquote(r.path) == path]

    @property
    def last(self) -> Received:
        """The most recent request (fails the test when none arrived)."""
        assert self.requests, "the server received no request"
        return self.requests[-1]

    def _answer(self, received: Received) -> Reply:
        with self._lock:
            self.requests.append(received)
            path = unquote(urlsplit(received.target).path)
            queue = self._routes.get(path) or self._routes.get(None)
            responder: Responder = Reply() if not queue else (queue.pop(0) if len(queue) > 1 else queue[0])
        return responder(received) if callable(responder) else responder

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                received = Received(self.command, self.path, tuple(self.headers.items()), body)
                answer = server._answer(received)
                if answer.delay and server._stopping.wait(answer.delay):
                    return
                content, headers = answer.encoded()
                try:
                    self.send_response(answer.status)
                    for name, value in headers:
                        self.send_header(name, value)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(content)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
                return

        for method in _METHODS:
            setattr(Handler, f"do_{method}", Handler._serve)
        return Handler


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])

"""A loopback HTTP server that misbehaves on purpose: every path names one fault.

It listens on an ephemeral port of 127.0.0.1 and speaks HTTP/1.1 over raw sockets, so it can do what no
well-behaved server library would: drip a body one byte a second, never finish its headers, reset the
connection mid-body, promise more bytes than it sends, send broken chunked framing or an odd status line,
or answer a tiny request with a compressed body that inflates to 64 MiB. Each request is served on its own
thread and on its own connection (``Connection: close``), so a stalled fault never holds up the next.

``GET /<fault>`` serves the fault of that name (:data:`FAULTS`; anything after a further ``/`` is ignored,
so an operation path ``/{fault}/{rest}`` can carry a second value). :meth:`FaultServer.script` registers raw
response bytes under a fresh path, for the response fuzzing. Every request line the server read is kept in
:attr:`FaultServer.targets`, so a test can tell which URLs the engine really asked for.
"""

from __future__ import annotations

import gzip
import itertools
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

LOOPBACK = "127.0.0.1"
BOMB_BYTES = 64 * 1024 * 1024
"""What a compression bomb inflates to: beyond the default ``max_response_bytes`` (16 MiB) four times over."""
ENDLESS_BYTES = 256 * 1024 * 1024
"""Where an "endless" body stops anyway, should a client keep reading."""
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Request:
    """The request line and headers the server read (header names lower-cased)."""

    method: str
    target: str
    headers: dict[str, str]


class Wire:
    """One accepted connection, as a fault sees it."""

    def __init__(self, sock: socket.socket, request: Request, server: FaultServer) -> None:
        self.sock = sock
        self.request = request
        self.server = server

    def send(self, data: bytes) -> bool:
        """Send ``data``; ``False`` once the client has gone away or the server is stopping."""
        if self.server.stopping.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def drip(self, data: bytes, interval: float) -> None:
        """Send ``data`` one byte every ``interval`` seconds, until it ends or the client leaves."""
        for index in range(len(data)):
            if not self.send(data[index : index + 1]) or self.server.stopping.wait(interval):
                return

    def stream(self, chunks: Iterator[bytes]) -> None:
        """Send chunk after chunk until they run out or the client stops reading."""
        for chunk in chunks:
            if not self.send(chunk):
                return

    def hold(self, seconds: float = 60.0) -> None:
        """Keep the connection open without sending anything, until the client leaves or the server stops."""
        deadline = time.monotonic() + seconds
        self.sock.settimeout(0.05)
        while time.monotonic() < deadline and not self.server.stopping.is_set():
            try:
                if self.sock.recv(1024) == b"":
                    return  # the client closed its side
            except TimeoutError:
                continue
            except OSError:
                return

    def reset(self) -> None:
        """Abort the connection with a TCP RST instead of an orderly close."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Fault = Callable[[Wire], None]
FAULTS: dict[str, Fault] = {}
"""Every fault by the path segment that serves it."""


def fault(name: str) -> Callable[[Fault], Fault]:
    """Register a fault under ``name``."""

    def register(function: Fault) -> Fault:
        FAULTS[name] = function
        return function

    return register


def head(status: str, headers: list[tuple[str, str]] | None = None, *, close: bool = True) -> bytes:
    """A status line and header block (``status`` is e.g. ``"200 OK"``)."""
    lines = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers or [])]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(status: str, body: bytes, content_type: str | None = "application/json",
           extra: list[tuple[str, str]] | None = None) -> bytes:
    """A complete response with a correct Content-Length."""
    headers = [("Content-Type", content_type)] if content_type else []
    headers += [*(extra or []), ("Content-Length", str(len(body)))]
    return head(status, headers) + body


def _zeros(total: int) -> Iterator[bytes]:
    block = bytes(_CHUNK)
    for _ in range(total // _CHUNK):
        yield block


@cache
def inflating(encoding: str) -> bytes:
    """64 MiB of zeros, compressed (about 64 KiB; ``gzip,gzip`` compresses the compressed again)."""
    zeros = bytes(BOMB_BYTES)
    if encoding == "deflate":
        return zlib.compress(zeros, 9)
    once = gzip.compress(zeros, 9, mtime=0)
    return gzip.compress(once, 9, mtime=0) if encoding == "gzip,gzip" else once


# --- well-behaved answers -------------------------------------------------------------------------------------

@fault("ok")
def _ok(wire: Wire) -> None:
    wire.send(answer("200 OK", b'{"ok": true}'))


@fault("echo")
def _echo(wire: Wire) -> None:
    """The request as the server read it, as JSON: what a secret looks like when a server reflects it."""
    request = wire.request
    body = {"method": request.method, "target": request.target, "headers": request.headers}
    wire.send(answer("200 OK", json.dumps(body).encode()))


@fault("echo-fail")
def _echo_fail(wire: Wire) -> None:
    request = wire.request
    wire.send(answer("400 Bad Request", json.dumps({"target": request.target, "headers": request.headers}).encode()))


# --- size -------------------------------------------------------------------------------------------------------

@fault("huge-body")
def _huge_body(wire: Wire) -> None:
    wire.send(head("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(ENDLESS_BYTES))]))
    wire.stream(_zeros(ENDLESS_BYTES))


@fault("huge-chunked")
def _huge_chunked(wire: Wire) -> None:
    wire.send(head("200 OK", [("Content-Type", "text/plain"), ("Transfer-Encoding", "chunked")]))
    frame = f"{_CHUNK:x}\r\n".encode() + b"a" * _CHUNK + b"\r\n"
    wire.stream(itertools.repeat(frame, ENDLESS_BYTES // _CHUNK))


def _bomb(encoding: str, content_type: str = "application/json") -> Fault:
    def serve(wire: Wire) -> None:
        wire.send(answer("200 OK", inflating(encoding), content_type, [("Content-Encoding", encoding)]))

    return serve


FAULTS["gzip-bomb"] = _bomb("gzip")
FAULTS["deflate-bomb"] = _bomb("deflate")
FAULTS["gzip-twice-bomb"] = _bomb("gzip,gzip")


@fault("br-body")
def _br_body(wire: Wire) -> None:
    """``br`` that this client cannot decode (no brotli module): it must reach the engine as opaque bytes."""
    wire.send(answer("200 OK", b"\x1b\xff\xff\x00" * 64, "application/octet-stream", [("Content-Encoding", "br")]))


@fault("bad-gzip")
def _bad_gzip(wire: Wire) -> None:
    wire.send(answer("200 OK", b"this is not gzip at all", "application/json", [("Content-Encoding", "gzip")]))


@fault("huge-header")
def _huge_header(wire: Wire) -> None:
    wire.send(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"h" * (1024 * 1024) + b"\r\nContent-Length: 0\r\n\r\n")


@fault("many-headers")
def _many_headers(wire: Wire) -> None:
    lines = b"".join(b"X-%d: v\r\n" % index for index in range(100_000))
    wire.send(b"HTTP/1.1 200 OK\r\n" + lines + b"Content-Length: 0\r\n\r\n")


# --- time -------------------------------------------------------------------------------------------------------

@fault("drip-body")
def _drip_body(wire: Wire) -> None:
    body = b'{"a": "' + b"x" * 200 + b'"}'
    wire.send(head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]))
    wire.drip(body, 1.0)


@fault("drip-headers")
def _drip_headers(wire: Wire) -> None:
    """A status line, then a header that never ends, one byte every 0.2 s (each read gets a byte in time)."""
    wire.send(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    wire.drip(b"z" * 10_000, 0.2)


@fault("stall")
def _stall(wire: Wire) -> None:
    wire.hold()


# --- framing ----------------------------------------------------------------------------------------------------

@fault("reset-mid-body")
def _reset_mid_body(wire: Wire) -> None:
    wire.send(head("200 OK", [("Content-Type", "application/json"), ("Content-Length", "1000")])
              + b'{"a": "' + b"x" * 90)
    time.sleep(0.05)
    wire.reset()


@fault("short-body")
def _short_body(wire: Wire) -> None:
    wire.send(head("200 OK", [("Content-Type", "application/json"), ("Content-Length", "1000")]) + b'{"a": 1}')


@fault("bad-chunked")
def _bad_chunked(wire: Wire) -> None:
    wire.send(head("200 OK", [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")])
              + b"zz\r\n{}\r\n0\r\n\r\n")


@fault("close-without-answer")
def _close_without_answer(wire: Wire) -> None:
    return  # the server closes the connection as soon as a fault returns


@fault("reset-without-answer")
def _reset_without_answer(wire: Wire) -> None:
    wire.reset()


@fault("early-hints-then-ok")
def _early_hints(wire: Wire) -> None:
    wire.send(b"HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n" + answer("200 OK", b'{"ok": true}'))


@fault("only-informational")
def _only_informational(wire: Wire) -> None:
    wire.send(b"HTTP/1.1 102 Processing\r\n\r\n")


@fault("status-999")
def _status_999(wire: Wire) -> None:
    wire.send(answer("999 Beyond", b'{"ok": true}'))


@fault("garbage-status-line")
def _garbage_status(wire: Wire) -> None:
    wire.send(b"ICY 200 OK\r\nContent-Length: 2\r\n\r\n{}")


@fault("http09")
def _http09(wire: Wire) -> None:
    wire.send(b'{"no": "status line at all"}')


# --- Retry-After ------------------------------------------------------------------------------------------------

RETRY_AFTER = {
    "superscript-two": "\u00b2".encode(),
    "minus-one": b"-1",
    "1e309": b"1e309",
    "nan": b"NaN",
    "far-future-date": b"Fri, 31 Dec 9999 23:59:59 GMT",
    "huge-integer": b"9" * 400,
    "garbage": b"\xff\xfe soon, maybe",
    "past-date": b"Mon, 01 Jan 0001 00:00:00 GMT",
}
"""``Retry-After`` values a server may send, by the fault suffix that sends them (``retry-after-<name>``)."""


def _retry_after(value: bytes) -> Fault:
    def serve(wire: Wire) -> None:
        wire.send(head("503 Service Unavailable", [("Content-Type", "application/json"), ("Content-Length", "2")])
                  .replace(b"\r\n\r\n", b"\r\nRetry-After: " + value + b"\r\n\r\n") + b"{}")

    return serve


for _name, _value in RETRY_AFTER.items():
    FAULTS[f"retry-after-{_name}"] = _retry_after(_value)


# --- bodies that are hard to decode -----------------------------------------------------------------------------

def _body(body: bytes, content_type: str) -> Fault:
    def serve(wire: Wire) -> None:
        wire.send(answer("200 OK", body, content_type))

    return serve


for _charset in ("idna", "undefined", "punycode", "rot13", "no-such-charset"):
    FAULTS[f"charset-{_charset}"] = _body(b'{"a": "caf\xc3\xa9 \xff"}', f"application/json; charset={_charset}")
    FAULTS[f"text-charset-{_charset}"] = _body(b"caf\xc3\xa9 \xff", f"text/plain; charset={_charset}")
FAULTS["deep-json"] = _body(b"[" * 100_000 + b"]" * 100_000, "application/json")
FAULTS["deep-json-text"] = _body(b"[" * 100_000 + b"]" * 100_000, "text/plain")
FAULTS["nearly-deep-json"] = _body(b"[" * 990 + b"1" + b"]" * 990, "application/json")
FAULTS["big-int-json"] = _body(b'{"n": ' + b"7" * 5000 + b"}", "application/json")
FAULTS["big-int-text"] = _body(b"7" * 5000, "text/plain")
FAULTS["bad-utf8-json"] = _body(b'{"a": "\xff\xfe\xc3"}', "application/json")
FAULTS["lone-surrogate-json"] = _body(b'{"a": "\\ud800 and \\udfff"}', "application/json")
FAULTS["raw-surrogate-json"] = _body(b'{"a": "\xed\xa0\x80"}', "application/json")
FAULTS["control-json"] = _body(b'{"a": "\\u0000\\u001b[31mred\\u202e"}', "application/json")
FAULTS["xml-billion-laughs"] = _body(
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
               for level in range(1, 10))
    + b"]><lolz>&lol9;</lolz>", "application/xml")
FAULTS["xml-xxe"] = _body(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
                          "application/xml")
FAULTS["xml-deep"] = _body(b"<a>" * 100_000 + b"</a>" * 100_000, "application/xml")
FAULTS["xml-wide"] = _body(b"<r>" + b"<a>x</a>" * 4000 + b"</r>", "application/xml")
FAULTS["evil-text"] = _body(b"a" * 5000 + b"!", "text/plain")

FAULTS["evil-json"] = _body(b'["' + b"a" * 5000 + b'!"]', "application/json")
FAULTS["evil-json-many"] = _body(b"[" + b",".join([b'"' + b"a" * 5000 + b'!"'] * 50) + b"]", "application/json")
FLOOD_BYTES = 8 * 1024 * 1024
FAULTS["ellipsis-flood"] = _body(b"..." * (FLOOD_BYTES // 3), "text/plain")
FAULTS["percent-flood"] = _body(b"a%41 " * (FLOOD_BYTES // 5), "text/plain")
TOKEN = 'tok"en\\ w/odd+chars%41z'
"""The access token ``/token-good`` hands out: quotes, a backslash, a space and a percent escape in it."""


@fault("token-good")
def _token_good(wire: Wire) -> None:
    token = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}
    wire.send(answer("200 OK", json.dumps(token).encode()))


# --- redirects --------------------------------------------------------------------------------------------------


def _redirect(location: str) -> Fault:
    def serve(wire: Wire) -> None:
        wire.send(answer("302 Found", b"", None, [("Location", location)]))

    return serve


FAULTS["redirect-loop"] = _redirect("/redirect-loop")
FAULTS["redirect-file"] = _redirect("file:///etc/passwd")
FAULTS["redirect-remote"] = _redirect("http://192.0.2.1/never-followed")  # TEST-NET-1: must not be contacted
FAULTS["redirect-to-openapi"] = _redirect("/doc-openapi")


# --- documents (remote source descriptions) ---------------------------------------------------------------------

def openapi_text(server: str, extra_paths: dict[str, object] | None = None) -> bytes:
    """A small valid OpenAPI 3.1 description whose one operation, ``getOk``, is ``GET /ok`` on ``server``."""
    paths: dict[str, object] = {"/ok": {"get": {"operationId": "getOk",
                                                "responses": {"200": {"description": "ok"}}}}}
    paths.update(extra_paths or {})
    return json.dumps({"openapi": "3.1.0", "info": {"title": "fault server", "version": "1"},
                       "servers": [{"url": server}], "paths": paths}).encode()


@fault("doc-openapi")
def _doc_openapi(wire: Wire) -> None:
    wire.send(answer("200 OK", openapi_text(wire.server.url)))


@fault("doc-huge")
def _doc_huge(wire: Wire) -> None:
    wire.send(head("200 OK", [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]))
    opening = b'{"openapi": "3.1.0", "x-padding": "'
    frames = itertools.chain([b"%x\r\n%s\r\n" % (len(opening), opening)],
                             itertools.repeat(f"{_CHUNK:x}\r\n".encode() + b"a" * _CHUNK + b"\r\n",
                                              ENDLESS_BYTES // _CHUNK))
    wire.stream(frames)


FAULTS["doc-gzip-bomb"] = _bomb("gzip")


@fault("doc-drip")
def _doc_drip(wire: Wire) -> None:
    text = openapi_text(wire.server.url)
    wire.send(head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(text)))]))
    wire.drip(text, 0.25)


FAULTS["doc-drip-headers"] = _drip_headers
FAULTS["doc-stall"] = _stall
FAULTS["doc-deep"] = _body(b"[" * 100_000 + b"]" * 100_000, "application/json")
FAULTS["doc-deep-yaml"] = _body(b"- " * 30_000 + b"x\n", "application/yaml")
FAULTS["doc-big-int"] = _body(b'{"openapi": ' + b"3" * 5000 + b"}", "application/json")
FAULTS["doc-not-utf8"] = _body(b'{"openapi": "3.1.0", "info": "\xff\xfe"}', "application/json")


@fault("doc-not-found")
def _doc_not_found(wire: Wire) -> None:
    wire.send(answer("404 Not Found", b'{"error": "no such document"}'))


def _doc_with_ref(ref: str) -> Fault:
    def serve(wire: Wire) -> None:
        wire.send(answer("200 OK", openapi_text(wire.server.url, {"/secret": {"$ref": ref}})))

    return serve


FAULTS["doc-ref-file"] = _doc_with_ref("file:///etc/passwd")
FAULTS["doc-ref-file-host"] = _doc_with_ref("file://localhost/etc/passwd#/x")
FAULTS["doc-ref-absolute-path"] = _doc_with_ref("/etc/passwd")
FAULTS["doc-ref-dot-dot"] = _doc_with_ref("../../../../../etc/passwd#/root")


def _arazzo_with_source(url: str) -> Fault:
    def serve(wire: Wire) -> None:
        document = {"arazzo": "1.0.1", "info": {"title": "remote", "version": "1"},
                    "sourceDescriptions": [{"name": "api", "url": url, "type": "openapi"}],
                    "workflows": [{"workflowId": "w", "steps": [{"stepId": "s", "operationId": "getOk"}]}]}
        wire.send(answer("200 OK", json.dumps(document).encode()))

    return serve


FAULTS["doc-arazzo-file-source"] = _arazzo_with_source("file:///etc/passwd")
FAULTS["doc-arazzo-path-source"] = _arazzo_with_source("/etc/passwd")


class FaultServer:
    """The misbehaving server: :meth:`start` it, point requests at :attr:`url` + ``/<fault>``, :meth:`stop` it."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.targets: list[str] = []
        self._scripts: dict[str, bytes] = {}
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._accept, name="fault-server", daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        return f"http://{LOOPBACK}:{self._listener.getsockname()[1]}"

    def start(self) -> FaultServer:
        """Start accepting connections in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, end every fault still running and close every connection."""
        self.stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def script(self, raw: bytes) -> str:
        """Register ``raw`` as the exact bytes to answer with; returns the path that serves them."""
        path = f"/script-{next(self._counter)}"
        with self._lock:
            self._scripts[path] = raw
        return path

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), name="fault-server-connection",
                             daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)
        try:
            request = _read_request(connection)
            if request is None:
                return
            with self._lock:
                self.targets.append(request.target)
                script = self._scripts.get(request.target)
            wire = Wire(connection, request, self)
            if script is not None:
                wire.send(script)
                return
            name = request.target.lstrip("/").split("?", 1)[0].split("/", 1)[0]
            FAULTS.get(name, _not_found)(wire)
        except OSError:
            pass  # the client left: what a fault is for
        finally:
            with self._lock:
                self._connections.discard(connection)
            try:
                connection.close()
            except OSError:
                pass


def _not_found(wire: Wire) -> None:
    wire.send(answer("404 Not Found", json.dumps({"error": f"no fault at {wire.request.target}"}).encode()))


def _read_request(connection: socket.socket) -> Request | None:
    """The request head (and body, which faults ignore); ``None`` when the client sent nothing useful."""
    connection.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk or len(data) > 1024 * 1024:
            return None
        data += chunk
    head_text, _, rest = data.partition(b"\r\n\r\n")
    lines = head_text.decode("latin-1").split("\r\n")
    method, target, *_ = lines[0].split(" ") + ["", ""]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length") or 0)
    while len(rest) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Request(method, target, headers)

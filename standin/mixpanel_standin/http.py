"""The little HTTP layer the stand-in needs: ASGI types, an immutable request, responses and Basic auth."""

from __future__ import annotations

import base64
import binascii
import gzip
import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

__all__ = [
    "ASGIApp",
    "Handler",
    "Message",
    "Receive",
    "Request",
    "Response",
    "Scope",
    "Send",
    "json_response",
    "parse_basic_auth",
    "read_request",
    "send_response",
    "text_response",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    """One fully read HTTP request.

    ``query`` keeps blank values (``on=`` arrives as ``[""]``) so handlers can tell "empty" from
    "absent"; header names are lower-cased and repeated headers joined with ``", "``.
    """

    method: str
    path: str
    raw_query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    client_host: str | None = None

    @property
    def query(self) -> dict[str, list[str]]:
        """The query string parsed into lists of values."""
        return parse_qs(self.raw_query, keep_blank_values=True)

    def param(self, name: str) -> str | None:
        """The first query value called ``name``, or None when absent."""
        values = self.query.get(name)
        return values[0] if values else None

    @property
    def content_type(self) -> str:
        """The media type of the body without parameters, lower-cased ("" when absent)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def decoded_body(self) -> bytes:
        """The body with a ``Content-Encoding: gzip`` removed.

        Raises:
            ValueError: When the body claims gzip but is not.
        """
        if self.headers.get("content-encoding", "").strip().lower() != "gzip":
            return self.body
        try:
            return gzip.decompress(self.body)
        except (OSError, EOFError) as exc:
            raise ValueError(f"body is not valid gzip: {exc}") from exc

    def form(self) -> dict[str, str]:
        """The urlencoded body fields (first value of each), or {} for other content types."""
        if self.content_type != "application/x-www-form-urlencoded":
            return {}
        text = self.decoded_body().decode("utf-8", errors="replace")
        return {key: values[0] for key, values in parse_qs(text, keep_blank_values=True).items()}

    @property
    def target(self) -> str:
        """Path and query as the client sent them, as Mixpanel echoes them in error bodies."""
        return f"{self.path}?{self.raw_query}" if self.raw_query else self.path


@dataclass(frozen=True)
class Response:
    """A complete response: status, body and the headers to send with it."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


Handler = Callable[[Request], Response]


def json_response(payload: object, status: int = 200, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """Serialise ``payload`` compactly, as Mixpanel's API servers do."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json", headers)


def text_response(text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> Response:
    """A plain-text response (``/track``'s ``1``/``0``, the export's JSONL)."""
    return Response(status, text.encode("utf-8"), content_type)


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """Extract ``(username, password)`` from an ``Authorization: Basic`` header.

    Mixpanel documents that its authentication accepts the credentials both base64-encoded and as
    plain text, so ``Basic user:secret`` works as well as the encoded form.
    """
    if not header:
        return None
    scheme, _, credentials = header.strip().partition(" ")
    if scheme.lower() != "basic" or not credentials.strip():
        return None
    credentials = credentials.strip()
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        decoded = credentials
    if ":" not in decoded:
        decoded = credentials
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


async def read_request(scope: Scope, receive: Receive) -> Request:
    """Drain the ASGI body stream of an HTTP scope into a :class:`Request`."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    client = scope.get("client")
    return Request(
        method=scope["method"].upper(),
        path=scope["path"],
        raw_query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        body=b"".join(chunks),
        client_host=client[0] if client else None,
    )


async def send_response(send: Send, response: Response) -> None:
    """Write ``response`` to the ASGI ``send`` channel."""
    headers = [
        (b"content-type", response.content_type.encode("latin-1")),
        (b"content-length", str(len(response.body)).encode("latin-1")),
    ]
    headers.extend((name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers)
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})

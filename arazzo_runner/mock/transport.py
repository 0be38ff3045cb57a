"""An ``httpx`` transport that answers every request in-process from OpenAPI descriptions, without a socket.

A request is routed by method and path template. Only the *end* of the request path has to match the
template — the engine may send to any server URL, so whatever comes before (``/api/query`` in
``https://mixpanel.com/api/query/segmentation``) is taken to be the server's base path. Each ``{name}`` matches
exactly one non-empty segment (a segment may also mix text and names: ``{id}.json``); the root template ``/``
matches only the path ``/``. When several templates match, the one with the most literal segments wins (it
explains more of the path), then the one with the fewest template variables, then one whose declared server
has exactly the rest of the path as its base path (so ``/api/query/engage`` goes to the description served
under ``/api/query`` when two descriptions declare ``/engage``), then the first declared.

The answer is :func:`~arazzo_runner.mock.responses.mock_response` of the operation, computed once per
operation and expected status: the same descriptions and request give byte-identical responses. A request
may name the status it expects in ``request.extensions["arazzo_expected_status"]`` (an ``int``). A request no
operation matches gets ``404`` with an ``application/problem+json`` body naming the method and path, except an
OAuth2 token request (a form POST with ``grant_type``), which gets a fixed bearer token (as does a token request
to an operation whose description declares no response body). Every
answer is marked: the header ``X-Arazzo-Mock: 1`` and ``response.extensions["arazzo_mock"] = True``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import httpx

from arazzo_runner.events import EXPECTED_STATUS, MOCK_MARK
from arazzo_runner.mock.responses import MockedResponse, mock_response
from arazzo_runner.sources import OpenAPISource, Operation
from arazzo_runner.sources.refs import DocumentLoader

MOCK_HEADER = "X-Arazzo-Mock"
"""The response header set to ``1`` on every mocked response."""

_VARIABLE = re.compile(r"\{[^{}/]+\}")
_Matcher = str | re.Pattern[str]


@dataclass(frozen=True)
class _Route:
    source: OpenAPISource
    operation: Operation
    segments: tuple[_Matcher, ...]
    literals: int
    variables: int
    bases: tuple[tuple[str, ...], ...]
    """The path segments of the operation's servers."""

    def rank(self, segments: list[str]) -> tuple[int, int, bool]:
        """How well the route fits a path it matches: higher is better."""
        base = tuple(segments[: len(segments) - len(self.segments)])
        return self.literals, -self.variables, base in self.bases

    def matches(self, method: str, segments: list[str]) -> bool:
        if method != self.operation.method or len(segments) < len(self.segments):
            return False
        if not self.segments:
            return not segments
        tail = segments[len(segments) - len(self.segments):]
        for matcher, segment in zip(self.segments, tail, strict=True):
            if isinstance(matcher, str):
                if matcher != segment:
                    return False
            elif not matcher.fullmatch(segment):
                return False
        return True


class MockTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers requests from the operations of ``sources``; ``load`` reads documents named by ``$ref``s.

    Use it as ``httpx.Client(transport=...)`` or ``httpx.AsyncClient(transport=...)``, or pass it to
    :class:`arazzo_runner.Runner`. It never opens a socket.
    """

    def __init__(self, sources: Iterable[OpenAPISource], load: DocumentLoader) -> None:
        self._routes = tuple(_route(source, operation) for source in sources for operation in source.operations)
        self._load = load
        self._answers: dict[tuple[int, int | None], MockedResponse] = {}

    def match(self, method: str, path: str) -> Operation | None:
        """The operation answering ``method`` on ``path`` (a URL path, percent-encoded as sent), if any."""
        found = self._find(method, path)
        return None if found is None else self._routes[found].operation

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` (the synchronous ``httpx`` transport interface)."""
        return self._respond(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` (the asynchronous ``httpx`` transport interface)."""
        return self._respond(request)

    def _respond(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii", errors="replace")
        found = self._find(request.method, path)
        if found is None:
            if _is_token_request(request):
                return _token()
            return _unmatched(request.method, request.url.path)
        expected = request.extensions.get(EXPECTED_STATUS)
        # Anything but a status code is no hint; normalising it also keeps the answer cache small.
        valid = isinstance(expected, int) and not isinstance(expected, bool) and 100 <= expected <= 599
        expected = expected if valid else None
        answer = self._answers.get((found, expected))
        if answer is None:
            route = self._routes[found]
            answer = mock_response(route.operation, route.source, self._load, expected)
            self._answers[(found, expected)] = answer
        if not answer.content and 200 <= answer.status < 300 and _is_token_request(request):
            return _token()  # a token endpoint whose description leaves the body out: RFC 6749's answer
        headers = [(name.encode("utf-8"), value.encode("utf-8")) for name, value in answer.headers]
        content = b"" if request.method.upper() == "HEAD" else answer.content
        return _marked(answer.status, headers, content)

    def _find(self, method: str, path: str) -> int | None:
        segments = _request_segments(path)
        best: tuple[tuple[int, int, bool], int] | None = None
        for index, route in enumerate(self._routes):
            if route.matches(method.upper(), segments) and (best is None or route.rank(segments) > best[0]):
                best = (route.rank(segments), index)
        return None if best is None else best[1]


def _route(source: OpenAPISource, operation: Operation) -> _Route:
    matchers: list[_Matcher] = []
    literals = variables = 0
    for segment in _segments(operation.path):
        names = _VARIABLE.findall(segment)
        variables += len(names)
        if not names:
            literals += 1
            matchers.append(segment)
            continue
        pieces = _VARIABLE.split(segment)
        matchers.append(re.compile(".+?".join(re.escape(piece) for piece in pieces)))
    return _Route(source, operation, tuple(matchers), literals, variables, _bases(operation))


def _bases(operation: Operation) -> tuple[tuple[str, ...], ...]:
    if not operation.servers:
        return ((),)  # OpenAPI's default server is "/"
    bases = []
    for server in operation.servers:
        url = server.url
        for name, variable in server.variables.items():
            default = variable.get("default") if isinstance(variable, Mapping) else None
            url = url.replace(f"{{{name}}}", default if isinstance(default, str) else "")
        bases.append(tuple(_request_segments(urlsplit(url).path)))
    return tuple(bases)


def _segments(path: str) -> list[str]:
    trimmed = path.strip("/")
    return trimmed.split("/") if trimmed else []


def _request_segments(path: str) -> list[str]:
    # Split before decoding, so an encoded "/" (%2F) inside a path parameter stays in its segment.
    return [unquote(segment) for segment in _segments(path)]


def _is_token_request(request: httpx.Request) -> bool:
    """An OAuth2 token request (RFC 6749 §4.4: a form POST with ``grant_type``) to a URL no operation serves."""
    if request.method.upper() != "POST":
        return False
    content_type = request.headers.get("content-type", "")
    return content_type.startswith("application/x-www-form-urlencoded") and b"grant_type=" in request.content


def _token() -> httpx.Response:
    """A token for a mocked run (RFC 6749 §5.1), the same every time, so runs stay deterministic."""
    body = {"access_token": "mock-access-token", "token_type": "Bearer", "expires_in": 3600,
            "refresh_token": "mock-refresh-token"}
    return _marked(200, [(b"Content-Type", b"application/json")], json.dumps(body).encode("utf-8"))


def _unmatched(method: str, path: str) -> httpx.Response:
    detail = f"no operation of the mocked descriptions matches {method.upper()} {path}"
    problem = {"type": "about:blank", "title": "No operation matched", "status": 404, "detail": detail}
    body = json.dumps(problem, separators=(",", ":")).encode("utf-8")
    return _marked(404, [(b"Content-Type", b"application/problem+json")], body)


def _marked(status: int, headers: list[tuple[bytes, bytes]], content: bytes) -> httpx.Response:
    return httpx.Response(status, headers=[*headers, (MOCK_HEADER.encode("ascii"), b"1")], content=content,
                          extensions={MOCK_MARK: True})

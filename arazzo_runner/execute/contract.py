"""Contract mode: every request and response checked by openapi-core against its OpenAPI operation.

``Runner(contract=True)`` (``run --contract``) hands each exchange to openapi-core, which checks what the
fast response check does not: request parameters, security and body, response headers, and the body with
OpenAPI's own deserialization rules, for 3.0 and 3.1 alike. It is opt-in because it is costly: importing
openapi-core takes about 0.2 s, and a check costs 0.5-3 ms per step (BENCHMARKS.md has the figures), so plain
runs never load it. A response that breaks the contract fails the step; a request that breaks it is a warning,
since a workflow may send a bad request on purpose to see it refused.

openapi-core finds the operation from the request URL and the description's ``servers``; requests sent to a
server override or a stand-in are therefore presented to it under the description's own first server.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import urlsplit

import httpx

from arazzo_runner import budget
from arazzo_runner.errors import ExecutionError
from arazzo_runner.http import resolve_server_url
from arazzo_runner.plan import RequestPlan
from arazzo_runner.sources import OpenAPISource

MAX_MESSAGE = 300


class Contract:
    """openapi-core's view of one OpenAPI description (built once per runner and source)."""

    def __init__(self, source: OpenAPISource) -> None:
        from openapi_core import Config, OpenAPI

        # The description itself is not judged here (validate does that); only the traffic is.
        self._openapi = OpenAPI.from_dict(source.document.data, base_uri=source.url,
                                          config=Config(spec_validator_cls=None))

    def request_problems(self, plan: RequestPlan, request: httpx.Request, path: str,
                         server_variables: Any) -> list[str]:
        """How ``request`` (whose operation path is ``path``, expanded) breaks the contract."""
        adapter = _Request(request, *_presented(plan, request, path, server_variables))
        with _bounded_patterns():
            return [_describe(error) for error in self._openapi.iter_request_errors(adapter)]

    def response_problems(self, plan: RequestPlan, request: httpx.Request, path: str, server_variables: Any,
                          response: httpx.Response) -> list[str]:
        """How ``response`` breaks the contract of the operation ``request`` called."""
        adapter = _Request(request, *_presented(plan, request, path, server_variables))
        with _bounded_patterns():
            return [_describe(error) for error in self._openapi.iter_response_errors(adapter, _Response(response))]


def _bounded_patterns() -> AbstractContextManager[None]:
    """openapi-core matches schema patterns with the ``re`` module (through jsonschema and, without the optional
    ``regress``, openapi-schema-validator): a description's catastrophic pattern would hang the check. While it
    runs, those matches honour the caller's budget (:func:`arazzo_runner.budget.bounded_re_in`)."""
    import jsonschema._keywords
    import openapi_schema_validator._regex

    return budget.bounded_re_in(jsonschema._keywords, openapi_schema_validator._regex)


def build_contracts(sources: list[OpenAPISource]) -> dict[str, Contract]:
    """A :class:`Contract` per description, keyed by its URL."""
    return {source.url: Contract(source) for source in sources}


def _presented(plan: RequestPlan, request: httpx.Request, path: str, server_variables: Any) -> tuple[str, str]:
    """(host URL, path) under which openapi-core finds the operation: the description's first server."""
    servers = plan.operation.servers
    if servers:
        try:
            base = resolve_server_url(servers[0].url, servers[0].variables, server_variables, base=plan.source.url)
        except ExecutionError:
            base = ""
        parts = urlsplit(base)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/") + path
    return f"{request.url.scheme}://{request.url.netloc.decode('ascii')}", path


class _Request:
    """An ``httpx.Request`` in the shape of openapi-core's request protocol."""

    def __init__(self, request: httpx.Request, host_url: str, path: str) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = host_url
        self.path = path
        self.method = request.method.lower()
        self.body = request.content or None
        self.content_type = request.headers.get("content-type", "")
        self.parameters = RequestParameters(query=ImmutableMultiDict(request.url.params.multi_items()),
                                            header=Headers(request.headers.multi_items()),
                                            cookie=ImmutableMultiDict(_cookies(request.headers.get("cookie"))))


class _Response:
    """An ``httpx.Response`` in the shape of openapi-core's response protocol."""

    def __init__(self, response: httpx.Response) -> None:
        from werkzeug.datastructures import Headers

        self.data = response.content
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "")
        self.headers = Headers(response.headers.multi_items())


def _cookies(header: str | None) -> dict[str, str]:
    if not header:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def _describe(error: Exception) -> str:
    """One openapi-core finding as a sentence; schema violations listed one by one, with where."""
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        where = "request body" if "Request" in type(error).__name__ else "body"
        listed = "; ".join(f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
                           for e in list(schema_errors)[:3])
        return _short(f"{where}: {listed}")
    text = str(error)
    name = getattr(error, "name", None)
    kind = type(error).__name__
    if isinstance(name, str) and (text == kind or text.startswith(f"{kind}:")):
        # openapi-core's header errors say only their class; the header's name is an attribute.
        text = f"header {name}" + text[len(kind):]
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    return _short(text)


def _short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."

"""Build the ``httpx.Request`` of an operation step from its plan and the values evaluated for this attempt.

Everything that does not change between attempts was decided at plan time (:mod:`arazzo_runner.plan.request`);
here values are serialized, the server chosen, credentials applied and the body encoded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import httpx

from arazzo_runner.errors import ExecutionError, Hint
from arazzo_runner.http import (
    AuthPlan,
    CredentialStore,
    ParameterSpec,
    build_url,
    encode_body,
    expand_path,
    format_cookie_header,
    resolve_server_url,
    serialize_parameters,
)
from arazzo_runner.limits import DEFAULT_LIMITS
from arazzo_runner.plan import RequestPlan

DEFAULT_TIMEOUT = DEFAULT_LIMITS.request_timeout


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class RequestSettings:
    """Run-wide settings for building requests (frozen: one value is shared by every run of a runner)."""

    servers: Mapping[str, str] = field(default_factory=_empty)
    """Base URLs by source description name, replacing the OpenAPI servers."""
    server_variables: Mapping[str, str] = field(default_factory=_empty)
    credentials: CredentialStore = field(default_factory=lambda: CredentialStore({}, environ={}))
    offline_base: str | None = None
    """With ``--mock``: the base a relative server URL of a description read from a file resolves against (the
    requests never leave the process, so any host will do; without it that server has no host)."""


@dataclass(slots=True)
class BuiltRequest:
    """A request ready to send, with what criteria may read back as ``$request.*`` (internal, read-only)."""

    request: httpx.Request
    query: Mapping[str, Any]
    path: Mapping[str, Any]
    headers: Mapping[str, str]
    body: Any
    target: str
    """The operation's path with its parameters filled in (``/pets/7``), before the server's base path."""


def build_request(plan: RequestPlan, parameters: Sequence[tuple[ParameterSpec, Any]], body: tuple[Any] | None,
                  settings: RequestSettings, auth: AuthPlan) -> BuiltRequest:
    """The request of ``plan`` with these serialized-to-be parameters, body payload and credentials."""
    operation = plan.operation
    serialized = serialize_parameters(parameters)
    target = expand_path(operation.path, serialized.path)
    url = build_url(server_url(plan, settings), target, serialized.query)
    headers: list[tuple[str, str]] = [*serialized.headers, *auth.headers]
    cookies: list[tuple[str, str]] = [*serialized.cookies, *auth.cookies]
    if auth.query:
        url = build_url(url, "", auth.query)
    content: bytes | None = None
    if body is not None and plan.body is not None:
        content, header = encode_body(body[0], plan.body.media_type, encoding=plan.body.encoding)
        headers.append(("Content-Type", header))
    if cookies:
        headers.append(("Cookie", format_cookie_header(cookies)))
    request = httpx.Request(operation.method, url, headers=headers, content=content)
    return BuiltRequest(
        request,
        query={spec.name: value for spec, value in parameters if spec.location == "query"},
        path={spec.name: value for spec, value in parameters if spec.location == "path"},
        headers=dict(serialized.headers),
        body=None if body is None else body[0],
        target=target,
    )


def server_url(plan: RequestPlan, settings: RequestSettings) -> str:
    """The base URL requests of ``plan`` go to: the override for its source, else its first OpenAPI server."""
    source = plan.source
    override = settings.servers.get(source.name)
    if override is not None:
        return override
    servers = plan.operation.servers
    # OpenAPI: without `servers`, the one server is "/", relative to where the description was read from.
    url, variables = (servers[0].url, servers[0].variables) if servers else ("/", {})
    base = source.url
    if settings.offline_base is not None and not base.startswith(("http://", "https://")):
        base = settings.offline_base
    try:
        return resolve_server_url(url, variables, settings.server_variables, base=base)
    except ExecutionError as exc:
        raise ExecutionError(f"{plan.operation}: {exc.message}", rule=exc.rule,
                             hint=Hint("server", source.name)) from None

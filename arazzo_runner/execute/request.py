"""Build the ``httpx.Request`` of an operation step from its plan and the values evaluated for this attempt.

Everything that does not change between attempts was decided at plan time (:mod:`arazzo_runner.plan.request`);
here values are serialized, the server chosen, credentials applied and the body encoded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import parse_qsl

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
    media_kind,
    resolve_server_url,
    serialize_parameters,
    split_querystring,
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
    others, querystring = split_querystring(parameters)
    serialized = serialize_parameters(others)
    target = expand_path(operation.path, serialized.path)
    url = build_url(server_url(plan, settings), target, serialized.query, querystring or "")
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
        query=_query_values(parameters, querystring),
        path={spec.name: value for spec, value in parameters if spec.location == "path"},
        headers=dict(serialized.headers),
        body=None if body is None else body[0],
        target=target,
    )


def _query_values(parameters: Sequence[tuple[ParameterSpec, Any]], querystring: str | None) -> dict[str, Any]:
    """What ``$request.query.<name>`` reads: each query parameter's value, or the members of a form-urlencoded
    query string (a repeated name gives a list)."""
    if querystring is None:
        return {spec.name: value for spec, value in parameters if spec.location == "query"}
    spec = next(spec for spec, _ in parameters if spec.location == "querystring")
    if media_kind(spec.content_type) != "form":
        return {}
    members: dict[str, Any] = {}
    for name, value in parse_qsl(querystring, keep_blank_values=True):
        previous = members.get(name)
        members[name] = value if previous is None else [*previous, value] if isinstance(previous, list) else [
            previous, value]
    return members


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

"""Turn an operation step into an ``httpx.Request``: parameters, server, credentials and body.

Values arrive already evaluated; this module only decides where each goes and how it is written, following
the OpenAPI description of the operation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import httpx

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http import (
    CredentialStore,
    ParameterSpec,
    SecurityScheme,
    build_url,
    encode_body,
    expand_path,
    format_cookie_header,
    plan_auth,
    resolve_server_url,
    serialize_parameters,
)
from arazzo_runner.http.params import ParameterLocation
from arazzo_runner.openapi import OpenAPISource, Operation

TokenProvider = Callable[[SecurityScheme, str, str], str]


@dataclass(frozen=True)
class BuiltRequest:
    """A request ready to send, with what criteria may read back as ``$request.*``."""

    request: httpx.Request
    query: Mapping[str, Any]
    path: Mapping[str, Any]
    headers: Mapping[str, str]
    body: Any
    warnings: tuple[str, ...] = ()
    missing_credentials: tuple[str, ...] = ()


@dataclass
class RequestSettings:
    """Run-wide settings for building requests."""

    servers: Mapping[str, str] = field(default_factory=dict)
    server_variables: Mapping[str, str] = field(default_factory=dict)
    credentials: CredentialStore = field(default_factory=lambda: CredentialStore({}, environ={}))
    timeout: float = 30.0


def build_request(
    operation: Operation,
    source: OpenAPISource,
    parameters: Sequence[tuple[str, str, Any]],
    body: tuple[Any, str | None] | None,
    settings: RequestSettings,
    token_provider: TokenProvider,
) -> BuiltRequest:
    """Build the request of ``operation``; ``parameters`` are evaluated ``(name, in, value)`` triples."""
    warnings: list[str] = []
    pairs: list[tuple[ParameterSpec, Any]] = []
    for name, location, value in parameters:
        declared = operation.parameter(name, location)
        if declared is None and location == "path" and f"{{{name}}}" not in operation.path:
            warnings.append(f"parameter '{name}' (in path) is not declared by {operation} and its path has no "
                            f"{{{name}}}: not sent")
            continue
        if declared is None:
            warnings.append(f"parameter '{name}' (in {location}) is not declared by {operation}; sent anyway")
            pairs.append((ParameterSpec(name, cast(ParameterLocation, location)), value))
        else:
            pairs.append((ParameterSpec(declared.name, cast(ParameterLocation, location), declared.style,
                                        declared.explode, declared.allow_reserved, declared.content_type), value))
    serialized = serialize_parameters(pairs)
    base = _server_url(operation, source, settings)
    url = build_url(base, expand_path(operation.path, serialized.path), serialized.query)

    headers: list[tuple[str, str]] = list(serialized.headers)
    cookies: list[tuple[str, str]] = list(serialized.cookies)
    auth = plan_auth(source.name, operation.security, source.schemes, settings.credentials, token_provider)
    headers.extend(auth.headers)
    cookies.extend(auth.cookies)
    if auth.query:
        url = build_url(url, "", auth.query)

    content: bytes | None = None
    sent_body: Any = None
    if body is not None:
        payload, content_type = body
        media = content_type or (operation.request_media_types[0] if operation.request_media_types
                                 else "application/json")
        content, header = encode_body(payload, media)
        headers.append(("Content-Type", header))
        sent_body = payload
    if cookies:
        headers.append(("Cookie", format_cookie_header(cookies)))
    request = httpx.Request(operation.method, url, headers=headers, content=content,
                            extensions={"timeout": httpx.Timeout(settings.timeout).as_dict()})
    return BuiltRequest(
        request,
        query={name: value for name, location, value in parameters if location == "query"},
        path={name: value for name, location, value in parameters if location == "path"},
        headers={name: value for name, value in serialized.headers},
        body=sent_body,
        warnings=tuple(warnings),
        missing_credentials=auth.missing,
    )


def _server_url(operation: Operation, source: OpenAPISource, settings: RequestSettings) -> str:
    override = settings.servers.get(source.name)
    if override is not None:
        return override
    if not operation.servers:
        raise ExecutionError(
            f"{operation} has no servers in its OpenAPI description; pass --server {source.name}=URL",
            rule="no-server")
    server = operation.servers[0]
    return resolve_server_url(server.url, server.variables, settings.server_variables, base=source.url)

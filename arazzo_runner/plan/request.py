"""What never changes between runs of an operation step: where each parameter goes and how, the body's media
type, the security requirements and the response check.

Only values are left for run time: :mod:`arazzo_runner.execute.request` evaluates them and builds the
``httpx.Request``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

from arazzo_runner.errors import Location
from arazzo_runner.http import ParameterSpec, PartEncoding, media_essence, media_kind
from arazzo_runner.http.params import ParameterLocation
from arazzo_runner.http.querystring import DEFAULT_QUERYSTRING_MEDIA
from arazzo_runner.model import Parameter, PayloadReplacement, RequestBody
from arazzo_runner.payload_targets import Target, body_media_type, target_kind
from arazzo_runner.plan.responses import ResponseCheck
from arazzo_runner.plan.values import Constant, Value, compile_payload_text, compile_value
from arazzo_runner.sources import OpenAPISource, Operation, PropertyEncoding
from arazzo_runner.text import to_text


@dataclass(frozen=True)
class ParameterPlan:
    """One parameter of an operation step."""

    name: str
    location: str
    value: Value
    written: str
    """The value as written, for messages."""
    spec: ParameterSpec | None
    """How it is serialized; ``None`` when it is not sent (an undeclared path parameter the path lacks)."""
    required: bool
    warning: str | None
    """Said whenever the parameter is sent (or dropped): it is not declared by the operation."""
    at: Location


@dataclass(frozen=True)
class BodyPlan:
    """The request body: its media type, its payload and the replacements applied to it."""

    media_type: str
    payload: Value
    replacements: tuple[tuple[str | Target, Value], ...] = ()
    """``(target, value)`` in order; an Arazzo 1.0 target is plain text, a 1.1 one a :class:`Target`."""
    encoding: Mapping[str, PartEncoding] = field(default_factory=lambda: MappingProxyType({}))
    """The operation's Encoding Objects for this media type, by property (form and multipart bodies)."""
    written: Any = None
    """The payload as the document writes it (what ``--dry-run`` shows where it cannot be evaluated)."""


@dataclass(frozen=True, eq=False)
class RequestPlan:
    """An operation step's request, resolved against its OpenAPI operation (compared by identity)."""

    operation: Operation
    source: OpenAPISource
    parameters: tuple[ParameterPlan, ...]
    body: BodyPlan | None
    responses: ResponseCheck


def plan_request(operation: Operation, source: OpenAPISource, parameters: tuple[Parameter, ...],
                 body: RequestBody | None, responses: ResponseCheck, version: str = "1.0") -> RequestPlan:
    """The request plan of an operation step with these effective parameters and body, in a document of Arazzo
    ``version`` (``"1.0"`` or ``"1.1"``: how replacement targets are read)."""
    return RequestPlan(operation, source, tuple(_parameter(operation, source, p) for p in parameters),
                       None if body is None else _body(operation, body, version), responses)


def _parameter(operation: Operation, source: OpenAPISource, parameter: Parameter) -> ParameterPlan:
    location = parameter.in_ or "query"
    if location == "querystring":
        return _querystring(operation, source, parameter)
    declared = operation.parameter(parameter.name, location)
    written = parameter.value if isinstance(parameter.value, str) else str(parameter.value)
    value = compile_value(parameter.value, selectors=parameter.in_1_1)
    if declared is None and location == "path" and f"{{{parameter.name}}}" not in operation.path:
        return ParameterPlan(parameter.name, location, value, written, None, False,
                             f"parameter '{parameter.name}' (in path) is not declared by {operation} and its path "
                             f"has no {{{parameter.name}}}: not sent", parameter.location)
    if declared is None:
        spec = ParameterSpec(parameter.name, cast(ParameterLocation, location))
        return ParameterPlan(parameter.name, location, value, written, spec, False,
                             f"parameter '{parameter.name}' (in {location}) is not declared by {operation}; sent "
                             "anyway", parameter.location)
    spec = ParameterSpec(declared.name, cast(ParameterLocation, location), declared.style, declared.explode,
                         declared.allow_reserved, declared.content_type)
    return ParameterPlan(parameter.name, location, value, written, spec, declared.required, None, parameter.location)


def _querystring(operation: Operation, source: OpenAPISource, parameter: Parameter) -> ParameterPlan:
    """An Arazzo 1.1 querystring parameter: written in the media type of the operation's querystring parameter,
    form-urlencoded without one; embedded ``{$...}`` values are escaped for that media type."""
    declared = operation.parameter(parameter.name, "querystring")
    media = (declared.content_type if declared is not None else None) or DEFAULT_QUERYSTRING_MEDIA
    written = parameter.value if isinstance(parameter.value, str) else str(parameter.value)
    value = (compile_payload_text(parameter.value, media_kind(media)) if isinstance(parameter.value, str)
             else compile_value(parameter.value, selectors=parameter.in_1_1))
    warning = None
    if declared is None and source.version == "3.2":  # older descriptions cannot declare one
        warning = (f"parameter '{parameter.name}' (in querystring) is not declared by {operation}; sent anyway as "
                   f"{media}")
    elif declared is not None and declared.name != parameter.name:
        warning = (f"parameter '{parameter.name}' (in querystring) fills the querystring parameter "
                   f"'{declared.name}' of {operation}")
    spec = ParameterSpec(parameter.name, "querystring", content_type=media)
    return ParameterPlan(parameter.name, "querystring", value, written, spec,
                         declared is not None and declared.required, warning, parameter.location)


def _body(operation: Operation, body: RequestBody, version: str) -> BodyPlan:
    stated = body_media_type(body.content_type, operation.request_media_types)
    media = stated or "application/json"
    if isinstance(body.payload, str):
        payload = compile_payload_text(body.payload, media_kind(media))
    else:
        payload = compile_value(body.payload, selectors=body.in_1_1) if body.has_payload else Constant(None)
    replacements = tuple((_target(r, stated, version), compile_value(r.value, selectors=body.in_1_1))
                         for r in body.replacements)
    return BodyPlan(media, payload, replacements,
                    _encoding_for(operation, media), body.payload if body.has_payload else None)


def _target(replacement: PayloadReplacement, media: str | None, version: str) -> str | Target:
    """A 1.0 target is its text (read by the payload, the 1.0 rules); a 1.1 one knows its selector type."""
    if version != "1.1":
        return replacement.target
    return Target(replacement.target, target_kind(replacement.target_type, media), replacement.target_version)


def _encoding_for(operation: Operation, media: str) -> Mapping[str, PartEncoding]:
    """The Encoding Objects of the request body's media type: the exact key, else the one with the same
    essence, else a range (``multipart/*``) that covers it."""
    encodings = operation.request_encodings
    if not encodings:
        return MappingProxyType({})
    essence = media_essence(media)
    found = encodings.get(media)
    if found is None:
        by_essence = {media_essence(key): value for key, value in encodings.items()}
        found = by_essence.get(essence) or by_essence.get(essence.split("/", 1)[0] + "/*") or by_essence.get("*/*")
    return MappingProxyType({name: _part(e) for name, e in (found or {}).items()})


def _part(encoding: PropertyEncoding) -> PartEncoding:
    return PartEncoding(encoding.content_type, encoding.style, encoding.explode, encoding.allow_reserved,
                        tuple((name, to_text(value)) for name, value in encoding.headers))

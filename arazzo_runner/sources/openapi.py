"""OpenAPI source descriptions: the operation index, servers and security, with ``$ref``s followed.

Only what planning and request building need is read here, once per description; checking responses against
their schemas is :mod:`arazzo_runner.plan.responses`' job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from arazzo_runner.errors import LoadError
from arazzo_runner.loader import SourceDocument
from arazzo_runner.pointer import child as child_pointer
from arazzo_runner.sources.refs import DocumentLoader, follow, follow_located
from arazzo_runner.text import header_key

if TYPE_CHECKING:
    from arazzo_runner.http.auth import SecurityScheme

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAMETER_LOCATIONS = ("path", "query", "querystring", "header", "cookie")
"""The ``in`` values of the parameters an operation keeps (``querystring``: OpenAPI 3.2, the whole query)."""


@dataclass(frozen=True)
class OperationParameter:
    """An OpenAPI Parameter Object after ``$ref`` resolution, with serialization defaults left to http."""

    name: str
    location: str
    required: bool = False
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False
    schema: Any = None
    content_type: str | None = None


@dataclass(frozen=True)
class PropertyEncoding:
    """An OpenAPI Encoding Object of one request-body property, ``$ref``s followed (3.x only).

    ``headers`` holds the part headers the description gives a value for (a header schema's ``const`` or
    ``default``, else the Header Object's ``example``): a Header Object only describes a header, so one with no
    value cannot be sent.
    """

    content_type: str | None = None
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False
    headers: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Server:
    """An OpenAPI Server Object."""

    url: str
    variables: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Operation:
    """One operation of an OpenAPI source, with everything merged from its path item and document."""

    source_name: str
    document: SourceDocument = field(repr=False, compare=False)
    pointer: str
    method: str
    path: str
    operation_id: str | None
    parameters: tuple[OperationParameter, ...]
    request_media_types: tuple[str, ...]
    security: tuple[Mapping[str, tuple[str, ...]], ...]
    servers: tuple[Server, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)
    home: SourceDocument | None = field(default=None, repr=False, compare=False)
    """The document that holds the Operation Object (another file when its path item is a ``$ref``)."""
    home_pointer: str = ""
    """The JSON Pointer of the Operation Object in ``home``."""
    request_encodings: Mapping[str, Mapping[str, PropertyEncoding]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False)
    """The request body's Encoding Objects: media type (as the description writes it) -> property -> encoding."""

    def parameter(self, name: str, location: str) -> OperationParameter | None:
        """The declared parameter with this name and ``in`` (header names compare case-insensitively); for
        ``querystring`` the operation's one querystring parameter, whatever its name (OpenAPI 3.2 allows one)."""
        for parameter in self.parameters:
            if parameter.location != location:
                continue
            if parameter.name == name or (location == "header" and header_key(parameter.name) == header_key(name)):
                return parameter
        if location == "querystring":
            return next((p for p in self.parameters if p.location == "querystring"), None)
        return None

    def __str__(self) -> str:
        label = self.operation_id or self.pointer
        return f"{self.method} {self.path} ({self.source_name}: {label})"


@dataclass(frozen=True)
class OpenAPISource:
    """A loaded OpenAPI (3.0, 3.1, 3.2, or Swagger 2.0) description and its operation index."""

    name: str
    document: SourceDocument = field(repr=False)
    version: str
    operations: tuple[Operation, ...]
    security_schemes: Mapping[str, Mapping[str, Any]]

    @property
    def url(self) -> str:
        """The absolute URL the description was read from."""
        return self.document.url

    @cached_property
    def schemes(self) -> Mapping[str, SecurityScheme]:
        """``security_schemes`` read once into what request building needs (not once per request)."""
        # Imported here: the http package loads httpx, which validation alone never needs.
        from arazzo_runner.http.auth import SecurityScheme

        return MappingProxyType({name: SecurityScheme.from_openapi(name, obj)
                                 for name, obj in self.security_schemes.items()})

    def by_operation_id(self, operation_id: str) -> Operation | None:
        """The operation with this operationId, if any."""
        for operation in self.operations:
            if operation.operation_id == operation_id:
                return operation
        return None

    def by_pointer(self, pointer: str) -> Operation | None:
        """The operation at this JSON Pointer (``/paths/~1pets/get``), if any."""
        for operation in self.operations:
            if operation.pointer == pointer:
                return operation
        return None


def detect_openapi_version(data: Any) -> str | None:
    """``"3.0"``, ``"3.1"``, ``"3.2"`` or ``"2.0"`` for an OpenAPI/Swagger root object, else ``None``."""
    if not isinstance(data, dict):
        return None
    openapi = data.get("openapi")
    if isinstance(openapi, str) and openapi.startswith(("3.0", "3.1", "3.2")):
        return openapi[:3]
    if data.get("swagger") == "2.0":
        return "2.0"
    return None


def build_openapi_source(name: str, document: SourceDocument, load: DocumentLoader) -> OpenAPISource:
    """Index every operation of an OpenAPI document; ``load`` fetches documents named by external ``$ref``s."""
    version = detect_openapi_version(document.data)
    if version is None:
        raise LoadError(f"{document.name} is not an OpenAPI 3.0/3.1/3.2 (or Swagger 2.0) description",
                        document.location(), rule="source-invalid")
    resolver = _Resolver(load)
    data = document.data
    root_servers = _servers(data, version)
    root_security = _security(data.get("security")) or ()
    operations = []
    paths = data.get("paths") if isinstance(data.get("paths"), dict) else {}
    for path, raw_item in paths.items():
        item_doc, item_at, item = follow_located(document, child_pointer("/paths", path), raw_item, load)
        if not isinstance(item, dict):
            continue
        path_params = _parameter_list(resolver, item_doc, item.get("parameters"))
        path_servers = _servers(item, version)
        for method, place, operation in _operations(item, version):
            op_params = _parameter_list(resolver, item_doc, operation.get("parameters"))
            merged = {(p.name, p.location): p for p in path_params}
            merged.update({(p.name, p.location): p for p in op_params})
            security = _security(operation.get("security"))
            operations.append(Operation(
                source_name=name,
                document=document,
                pointer=child_pointer("/paths", path, *place),
                method=method.upper(),
                path=path,
                operation_id=operation.get("operationId") if isinstance(operation.get("operationId"), str)
                else None,
                parameters=tuple(p for p in merged.values() if p.location in PARAMETER_LOCATIONS),
                request_media_types=_media_types(resolver, item_doc, operation, version, data),
                request_encodings=_encodings(resolver, item_doc, operation, version),
                security=root_security if security is None else security,
                servers=_servers(operation, version) or path_servers or root_servers,
                raw=operation,
                home=item_doc,
                home_pointer=child_pointer(item_at, *place),
            ))
    return OpenAPISource(name, document, version, tuple(operations), _security_schemes(resolver, document, version))


class _Resolver:
    """:func:`~arazzo_runner.sources.refs.follow` bound to one loader."""

    def __init__(self, load: DocumentLoader) -> None:
        self._load = load

    def resolve(self, document: SourceDocument, node: Any) -> tuple[SourceDocument, Any]:
        return follow(document, node, self._load)


def _operations(item: dict[str, Any], version: str) -> list[tuple[str, tuple[str, ...], Any]]:
    """The operations of a path item as (method, where in the item, operation): one per HTTP method field;
    OpenAPI 3.2 adds ``query`` and any other method under ``additionalOperations``."""
    found: list[tuple[str, tuple[str, ...], Any]] = [(m, (m,), item[m]) for m in HTTP_METHODS
                                                     if isinstance(item.get(m), dict)]
    if version == "3.2":
        if isinstance(item.get("query"), dict):
            found.append(("query", ("query",), item["query"]))
        extra = item.get("additionalOperations")
        for method, operation in (extra.items() if isinstance(extra, dict) else ()):
            if isinstance(method, str) and isinstance(operation, dict) and method.lower() not in HTTP_METHODS:
                found.append((method, ("additionalOperations", method), operation))
    return found


def _parameter_list(resolver: _Resolver, document: SourceDocument, raw: Any) -> list[OperationParameter]:
    result = []
    for entry in raw if isinstance(raw, list) else []:
        _, param = resolver.resolve(document, entry)
        if not isinstance(param, dict) or not isinstance(param.get("name"), str):
            continue
        content = param.get("content")
        result.append(OperationParameter(
            name=param["name"],
            location=str(param.get("in", "")),
            required=bool(param.get("required", False)),
            style=param.get("style") if isinstance(param.get("style"), str) else None,
            explode=param.get("explode") if isinstance(param.get("explode"), bool) else None,
            allow_reserved=bool(param.get("allowReserved", False)),
            schema=param.get("schema", {k: v for k, v in param.items() if k in ("type", "items", "format")}),
            content_type=next(iter(content), None) if isinstance(content, dict) else None,
        ))
    return result


def _media_types(resolver: _Resolver, document: SourceDocument, operation: dict[str, Any], version: str,
                 root: dict[str, Any]) -> tuple[str, ...]:
    if version == "2.0":
        consumes = operation.get("consumes", root.get("consumes", []))
        return tuple(c for c in consumes if isinstance(c, str)) if isinstance(consumes, list) else ()
    _, body = resolver.resolve(document, operation.get("requestBody"))
    if isinstance(body, dict) and isinstance(body.get("content"), dict):
        return tuple(body["content"])
    return ()


def _encodings(resolver: _Resolver, document: SourceDocument, operation: dict[str, Any],
               version: str) -> Mapping[str, Mapping[str, PropertyEncoding]]:
    if version == "2.0":
        return MappingProxyType({})
    body_doc, body = resolver.resolve(document, operation.get("requestBody"))
    content = body.get("content") if isinstance(body, dict) else None
    found: dict[str, Mapping[str, PropertyEncoding]] = {}
    for media, media_object in (content if isinstance(content, dict) else {}).items():
        raw = media_object.get("encoding") if isinstance(media_object, dict) else None
        if not isinstance(raw, dict):
            continue
        properties = {}
        for name, entry in raw.items():
            entry_doc, encoding = resolver.resolve(body_doc, entry)
            if isinstance(encoding, dict):
                properties[str(name)] = _encoding(resolver, entry_doc, encoding)
        found[str(media)] = MappingProxyType(properties)
    return MappingProxyType(found)


def _encoding(resolver: _Resolver, document: SourceDocument, raw: dict[str, Any]) -> PropertyEncoding:
    headers: list[tuple[str, Any]] = []
    for name, entry in (raw["headers"] if isinstance(raw.get("headers"), dict) else {}).items():
        _, header = resolver.resolve(document, entry)
        if not isinstance(header, dict) or header_key(str(name)) == "content-type":
            continue  # OpenAPI: Content-Type is the encoding's contentType, never a header entry
        schema = header.get("schema")
        schema = schema if isinstance(schema, dict) else {}
        for value_of in (schema.get("const"), schema.get("default"), header.get("example")):
            if value_of is not None:
                headers.append((str(name), value_of))
                break
    return PropertyEncoding(
        content_type=raw["contentType"] if isinstance(raw.get("contentType"), str) else None,
        style=raw["style"] if isinstance(raw.get("style"), str) else None,
        explode=raw["explode"] if isinstance(raw.get("explode"), bool) else None,
        allow_reserved=raw.get("allowReserved") is True,
        headers=tuple(headers),
    )


def _security(raw: Any) -> tuple[Mapping[str, tuple[str, ...]], ...] | None:
    if not isinstance(raw, list):
        return None
    return tuple(
        MappingProxyType({k: tuple(v) if isinstance(v, list) else () for k, v in req.items()})
        for req in raw if isinstance(req, dict)
    )


def _security_schemes(resolver: _Resolver, document: SourceDocument,
                      version: str) -> Mapping[str, Mapping[str, Any]]:
    data = document.data
    raw = data.get("securityDefinitions") if version == "2.0" else (data.get("components") or {}).get(
        "securitySchemes")
    schemes: dict[str, Mapping[str, Any]] = {}
    for name, entry in (raw if isinstance(raw, dict) else {}).items():
        _, scheme = resolver.resolve(document, entry)
        if isinstance(scheme, dict):
            schemes[name] = MappingProxyType(_swagger2_scheme(scheme) if version == "2.0" else scheme)
    return MappingProxyType(schemes)


def _swagger2_scheme(scheme: dict[str, Any]) -> dict[str, Any]:
    if scheme.get("type") == "basic":
        return {"type": "http", "scheme": "basic"}
    if scheme.get("type") == "oauth2" and scheme.get("flow") == "application":
        return {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": scheme.get("tokenUrl"),
                                                                  "scopes": scheme.get("scopes", {})}}}
    return scheme


def _servers(node: Any, version: str) -> tuple[Server, ...]:
    if version == "2.0":
        if "host" not in node and "basePath" not in node:
            return ()
        schemes = node.get("schemes") or ["https"]
        return tuple(Server(f"{scheme}://{node.get('host', '')}{node.get('basePath', '')}") for scheme in schemes)
    raw = node.get("servers")
    return tuple(
        Server(s["url"], MappingProxyType(dict(s.get("variables") or {})))
        for s in (raw if isinstance(raw, list) else [])
        if isinstance(s, dict) and isinstance(s.get("url"), str)
    )


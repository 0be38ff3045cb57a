"""Check a response against the OpenAPI operation it answers: status code, content type and body schema.

Problems are returned as sentences; the executor reports them as warnings, or fails the step under
``strict``. OpenAPI 3.1 schemas are JSON Schema 2020-12 and are checked with jsonschema directly; 3.0 schemas
(``nullable`` and friends) go through openapi-schema-validator, the schema layer of openapi-core, imported only
when a 3.0 description is checked, since it costs a fifth of a second to load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from arazzo_runner.errors import ArazzoError
from arazzo_runner.expressions import MISSING
from arazzo_runner.loader import escape_token
from arazzo_runner.openapi import OpenAPISource, Operation, pointer_get
from arazzo_runner.sources import BoundDocument

MAX_SCHEMA_PROBLEMS = 3


def check_response(bound: BoundDocument, source: OpenAPISource, operation: Operation, status: int,
                   content_type: str | None, body: Any) -> list[str]:
    """Every way the response differs from what ``operation`` declares (``[]`` when it conforms)."""
    responses = operation.raw.get("responses")
    if not isinstance(responses, Mapping) or not responses:
        return []
    key = _status_key(responses, status)
    if key is None:
        declared = ", ".join(str(k) for k in responses)
        return [f"status {status} is not declared by {operation} (declared: {declared})"]
    response = _deref(source, responses[key])
    content = response.get("content") if isinstance(response, Mapping) else None
    if not isinstance(content, Mapping) or not content or body is MISSING:
        return []
    media = _media_key(content, content_type)
    if media is None:
        return [f"content type {content_type or '(none)'} is not declared for status {key} of {operation} "
                f"(declared: {', '.join(content)})"]
    media_object = _deref(source, content[media])
    if not isinstance(media_object, Mapping) or "schema" not in media_object or isinstance(body, str | bytes):
        return []
    pointer = f"{operation.pointer}/responses/{escape_token(str(key))}/content/{escape_token(media)}/schema"
    try:
        pointer_get(source.document.data, pointer, pointer)
    except ArazzoError:
        return []
    problems = []
    try:
        for error in _validator(bound, source, pointer).iter_errors(body):
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            problems.append(f"response body at {where}: {error.message}")
            if len(problems) == MAX_SCHEMA_PROBLEMS:
                break
    except Exception as exc:  # noqa: BLE001 - a broken schema must not stop the run; say so instead
        return [f"cannot check the response schema of {operation}: {exc}"]
    return problems


def _status_key(responses: Mapping[Any, Any], status: int) -> str | None:
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return key
    if status in responses:  # YAML authors sometimes write unquoted integer keys
        return status  # type: ignore[return-value]
    return None


def _media_key(content: Mapping[str, Any], content_type: str | None) -> str | None:
    actual = (content_type or "").split(";")[0].strip().lower()
    kind = actual.split("/")[0]
    for key in content:
        declared = key.split(";")[0].strip().lower()
        if declared in (actual, "*/*", f"{kind}/*"):
            return str(key)
    return None


def _deref(source: OpenAPISource, node: Any) -> Any:
    for _ in range(32):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#")):
            return node
        node = pointer_get(source.document.data, node["$ref"][1:], node["$ref"])
    return node


def _validator(bound: BoundDocument, source: OpenAPISource, pointer: str) -> Any:
    key = ("response-validator", source.url, pointer)
    cached = bound.cache.get(key)
    if cached is not None:
        return cached
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(source.document.data, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(source.url, resource)
    # Validate through a reference to the schema's place in the description, so its local `#/components/...`
    # refs resolve there. (A path item kept in another file has no such place: its schema is not checked.)
    reference: Any = {"$ref": f"{source.url}#{pointer}"}
    if source.version == "3.0":
        from openapi_schema_validator import OAS30Validator

        validator: Any = OAS30Validator(reference, registry=registry)
    else:
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(reference, registry=registry)
    bound.cache[key] = validator
    return validator

"""Response checks: is a response what its OpenAPI operation declares? Status code, content type, body schema.

Everything the check needs is compiled at plan time, once per operation: the declared responses with their
``$ref``s followed and a validator per declared media type schema. At run time a check is a dictionary lookup
and one validation. Problems are sentences; the executor reports them as warnings, or fails the step under
``strict``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import LoadError, ResolutionError
from arazzo_runner.expressions import MISSING
from arazzo_runner.http import media_essence
from arazzo_runner.plan.schemas import SchemaCompiler, SchemaValidator
from arazzo_runner.pointer import child as child_pointer
from arazzo_runner.sources import OpenAPISource, Operation
from arazzo_runner.sources.refs import DocumentLoader, follow_located

MAX_SCHEMA_PROBLEMS = 3


@dataclass(frozen=True)
class MediaCheck:
    """One declared media type of a response: its validator, or why its schema cannot be checked."""

    media: str
    validator: SchemaValidator | None = None
    broken: str | None = None


@dataclass(frozen=True)
class DeclaredResponse:
    """One entry of an operation's ``responses``."""

    key: str
    media: tuple[MediaCheck, ...]


@dataclass(frozen=True)
class ResponseCheck:
    """The compiled ``responses`` of one operation."""

    operation: str
    responses: Mapping[str, DeclaredResponse]

    def check(self, status: int, content_type: str | None, body: Any) -> list[str]:
        """Every way the response differs from the declaration (``[]`` when it conforms)."""
        if not self.responses:
            return []
        declared = self._response(status)
        if declared is None:
            return [f"status {status} is not declared by {self.operation} "
                    f"(declared: {', '.join(self.responses)})"]
        if not declared.media or body is MISSING:
            return []
        media = _media(declared.media, content_type)
        if media is None:
            return [f"content type {content_type or '(none)'} is not declared for status {declared.key} of "
                    f"{self.operation} (declared: {', '.join(m.media for m in declared.media)})"]
        if media.broken is not None:
            return [f"cannot check the response schema of {self.operation}: {media.broken}"]
        if media.validator is None or isinstance(body, str | bytes):
            return []  # text bodies (and JSON that did not parse) are not checked against a schema
        try:
            found = media.validator.problems(body, MAX_SCHEMA_PROBLEMS)
        except (ValueError, TypeError, RecursionError) as exc:
            return [f"cannot check the response schema of {self.operation}: {exc}"]
        return [f"response body at {problem.where}: {problem.message}" for problem in found]

    def _response(self, status: int) -> DeclaredResponse | None:
        text = str(status)
        exact = self.responses.get(text)
        if exact is not None:
            return exact
        for key in (f"{text[0]}XX", f"{text[0]}xx", "default"):
            if key in self.responses:
                return self.responses[key]
        return None


def _media(declared: tuple[MediaCheck, ...], content_type: str | None) -> MediaCheck | None:
    actual = media_essence(content_type or "")
    family = actual.split("/")[0]
    for media in declared:
        if media_essence(media.media) in (actual, "*/*", f"{family}/*"):
            return media
    return None


def plan_response_check(operation: Operation, source: OpenAPISource, compiler: SchemaCompiler,
                        load: DocumentLoader) -> ResponseCheck:
    """Compile the response declarations of ``operation``."""
    home = operation.home or source.document
    raw = operation.raw.get("responses")
    responses: dict[str, DeclaredResponse] = {}
    dialect = "oas30" if source.version == "3.0" else "2020-12"
    if isinstance(raw, Mapping):
        base = child_pointer(operation.home_pointer or operation.pointer, "responses")
        for key, node in raw.items():
            responses[str(key)] = _declared(str(key), home, child_pointer(base, str(key)), node, compiler, load,
                                            dialect)
    return ResponseCheck(str(operation), MappingProxyType(responses))


def _declared(key: str, document: Any, at: str, node: Any, compiler: SchemaCompiler, load: DocumentLoader,
              dialect: Any) -> DeclaredResponse:
    try:
        document, at, response = follow_located(document, at, node, load)
    except (ResolutionError, LoadError) as exc:
        return DeclaredResponse(key, (MediaCheck("*/*", broken=exc.message),))
    content = response.get("content") if isinstance(response, Mapping) else None
    if not isinstance(content, Mapping):
        return DeclaredResponse(key, ())
    checks = []
    for media, media_node in content.items():
        try:
            media_document, media_at, media_object = follow_located(
                document, child_pointer(at, "content", str(media)), media_node, load)
            if not isinstance(media_object, Mapping) or "schema" not in media_object:
                checks.append(MediaCheck(str(media)))
                continue
            validator = compiler.validator(media_document, child_pointer(media_at, "schema"), dialect)
        except (ResolutionError, LoadError) as exc:
            checks.append(MediaCheck(str(media), broken=exc.message))
            continue
        checks.append(MediaCheck(str(media), validator))
    return DeclaredResponse(key, tuple(checks))

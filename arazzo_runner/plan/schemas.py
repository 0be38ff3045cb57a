"""Validators for schemas at places in documents: workflow inputs and OpenAPI response bodies.

They are compiled at plan time and called on every run, so they run on ``jsonschema-rs`` (JSON Schema 2020-12,
compiled in Rust: a response body is checked in about a microsecond instead of tens with the pure-Python
validator, and its regular expressions cannot backtrack catastrophically). A validator is built for
``document#pointer`` through a registry holding the document, so the schema's ``$ref``s resolve where they
were written; references to other documents are read through the plan's document loader, before any request.

OpenAPI 3.0 schemas (``nullable`` and friends) are their own dialect, which only openapi-schema-validator (the
schema layer of openapi-core) implements; it is loaded only when a 3.0 description is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, TypeVar
from urllib.parse import quote

from arazzo_runner import budget
from arazzo_runner.errors import ResolutionError
from arazzo_runner.loader import SourceDocument

Dialect = Literal["2020-12", "oas30"]
_T = TypeVar("_T")
_FRAGMENT_SAFE = "/~!$&'()*+,;=:@-._"
Loader = Callable[[str, str], SourceDocument]


@dataclass(frozen=True)
class SchemaProblem:
    """One way an instance violates a schema: where (path into the instance) and what."""

    path: tuple[str | int, ...]
    message: str
    missing: str | None = None
    """For a ``required`` violation: the name of the missing property."""

    @property
    def where(self) -> str:
        """The path as ``a/0/b``, or ``(root)``."""
        return "/".join(str(part) for part in self.path) or "(root)"


@dataclass(frozen=True)
class SchemaValidator:
    """A compiled schema; :meth:`problems` lists the violations of an instance (at most ``limit``)."""

    engine: Any = field(repr=False)
    dialect: Dialect = "2020-12"

    def problems(self, instance: Any, limit: int | None = None) -> list[SchemaProblem]:
        """The violations of ``instance``, in the validator's order."""
        found: list[SchemaProblem] = []
        if self.dialect != "oas30" and self.engine.is_valid(instance):
            return found  # the common case: a yes/no answer costs a fraction of listing errors
        if self.dialect == "oas30":
            for error in self.engine.iter_errors(instance):
                missing = _python_missing(error)
                found.append(SchemaProblem(tuple(error.absolute_path), str(error.message), missing))
                if limit is not None and len(found) >= limit:
                    break
            return found
        for error in self.engine.iter_errors(instance):
            kind = error.kind
            missing = getattr(kind, "property", None) if type(kind).__name__ == "Required" else None
            found.append(SchemaProblem(tuple(error.instance_path), error.message,
                                       missing if isinstance(missing, str) else None))
            if limit is not None and len(found) >= limit:
                break
        return found


class SchemaCompiler:
    """Builds :class:`SchemaValidator` objects at plan time, one registry per document."""

    def __init__(self, load: Loader | None = None) -> None:
        self._load = load
        self._registries: dict[str, Any] = {}
        self._memo: dict[tuple[str, ...], Any] = {}

    def memo(self, key: tuple[str, ...], build: Callable[[], _T]) -> _T:
        """What ``build`` returns, built once per key for this compilation (an operation used by two steps)."""
        if key not in self._memo:
            self._memo[key] = build()
        found: _T = self._memo[key]
        return found

    def validator(self, document: SourceDocument, at: str, dialect: Dialect = "2020-12") -> SchemaValidator:
        """The validator of the schema at JSON Pointer ``at`` in ``document``.

        Raises :class:`ResolutionError` when the schema cannot be compiled (an invalid schema, a ``$ref`` that
        does not resolve).
        """
        # A URI fragment, so characters such as the braces of a path template are percent-encoded.
        reference = {"$ref": f"{document.url}#{quote(at, safe=_FRAGMENT_SAFE)}"}
        if dialect == "oas30":
            return SchemaValidator(_oas30(document, reference), dialect)
        import jsonschema_rs

        try:
            engine = jsonschema_rs.Draft202012Validator(reference, registry=self._registry(document))
        except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError) as exc:
            raise ResolutionError(f"schema at {document.name}#{at} cannot be compiled: {_first_line(exc)}",
                                  "invalid-schema") from None
        return SchemaValidator(engine, dialect)

    def _registry(self, document: SourceDocument) -> Any:
        registry = self._registries.get(document.url)
        if registry is None:
            import jsonschema_rs

            registry = jsonschema_rs.Registry([(document.url, document.data)], retriever=self._retrieve(document))
            self._registries[document.url] = registry
        return registry

    def _retrieve(self, document: SourceDocument) -> Callable[[str], Any]:
        # The retriever lives inside the (Rust) registry, which the garbage collector cannot see into: were it
        # to hold this compiler, compiler -> registry -> retriever -> compiler would be a cycle never freed
        # (every plan's response checks and its whole description, kept for the life of the process).
        load, referrer = self._load, document.url

        def retrieve(uri: str) -> Any:
            if load is None:
                raise ValueError(f"{uri}: schemas may not reference other documents here")
            return load(uri.partition("#")[0], referrer).data

        return retrieve


def _oas30(document: SourceDocument, reference: dict[str, str]) -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource = Resource.from_contents(document.data, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(document.url, resource)
    return _bounded_oas30()(reference, registry=registry)


@lru_cache(maxsize=1)
def _bounded_oas30() -> Any:
    """openapi-schema-validator's OAS 3.0 validator, its ``pattern`` matched with a timeout (the description is
    untrusted: a catastrophic pattern must not hang a response check)."""
    import regex
    from jsonschema import ValidationError, validators
    from openapi_schema_validator import OAS30Validator

    def pattern(validator: Any, expected: str, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "string"):
            return
        try:
            found = budget.search(expected, instance)
        except budget.OverBudget:
            yield ValidationError(f"pattern {expected!r} took too long to match (evaluation_timeout)")
            return
        except regex.error as exc:
            yield ValidationError(f"pattern {expected!r} is not a valid regular expression: {exc}")
            return
        if found is None:
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    return validators.extend(OAS30Validator, {"pattern": pattern})


def _python_missing(error: Any) -> str | None:
    if error.validator != "required":
        return None
    message = str(error.message)
    return message.split("'")[1] if "'" in message else None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__

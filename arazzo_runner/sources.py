"""Source descriptions: load them (recursively, cycle-safe) and resolve step and action targets.

A :class:`Workspace` owns every document read during one load, so a description used by several Arazzo
documents is read and indexed once. :meth:`Workspace.bind` turns an Arazzo document into a
:class:`BoundDocument`: the document plus its loaded sources, able to resolve ``operationId``,
``operationPath`` and ``workflowId`` references the way the specification words them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from arazzo_runner.errors import Diagnostic, LoadError, ResolutionError
from arazzo_runner.loader import (
    Retriever,
    SourceDocument,
    default_retriever,
    escape_token,
    load_document,
    resolve_reference,
    split_pointer,
    to_url,
)
from arazzo_runner.model import ArazzoDocument, SourceDescription, Workflow, build_document
from arazzo_runner.openapi import OpenAPISource, Operation, build_openapi_source, detect_openapi_version

SOURCE_PREFIX = "$sourceDescriptions."
_OPERATION_PATH = re.compile(r"^\{\$sourceDescriptions\.([^.{}]+)\.url\}(?:#(.*))?$", re.S)


@dataclass
class BoundDocument:
    """An Arazzo document with its source descriptions loaded."""

    document: ArazzoDocument
    openapi: dict[str, OpenAPISource] = field(default_factory=dict)
    arazzo: dict[str, BoundDocument] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    cache: dict[object, object] = field(default_factory=dict, repr=False, compare=False)
    """Derived objects built once per document (compiled input validators, ...), keyed by their users."""

    @property
    def url(self) -> str:
        """The absolute URL of the Arazzo document."""
        return self.document.url

    def operation_by_id(self, reference: str) -> Operation:
        """Resolve a step's ``operationId`` (plain, or ``$sourceDescriptions.<name>.<operationId>``)."""
        if reference.startswith(SOURCE_PREFIX):
            name, _, operation_id = reference[len(SOURCE_PREFIX):].partition(".")
            source = self._openapi_source(name)
            operation = source.by_operation_id(operation_id)
            if operation is None:
                raise ResolutionError(
                    f"operationId '{operation_id}' not found in source description '{name}'", "unknown-operation-id")
            return operation
        found = [op for source in self.openapi.values() if (op := source.by_operation_id(reference))]
        if not found and self._unloaded():
            # The operation may live in the source that failed to load; that failure is reported already.
            raise ResolutionError(f"operationId '{reference}' not found; source description(s) "
                                  f"{', '.join(self._unloaded())} could not be loaded", "source-unavailable")
        if not found:
            searched = ", ".join(self.openapi) or "no loaded OpenAPI source"
            raise ResolutionError(f"operationId '{reference}' not found (searched: {searched})",
                                  "unknown-operation-id")
        if len(found) > 1:
            names = ", ".join(op.source_name for op in found)
            raise ResolutionError(
                f"operationId '{reference}' is ambiguous: it exists in {names}; qualify it as "
                f"'$sourceDescriptions.<name>.{reference}'", "ambiguous-operation-id")
        return found[0]

    def operation_by_path(self, reference: str) -> Operation:
        """Resolve ``{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>``."""
        match = _OPERATION_PATH.match(reference)
        if match is None:
            raise ResolutionError(
                f"operationPath '{reference}' must have the form "
                "'{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>'", "invalid-operation-path")
        source = self._openapi_source(match.group(1))
        fragment = unquote(match.group(2) or "")
        try:
            tokens = list(split_pointer(fragment))
        except ValueError as exc:
            raise ResolutionError(f"operationPath '{reference}': {exc}", "invalid-operation-path") from exc
        pointer = "".join(f"/{escape_token(t)}" for t in tokens)
        operation = source.by_pointer(pointer)
        if operation is None:
            what = "a Path Item, not an Operation" if len(tokens) == 2 and tokens[0] == "paths" else "no operation"
            raise ResolutionError(
                f"operationPath '{reference}' points at {what} in source description '{source.name}'",
                "unknown-operation-path")
        return operation

    def workflow(self, reference: str) -> tuple[BoundDocument, Workflow]:
        """Resolve a workflow reference: a local id, or ``$sourceDescriptions.<name>.<workflowId>``."""
        if reference.startswith(SOURCE_PREFIX):
            name, _, workflow_id = reference[len(SOURCE_PREFIX):].partition(".")
            if name in self.openapi:
                raise ResolutionError(
                    f"'{reference}' names an OpenAPI source description; workflows live in arazzo sources",
                    "unknown-workflow-id")
            if name not in self.arazzo:
                raise self._unknown_source(name)
            child = self.arazzo[name]
            workflow = child.document.workflow(workflow_id)
            if workflow is None:
                raise ResolutionError(f"workflowId '{workflow_id}' not found in source description '{name}'",
                                      "unknown-workflow-id")
            return child, workflow
        if reference.startswith("$"):
            raise ResolutionError(
                f"workflow reference '{reference}' is neither a workflowId nor "
                "'$sourceDescriptions.<name>.<workflowId>'", "unknown-workflow-id")
        workflow = self.document.workflow(reference)
        if workflow is None:
            raise ResolutionError(f"workflowId '{reference}' not found in {self.document.document.name}",
                                  "unknown-workflow-id")
        return self, workflow

    def _unloaded(self) -> list[str]:
        return [s.name for s in self.document.source_descriptions
                if s.type != "arazzo" and s.name not in self.openapi and s.name not in self.arazzo]

    def _openapi_source(self, name: str) -> OpenAPISource:
        if name in self.openapi:
            return self.openapi[name]
        if name in self.arazzo:
            raise ResolutionError(f"source description '{name}' is an arazzo document, not OpenAPI",
                                  "unknown-source-description")
        raise self._unknown_source(name)

    def _unknown_source(self, name: str) -> ResolutionError:
        declared = self.document.source(name)
        if declared is not None:  # declared but failed to load: the load problem was reported already
            return ResolutionError(f"source description '{name}' could not be loaded", "source-unavailable")
        return ResolutionError(f"no source description named '{name}'", "unknown-source-description")


class Workspace:
    """Reads, caches and binds documents; one instance per load."""

    def __init__(self, retriever: Retriever | None = None) -> None:
        self.retriever = retriever if retriever is not None else default_retriever()
        self._documents: dict[str, SourceDocument | LoadError] = {}
        self._bound: dict[str, BoundDocument] = {}

    def document(self, url: str) -> SourceDocument:
        """The parsed document at ``url`` (cached, also when it failed)."""
        key = url.partition("#")[0]
        cached = self._documents.get(key)
        if cached is None:
            try:
                cached = load_document(key, self.retriever)
            except LoadError as exc:
                cached = exc
            self._documents[key] = cached
        if isinstance(cached, LoadError):
            raise cached
        return cached

    def load(self, path_or_url: str) -> ArazzoDocument:
        """Read an Arazzo document and build its model (its sources are not loaded)."""
        return build_document(self.document(to_url(path_or_url)))

    def bind(self, document: ArazzoDocument, load_sources: bool = True) -> BoundDocument:
        """Load the document's source descriptions (recursively for arazzo sources)."""
        return self._bind(document, load_sources)

    def _bind(self, document: ArazzoDocument, load_sources: bool) -> BoundDocument:
        # Registered before its sources load, so documents that list each other resolve to one another
        # instead of recursing: mutual arazzo sources are legal, only workflow call cycles are errors.
        if document.url in self._bound:
            return self._bound[document.url]
        bound = BoundDocument(document)
        self._bound[document.url] = bound
        if not load_sources:
            return bound
        for source in document.source_descriptions:
            if not source.url:
                continue
            try:
                self._load_source(bound, source, load_sources)
            except (LoadError, ResolutionError) as exc:
                bound.problems.append(Diagnostic(
                    "error", _source_rule(exc.rule),
                    f"source description '{source.name}' ({source.url}) cannot be used: {exc.message}",
                    source.field_location("url")))
        return bound

    def _load_source(self, bound: BoundDocument, source: SourceDescription, load_sources: bool) -> None:
        url = resolve_reference(bound.url, source.url)
        if urlparse(bound.url).scheme in ("http", "https") and urlparse(url).scheme == "file":
            raise LoadError("a document fetched over the network may not read local files",
                            rule="source-unavailable")
        document = self.document(url)
        kind = source.type or _sniff(document)
        if kind == "arazzo":
            if not (isinstance(document.data, dict) and "arazzo" in document.data):
                raise LoadError(f"{document.name} is not an Arazzo document", rule="source-invalid")
            bound.arazzo[source.name] = self._bind(build_document(document), load_sources)
        elif kind == "openapi":
            bound.openapi[source.name] = build_openapi_source(source.name, document, self._ref_loader(url))
        else:
            raise LoadError(f"{document.name} is neither an OpenAPI nor an Arazzo document",
                            rule="source-invalid")

    def _ref_loader(self, referrer: str) -> Callable[[str], SourceDocument]:
        def load(url: str) -> SourceDocument:
            if urlparse(referrer).scheme in ("http", "https") and urlparse(url).scheme == "file":
                raise LoadError("a document fetched over the network may not read local files",
                                rule="source-unavailable")
            return self.document(url)

        return load


def _source_rule(rule: str) -> str:
    if rule.startswith("source-"):
        return rule
    return "source-invalid" if rule in ("malformed-document", "unresolvable-ref") else "source-unavailable"


def _sniff(document: SourceDocument) -> str | None:
    data = document.data
    if isinstance(data, dict) and "arazzo" in data:
        return "arazzo"
    if detect_openapi_version(data) is not None:
        return "openapi"
    return None


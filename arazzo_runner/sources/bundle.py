"""A bundle: an Arazzo document with every source description it names, loaded recursively and cycle-safe.

A :class:`Workspace` reads and caches documents, so a description used by several Arazzo documents is read
and indexed once. :meth:`Workspace.bundle` loads an Arazzo document and its sources into a frozen
:class:`Bundle`: one :class:`BoundDocument` per Arazzo document reached, each holding its OpenAPI sources and
naming its Arazzo sources by URL (documents that list each other are legal, so they are linked by address,
not by containment). Nothing here resolves a step or an action: that is :mod:`arazzo_runner.resolve`'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from arazzo_runner.errors import Diagnostic, LoadError, ResolutionError
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.loader import (
    Retriever,
    SourceDocument,
    default_retriever,
    load_document,
    resolve_reference,
    to_url,
)
from arazzo_runner.model import ArazzoDocument, SourceDescription
from arazzo_runner.model.build import build_document
from arazzo_runner.sources.openapi import OpenAPISource, build_openapi_source, detect_openapi_version
from arazzo_runner.sources.refs import guard_remote


@dataclass(frozen=True)
class BoundDocument:
    """An Arazzo document with its source descriptions: OpenAPI ones loaded, Arazzo ones named by URL.

    ``problems`` are the source descriptions that could not be used, as diagnostics at their ``url`` field.
    """

    document: ArazzoDocument
    openapi: Mapping[str, OpenAPISource] = field(default_factory=lambda: MappingProxyType({}))
    arazzo: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple[Diagnostic, ...] = ()

    @property
    def url(self) -> str:
        """The absolute URL of the Arazzo document."""
        return self.document.url

    def unloaded(self) -> list[str]:
        """Names of declared OpenAPI-or-unknown sources that could not be loaded."""
        return [s.name for s in self.document.source_descriptions
                if s.type != "arazzo" and s.name not in self.openapi and s.name not in self.arazzo]


@dataclass(frozen=True)
class Bundle:
    """Every Arazzo document reached from ``root`` (root first), keyed by URL."""

    root: str
    documents: Mapping[str, BoundDocument]
    sources_loaded: bool = True
    """``False`` for a schema-only read: no source description was loaded."""

    @property
    def main(self) -> BoundDocument:
        """The root document."""
        return self.documents[self.root]

    def arazzo_source(self, bound: BoundDocument, name: str) -> BoundDocument | None:
        """The Arazzo document that ``bound`` names ``name`` in its source descriptions, if it was loaded."""
        url = bound.arazzo.get(name)
        return None if url is None else self.documents.get(url)


class Workspace:
    """Reads and caches documents (failures too), and builds bundles from them."""

    def __init__(self, retriever: Retriever | None = None, limits: Limits = DEFAULT_LIMITS,
                 rewrite: Callable[[SourceDocument], SourceDocument] | None = None) -> None:
        self.limits = limits
        self.retriever = retriever if retriever is not None else default_retriever(limits)
        self.rewrite = rewrite
        """Applied to every Arazzo document before its model is built (``--compat`` reads dialects this way)."""
        self._documents: dict[str, SourceDocument | LoadError] = {}
        self._identities: dict[str, str] = {}
        """Arazzo 1.1 identities: a document's ``$self`` (resolved) -> the URL it was read from."""

    def document(self, url: str) -> SourceDocument:
        """The parsed document at ``url`` (cached, also when it failed)."""
        key = url.partition("#")[0]
        cached = self._documents.get(key)
        if cached is None:
            try:
                cached = load_document(key, self.retriever, self.limits)
            except LoadError as exc:
                cached = exc
            self._documents[key] = cached
        if isinstance(cached, LoadError):
            raise cached
        return cached

    def load(self, path_or_url: str) -> ArazzoDocument:
        """Read an Arazzo document and build its model (its sources are not loaded)."""
        return self.arazzo(self.document(to_url(path_or_url)))

    def arazzo(self, document: SourceDocument) -> ArazzoDocument:
        """The model of an Arazzo document (rewritten first when the workspace has a ``rewrite``); a 1.1
        document's ``$self`` becomes an identity other documents' sources can name."""
        model = build_document(document if self.rewrite is None else self.rewrite(document))
        if model.version == "1.1" and model.self_uri:
            self._identities.setdefault(model.base_uri.partition("#")[0], model.url)
        return model

    def provide(self, paths_or_urls: list[str]) -> None:
        """Read these documents up front (Arazzo 1.1: every provided document is parsed before a reference is
        declared unresolvable), so that a source naming one by its ``$self`` finds it. Unreadable ones are
        skipped here; they are reported when they are used."""
        for path in paths_or_urls:
            try:
                self.load(path)
            except LoadError:
                continue

    def source_url(self, document: ArazzoDocument, reference: str) -> str:
        """Where a source description ``url`` of ``document`` is read from.

        Arazzo 1.1 resolves it as an identifier against the document's base URI (its ``$self``) and matches
        the result with the ``$self`` of the documents read so far. Without a match the identifier is read as a
        location when it has the scheme the document was read with (a local ``$self`` names local files);
        otherwise — a local copy of a document whose ``$self`` is remote — it is read relative to where the
        document was read from, which 1.1 permits as a non-interoperable fallback and which keeps the copy
        runnable offline.
        """
        identifier = resolve_reference(document.base_uri, reference).partition("#")[0]
        known = self._identities.get(identifier)
        if known is not None:
            return known
        if identifier.split(":", 1)[0] == document.url.split(":", 1)[0]:
            return identifier
        return resolve_reference(document.url, reference)

    def bundle(self, document: ArazzoDocument, load_sources: bool = True) -> Bundle:
        """``document`` and, unless ``load_sources`` is false, every source it reaches, recursively."""
        bound: dict[str, BoundDocument] = {}
        _Binder(self, bound, load_sources).bind(document)
        # The root first, then the others in the order they were reached.
        order = [document.url, *(url for url in bound if url != document.url)]
        return Bundle(document.url, MappingProxyType({url: bound[url] for url in order}), load_sources)

    def load_referenced(self, url: str, referrer: str) -> SourceDocument:
        """A document named by a ``$ref`` or a source ``url`` of the document at ``referrer``."""
        guard_remote(url, referrer)
        return self.document(url)


class _Binder:
    def __init__(self, workspace: Workspace, bound: dict[str, BoundDocument], load_sources: bool) -> None:
        self.workspace = workspace
        self.bound = bound
        self.load_sources = load_sources
        self.started: dict[str, None] = {}

    def bind(self, document: ArazzoDocument) -> None:
        # Marked before its sources load, so documents that list each other end the recursion instead of
        # repeating it: mutual arazzo sources are legal, only workflow call cycles are errors.
        if document.url in self.started:
            return
        self.started[document.url] = None
        openapi: dict[str, OpenAPISource] = {}
        arazzo: dict[str, str] = {}
        problems: list[Diagnostic] = []
        for source in document.source_descriptions if self.load_sources else ():
            if not source.url:
                continue
            try:
                self._source(document, source, openapi, arazzo)
            except (LoadError, ResolutionError) as exc:
                problems.append(Diagnostic(
                    "error", _source_rule(exc.rule),
                    f"source description '{source.name}' ({source.url}) cannot be used: {exc.message}",
                    source.field_location("url")))
        self.bound[document.url] = BoundDocument(document, MappingProxyType(openapi), MappingProxyType(arazzo),
                                                 tuple(problems))

    def _source(self, document: ArazzoDocument, source: SourceDescription, openapi: dict[str, OpenAPISource],
                arazzo: dict[str, str]) -> None:
        url = self.workspace.source_url(document, source.url)
        loaded = self.workspace.load_referenced(url, document.url)
        kind = source.type or _sniff(loaded)
        if kind == "arazzo":
            if not (isinstance(loaded.data, dict) and "arazzo" in loaded.data):
                raise LoadError(f"{loaded.name} is not an Arazzo document", rule="source-invalid")
            child = self.workspace.arazzo(loaded)
            arazzo[source.name] = child.url
            self.bind(child)
        elif kind == "openapi":
            openapi[source.name] = build_openapi_source(source.name, loaded, self.workspace.load_referenced)
        else:
            raise LoadError(f"{loaded.name} is neither an OpenAPI nor an Arazzo document", rule="source-invalid")


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

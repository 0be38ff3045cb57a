"""Entry points for reading documents: ``load`` (a valid document or an error) and ``validate`` (all problems)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from arazzo_runner.errors import ArazzoError, Diagnostic, DocumentError, LoadError
from arazzo_runner.loader import Retriever
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.resolve import Resolution, resolve
from arazzo_runner.sources import Bundle, Workspace
from arazzo_runner.validate import SUPPORTED_VERSION, strictly, validate_resolution

PathOrUrl = str | os.PathLike[str]


@dataclass(frozen=True)
class Opened:
    """A document read with its sources, resolved, and every problem found in it and its arazzo sources."""

    bundle: Bundle
    resolution: Resolution
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics of severity ``error``."""
        return [d for d in self.diagnostics if d.severity == "error"]


def open_document(path_or_url: PathOrUrl, *, workspace: Workspace, schema_only: bool = False) -> Opened:
    """Read, bundle, resolve and validate a document.

    Raises :class:`LoadError` when the document cannot be read or does not parse (then
    :meth:`LoadError.diagnostic` says where).
    """
    return open_model(workspace.load(os.fspath(path_or_url)), workspace=workspace, schema_only=schema_only)


def open_model(document: ArazzoDocument, *, workspace: Workspace, schema_only: bool = False) -> Opened:
    """Bundle, resolve and validate an Arazzo document that is already read (its sources are read here)."""
    # A document of another Arazzo version is refused as it is; its sources are not worth fetching.
    supported = bool(SUPPORTED_VERSION.match(document.arazzo))
    bundle = workspace.bundle(document, load_sources=supported and not schema_only)
    resolution = resolve(bundle)
    return Opened(bundle, resolution, tuple(validate_resolution(resolution)))


def validate(path_or_url: PathOrUrl, *, retriever: Retriever | None = None, schema_only: bool = False,
             strict: bool = False, provided: Sequence[PathOrUrl] = ()) -> list[Diagnostic]:
    """Every problem of the document at ``path_or_url`` (errors and warnings); ``[]`` when it is clean.

    ``strict`` makes errors of the warnings about what the specification requires but the engine tolerates
    (an unqualified ``operationId`` among several sources). ``provided`` are other documents read first, so that
    an Arazzo 1.1 source naming one by its ``$self`` finds it. Raises :class:`LoadError` only when the document
    itself cannot be read.
    """
    try:
        workspace = Workspace(retriever)
        # Arazzo 1.1: every document provided is parsed before a reference is declared unresolvable.
        workspace.provide([os.fspath(p) for p in provided])
        opened = open_document(path_or_url, workspace=workspace, schema_only=schema_only)
    except LoadError as exc:
        diagnostic = exc.diagnostic()
        if diagnostic is None:
            raise
        return [diagnostic]
    return strictly(opened.diagnostics) if strict else list(opened.diagnostics)


def validate_all(paths_or_urls: Sequence[PathOrUrl], *, retriever: Retriever | None = None,
                 schema_only: bool = False, strict: bool = False) -> list[list[Diagnostic] | ArazzoError]:
    """:func:`validate` for each document, all read in one workspace: each document (and each source they share)
    is read once, and every one is provided to the others (an Arazzo 1.1 source may name any by its ``$self``).
    Each entry is the document's diagnostics, or the error that kept a document from being checked (a
    :class:`LoadError` when it cannot be read)."""
    workspace = Workspace(retriever)
    workspace.provide([os.fspath(p) for p in paths_or_urls])
    results: list[list[Diagnostic] | ArazzoError] = []
    for path in paths_or_urls:
        try:
            opened = open_document(path, workspace=workspace, schema_only=schema_only)
        except LoadError as exc:
            diagnostic = exc.diagnostic()
            results.append(exc if diagnostic is None else [diagnostic])
            continue
        except ArazzoError as exc:  # defensive: one document's failure is its own, never the others'
            results.append(exc)
            continue
        results.append(strictly(opened.diagnostics) if strict else list(opened.diagnostics))
    return results


def load(path_or_url: PathOrUrl, *, retriever: Retriever | None = None) -> ArazzoDocument:
    """Read and validate a document; raise :class:`DocumentError` carrying every diagnostic when invalid."""
    try:
        opened = open_document(path_or_url, workspace=Workspace(retriever))
    except LoadError as exc:
        diagnostic = exc.diagnostic()
        if diagnostic is None:
            raise
        raise DocumentError([diagnostic]) from exc
    if opened.errors:
        raise DocumentError(opened.diagnostics)
    return opened.bundle.main.document

"""Entry points for reading documents: ``load`` (a valid document or an error) and ``validate`` (all problems)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from arazzo_runner.errors import Diagnostic, DocumentError, LoadError
from arazzo_runner.loader import Retriever
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.sources import BoundDocument, Workspace
from arazzo_runner.validate import SUPPORTED_VERSION, validate_bound

PathOrUrl = str | os.PathLike[str]


@dataclass
class Opened:
    """A document read with its sources, and every problem found in it and in its arazzo sources."""

    workspace: Workspace
    bound: BoundDocument
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics of severity ``error``."""
        return [d for d in self.diagnostics if d.severity == "error"]


def open_document(path_or_url: PathOrUrl, *, retriever: Retriever | None = None, schema_only: bool = False,
                  workspace: Workspace | None = None) -> Opened:
    """Read, bind and validate a document.

    Raises :class:`LoadError` when the file cannot be read at all (missing, unreachable). A document that
    is read but malformed is reported as a diagnostic instead, since it is a problem *in* the file.
    """
    workspace = workspace or Workspace(retriever)
    try:
        document = workspace.load(os.fspath(path_or_url))
    except LoadError as exc:
        if exc.rule != "malformed-document" or exc.location is None:
            raise
        raise _Malformed(Diagnostic("error", exc.rule, exc.message, exc.location)) from exc
    # A document of another Arazzo version is refused as it is; its sources are not worth fetching.
    supported = bool(SUPPORTED_VERSION.match(document.arazzo))
    bound = workspace.bind(document, load_sources=supported and not schema_only)
    diagnostics = validate_bound(bound, schema_only=schema_only)
    seen = {bound.url}
    pending = list(bound.arazzo.values())
    while pending:
        child = pending.pop()
        if child.url in seen:
            continue
        seen.add(child.url)
        known = {(d.rule, d.message) for d in diagnostics}
        diagnostics.extend(d for d in validate_bound(child) if (d.rule, d.message) not in known)
        pending.extend(child.arazzo.values())
    return Opened(workspace, bound, diagnostics)


class _Malformed(LoadError):
    """A document that was read but does not parse: a diagnostic, not a usage error."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message, diagnostic.location, rule=diagnostic.rule)
        self.diagnostic = diagnostic


def validate(path_or_url: PathOrUrl, *, retriever: Retriever | None = None,
             schema_only: bool = False) -> list[Diagnostic]:
    """Every problem of the document at ``path_or_url`` (errors and warnings); ``[]`` when it is clean.

    Raises :class:`LoadError` only when the document itself cannot be read.
    """
    try:
        return open_document(path_or_url, retriever=retriever, schema_only=schema_only).diagnostics
    except _Malformed as exc:
        return [exc.diagnostic]


def load(path_or_url: PathOrUrl, *, retriever: Retriever | None = None) -> ArazzoDocument:
    """Read and validate a document; raise :class:`DocumentError` carrying every diagnostic when invalid."""
    try:
        opened = open_document(path_or_url, retriever=retriever)
    except _Malformed as exc:
        raise DocumentError([exc.diagnostic]) from exc
    if opened.errors:
        raise DocumentError(opened.diagnostics)
    return opened.bound.document


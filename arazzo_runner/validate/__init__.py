"""Validation: the JSON Schema plus every semantic rule of ENGINE-CHECKLIST.md §3, reporting all problems.

* :mod:`~arazzo_runner.validate.schema` — the official Arazzo 1.0 JSON Schema, its known bugs relaxed;
* :mod:`~arazzo_runner.validate.rules` — unique ids, parameters, actions;
* :mod:`~arazzo_runner.validate.rules_1_1` — 1.1 querystring parameters, replacement targets, action parameters;
* :mod:`~arazzo_runner.validate.expressions` — expressions parse and name what exists.

Reference problems (unknown operations, workflows, components, steps; call cycles) come from the one resolver
(:mod:`arazzo_runner.resolve`). Every rule has a stable kebab-case id; the README lists them. Rules work on the
tolerant model, so a document with schema errors still gets its semantic problems reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from arazzo_runner.dialect import EXPLAINED, scan
from arazzo_runner.errors import Diagnostic
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.resolve import Resolution, WorkflowKey
from arazzo_runner.sources import BoundDocument
from arazzo_runner.validate.rules import document_rules
from arazzo_runner.validate.schema import schema_diagnostics
from arazzo_runner.validate.versions import newer_fields

SUPPORTED_VERSION = re.compile(r"^1\.[01]\.\d+(-.+)?$")
STRICT_RULES = frozenset({"unqualified-operation-id", "response-in-workflow-step", "dialect-sub-workflow-output"})
"""Warnings about what the specification requires but this engine tolerates; errors under ``strict``."""

__all__ = ["STRICT_RULES", "SUPPORTED_VERSION", "strictly", "validate_resolution"]


def strictly(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` with the tolerated deviations (:data:`STRICT_RULES`) promoted to errors."""
    return [replace(d, severity="error") if d.rule in STRICT_RULES else d for d in diagnostics]


def validate_resolution(resolution: Resolution) -> list[Diagnostic]:
    """Every problem of every document of a resolved bundle: the root's first, each sorted by position."""
    bundle = resolution.bundle
    cycles = _cycle_diagnostics(resolution)
    diagnostics: list[Diagnostic] = []
    known: set[tuple[str, str]] = set()
    for bound in bundle.documents.values():
        found = _document(bound, resolution, cycles.get(bound.url, []))
        fresh = [d for d in found if (d.rule, d.message) not in known]
        known.update((d.rule, d.message) for d in fresh)
        diagnostics.extend(fresh)
    return diagnostics


def _document(bound: BoundDocument, resolution: Resolution, cycles: list[Diagnostic]) -> list[Diagnostic]:
    document = bound.document
    data = document.document.data
    if data is None:
        return [Diagnostic("error", "malformed-document", "the document is empty", document.location)]
    diagnostics: list[Diagnostic] = []
    if not SUPPORTED_VERSION.match(document.arazzo):
        shown = data.get("arazzo") if isinstance(data, dict) else None
        message = (f"unsupported Arazzo version {shown!r}: this engine implements 1.0.x and 1.1.x"
                   if isinstance(shown, str) else "the document has no valid 'arazzo' version field")
        diagnostics.append(Diagnostic("error", "unsupported-version", message, document.field_location("arazzo")))
        if isinstance(shown, str):
            return diagnostics  # another version's document: our schema's complaints would only be noise
    schema = list(schema_diagnostics(document.document, document.version))
    if document.version == "1.0":
        newer = list(newer_fields(document.document))
        # The 1.0 schema refuses the same places ("unexpected", wrong type, not in enum): say it once, better.
        places = {d.location.pointer for d in newer}
        named: dict[str, set[str]] = {}
        for place in places:
            parent, _, name = place.rpartition("/")
            named.setdefault(parent, set()).add(name)
        schema = [d for d in schema if d.location.pointer not in places
                  and not any(f"'{name}'" in d.message for name in named.get(d.location.pointer, ()))] + newer
    diagnostics.extend(schema)
    if not isinstance(data, dict):
        return diagnostics
    diagnostics.extend(bound.problems)
    diagnostics.extend(resolution.problems.get(bound.url, ()))
    diagnostics.extend(document_rules(document, resolution.of(bound)))
    diagnostics.extend(cycles)
    return sorted(_with_dialect(document, diagnostics), key=_order)


def _with_dialect(document: ArazzoDocument, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The dialect forms reported under their own rules, with their fixes, in place of the generic
    diagnostics they explain at the same place."""
    found = [finding.diagnostic() for finding in scan(document)]
    if not found:
        return diagnostics
    places = {(d.location.line, d.location.column) for d in found}
    kept = [d for d in diagnostics if not (d.rule in EXPLAINED and (d.location.line, d.location.column) in places)]
    return kept + found


def _order(diagnostic: Diagnostic) -> tuple[int, int, str]:
    location = diagnostic.location
    return (location.line or 0, location.column or 0, diagnostic.rule)


def _cycle_diagnostics(resolution: Resolution) -> dict[str, list[Diagnostic]]:
    """Each cycle of calls once, at its first edge in the document whose workflows lead to it."""
    found: dict[str, list[Diagnostic]] = {}
    reported: set[frozenset[WorkflowKey]] = set()
    for url, bound in resolution.bundle.documents.items():
        starts = [(url, w.workflow_id) for w in bound.document.workflows]
        for cycle in resolution.graph.cycles(starts):
            members = frozenset(cycle.members)
            if members in reported:
                continue
            reported.add(members)
            local = [e for e in cycle.edges if e.node.document.url == url]
            edge = local[0] if local else cycle.edges[-1]
            if cycle.only_depends_on:
                diagnostic = edge.node.diagnostic(edge.field, "depends-on-cycle", f"dependsOn cycle: {cycle.chain()}")
            else:
                diagnostic = edge.node.diagnostic(edge.field, "workflow-cycle",
                                                  f"workflows call each other in a cycle: {cycle.chain()}")
            found.setdefault(edge.node.document.url, []).append(diagnostic)
    return found

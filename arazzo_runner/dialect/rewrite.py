"""Applying dialect fixes: to plain JSON data (``run --compat``, in memory) or to ruamel.yaml round-trip data
(``arazzo-runner fix``, where a rewritten string keeps the quoting style of the one it replaces)."""

from __future__ import annotations

import copy
from collections.abc import MutableMapping, MutableSequence, Sequence
from dataclasses import replace
from typing import Any

from arazzo_runner.dialect.scan import DIALECT_RULES, Finding, scan
from arazzo_runner.errors import Fix
from arazzo_runner.loader import SourceDocument
from arazzo_runner.pointer import parse


def apply_fixes(data: Any, fixes: Sequence[Fix]) -> list[Fix]:
    """Apply ``fixes`` to ``data`` in place (replace a string, add or remove a member); the fixes that applied
    (a fix whose place no longer holds its old text, or has no parent, is skipped)."""
    applied = []
    for fix in fixes:
        tokens = parse(fix.pointer)
        if not tokens:
            continue
        parent = _walk(data, tokens[:-1], create=fix.action == "add")
        key = tokens[-1]
        if isinstance(parent, MutableMapping):
            if fix.action == "remove":
                if key in parent and parent[key] == fix.old:
                    del parent[key]
                    applied.append(fix)
            elif fix.action == "add":
                if key not in parent:
                    parent[key] = fix.new
                    applied.append(fix)
            elif parent.get(key) == fix.old:
                parent[key] = _like(parent[key], fix.new)
                applied.append(fix)
        elif isinstance(parent, MutableSequence) and key.isdigit() and int(key) < len(parent):
            if fix.action != "add" and parent[int(key)] == fix.old:
                parent[int(key)] = _like(parent[int(key)], fix.new)
                applied.append(fix)
    return applied


def compat_document(document: SourceDocument) -> tuple[SourceDocument, list[Finding]]:
    """``document`` with every dialect form rewritten to its spec spelling (the text, and so every position,
    stays the original's), and the findings that were rewritten."""
    from arazzo_runner.model.build import build_document

    if not isinstance(document.data, dict):
        return document, []
    findings = [f for f in scan(build_document(document)) if f.rule in DIALECT_RULES and f.new is not None]
    if not findings:
        return document, []
    data = copy.deepcopy(document.data)
    fixes = {_fix_of(f): f for f in findings}
    applied = apply_fixes(data, list(fixes))
    return replace(document, data=data), [fixes[fix] for fix in applied]


def _fix_of(finding: Finding) -> Fix:
    assert finding.new is not None
    return Fix(finding.pointer, finding.old, finding.new, action=finding.action)


def _walk(data: Any, tokens: Sequence[str], create: bool) -> Any:
    node = data
    for token in tokens:
        if isinstance(node, MutableMapping):
            if token not in node:
                if not create:
                    return None
                node[token] = {}  # a step with no outputs yet gets an outputs map
            node = node[token]
        elif isinstance(node, MutableSequence) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _like(old: Any, new: str) -> Any:
    """``new`` in the scalar style of ``old`` (ruamel keeps quoting as a ``str`` subclass)."""
    kind = type(old)
    if kind is str or not isinstance(old, str):
        return new
    try:
        return kind(new)
    except TypeError:
        return new

"""``arazzo-runner validate``: every problem of every document, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

from arazzo_runner.cli import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from arazzo_runner.cli.terminal import printable
from arazzo_runner.errors import ArazzoError, Diagnostic


def validate_command(paths: Sequence[str], fmt: str, schema_only: bool, out: TextIO, strict: bool = False) -> int:
    """Validate each path; print diagnostics; return the exit code."""
    from arazzo_runner.documents import validate_all

    results: list[tuple[str, list[Diagnostic] | None, str | None]] = []
    for path, result in zip(paths, validate_all(paths, schema_only=schema_only, strict=strict), strict=True):
        if isinstance(result, ArazzoError):
            results.append((path, None, str(result)))
        else:
            results.append((path, result, None))
    if fmt == "json":
        _print_json(results, out)
    else:
        _print_text(results, out)
    if any(diags is None for _, diags, _ in results):
        return EXIT_USAGE
    if any(d.severity == "error" for _, diags, _ in results for d in diags or ()):
        return EXIT_PROBLEMS
    return EXIT_OK


def _print_text(results: list[tuple[str, list[Diagnostic] | None, str | None]], out: TextIO) -> None:
    errors = warnings = 0
    for path, diagnostics, failure in results:
        if diagnostics is None:
            print(printable(f"{path}: error: {failure}"), file=out)
            errors += 1
            continue
        for diagnostic in diagnostics:
            print(printable(str(diagnostic)), file=out)
            errors += diagnostic.severity == "error"
            warnings += diagnostic.severity == "warning"
    files = len(results)
    print(f"{files} file{'s' * (files != 1)} checked: {errors} error{'s' * (errors != 1)}, "
          f"{warnings} warning{'s' * (warnings != 1)}", file=out)


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    """One diagnostic as ``--format json`` shows it."""
    location = diagnostic.location
    entry: dict[str, Any] = {"severity": diagnostic.severity, "rule": diagnostic.rule, "message": diagnostic.message,
                             "line": location.line, "column": location.column, "pointer": location.pointer,
                             "file": location.source}
    if diagnostic.fix is not None:
        fix = diagnostic.fix
        entry["fix"] = {"pointer": fix.pointer, "old": fix.old, "new": fix.new, "certain": fix.certain,
                        "action": fix.action}
    return entry


def _print_json(results: list[tuple[str, list[Diagnostic] | None, str | None]], out: TextIO) -> None:
    files = []
    for path, diagnostics, failure in results:
        entries = [diagnostic_json(d) for d in diagnostics or ()]
        if failure is not None:
            entries.append({"severity": "error", "rule": "unreadable", "message": failure, "line": None,
                            "column": None, "pointer": "", "file": path})
        valid = failure is None and not any(e["severity"] == "error" for e in entries)
        files.append({"path": path, "valid": valid, "diagnostics": entries})
    json.dump({"files": files}, out, indent=2)
    out.write("\n")

"""``arazzo-runner fix``: rewrite the non-standard forms of documents to their Arazzo 1.0.1 spelling, in place.

Only fixes whose meaning is certain are applied; forms without one are listed. ``--check`` changes nothing and
exits 1 when something would change (for CI); ``--diff`` prints a unified diff instead of writing.

Exit codes: 0 nothing to change, or the files were rewritten; 1 with ``--check``, something would change;
2 a file cannot be read, parsed or faithfully rewritten.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from arazzo_runner.cli.terminal import printable
from arazzo_runner.errors import ArazzoError, Fix

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2


def fix_command(paths: Sequence[str], check: bool, diff: bool, out: TextIO, err: TextIO) -> int:
    """Fix every file; return the exit code."""
    code = EXIT_OK
    for path in paths:
        outcome = _fix_one(path, check, diff, out, err)
        code = max(code, outcome)
    return code


def _fix_one(path: str, check: bool, diff: bool, out: TextIO, err: TextIO) -> int:
    from arazzo_runner.dialect import DIALECT_RULES, apply_fixes, scan
    from arazzo_runner.dialect.files import FixConflict, fixed_text
    from arazzo_runner.model.build import build_document
    from arazzo_runner.sources import Workspace

    if "://" in path:
        print(printable(f"error: {path}: fix rewrites local files; download the document first"), file=err)
        return EXIT_ERROR
    try:
        document = Workspace().document(Path(path).resolve().as_uri())
        model = build_document(document)
    except ArazzoError as exc:
        print(printable(f"error: {path}: {exc}"), file=err)
        return EXIT_ERROR
    findings = scan(model)
    certain = [f for f in findings if f.rule in DIALECT_RULES and f.new is not None]
    for finding in findings:
        if finding not in certain:
            print(printable(f"not fixed: {finding.diagnostic()}"), file=err)
    if not certain:
        print(printable(f"{path}: nothing to fix"), file=out)
        return EXIT_OK
    fixes = list({Fix(f.pointer, f.old, f.new or "", action=f.action): None for f in certain})
    expected = copy.deepcopy(document.data)
    apply_fixes(expected, fixes)
    try:
        text, applied = fixed_text(document.text, document.is_json, fixes, expected)
    except (FixConflict, ValueError) as exc:
        print(printable(f"error: {path}: cannot rewrite faithfully ({exc}); nothing written"), file=err)
        return EXIT_ERROR
    count = f"{len(applied)} form{'s' * (len(applied) != 1)}"
    if diff:
        lines = difflib.unified_diff(document.text.splitlines(keepends=True), text.splitlines(keepends=True),
                                     f"a/{path}", f"b/{path}")
        out.writelines(printable(line) for line in lines)
        return EXIT_CHANGES if check else EXIT_OK
    if check:
        print(printable(f"{path}: would fix {count}"), file=out)
        for finding in certain:
            print(printable(f"  {finding.diagnostic()}"), file=out)
        return EXIT_CHANGES
    Path(path).write_text(text, encoding="utf-8")
    print(printable(f"{path}: fixed {count}"), file=out)
    return EXIT_OK

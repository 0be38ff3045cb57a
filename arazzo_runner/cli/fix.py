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


def fix_command(paths: Sequence[str], check: bool, diff: bool, out: TextIO, err: TextIO,
                to: str | None = None) -> int:
    """Fix every file (``to="1.1"``: upgrade it to Arazzo 1.1 as well); return the exit code."""
    code = EXIT_OK
    for path in paths:
        outcome = _fix_one(path, check, diff, out, err, to)
        code = max(code, outcome)
    return code


def _fix_one(path: str, check: bool, diff: bool, out: TextIO, err: TextIO, to: str | None = None) -> int:
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
    fixes = list({Fix(f.pointer, f.old, f.new or "", action=f.action): None for f in certain})
    if to == "1.1":
        upgrade = _upgrade(path, document.data, model.version, err)
        if upgrade is None:
            return EXIT_ERROR
        fixes.extend(upgrade)
    if not fixes:
        print(printable(f"{path}: nothing to fix"), file=out)
        return EXIT_OK
    expected = copy.deepcopy(document.data)
    apply_fixes(expected, fixes)
    try:
        text, applied = fixed_text(document.text, document.is_json, fixes, expected)
    except (FixConflict, ValueError) as exc:
        print(printable(f"error: {path}: cannot rewrite faithfully ({exc}); nothing written"), file=err)
        return EXIT_ERROR
    if to == "1.1" and not _still_valid(path, document.url, text, err):
        return EXIT_ERROR
    count = f"{len(applied)} form{'s' * (len(applied) != 1)}"
    if to == "1.1":
        count += " (upgraded to Arazzo 1.1.0)"
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


def _upgrade(path: str, data: object, version: str, err: TextIO) -> list[Fix] | None:
    """The fixes that make a valid 1.0 document a 1.1 one, or ``None`` (said on ``err``) when it cannot be.

    Between 1.0.1 and 1.1.0 no construct this engine runs changed its spelling or its meaning — the engine
    already reads 1.0 documents with 1.1's clarifications (XPath 3.1 by default, 1.1's condition rules) — so
    the version line is what changes; the result is then validated as 1.1 before anything is written.
    """
    from arazzo_runner.documents import validate

    if version == "1.1":
        return []
    errors = [d for d in validate(path) if d.severity == "error"]
    if errors:
        for diagnostic in errors:
            print(printable(str(diagnostic)), file=err)
        print(printable(f"error: {path}: only a valid 1.0 document is upgraded ({len(errors)} problem(s)); "
                        "fix them first"), file=err)
        return None
    current = data.get("arazzo") if isinstance(data, dict) else None
    return [Fix("/arazzo", str(current), "1.1.0")]


def _still_valid(path: str, url: str, text: str, err: TextIO) -> bool:
    """Whether the upgraded text validates as Arazzo 1.1 (read in place of the file, its sources beside it)."""
    from arazzo_runner.documents import validate
    from arazzo_runner.loader import default_retriever

    files = default_retriever()

    def upgraded(wanted: str) -> bytes:
        return text.encode("utf-8") if wanted == url else files(wanted)

    errors = [d for d in validate(path, retriever=upgraded) if d.severity == "error"]
    for diagnostic in errors:
        print(printable(f"as 1.1: {diagnostic}"), file=err)
    if errors:
        print(printable(f"error: {path}: the upgraded document would not validate as Arazzo 1.1; nothing "
                        "written"), file=err)
    return not errors

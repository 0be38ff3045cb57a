"""Rewriting a document file with fixes, keeping how it was written.

YAML goes through ruamel.yaml's round-trip mode: comments, key order, flow or block style and the quoting of
every scalar stay (a rewritten string keeps its quotes), the indentation is read from the file, lines are never
wrapped. JSON keeps its key order and is written with the indentation it had. Either way the result is parsed
again and must hold exactly the data the fixes describe, or nothing is written.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from arazzo_runner.dialect.rewrite import apply_fixes
from arazzo_runner.errors import Fix

_KEY_ONLY = re.compile(r"^(\s*)(?:-\s+)?[^\s#'\"][^#]*?:\s*(?:#.*)?$")
_ITEM = re.compile(r"^(\s*)-(\s+)\S")
_KEY = re.compile(r"^(\s*)[^\s#\-][^#]*?:(\s|$)")


class FixConflict(Exception):
    """The rewritten text would not hold the fixed data (a fix this writer cannot make faithfully)."""


def fixed_text(text: str, is_json: bool, fixes: Sequence[Fix], expected: Any) -> tuple[str, list[Fix]]:
    """``text`` with ``fixes`` applied, and the fixes that applied; raises :class:`FixConflict` when the
    result does not parse back to ``expected`` (the plain data with the same fixes applied)."""
    if is_json:
        data = json.loads(text)
        applied = apply_fixes(data, fixes)
        indent = _json_indent(text)
        new = json.dumps(data, indent=indent, ensure_ascii=False) + ("\n" if text.endswith("\n") else "")
        reread = json.loads(new)
    else:
        from ruamel.yaml import YAML

        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        yaml.width = 1_000_000  # never fold a long expression onto two lines
        mapping, sequence, offset = yaml_indentation(text)
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        data = yaml.load(text)
        applied = apply_fixes(data, fixes)
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        new = buffer.getvalue()
        if text.startswith("---") and not new.startswith("---"):
            new = "---\n" + new
        reread = YAML(typ="safe", pure=True).load(new)
    if reread != expected:
        raise FixConflict("the rewritten document would not hold the fixed values")
    return new, applied


def yaml_indentation(text: str) -> tuple[int, int, int]:
    """ruamel's ``(mapping, sequence, offset)`` indentation as the file uses it (2, 4, 2 when it cannot tell)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    mappings: Counter[int] = Counter()
    offsets: Counter[tuple[int, int]] = Counter()
    for line, following in zip(lines, lines[1:], strict=False):
        if not _KEY_ONLY.match(line):
            continue
        parent = _content_column(line)
        item = _ITEM.match(following)
        if item is not None:
            dash = len(item.group(1))
            if dash >= parent:
                offsets[(dash - parent, len(item.group(2)))] += 1
            continue
        key = _KEY.match(following)
        if key is not None and len(key.group(1)) > parent:
            mappings[len(key.group(1)) - parent] += 1
    mapping = mappings.most_common(1)[0][0] if mappings else 2
    offset, gap = offsets.most_common(1)[0][0] if offsets else (2, 1)
    return mapping, offset + 1 + gap, offset


def _content_column(line: str) -> int:
    """Where a key starts: after the indentation and any ``- `` of a sequence item."""
    stripped = line.lstrip()
    column = len(line) - len(stripped)
    if stripped.startswith("- "):
        rest = stripped[1:]
        column += 1 + len(rest) - len(rest.lstrip())
    return column


def _json_indent(text: str) -> int | None:
    for line in text.splitlines()[1:]:
        if line.strip():
            width = len(line) - len(line.lstrip(" "))
            return width or None
    return None

"""A linear pre-scan of document text that bounds its nesting depth before any recursive parser sees it.

The C parsers (libyaml, the stdlib JSON scanner) recurse once per nesting level; tens of thousands of levels
exhaust the C stack and kill the process before any depth check on the parsed tree can run. So the depth is
estimated here first, iteratively, from the text alone: brackets outside quoted scalars and comments, plus, for
YAML, the indentation levels of block collections (block scalar contents skipped). The estimate may exceed the
true depth a little (a bracket in a plain scalar counts), never fall short of it; the limit is generous enough
that only hostile or broken documents reach it.
"""

from __future__ import annotations

import re

from arazzo_runner.errors import LoadError, Location

_JSON_TOKENS = re.compile(r'[\[\]{}]|"(?:[^"\\]|\\.)*"?', re.S)
_YAML_TOKENS = re.compile(r"""[\[\]{}]|"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|(?:^|(?<=[ \t]))#[^\n]*""", re.M)
_BLOCK_SCALAR = re.compile(r"(?:^|[\s:\-?])[|>][0-9+\-]{0,2}[ \t]*(?:#.*)?$")
_SEQUENCE_ENTRY = re.compile(r"(?:[-?][ \t]+)+")


def check_depth(text: str, limit: int, name: str, as_json: bool) -> None:
    """Raise a located :class:`LoadError` when ``text`` nests deeper than ``limit`` levels."""
    # A nesting level needs a bracket, a line (block indentation) or a sequence entry or complex key opened on
    # a line already open ("- - - x" nests on one line): with fewer of them the text cannot be that deep.
    openers = text.count("[") + text.count("{")
    if not as_json:
        openers += text.count("\n") + text.count("- ") + text.count("-\t") + text.count("? ") + text.count("?\t")
    if openers <= limit:
        return  # cannot be that deep: not worth a scan
    if as_json:
        _flow_depth(text, limit, name, 0, 1, 1, base=-1)  # the root container is level 0
    else:
        _yaml_depth(text, limit, name)


def _flow_depth(text: str, limit: int, name: str, depth: int, line: int, column: int,
                pattern: re.Pattern[str] = _JSON_TOKENS, base: int = 0) -> int:
    """The bracket depth at the end of ``text`` (a line or a whole JSON text), starting from ``depth``; ``base``
    is the depth of the block collection the text sits in."""
    for match in pattern.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if base + depth > limit:
                offset = match.start()
                lines_before = text.count("\n", 0, offset)
                at_column = offset - text.rfind("\n", 0, offset) if lines_before else column + offset
                raise LoadError(f"document nests deeper than {limit} levels",
                                Location(name, "", line + lines_before, at_column), rule="malformed-document")
        elif token in "]}":
            depth = max(depth - 1, 0)
    return depth


def _yaml_depth(text: str, limit: int, name: str) -> None:
    indents: list[int] = []
    flow = 0
    scalar_indent: int | None = None  # inside a block scalar whose key sits at this indentation
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if scalar_indent is not None:
            if indent > scalar_indent:
                continue  # content of a literal or folded scalar: any text at all
            scalar_indent = None
        if flow == 0:
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        entries = _SEQUENCE_ENTRY.match(stripped)
        nested = len(entries.group(0).split()) if entries else 0  # "- - x" nests without indenting
        # A line of the root collection holds depth-1 values; each deeper indentation adds one level.
        base = len(indents) - 1 + nested
        if base + flow > limit:
            raise LoadError(f"document nests deeper than {limit} levels", Location(name, "", number, indent + 1),
                            rule="malformed-document")
        if "[" in line or "{" in line or flow:
            flow = _flow_depth(line, limit, name, flow, number, 1, _YAML_TOKENS, base)
        if flow == 0 and _BLOCK_SCALAR.search(line):
            scalar_indent = indent

"""YAML 1.2 restricted to JSON types, with positions and budgets against hostile documents.

Plain scalars are typed by the YAML 1.2 JSON schema rules here, not by ruamel.yaml's habits: ``2024-01-01``
and ``on`` stay strings. Tags that would build other Python types (``!!binary``, ``!!set``, ``!!timestamp``)
and merge keys are refused, and aliases are expanded under two node budgets.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

# Imported once, here: node classes must be the very ones the (cached) composers build, even in a process that
# purges and re-imports modules (pytest's pytester does).
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from arazzo_runner import pointer
from arazzo_runner.errors import LoadError, Location
from arazzo_runner.limits import DEFAULT_LIMITS, Limits

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_PLAIN = "tag:arazzo-runner:plain"
_CORE = "tag:yaml.org,2002:"
_EXPLICIT_SCALARS = {"str", "int", "float", "bool", "null"}


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    plain = Tag(suffix=_PLAIN)

    class JsonTypesResolver(VersionedResolver):
        """Marks every plain scalar so that _implicit(), not YAML 1.1 habits, decides its type."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                return plain
            return super().resolve(kind, value, implicit)

    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver = JsonTypesResolver
    yaml.version = (1, 2)
    return yaml


def compose(text: str) -> Any:
    """The YAML node tree of ``text``: through libyaml (ruamel.yaml.clib) when installed, else pure Python.

    The C composer is about 20x faster on large OpenAPI files. It only speaks YAML 1.1 syntax, and types are
    resolved by us either way; on any error the pure YAML 1.2 parser decides, so messages stay its own.
    """
    fast = _c_loader()
    if fast is not None:
        try:
            return fast(text).get_single_node()
        except Exception:  # noqa: BLE001, S110 - the pure parser below gives the authoritative answer
            pass
    return _yaml().compose(text)


@lru_cache(maxsize=1)
def _c_loader() -> Any:
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    except ImportError:  # no C extension on this interpreter
        return None
    from ruamel.yaml.resolver import BaseResolver

    class JsonTypesCLoader(CParser, BaseResolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseResolver.__init__(self, loadumper=self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                return _PLAIN
            return super().resolve(kind, value, implicit)

    return JsonTypesCLoader


def _scalar(node: Any, name: str) -> Any:
    tag = str(node.tag)
    if tag == _PLAIN:
        try:
            return _implicit(node.value)
        except _HugeNumber as exc:
            raise LoadError(str(exc), _node_location(node, name), rule="malformed-document") from None
    kind = tag[len(_CORE):] if tag.startswith(_CORE) else ""
    if kind not in _EXPLICIT_SCALARS:
        raise _tag_error(tag, node, name)
    # The pure round-trip scanner marks the folds of a folded (">") scalar with BEL characters.
    value = node.value.replace("\a", "") if node.style == ">" else node.value
    return _explicit(value, kind, node, name)


def _implicit(value: str) -> Any:
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return _integer(value, 10)
    if _INT_OCT.match(value):
        return _integer(value[2:], 8)
    if _INT_HEX.match(value):
        return _integer(value[2:], 16)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    return value


class _HugeNumber(ValueError):
    """An integer with more digits than Python converts (its int-string limit)."""


def _integer(text: str, base: int) -> int:
    try:
        return int(text, base)
    except ValueError:  # the digits are valid: only the int-string limit refuses them
        raise _HugeNumber(f"a number with {len(text)} digits is longer than this engine reads") from None


def _explicit(value: str, kind: str, node: Any, name: str) -> Any:
    if kind == "str":
        return value
    try:
        resolved: Any = _implicit(value)
    except _HugeNumber as exc:
        raise LoadError(str(exc), _node_location(node, name), rule="malformed-document") from None
    expected: dict[str, tuple[type, ...]] = {"int": (int,), "float": (int, float), "bool": (bool,),
                                             "null": (type(None),)}
    if isinstance(resolved, bool) and kind != "bool" or not isinstance(resolved, expected[kind]):
        raise LoadError(
            f"value {value!r} is not a valid !!{kind}", _node_location(node, name), rule="malformed-document"
        )
    return float(cast(float, resolved)) if kind == "float" else resolved


def _tag_error(tag: str, node: Any, name: str) -> LoadError:
    return LoadError(
        f"YAML tag {tag!r} is not allowed: documents may only hold JSON types",
        _node_location(node, name),
        rule="malformed-document",
    )


def _node_location(node: Any, name: str) -> Location:
    mark = node.start_mark
    return Location(name, "", mark.line + 1, mark.column + 1)


class _Converter:
    """Turns a composed YAML node tree into plain data, recording the position of every member.

    Aliases are expanded (the data model has no references) under two budgets: all nodes, and nodes reached
    through an alias, so that a "billion laughs" document is refused in a fraction of a second.
    """

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.max_depth = limits.max_document_depth
        self.max_nodes = limits.max_document_nodes
        self.max_alias_nodes = limits.max_alias_nodes
        self.budget = self.max_nodes
        self.alias_budget = self.max_alias_nodes
        self.seen: set[int] = set()

    def convert(self, root: Any, positions: dict[str, tuple[int, int]]) -> Any:
        self.positions = positions
        return self._node(root, "", 0, False)

    def _node(self, node: Any, path: str, depth: int, aliased: bool) -> Any:
        self.budget -= 1
        if not isinstance(node, ScalarNode):
            aliased = aliased or id(node) in self.seen
            self.seen.add(id(node))
        self.alias_budget -= aliased
        if depth > self.max_depth or self.budget < 0 or self.alias_budget < 0:
            reason = (f"nests deeper than {self.max_depth} levels" if depth > self.max_depth
                      else f"has over {self.max_nodes} nodes" if self.budget < 0
                      else f"expands aliases into over {self.max_alias_nodes} nodes")
            raise LoadError(f"document {reason}", _node_location(node, self.name), rule="malformed-document")
        if isinstance(node, ScalarNode):
            return _scalar(node, self.name)
        tag = str(node.tag)
        if isinstance(node, SequenceNode):
            if tag != _CORE + "seq":
                raise _tag_error(tag, node, self.name)
            items = []
            for index, child in enumerate(node.value):
                child_pointer = f"{path}/{index}"
                self.positions[child_pointer] = (child.start_mark.line + 1, child.start_mark.column + 1)
                items.append(self._node(child, child_pointer, depth + 1, aliased))
            return items
        if isinstance(node, MappingNode):
            if tag != _CORE + "map":
                raise _tag_error(tag, node, self.name)
            return self._mapping(node, path, depth, aliased)
        raise LoadError(f"unsupported YAML node {type(node).__name__}", _node_location(node, self.name))

    def _mapping(self, node: Any, path: str, depth: int, aliased: bool) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise LoadError("mapping keys must be strings", _node_location(key_node, self.name),
                                rule="malformed-document")
            key = key_node.value
            if key == "<<" and not key_node.style:
                raise LoadError("YAML merge keys (<<) are not allowed", _node_location(key_node, self.name),
                                rule="malformed-document")
            if key in mapping:
                raise LoadError(f"duplicate key {key!r}", _node_location(key_node, self.name),
                                rule="malformed-document")
            child_pointer = pointer.child(path, key)
            self.positions[child_pointer] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            mapping[key] = self._node(value_node, child_pointer, depth + 1, aliased)
        return mapping


def collect_positions(node: Any, path: str, table: dict[str, tuple[int, int]]) -> None:
    if isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            child_pointer = f"{path}/{index}"
            table[child_pointer] = (child.start_mark.line + 1, child.start_mark.column + 1)
            collect_positions(child, child_pointer, table)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            child_pointer = pointer.child(path, str(key_node.value))
            table[child_pointer] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            collect_positions(value_node, child_pointer, table)


def convert(node: Any, name: str, positions: dict[str, tuple[int, int]], limits: Limits = DEFAULT_LIMITS) -> Any:
    """The plain data of a composed node tree, recording the line:column of every member in ``positions``."""
    return _Converter(name, limits).convert(node, positions)


def yaml_error(exc: Exception, name: str, text: str = "") -> LoadError:
    """The diagnostic error for a YAML syntax error of ruamel.yaml (which raises several unrelated classes)."""
    location = _yaml_location(exc, name)
    if location.line is None:  # the reader refuses special characters without a mark: find the first one
        found = _SPECIAL.search(text)
        if found is not None:
            line = text.count("\n", 0, found.start()) + 1
            location = Location(name, "", line, found.start() - text.rfind("\n", 0, found.start()))
    return LoadError(f"malformed YAML: {_yaml_problem(exc)}", location, rule="malformed-document")


# What YAML's reader refuses: C0 controls but tab, line feed and carriage return; DEL; C1 controls but NEL;
# surrogates; and the two non-characters U+FFFE/U+FFFF.
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    parts = [p for p in (context, problem) if p]
    return "; ".join(parts) if parts else str(exc).splitlines()[0]


def _yaml_location(exc: Exception, name: str) -> Location:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return Location(name)
    return Location(name, "", mark.line + 1, mark.column + 1)

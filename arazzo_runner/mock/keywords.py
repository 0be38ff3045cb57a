"""What the conjunction of several schema objects says, keyword by keyword (internal to the generator).

A value is described by a list of *parts*: the schema objects reached through ``$ref``s and ``allOf`` (and the
chosen ``oneOf``/``anyOf`` alternative), each with the document it lives in, so that its own ``$ref``s resolve
where they were written. The functions here merge the parts' keywords the way a validator combines them:
types intersect, lower bounds take the largest, upper bounds the smallest, ``required`` names add up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from arazzo_runner.loader import SourceDocument
from arazzo_runner.mock.scalars import INTEGER_FORMATS, NUMBER_FORMATS, NumberRules, StringRules, decimal_of

Located = tuple[SourceDocument, Any]
"""A schema node (possibly a ``$ref``, possibly not a schema at all) and the document holding it."""
Part = tuple[SourceDocument, dict[str, Any]]
"""A schema object, ``$ref``s already followed, and the document holding it."""

_OBJECT_HINTS = frozenset({"properties", "required", "additionalProperties", "minProperties", "maxProperties",
                           "patternProperties"})
_ARRAY_HINTS = frozenset({"items", "prefixItems", "minItems", "maxItems", "uniqueItems"})
_STRING_HINTS = frozenset({"minLength", "maxLength", "pattern"})
_NUMBER_HINTS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})
_OTHER_TYPE_VALUES: tuple[tuple[str, Any], ...] = (
    ("integer", 0), ("string", "string"), ("boolean", True), ("array", []), ("object", {}))


@dataclass(frozen=True)
class ObjectShape:
    """The object keywords of a conjunction: members by name (each with every part's schema), ``required``..."""

    properties: dict[str, list[Located]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    extra: list[Located] = field(default_factory=list)
    """The ``additionalProperties`` schemas."""
    closed: bool = False
    """Some part says ``additionalProperties: false``."""
    min_properties: int = 0
    max_properties: int | None = None


@dataclass(frozen=True)
class ArrayShape:
    """The array keywords of a conjunction."""

    prefix: list[Located]
    items: list[Located]
    closed: bool
    """Some part says ``items: false``: nothing may follow the prefix."""
    min_items: int
    max_items: int | None


def declared_types(node: dict[str, Any]) -> list[str] | None:
    """The ``type`` of one schema object as a list (3.1 type arrays are read in every dialect), or ``None``."""
    declared = node.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)] or None
    return None


def types_of(parts: list[Part]) -> list[str] | None:
    """The types every typed part allows, in the first part's order (integers counting as numbers)."""
    allowed: list[str] | None = None
    for _, node in parts:
        types = declared_types(node)
        if types is not None:
            allowed = types if allowed is None else (_meet(allowed, types) or allowed)
    return allowed


def kind_of(parts: list[Part]) -> str | None:
    """The JSON type to write: the first allowed type that is not ``null``, else one inferred from keywords."""
    allowed = types_of(parts)
    if allowed is not None:
        chosen = next((t for t in allowed if t != "null"), "null")
        return "string" if chosen == "file" else chosen  # Swagger 2.0 ``file``
    keys = {key for _, node in parts for key in node}
    formats = {f for _, node in parts if isinstance(f := node.get("format"), str)}
    if keys & _OBJECT_HINTS:
        return "object"
    if keys & _ARRAY_HINTS:
        return "array"
    if formats & INTEGER_FORMATS:
        return "integer"
    if formats & NUMBER_FORMATS or keys & _NUMBER_HINTS:
        return "number"
    if keys & _STRING_HINTS or formats:
        return "string"
    return None


def allows_null(parts: list[Part]) -> bool:
    """Some part says ``nullable`` (3.0), ``x-nullable`` (2.0) or lists the type ``null``."""
    return any(node.get("nullable") is True or node.get("x-nullable") is True
               or "null" in (declared_types(node) or ()) for _, node in parts)


def object_shape(parts: list[Part]) -> ObjectShape:
    """The merged object keywords of ``parts``."""
    shape = ObjectShape()
    closed, min_properties, max_properties = False, 0, None
    for document, node in parts:
        for name, schema in as_dict(node.get("properties")).items():
            shape.properties.setdefault(str(name), []).append((document, schema))
        shape.required.extend(r for r in as_list(node.get("required"))
                              if isinstance(r, str) and r not in shape.required)
        additional = node.get("additionalProperties")
        if additional is False:
            closed = True
        elif isinstance(additional, dict):
            shape.extra.append((document, additional))
        min_properties = max(min_properties, count(node.get("minProperties")) or 0)
        max_properties = _smaller(max_properties, count(node.get("maxProperties")))
    return ObjectShape(shape.properties, shape.required, shape.extra, closed, min_properties, max_properties)


def array_shape(parts: list[Part], modern: bool) -> ArrayShape:
    """The merged array keywords of ``parts``; ``modern`` (3.1) reads ``prefixItems``."""
    prefix: list[Located] | None = None
    items: list[Located] = []
    closed, min_items, max_items = False, 0, None
    for document, node in parts:
        declared = node.get("prefixItems") if modern else None
        if isinstance(node.get("items"), list):
            declared = node["items"]  # the tuple form of older drafts, read in any dialect
        elif node.get("items") is False:
            closed = True
        elif isinstance(node.get("items"), dict):
            items.append((document, node["items"]))
        if prefix is None and isinstance(declared, list):
            prefix = [(document, entry) for entry in declared]
        min_items = max(min_items, count(node.get("minItems")) or 0)
        max_items = _smaller(max_items, count(node.get("maxItems")))
    return ArrayShape(prefix or [], items, closed, min_items, max_items)


def string_rules(parts: list[Part]) -> StringRules:
    """The merged string keywords of ``parts`` (the first ``format`` and ``pattern``, the tightest lengths)."""
    nodes = [node for _, node in parts]
    return StringRules(
        format=_first_text(nodes, "format"),
        pattern=_first_text(nodes, "pattern"),
        min_length=max((count(n.get("minLength")) or 0 for n in nodes), default=0),
        max_length=min((c for n in nodes if (c := count(n.get("maxLength"))) is not None), default=None),
        content_encoding=_first_text(nodes, "contentEncoding"),
    )


def number_rules(parts: list[Part]) -> NumberRules:
    """The merged number keywords of ``parts`` (the tightest bounds, the first ``multipleOf``)."""
    low: tuple[Decimal, bool] | None = None
    high: tuple[Decimal, bool] | None = None
    step: Decimal | None = None
    for _, node in parts:
        for bound, exclusive in _bounds(node, "minimum", "exclusiveMinimum"):
            if low is None or bound > low[0] or (bound == low[0] and exclusive):
                low = (bound, exclusive)
        for bound, exclusive in _bounds(node, "maximum", "exclusiveMaximum"):
            if high is None or bound < high[0] or (bound == high[0] and exclusive):
                high = (bound, exclusive)
        step = step if step is not None else decimal_of(node.get("multipleOf"))
    return NumberRules(low[0] if low else None, bool(low and low[1]), high[0] if high else None,
                       bool(high and high[1]), step)


def json_type(value: Any) -> str:
    """The JSON Schema type name of a JSON value (``integer`` for whole numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}.get(type(value), "object")


def accepts(types: list[str], value: Any) -> bool:
    """Whether a value of this JSON type is allowed by ``types``."""
    kind = json_type(value)
    return kind in types or (kind == "integer" and "number" in types)


def value_of_another_type(types: list[str]) -> Any:
    """A small value that ``types`` does not allow (``None`` when every type is allowed)."""
    return next((value for name, value in _OTHER_TYPE_VALUES if not accepts(types, value)), None)


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else ``[]``."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[Any, Any]:
    """``value`` when it is a dict, else ``{}``."""
    return value if isinstance(value, dict) else {}


def count(value: Any) -> int | None:
    """``value`` when it is a non-negative integer (not a boolean), else ``None``."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _meet(allowed: list[str], types: list[str]) -> list[str]:
    met = [t for t in allowed if t in types or (t == "integer" and "number" in types)]
    if "number" in allowed and "integer" in types and "integer" not in met:
        met.append("integer")
    return met


def _smaller(current: int | None, other: int | None) -> int | None:
    if other is None:
        return current
    return other if current is None else min(current, other)


def _bounds(node: dict[str, Any], inclusive: str, exclusive: str) -> Iterator[tuple[Decimal, bool]]:
    bound = decimal_of(node.get(inclusive))
    flag = node.get(exclusive)
    if bound is not None:
        yield bound, flag is True  # the 3.0 / 2.0 boolean modifier
    exclusive_bound = decimal_of(flag)
    if exclusive_bound is not None:
        yield exclusive_bound, True  # the 3.1 number


def _first_text(nodes: list[dict[str, Any]], keyword: str) -> str | None:
    return next((n[keyword] for n in nodes if isinstance(n.get(keyword), str)), None)

"""A deterministic example value for an OpenAPI 3.0, 3.1 or Swagger 2.0 schema.

:func:`example_for` reads the schema the way a validator would combine it — ``$ref``s followed (into other
documents through the loader), ``allOf`` members merged, the first alternative of ``oneOf``/``anyOf`` taken,
``not`` ignored — and writes the smallest value that shows every declared field:

* a value the schema gives wins, in this order: ``example``, ``examples[0]`` (3.1), ``default``, ``const``,
  ``enum[0]`` (taken from the first merged member that has one);
* otherwise the first ``type`` that is not ``null`` decides (a type array, or 3.0 ``type`` + ``nullable``);
  without ``type`` it is inferred from the keywords present (``properties`` → object, ``items`` → array,
  ``minLength``/``pattern``/``format`` → string, ``minimum`` → number, ...);
* objects get **every** declared property, required or optional, in declaration order, then required names
  that no ``properties`` entry declares (from ``additionalProperties``); a pure map (no ``properties``,
  ``additionalProperties`` a schema) gets one entry ``"key"``; ``minProperties`` is met with ``key1``,
  ``key2``... where extra members are allowed, and ``maxProperties`` drops optional members from the end;
* arrays get ``max(minItems, 1)`` items (capped by ``maxItems`` and :data:`MAX_ITEMS`), ``prefixItems`` first;
  an array without an item schema gets ``minItems`` ``null``s, usually none;
* strings and numbers follow :mod:`~arazzo_runner.mock.scalars`; booleans are ``true``;
* ``oneOf`` must hold for exactly one alternative: when the object written for the first one would also pass a
  later object alternative (its ``required`` names present, the shared members' types, ``const`` and ``enum``
  agreeing), a member that only the later alternative declares, with a ``type``, is added with a value of
  another type, so that alternative rejects it (when the first one leaves room for extra members).

Not read: ``not``, ``patternProperties``, ``propertyNames``, ``uniqueItems``, ``contains``,
``if``/``then``/``else``, the ``dependent*`` keywords, ``discriminator``, ``readOnly``/``writeOnly``.

Bounds: a ``$ref`` met again inside itself switches its subtree to required-members-only, ``minItems``
items (so a self-referencing schema ends); its third visit, a nesting deeper than :data:`MAX_DEPTH`, or a
budget of :data:`MAX_VALUES` values spent stop the expansion of objects and arrays: ``None`` where the schema
allows ``null``, else ``{}`` or ``[]`` (scalars are still written, they cannot recurse). A schema that
constrains nothing (``{}``, ``true``), a ``false`` schema, a node that is not a schema and a ``$ref`` that
cannot be resolved give ``None``. Nothing here raises for an odd schema.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from arazzo_runner.errors import LoadError, ResolutionError
from arazzo_runner.loader import SourceDocument
from arazzo_runner.mock.keywords import (
    Located,
    ObjectShape,
    Part,
    accepts,
    allows_null,
    array_shape,
    as_list,
    kind_of,
    number_rules,
    object_shape,
    string_rules,
    types_of,
    value_of_another_type,
)
from arazzo_runner.mock.scalars import example_number, example_string
from arazzo_runner.sources.refs import DocumentLoader, follow_located

MAX_DEPTH = 8
"""Objects and arrays nested deeper than this are cut off."""
MAX_VALUES = 2000
"""At most this many values (of any kind, at any depth) are written for one example."""
MAX_ITEMS = 16
"""No array gets more items than this, whatever ``minItems`` asks for (nor an object more ``keyN`` members)."""
MAX_PARTS = 64
"""At most this many schemas are merged for one value (``allOf`` members, ``$ref`` targets, alternatives)."""

_GIVEN = ("example", "examples", "default", "const", "enum")
_RefKey = tuple[str, str]


def example_for(schema: Any, document: SourceDocument, load: DocumentLoader, *, dialect: str) -> Any:
    """A JSON value for ``schema``, a node of ``document`` (its ``$ref``s resolve against that document).

    ``dialect`` is the description's version as :attr:`OpenAPISource.version` spells it (``"3.0"``,
    ``"3.1"``, ``"2.0"``); only ``"3.1"`` reads ``examples``, ``prefixItems`` and the siblings of a ``$ref``
    (which 3.0 ignores). Type arrays, ``nullable``/``x-nullable`` and both spellings of the exclusive bounds
    are read as written in any dialect. The value is fresh: changing it does not change the document.
    """
    return _Generator(load, dialect).value([(document, schema)], 0, (), False)


@dataclass(frozen=True)
class _Flat:
    parts: list[Part]
    path: tuple[_RefKey, ...]
    """The ``$ref`` targets expanded on the way here, outermost first."""
    minimal: bool
    cut: bool
    rivals: list[Located]
    """The ``oneOf`` alternatives not taken."""


class _Generator:
    def __init__(self, load: DocumentLoader, dialect: str) -> None:
        self.load = load
        self.modern = dialect not in ("3.0", "2.0")
        self.budget = MAX_VALUES

    def value(self, schemas: list[Located], depth: int, path: tuple[_RefKey, ...], minimal: bool) -> Any:
        flat = self.flatten(schemas, path, minimal)
        self.budget -= 1
        if not flat.parts:
            return None
        given = self.given(flat.parts)
        if given is not _NOTHING:
            return given
        kind = kind_of(flat.parts)
        if kind in ("object", "array") and (flat.cut or depth >= MAX_DEPTH or self.budget <= 0):
            return None if allows_null(flat.parts) else ({} if kind == "object" else [])
        if kind == "object":
            return self.object(flat, depth)
        if kind == "array":
            return self.array(flat, depth)
        return _scalar(kind, flat.parts)

    def flatten(self, schemas: list[Located], path: tuple[_RefKey, ...], minimal: bool) -> _Flat:
        """The schema objects whose conjunction describes the value, with the ``$ref`` path extended."""
        parts: list[Part] = []
        rivals: list[Located] = []
        cut = False
        pending = list(schemas)
        expanded: set[_RefKey] = set()
        while pending and len(parts) < MAX_PARTS:
            document, node = pending.pop(0)
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                try:
                    target_document, at, target = follow_located(document, "", {"$ref": node["$ref"]}, self.load)
                except (LoadError, ResolutionError):
                    continue
                key = (target_document.url, at)
                if key in expanded:
                    continue
                expanded.add(key)
                # Met once above: write only what is required below; met twice: stop.
                minimal = minimal or key in path
                cut = cut or path.count(key) >= 2
                path = (*path, key)
                siblings = {k: v for k, v in node.items() if k != "$ref"} if self.modern else {}
                pending[:0] = [(target_document, target), *([(document, siblings)] if siblings else [])]
                continue
            if not isinstance(node, dict):
                continue  # true, false and anything that is not a schema constrain nothing we can write
            parts.append((document, node))
            members = list(as_list(node.get("allOf")))
            for keyword in ("oneOf", "anyOf"):
                alternatives = as_list(node.get(keyword))
                members.extend(alternatives[:1])
                if keyword == "oneOf":
                    rivals.extend((document, alternative) for alternative in alternatives[1:])
            pending[:0] = [(document, member) for member in members]
        return _Flat(parts, path, minimal, cut, rivals)

    def given(self, parts: list[Part]) -> Any:
        for keyword in _GIVEN:
            for _, node in parts:
                if keyword not in node:
                    continue
                found = node[keyword]
                if keyword in ("examples", "enum"):
                    if not (isinstance(found, list) and found) or (keyword == "examples" and not self.modern):
                        continue
                    found = found[0]
                return copy.deepcopy(found)
        return _NOTHING

    def object(self, flat: _Flat, depth: int) -> dict[str, Any]:
        shape = object_shape(flat.parts)
        required = shape.required
        names = [*shape.properties, *(r for r in required if r not in shape.properties)]
        keep = [n for n in names if n in required or not flat.minimal]
        if shape.max_properties is not None and len(keep) > shape.max_properties:
            room = max(shape.max_properties - sum(1 for n in keep if n in required), 0)
            optional = [n for n in keep if n not in required][:room]
            keep = [n for n in keep if n in required or n in optional]
        result: dict[str, Any] = {}
        for name in keep:
            result[name] = self.value(shape.properties.get(name) or shape.extra, depth + 1, flat.path, flat.minimal)
        if not shape.properties and shape.extra and not flat.minimal and not result:
            result["key"] = self.value(shape.extra, depth + 1, flat.path, flat.minimal)
        index = 1
        while not shape.closed and len(result) < min(shape.min_properties, MAX_ITEMS):
            if f"key{index}" not in result:
                result[f"key{index}"] = self.value(shape.extra, depth + 1, flat.path, flat.minimal)
            index += 1
        for rival in flat.rivals:
            self.exclude(result, shape, rival, flat.path)
        return result

    def exclude(self, value: dict[str, Any], own: ObjectShape, rival: Located, path: tuple[_RefKey, ...]) -> None:
        """Make ``value`` fail the ``oneOf`` alternative ``rival`` if it looks like it would pass it."""
        parts = self.flatten([rival], path, True).parts
        if own.closed or not parts or not self.could_pass(value, parts):
            return
        for name, schemas in object_shape(parts).properties.items():
            if name in own.properties or name in value:
                continue
            types = types_of(self.flatten(schemas, path, True).parts)
            wrong = value_of_another_type(types) if types else None
            if types and not accepts(types, wrong):
                value[name] = wrong
                return

    def could_pass(self, value: Any, parts: list[Part]) -> bool:
        """A shallow look: the type, ``const`` and ``enum``, and for objects ``required`` and members."""
        types = types_of(parts)
        if types is not None and not accepts(types, value):
            return False
        for _, node in parts:
            if "const" in node and node["const"] != value:
                return False
            if isinstance(node.get("enum"), list) and value not in node["enum"]:
                return False
        if not isinstance(value, dict):
            return True
        shape = object_shape(parts)
        if any(name not in value for name in shape.required):
            return False
        if shape.closed and any(name not in shape.properties for name in value):
            return False
        return all(self.could_pass(value[name], member.parts)
                   for name, schemas in shape.properties.items() if name in value
                   for member in [self.flatten(schemas, (), True)] if member.parts)

    def array(self, flat: _Flat, depth: int) -> list[Any]:
        shape = array_shape(flat.parts, self.modern)
        wanted = shape.min_items if flat.minimal or not (shape.items or shape.prefix) else max(shape.min_items, 1)
        count = min(wanted, MAX_ITEMS, *([shape.max_items] if shape.max_items is not None else []))
        if shape.closed:
            count = min(count, len(shape.prefix))
        return [self.value([shape.prefix[i]] if i < len(shape.prefix) else shape.items, depth + 1, flat.path,
                           flat.minimal) for i in range(count)]


class _Nothing:
    pass


_NOTHING: Any = _Nothing()


def _scalar(kind: str | None, parts: list[Part]) -> Any:
    if kind == "string":
        return example_string(string_rules(parts))
    if kind in ("integer", "number"):
        try:
            return example_number(number_rules(parts), kind == "integer")
        except ArithmeticError:
            return 1 if kind == "integer" else 1.5
    if kind == "boolean":
        return True
    return None  # "null", an unknown type name, or nothing to go by

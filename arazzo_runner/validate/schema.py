"""The official Arazzo 1.0 JSON Schema, bundled, with its known bugs relaxed (ENGINE-CHECKLIST.md §11).

The file in ``schemas/`` is the published 2024-08-01 schema, unchanged (Apache-2.0, see ``schemas/NOTICE``).
The relaxations are applied here, in code, so each one is visible and named:

(a) a ``retry`` failure action requires neither ``retryAfter`` nor a target (spec #342, fixed by PR #348);
(b) a Criterion ``type`` may be a Criterion Expression Type Object (the schema's ``anyOf`` rejects it), and
    ``context`` is required for regex/jsonpath/xpath only (PR #499) — checked semantically;
(c) ``replacements[].value`` may be any JSON value (spec: Any);
(e) a Reusable Object may carry extra properties, which the spec says MUST be ignored.

(d) — output values typed ``string`` — is kept: the spec defines outputs as runtime expressions.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from arazzo_runner import pointer
from arazzo_runner.errors import Diagnostic
from arazzo_runner.loader import SourceDocument

SCHEMA_FILE = "arazzo-1.0-2024-08-01.json"


@lru_cache(maxsize=1)
def arazzo_schema() -> dict[str, Any]:
    """The relaxed Arazzo 1.0 schema as a dict."""
    text = resources.files("arazzo_runner").joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return _relax(schema)


def _relax(original: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(original)
    defs = schema["$defs"]
    failure = defs["failure-action-object"]
    failure["allOf"] = [
        {"if": {"properties": {"type": {"const": "goto"}}},
         "then": {"oneOf": [{"required": ["workflowId"]}, {"required": ["stepId"]}]}},
        {"if": {"properties": {"type": {"const": "retry"}}},
         "then": {"not": {"required": ["workflowId", "stepId"]}}},
    ]
    criterion = defs["criterion-object"]
    del criterion["anyOf"]
    criterion.pop("dependentRequired", None)
    criterion["properties"]["type"] = {
        "oneOf": [
            {"enum": ["simple", "regex", "jsonpath", "xpath"]},
            {"$ref": "#/$defs/criterion-expression-type-object"},
        ]
    }
    defs["payload-replacement-object"]["properties"]["value"] = {}
    defs["reusable-object"].pop("unevaluatedProperties", None)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, {"uniqueItems": _unique_items})(arazzo_schema())


def _unique_items(validator: Any, unique: bool, instance: Any, schema: Any) -> Iterator[Any]:
    """``uniqueItems`` in linear time: jsonschema compares every pair of unhashable items, so a document of a
    few thousand steps took minutes to validate. Items are compared by a hashable copy with JSON's equality."""
    from jsonschema import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[Any] = set()
    for item in instance:
        key = _hashable(item)
        if key in seen:
            yield ValidationError(f"{_short_repr(instance)} has non-unique elements")
            return
        seen.add(key)


def _hashable(value: Any) -> Any:
    """A hashable stand-in equal for equal JSON values (``1 == 1.0``, ``true != 1``, key order ignored)."""
    if isinstance(value, dict):
        return ("object", frozenset((key, _hashable(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_hashable(item) for item in value))
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    return ("value", value)


def _short_repr(instance: Any) -> str:
    text = repr(instance)
    return text if len(text) <= 80 else text[:77] + "..."


def schema_diagnostics(document: SourceDocument) -> Iterator[Diagnostic]:
    """Every JSON Schema violation of an Arazzo document, as diagnostics with locations."""
    from jsonschema.exceptions import best_match

    for error in _validator().iter_errors(document.data):
        if error.validator == "oneOf" and _STEP_POINTER.match(_pointer(error)):
            continue  # several or no step targets: the semantic rule step-target says it better
        leaf = best_match(_relevant(error)) if error.context else error
        # best_match sometimes climbs back to a shallower error; keep the deeper of the two.
        if len(leaf.absolute_path) < len(error.absolute_path):
            leaf = error
        pointer = _pointer(leaf)
        yield Diagnostic("error", _rule(leaf, pointer), _message(leaf), document.location(pointer))


_STEP_POINTER = re.compile(r"^/workflows/\d+/steps/\d+$")


def _pointer(error: Any) -> str:
    return pointer.join(str(part) for part in error.absolute_path)


def _relevant(error: Any) -> list[Any]:
    """Context errors of the branch the author most likely meant.

    Action and parameter lists accept an inline object or a Reusable Object; an inline object that is
    wrong should be told what is wrong with it, not that it lacks ``reference``.
    """
    instance = error.instance
    errors = list(error.context)
    if isinstance(instance, dict) and "reference" not in instance:
        kept = [e for e in errors if not (e.validator == "required" and "'reference'" in e.message)]
        return kept or errors
    return errors


def _rule(error: Any, pointer: str) -> str:
    parts = pointer.split("/")
    if len(parts) > 3 and parts[1] == "workflows" and parts[3] == "inputs":
        return "invalid-inputs-schema"
    return f"schema-{str(error.validator).lower()}"


def _message(error: Any) -> str:
    where = "/".join(str(p) for p in error.absolute_path)
    text = str(error.message)
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{text} (at {where or 'the document root'})"

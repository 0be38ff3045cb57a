"""The official Arazzo 1.0 and 1.1 JSON Schemas, bundled, with their known bugs relaxed (ENGINE-CHECKLIST.md §11).

The files in ``schemas/`` are the published 2024-08-01 schema for 1.0 and the specification's 1.1 schema, unchanged
(Apache-2.0, see ``schemas/NOTICE``); a document is checked against the schema of its ``arazzo`` version. The
relaxations are applied here, in code, so each one is visible and named. For 1.0:

(a) a ``retry`` failure action requires neither ``retryAfter`` nor a target (spec #342, fixed by PR #348);
(b) a Criterion ``type`` may be a Criterion Expression Type Object (the schema's ``anyOf`` rejects it), and
    ``context`` is required for regex/jsonpath/xpath only (PR #499) — checked semantically;
(c) ``replacements[].value`` may be any JSON value (spec: Any);
(e) a Reusable Object may carry extra properties, which the spec says MUST be ignored.

(d) — output values typed ``string`` — is kept: the spec defines outputs as runtime expressions.

For 1.1, (e) as well, and:

(f) a Parameter Object's ``value`` may be an object (the spec: "Any | {expression} | Selector Object"; the
    schema's type list forgets ``object``, and an object value would match both branches of its ``oneOf``);
(g) ``replacements[].value`` may be any JSON value, as (c) for 1.0 (the spec: "Any | {expression} | Selector
    Object"; the schema allows only a string or a Selector Object, refusing its own example ``value: 10``);
(h) a Success or Failure Action's ``parameters`` are checked as the list of Parameter or Reusable Objects the spec
    says they are (the schema accepts any item), and "``parameters`` needs a ``workflowId``" is left to the rule
    action-parameters-without-workflow, which says so at the field (the schema's complaint comes out of the
    action-or-reference ``oneOf`` as "'reference' is a required property").
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
SCHEMA_FILE_1_1 = "arazzo-1.1-dev.json"


@lru_cache(maxsize=2)
def arazzo_schema(version: str = "1.0") -> dict[str, Any]:
    """The relaxed Arazzo schema of ``version`` (``"1.0"`` or ``"1.1"``) as a dict."""
    name = SCHEMA_FILE_1_1 if version == "1.1" else SCHEMA_FILE
    text = resources.files("arazzo_runner").joinpath("schemas", name).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return _relax_1_1(schema) if version == "1.1" else _relax(schema)


def _relax_1_1(original: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(original)
    defs = schema["$defs"]
    defs["reusable-object"].pop("unevaluatedProperties", None)
    value = defs["parameter-object"]["properties"]["value"]
    value["oneOf"][0]["type"] = [*value["oneOf"][0]["type"], "object"]
    # A Selector Object is an object too: the two branches would both match it, so "oneOf" becomes "anyOf".
    value["anyOf"] = value.pop("oneOf")
    defs["payload-replacement-object"]["properties"]["value"] = {}
    for name in ("success-action-object", "failure-action-object"):
        action = defs[name]
        action["properties"]["parameters"]["items"] = {
            "oneOf": [{"$ref": "#/$defs/parameter-object"}, {"$ref": "#/$defs/reusable-object"}]}
        action["allOf"] = [rule for rule in action["allOf"] if rule.get("if", {}).get("required") != ["parameters"]]
    return schema


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


@lru_cache(maxsize=2)
def _validator(version: str = "1.0") -> Any:
    from jsonschema import Draft202012Validator, validators

    # jsonschema compares every pair of items for ``uniqueItems`` (quadratic: 8,000 steps took half a minute);
    # hashing a canonical form of each item keeps it linear with the same notion of equality.
    checked = validators.extend(Draft202012Validator, {"uniqueItems": _unique_items})
    return checked(arazzo_schema(version))


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: dict[Any, int] = {}
    for index, item in enumerate(instance):
        first = seen.setdefault(_canonical(item), index)
        if first != index:  # placed at the repeat, and said without echoing the (possibly huge) array
            yield ValidationError(f"item {index} repeats item {first}: the items must be unique", path=[index])
            return


def _canonical(value: Any) -> Any:
    """A hashable form of a JSON value under JSON Schema equality: ``1 == 1.0``, ``true != 1``, key order
    ignored. Depth is bounded by the loader's nesting limit."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)  # Python already hashes 1 and 1.0 alike
    if isinstance(value, dict):
        return ("object", frozenset((key, _canonical(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_canonical(item) for item in value))
    return (type(value).__name__, value)


def _valid_fast(data: Any, version: str) -> bool:
    """Whether jsonschema-rs finds the document valid: most documents are, and it decides in a fraction of the
    time the pure-Python validator takes (whose import alone costs a third of a cold ``validate``). Only a
    document it refuses, or cannot take (an integer past 64 bits, a non-string key), goes on to jsonschema, whose
    errors the diagnostics are made of; a test keeps the two engines agreeing on every reference document."""
    engine = _fast_validator(version)
    try:
        return engine is not None and bool(engine.is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


@lru_cache(maxsize=2)
def _fast_validator(version: str) -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # a platform without its wheel: the pure-Python validator alone is slower, not wrong
        return None
    # No formats asserted (as the pure-Python validator without a format checker); every reference is internal.
    return jsonschema_rs.Draft202012Validator(arazzo_schema(version), validate_formats=False)


def schema_diagnostics(document: SourceDocument, version: str = "1.0") -> Iterator[Diagnostic]:
    """Every JSON Schema violation of an Arazzo document, as diagnostics with locations, against the schema of
    ``version``."""
    if _valid_fast(document.data, version):
        return
    from jsonschema.exceptions import best_match

    for error in _validator(version).iter_errors(document.data):
        if error.validator == "oneOf" and _STEP_POINTER.match(_pointer(error)):
            # Several or no step targets: the semantic rule step-target says it better. In 1.1 a step is one
            # of three kinds, so what is wrong inside the kind the step means is said as well.
            if version == "1.1":
                for leaf in _step_kind_errors(error):
                    pointer = _pointer(leaf)
                    yield Diagnostic("error", _rule(leaf, pointer), _message(leaf), document.location(pointer))
            continue
        leaf = best_match(_relevant(error)) if error.context else error
        # best_match sometimes climbs back to a shallower error; keep the deeper of the two.
        if len(leaf.absolute_path) < len(error.absolute_path):
            leaf = error
        pointer = _pointer(leaf)
        yield Diagnostic("error", _rule(leaf, pointer), _message(leaf), document.location(pointer))


_STEP_POINTER = re.compile(r"^/workflows/\d+/steps/\d+$")
_TARGETS = ("operationId", "operationPath", "channelPath", "workflowId")


def _step_kind_errors(error: Any) -> list[Any]:
    """The errors of a 1.1 step under the branch of ``step-object`` it means (openapi, asyncapi, workflow),
    leaving out which target it names (step-target's job)."""
    step = error.instance if isinstance(error.instance, dict) else {}
    meant = 2 if "workflowId" in step else 1 if ("channelPath" in step or "action" in step) else 0
    found: list[Any] = []
    pending = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == meant]
    while pending:
        current = pending.pop()
        if current.validator in ("oneOf", "allOf", "anyOf") and current.context:
            pending.extend(_relevant(current))  # an inline action or parameter is not told it lacks 'reference'
            continue
        if current.validator in ("if", "oneOf") or (
                current.validator == "required" and any(f"'{t}'" in current.message for t in _TARGETS)):
            continue  # a branch's condition, or which target the step names: not the author's mistake itself
        found.append(current)
    step_at = _pointer(error)
    deeper = [e for e in found if _pointer(e) != step_at or e.validator != "unevaluatedProperties"]
    # When something inside the step is wrong, the step's "unevaluated properties" is only its echo.
    kept = deeper if len(deeper) < len(found) and deeper else found
    unique = {(_pointer(e), e.validator): e for e in kept}
    return sorted(unique.values(), key=lambda e: (_pointer(e), e.message))


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

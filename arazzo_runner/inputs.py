"""Workflow inputs: validate them against the workflow's ``inputs`` JSON Schema and apply its defaults."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from arazzo_runner.errors import InputError, InputProblem
from arazzo_runner.model import Workflow
from arazzo_runner.sources import BoundDocument


def prepare_inputs(bound: BoundDocument, workflow: Workflow, supplied: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a workflow runs with: ``supplied`` plus schema defaults, validated.

    ``$ref``s in the schema resolve inside the Arazzo document (``#/components/inputs/...``). Every violation
    is reported at once, each named by the input it concerns; nothing is sent when any is found.
    """
    schema = workflow.inputs
    inputs = copy.deepcopy(dict(supplied))
    if not isinstance(schema, dict):
        return inputs
    resolved = _resolve(bound, schema)
    for name, spec in (resolved.get("properties") or {}).items():
        spec = _resolve(bound, spec) if isinstance(spec, dict) else spec
        if name not in inputs and isinstance(spec, dict) and "default" in spec:
            inputs[name] = copy.deepcopy(spec["default"])
    problems = [
        InputProblem(_input_name(error), _message(error))
        for error in sorted(_validator(bound, workflow).iter_errors(inputs), key=lambda e: list(e.absolute_path))
    ]
    if problems:
        raise InputError(workflow.workflow_id, problems)
    return inputs


def declared_inputs(bound: BoundDocument, workflow: Workflow) -> set[str] | None:
    """The input names the workflow's schema declares, or ``None`` when it declares no properties."""
    schema = workflow.inputs
    if not isinstance(schema, dict):
        return None
    properties = _resolve(bound, schema).get("properties")
    return set(properties) if isinstance(properties, dict) else None


def _resolve(bound: BoundDocument, schema: dict[str, Any]) -> dict[str, Any]:
    """Follow a top-level local ``$ref`` (``#/components/inputs/x``) far enough to read properties/defaults."""
    from arazzo_runner.openapi import pointer_get

    seen = 0
    while isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#") and seen < 16:
        target = pointer_get(bound.document.document.data, schema["$ref"][1:], schema["$ref"])
        if not isinstance(target, dict):
            break
        schema = target
        seen += 1
    return schema


def _validator(bound: BoundDocument, workflow: Workflow) -> Any:
    key = ("inputs-validator", workflow.pointer)
    validator = bound.cache.get(key)
    if validator is None:
        validator = bound.cache[key] = _build_validator(bound, workflow)
    return validator


def _build_validator(bound: BoundDocument, workflow: Workflow) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    url = bound.url
    resource = Resource.from_contents(bound.document.document.data, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(url, resource)
    # Validate through a reference to the schema's place in the document, so that relative `$ref`s
    # such as `#/components/inputs/pagination` resolve against the Arazzo document itself.
    return Draft202012Validator({"$ref": f"{url}#{workflow.pointer}/inputs"}, registry=registry)


def _input_name(error: Any) -> str:
    path = list(error.absolute_path)
    if path:
        return ".".join(str(p) for p in path)
    if error.validator == "required":
        return str(error.message).split("'")[1] if "'" in error.message else ""
    return ""


def _message(error: Any) -> str:
    if error.validator == "required":
        return "is required but was not supplied"
    return str(error.message)

"""What each Arazzo version allows: a 1.1 field in a 1.0 document is named as such (not as a bare schema
complaint), so the author learns that ``arazzo: 1.1.0`` is what the document needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from arazzo_runner.errors import Diagnostic
from arazzo_runner.loader import SourceDocument
from arazzo_runner.pointer import child

RULE = "arazzo-1.1-field"

_STEP_FIELDS = ("timeout", "dependsOn", "channelPath", "correlationId", "action")
_ACTION_LISTS = ("onSuccess", "onFailure", "successActions", "failureActions")


def newer_fields(document: SourceDocument) -> Iterator[Diagnostic]:
    """Each Arazzo 1.1 construct used in a 1.0 document, at its place."""
    data = document.data
    if not isinstance(data, dict):
        return
    if "$self" in data:
        yield _found(document, "/$self", "'$self'")
    components = data.get("components")
    if isinstance(components, dict):
        yield from _components(document, components)
    for w, workflow in _objects(data.get("workflows")):
        at = child("/workflows", str(w))
        yield from _outputs(document, at, workflow)
        yield from _actions(document, at, workflow)
        for p, parameter in _objects(workflow.get("parameters")):
            yield from _querystring(document, child(at, "parameters", str(p)), parameter)
        for s, step in _objects(workflow.get("steps")):
            step_at = child(at, "steps", str(s))
            for name in _STEP_FIELDS:
                if name in step:
                    yield _found(document, child(step_at, name), f"step field '{name}'")
            yield from _outputs(document, step_at, step)
            yield from _actions(document, step_at, step)
            for p, parameter in _objects(step.get("parameters")):
                yield from _querystring(document, child(step_at, "parameters", str(p)), parameter)
                if _is_selector(parameter.get("value")):
                    yield _found(document, child(step_at, "parameters", str(p), "value"),
                                 "a Selector Object as a parameter value")
            body = step.get("requestBody")
            for r, replacement in _objects(body.get("replacements") if isinstance(body, dict) else None):
                if "targetSelectorType" in replacement:
                    yield _found(document, child(step_at, "requestBody", "replacements", str(r),
                                                 "targetSelectorType"), "'targetSelectorType'")


def _components(document: SourceDocument, components: dict[str, Any]) -> Iterator[Diagnostic]:
    """1.1 constructs in reusable components: a querystring parameter, actions with parameters."""
    parameters = components.get("parameters")
    for name, parameter in parameters.items() if isinstance(parameters, dict) else ():
        if isinstance(parameter, dict):
            yield from _querystring(document, child("/components", "parameters", str(name)), parameter)
    for key in ("successActions", "failureActions"):
        actions = components.get(key)
        for name, action in actions.items() if isinstance(actions, dict) else ():
            if isinstance(action, dict) and "parameters" in action:
                yield _found(document, child("/components", key, str(name), "parameters"), "action 'parameters'")


def _querystring(document: SourceDocument, at: str, parameter: dict[str, Any]) -> Iterator[Diagnostic]:
    if parameter.get("in") == "querystring":
        yield _found(document, child(at, "in"), "'in: querystring'")


def _outputs(document: SourceDocument, at: str, owner: dict[str, Any]) -> Iterator[Diagnostic]:
    outputs = owner.get("outputs")
    for name, value in outputs.items() if isinstance(outputs, dict) else ():
        if _is_selector(value):
            yield _found(document, child(at, "outputs", str(name)), "a Selector Object as an output value")


def _actions(document: SourceDocument, at: str, owner: dict[str, Any]) -> Iterator[Diagnostic]:
    for key in _ACTION_LISTS:
        for a, action in _objects(owner.get(key)):
            if "parameters" in action:
                yield _found(document, child(at, key, str(a), "parameters"), "action 'parameters'")


def _found(document: SourceDocument, pointer: str, what: str) -> Diagnostic:
    return Diagnostic("error", RULE, f"{what} is Arazzo 1.1; this document declares 1.0 (write 'arazzo: 1.1.0' "
                                     "to use it)", document.location(pointer))


def _is_selector(value: Any) -> bool:
    return isinstance(value, dict) and "selector" in value and "context" in value


def _objects(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, dict):
            yield index, item

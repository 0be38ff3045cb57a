"""What a step or an action names, found the way the specification words it.

* ``operationId``: plain (unique across the OpenAPI sources), or ``$sourceDescriptions.<name>.<operationId>``;
* ``operationPath``: ``{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>`` (an Operation, not
  a Path Item);
* ``workflowId``: a workflow of the same document, or ``$sourceDescriptions.<name>.<workflowId>``.

Each function raises :class:`ResolutionError` whose ``rule`` is the diagnostic rule id. A reference that may
live in a source that failed to load gets the rule ``source-unavailable``: that failure is reported once, at
the source description, not again at every step.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from arazzo_runner import pointer
from arazzo_runner.errors import ResolutionError
from arazzo_runner.model import Workflow
from arazzo_runner.sources import BoundDocument, Bundle, OpenAPISource, Operation

SOURCE_PREFIX = "$sourceDescriptions."
_OPERATION_PATH = re.compile(r"^\{\$sourceDescriptions\.([^.{}]+)\.url\}(?:#(.*))?$", re.S)


def operation_by_id(bundle: Bundle, bound: BoundDocument, reference: str) -> Operation:
    """Resolve a step's ``operationId``."""
    if reference.startswith(SOURCE_PREFIX):
        name, _, operation_id = reference[len(SOURCE_PREFIX):].partition(".")
        operation = openapi_source(bound, name).by_operation_id(operation_id)
        if operation is None:
            raise ResolutionError(
                f"operationId '{operation_id}' not found in source description '{name}'", "unknown-operation-id")
        return operation
    found = [op for source in bound.openapi.values() if (op := source.by_operation_id(reference))]
    if not found and bound.unloaded():
        raise ResolutionError(f"operationId '{reference}' not found; source description(s) "
                              f"{', '.join(bound.unloaded())} could not be loaded", "source-unavailable")
    if not found:
        searched = ", ".join(bound.openapi) or "no loaded OpenAPI source"
        raise ResolutionError(f"operationId '{reference}' not found (searched: {searched})", "unknown-operation-id")
    if len(found) > 1:
        names = ", ".join(op.source_name for op in found)
        raise ResolutionError(
            f"operationId '{reference}' is ambiguous: it exists in {names}; qualify it as "
            f"'$sourceDescriptions.<name>.{reference}'", "ambiguous-operation-id")
    return found[0]


def operation_by_path(bundle: Bundle, bound: BoundDocument, reference: str) -> Operation:
    """Resolve a step's ``operationPath``."""
    match = _OPERATION_PATH.match(reference)
    if match is None:
        raise ResolutionError(
            f"operationPath '{reference}' must have the form "
            "'{$sourceDescriptions.<name>.url}#/paths/<escaped path>/<method>'", "invalid-operation-path")
    source = openapi_source(bound, match.group(1))
    try:
        tokens = pointer.parse(unquote(match.group(2) or ""))
    except ResolutionError as exc:
        raise ResolutionError(f"operationPath '{reference}': {exc.message}", "invalid-operation-path") from exc
    operation = source.by_pointer(pointer.join(tokens))
    if operation is None:
        what = "a Path Item, not an Operation" if len(tokens) == 2 and tokens[0] == "paths" else "no operation"
        raise ResolutionError(
            f"operationPath '{reference}' points at {what} in source description '{source.name}'",
            "unknown-operation-path")
    return operation


def workflow(bundle: Bundle, bound: BoundDocument, reference: str) -> tuple[BoundDocument, Workflow]:
    """Resolve a workflow reference of a step, an action or ``dependsOn``."""
    if reference.startswith(SOURCE_PREFIX):
        name, _, workflow_id = reference[len(SOURCE_PREFIX):].partition(".")
        if name in bound.openapi:
            raise ResolutionError(
                f"'{reference}' names an OpenAPI source description; workflows live in arazzo sources",
                "unknown-workflow-id")
        child = bundle.arazzo_source(bound, name)
        if child is None:
            raise _unknown_source(bound, name)
        found = child.document.workflow(workflow_id)
        if found is None:
            raise ResolutionError(f"workflowId '{workflow_id}' not found in source description '{name}'",
                                  "unknown-workflow-id")
        return child, found
    if reference.startswith("$"):
        raise ResolutionError(
            f"workflow reference '{reference}' is neither a workflowId nor "
            "'$sourceDescriptions.<name>.<workflowId>'", "unknown-workflow-id")
    found = bound.document.workflow(reference)
    if found is None:
        raise ResolutionError(f"workflowId '{reference}' not found in {bound.document.document.name}",
                              "unknown-workflow-id")
    return bound, found


def openapi_source(bound: BoundDocument, name: str) -> OpenAPISource:
    """The OpenAPI source description ``name`` of ``bound``."""
    if name in bound.openapi:
        return bound.openapi[name]
    if name in bound.arazzo:
        raise ResolutionError(f"source description '{name}' is an arazzo document, not OpenAPI",
                              "unknown-source-description")
    raise _unknown_source(bound, name)


def _unknown_source(bound: BoundDocument, name: str) -> ResolutionError:
    if bound.document.source(name) is not None:  # declared but failed to load: reported at the source already
        return ResolutionError(f"source description '{name}' could not be loaded", "source-unavailable")
    return ResolutionError(f"no source description named '{name}'", "unknown-source-description")

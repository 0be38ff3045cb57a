"""Recipes for the big hostile documents: each is generated at test time from a few parameters in the table.

A recipe returns the document's bytes, or a :class:`Sparse` size for a file that only has to *look* big (a
sparse file of that size costs no disk and no time to write; the engine must refuse it before reading it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HEADER = """\
arazzo: 1.0.1
info:
  title: hostile
  version: 1.0.0
sourceDescriptions:
  - name: faults
    url: ./fault.openapi.json
    type: openapi
"""
"""Eight lines: generated YAML documents start their own content on line 9."""


@dataclass(frozen=True)
class Sparse:
    """A file of ``size`` bytes that holds nothing (written with ``truncate``)."""

    size: int


def _workflow(steps: list[dict[str, Any]], workflow_id: str = "w") -> dict[str, Any]:
    return {"workflowId": workflow_id, "steps": steps}


def _document(workflows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"arazzo": "1.0.1", "info": {"title": "hostile", "version": "1.0.0"},
            "sourceDescriptions": [{"name": "faults", "url": "./fault.openapi.json", "type": "openapi"}],
            "workflows": workflows}


def nested(format: str, depth: int, open: str = "[") -> bytes:  # noqa: A002 - the table's words
    """A document with one member nested ``depth`` deep: JSON, YAML flow, YAML ``- - -`` or YAML indentation."""
    close = {"[": "]", "{": "}"}[open]
    inner = "[]" if open == "[" else "{}"
    if format == "json":
        nest = (open + '"a": ') * depth if open == "{" else open * depth
        return ('{"arazzo": "1.0.1", "x-deep": ' + nest + inner + close * depth + "}").encode()
    if format == "yaml-flow":
        nest = (open + "a: ") * depth if open == "{" else open * depth
        return (HEADER + "x-deep: " + nest + inner + close * depth + "\n").encode()
    if format == "yaml-dashes":
        return (HEADER + "x-deep:\n  " + "- " * depth + "x\n").encode()
    if format == "yaml-indent":
        lines = [" " * level + "a:" for level in range(depth)]
        return (HEADER + "x-deep:\n" + "\n".join(" " + line for line in lines) + " 1\n").encode()
    raise ValueError(format)


def alias_bomb(levels: int = 9, width: int = 10) -> bytes:
    """The YAML "billion laughs": each anchor a list of ``width`` aliases of the one before."""
    lines = [HEADER.rstrip("\n"), 'x-l0: &l0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append(f"x-l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return ("\n".join(lines) + "\n").encode()


def big_int(format: str, digits: int = 5000) -> bytes:  # noqa: A002
    """A document whose ``x-n`` member is an integer of ``digits`` digits."""
    number = "7" * digits
    if format == "json":
        return ('{"arazzo": "1.0.1", "x-n": ' + number + "}").encode()
    return (HEADER + "x-n: " + number + "\n").encode()


def many_steps(count: int) -> bytes:
    """One workflow of ``count`` steps, each reading the output of the one before."""
    steps = []
    for index in range(count):
        step: dict[str, Any] = {"stepId": f"s{index}", "operationId": "callFault",
                                "parameters": [{"name": "fault", "in": "path", "value": "ok"}],
                                "outputs": {"o": "$statusCode"}}
        if index:
            step["successCriteria"] = [{"condition": f"$steps.s{index - 1}.outputs.o == 200"}]
        steps.append(step)
    return json.dumps(_document([_workflow(steps)])).encode()


def many_workflows(count: int) -> bytes:
    """``count`` workflows, each calling the next as a sub-workflow (a chain ``count`` deep)."""
    workflows = []
    for index in range(count):
        if index + 1 < count:
            step = {"stepId": "s", "workflowId": f"w{index + 1}"}
        else:
            step = {"stepId": "s", "operationId": "callFault",
                    "parameters": [{"name": "fault", "in": "path", "value": "ok"}]}
        workflows.append(_workflow([step], f"w{index}"))
    return json.dumps(_document(workflows)).encode()


def oversize(size: int) -> Sparse:
    """A file of ``size`` bytes (sparse)."""
    return Sparse(size)


def padded(size: int) -> bytes:
    """A valid document padded with a comment to ``size`` bytes."""
    body = HEADER + "workflows: []\n# "
    return (body + "x" * max(size - len(body) - 1, 0) + "\n").encode()


def deep_inputs(depth: int) -> bytes:
    """An inputs file: ``{"fault": [[[...]]]}`` nested ``depth`` deep."""
    return ('{"fault": ' + "[" * depth + "]" * depth + "}").encode()


def remote_source(path: str) -> bytes:
    """A document whose one source description is ``path`` on the fault server (``@SERVER@`` is filled in)."""
    document = _document([_workflow([{"stepId": "s", "operationId": "getOk"}])])
    document["sourceDescriptions"] = [{"name": "remote", "url": f"@SERVER@{path}", "type": "openapi"}]
    return json.dumps(document, indent=1).encode()


RECIPES: dict[str, Callable[..., bytes | Sparse]] = {
    "nested": nested, "alias-bomb": alias_bomb, "big-int": big_int, "many-steps": many_steps,
    "many-workflows": many_workflows, "oversize": oversize, "padded": padded, "deep-inputs": deep_inputs,
    "remote-source": remote_source,
}


def generate(recipe: dict[str, Any]) -> bytes | Sparse:
    """The document a table entry's ``generate`` mapping describes (``recipe`` names the function)."""
    arguments = dict(recipe)
    return RECIPES[arguments.pop("recipe")](**arguments)

"""Arazzo 1.1 step dependencies: what a step must wait for, and the order a workflow's steps run in.

A step depends on the steps its ``dependsOn`` names — ``stepId`` in the same workflow,
``$workflows.<workflowId>.steps.<stepId>`` in another workflow of the document,
``$sourceDescriptions.<name>.<workflowId>.steps.<stepId>`` in another document — and, implicitly, on every step
whose outputs it reads (``$steps.<id>.outputs...``), which 1.1 makes a dependency too.

Steps run in list order unless a dependency on a later step says otherwise: then the order is the list order
adjusted as little as possible (each step as early in the list as its dependencies allow), which satisfies
every dependency as 1.1 requires of a sequential tool. A cycle of local dependencies cannot be satisfied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from arazzo_runner.errors import ExpressionSyntaxError
from arazzo_runner.expressions import parse_condition, parse_expression, parse_template
from arazzo_runner.model import Step

_WORKFLOW_STEP = re.compile(r"^\$workflows\.([^.]+)\.steps\.([^.]+)$")
_SOURCE_STEP = re.compile(r"^\$sourceDescriptions\.([^.]+)\.([^.]+)\.steps\.([^.]+)$")


@dataclass(frozen=True)
class StepReference:
    """One ``dependsOn`` entry, read: a local step, or a step of another workflow (``source`` names the
    Arazzo source description for another document)."""

    written: str
    step_id: str
    workflow_id: str | None = None
    source: str | None = None

    @property
    def local(self) -> bool:
        return self.workflow_id is None


def read_reference(written: str) -> StepReference | None:
    """A ``dependsOn`` entry as a reference, or ``None`` when it has none of the three forms."""
    found = _SOURCE_STEP.match(written)
    if found is not None:
        return StepReference(written, found.group(3), found.group(2), found.group(1))
    found = _WORKFLOW_STEP.match(written)
    if found is not None:
        return StepReference(written, found.group(2), found.group(1))
    if written and not written.startswith("$"):
        return StepReference(written, written)
    return None


def read_steps(step: Step) -> set[str]:
    """The step ids whose outputs ``step`` reads anywhere (parameters, body, criteria, outputs): its implicit
    dependencies."""
    found: set[str] = set()
    for text in _texts(step):
        if "$steps." not in text:
            continue
        for expression in _expressions(text):
            if expression.kind == "steps" and expression.parts:
                found.add(expression.parts[0])
    return found


def execution_order(step_ids: Sequence[str], after: Sequence[set[str]]) -> tuple[list[int], list[str] | None]:
    """The order to run steps in — list order, moved only where a dependency on a later step needs it — and
    the steps of a dependency cycle, if there is one (then the order is the list order)."""
    index = {step_id: i for i, step_id in enumerate(step_ids)}
    needs = [{index[d] for d in deps if d in index and index[d] != i} for i, deps in enumerate(after)]
    placed: list[int] = []
    done: set[int] = set()
    while len(placed) < len(step_ids):
        ready = next((i for i in range(len(step_ids)) if i not in done and needs[i] <= done), None)
        if ready is None:
            left = [step_ids[i] for i in range(len(step_ids)) if i not in done]
            return list(range(len(step_ids))), left
        placed.append(ready)
        done.add(ready)
    return placed, None


def _texts(step: Step) -> Iterator[str]:
    pending: list[Any] = [dict(step.outputs)]
    pending.extend(p.value for p in step.parameters)
    if step.request_body is not None:
        pending.append(step.request_body.payload)
        pending.extend(r.value for r in step.request_body.replacements)
    for criterion in step.success_criteria:
        pending.extend([criterion.condition, criterion.context])
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            yield item


def _expressions(text: str) -> list[Any]:
    """The expressions in a string read as a whole expression, else a template, else a condition."""
    try:
        return [parse_expression(text)]
    except ExpressionSyntaxError:
        pass
    try:
        template = parse_template(text)
        if not template.is_literal:
            return list(template.expressions)
    except ExpressionSyntaxError:
        pass
    try:
        return list(parse_condition(text).expressions)
    except ExpressionSyntaxError:
        return []

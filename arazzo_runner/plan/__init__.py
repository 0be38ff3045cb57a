"""Planning: a resolved bundle compiled into a frozen plan, before any I/O.

* :mod:`~arazzo_runner.plan.values` — parameter values, payloads and outputs, compiled;
* :mod:`~arazzo_runner.plan.schemas` — validators for schemas at places in documents;
* :mod:`~arazzo_runner.plan.inputs` — a workflow's inputs schema and defaults;
* :mod:`~arazzo_runner.plan.responses` — response checks against the OpenAPI operation;
* :mod:`~arazzo_runner.plan.request` — an operation step's request, resolved against its operation;
* :mod:`~arazzo_runner.plan.build` — :func:`build_plan`;
* :mod:`~arazzo_runner.plan.scope` — which problems stop a run, and which workflow it runs.
"""

from __future__ import annotations

from arazzo_runner.plan.build import ActionPlan, Plan, StepPlan, WorkflowPlan, build_plan
from arazzo_runner.plan.inputs import InputsPlan
from arazzo_runner.plan.request import BodyPlan, ParameterPlan, RequestPlan
from arazzo_runner.plan.scope import blocking, select_workflow

__all__ = [
    "ActionPlan",
    "BodyPlan",
    "InputsPlan",
    "ParameterPlan",
    "Plan",
    "RequestPlan",
    "StepPlan",
    "WorkflowPlan",
    "blocking",
    "build_plan",
    "select_workflow",
]

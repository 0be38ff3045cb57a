"""Resolution: one pass over a bundle that finds what every reference names, and a graph of the workflows.

* :mod:`~arazzo_runner.resolve.targets` — operationId, operationPath and workflowId lookups;
* :mod:`~arazzo_runner.resolve.graph` — the workflow graph (cycles of calls, reachability);
* :mod:`~arazzo_runner.resolve.resolver` — :func:`resolve`: a :class:`Resolution` with results and problems.
"""

from __future__ import annotations

from arazzo_runner.resolve.graph import CALLS, Cycle, Edge, WorkflowGraph, WorkflowKey
from arazzo_runner.resolve.resolver import (
    Resolution,
    ResolvedAction,
    ResolvedStep,
    ResolvedWorkflow,
    resolve,
)

__all__ = [
    "CALLS",
    "Cycle",
    "Edge",
    "Resolution",
    "ResolvedAction",
    "ResolvedStep",
    "ResolvedWorkflow",
    "WorkflowGraph",
    "WorkflowKey",
    "resolve",
]

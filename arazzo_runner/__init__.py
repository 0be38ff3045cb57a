"""arazzo_runner: load, validate and execute Arazzo 1.0.x workflows.

The public surface is small and pinned by a test:

* :func:`load` / :func:`validate` — read a document (every problem, with file:line:column);
* :func:`run` / :func:`arun` / :class:`Runner` — execute a workflow over ``httpx``;
* :class:`RunResult` / :class:`StepResult` — what a run returns;
* the exception tree rooted at :class:`ArazzoError` (see :mod:`arazzo_runner.errors`).
"""

from __future__ import annotations

from arazzo_runner.documents import load, validate
from arazzo_runner.errors import (
    ArazzoError,
    Diagnostic,
    DocumentError,
    ExecutionError,
    ExpressionError,
    ExpressionSyntaxError,
    InputError,
    LoadError,
    Location,
    ResolutionError,
    UsageError,
)
from arazzo_runner.events import RunResult, StepResult
from arazzo_runner.runner import Runner, arun, run

__version__ = "0.1.0"

__all__ = [
    "ArazzoError",
    "Diagnostic",
    "DocumentError",
    "ExecutionError",
    "ExpressionError",
    "ExpressionSyntaxError",
    "InputError",
    "LoadError",
    "Location",
    "ResolutionError",
    "RunResult",
    "Runner",
    "StepResult",
    "UsageError",
    "arun",
    "load",
    "run",
    "validate",
]

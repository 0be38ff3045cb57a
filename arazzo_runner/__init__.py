"""arazzo_runner: load, validate and execute Arazzo 1.0.x workflows.

The public surface is small and pinned by a test:

* :func:`load` / :func:`validate` — read a document (every problem, with file:line:column);
* :func:`run` / :func:`arun` / :class:`Runner` — execute a workflow over ``httpx``;
* :class:`RunResult` / :class:`StepResult` — what a run returns;
* the exception tree rooted at :class:`ArazzoError` (see :mod:`arazzo_runner.errors`).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from arazzo_runner.documents import load, validate
    from arazzo_runner.events import RunResult, StepResult
    from arazzo_runner.runner import Runner, arun, run

# The engine's modules are imported on first use: `arazzo-runner validate` never needs the HTTP machinery,
# and a command-line tool's start-up time is felt on every call.
_LAZY = {
    "load": "arazzo_runner.documents",
    "validate": "arazzo_runner.documents",
    "RunResult": "arazzo_runner.events",
    "StepResult": "arazzo_runner.events",
    "Runner": "arazzo_runner.runner",
    "run": "arazzo_runner.runner",
    "arun": "arazzo_runner.runner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'arazzo_runner' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The package's own module type: the subpackage ``arazzo_runner.validate`` shares its name with the public
    function :func:`validate`, and importing a submodule sets it as an attribute of its package. Without this,
    ``arazzo_runner.validate`` would turn into the subpackage as soon as anything imported it (``Runner`` does)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "validate" and isinstance(value, types.ModuleType):
            return  # the subpackage stays reachable through sys.modules and ``from arazzo_runner.validate``
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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

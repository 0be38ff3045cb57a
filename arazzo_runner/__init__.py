"""arazzo_runner: load, validate and execute Arazzo 1.0.x workflows."""

from __future__ import annotations

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
    UsageError,
)

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
    "UsageError",
]

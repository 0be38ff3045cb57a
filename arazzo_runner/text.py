"""How values become text, and how HTTP names compare: one rule for every part of the engine.

Parameters, form fields, embedded ``{$expression}`` parts, regex criteria and XML replacements all write a
value as text the same way: JSON spellings (``true``, ``false``, ``null`` as empty), strings as they are, and
containers as compact JSON. Request bodies that must be JSON go through :func:`to_json`, which refuses what
JSON cannot hold instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from arazzo_runner.errors import ExecutionError


def to_text(value: Any) -> str:
    """``value`` as text: ``None`` is empty, booleans ``true``/``false``, strings as they are, numbers as JSON
    writes them, bytes as UTF-8 (undecodable bytes replaced), objects and arrays as compact JSON.

    Only an integer beyond Python's int-to-text digit limit cannot be written; that is an
    :class:`ExecutionError` (parsers refuse such numbers first, so it does not arise from documents).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if type(value) is int:
        return _integer(value)
    if isinstance(value, int | float):
        return _number(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_lenient)


def to_json(value: Any) -> str:
    """Compact JSON text; a value JSON cannot represent (NaN, a set, an object) is an :class:`ExecutionError`."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_strict)
    except (TypeError, ValueError) as exc:
        raise ExecutionError(f"value cannot be written as JSON: {exc}") from exc


def header_key(name: str) -> str:
    """The form in which header names compare: case-insensitively (RFC 9110 §5.1)."""
    return name.lower()


def _integer(value: int) -> str:
    try:
        return str(value)
    except ValueError as exc:  # beyond Python's int-to-text digit limit
        raise ExecutionError(f"a number too large to write as text: {exc}") from None


def _number(value: int | float) -> str:
    try:
        return json.dumps(value)
    except ValueError as exc:  # an integer beyond Python's int-to-text digit limit
        raise ExecutionError(f"a number too large to write as text: {exc}") from None


def _lenient(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def _strict(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")

"""Input sets read from data files: one run per row of a JSON Lines or CSV file (``--inputs-file``, pytest).

* JSON Lines (``.jsonl``, ``.ndjson``): one JSON object per line; blank lines are skipped.
* CSV (``.csv``): a header row of input names, then one row per run. Cells are text, so each is typed by the
  workflow's inputs schema: ``integer``, ``number`` and ``boolean`` (``true``/``false``, ``1``/``0``,
  ``yes``/``no``) are parsed, ``object`` and ``array`` cells are JSON, ``null`` is the word ``null``; an input
  the schema does not type is a string. An empty cell leaves the input out, so its default applies.

Rows are labelled ``row-1``, ``row-2``, ... in file order; every problem names the file, the line and, for CSV,
the column. Files are read whole but no larger than the document size limit.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import UsageError
from arazzo_runner.limits import DEFAULT_LIMITS

__all__ = ["DATA_SUFFIXES", "InputSet", "read_input_sets", "typed_cell"]

DATA_SUFFIXES = (".jsonl", ".ndjson", ".csv")
_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})


@dataclass(frozen=True)
class InputSet:
    """The inputs of one run and where they came from (``label`` is ``""`` for a lone set)."""

    label: str
    values: Mapping[str, Any]
    origin: str
    """``file:line`` of the row, or the file the set was read from."""


def read_input_sets(path: Path, types: Mapping[str, tuple[str, ...]] | None = None, *,
                    max_bytes: int = DEFAULT_LIMITS.max_document_bytes) -> list[InputSet]:
    """Every row of a JSON Lines or CSV file as an input set; raises :class:`UsageError` naming the place of a
    bad row (``rows.csv:4: column 'age': 'x' is not an integer``)."""
    text = _read(path, max_bytes)
    if path.suffix.lower() == ".csv":
        return _csv_sets(path, text, types or {})
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _jsonl_sets(path, text)
    raise UsageError(f"{path}: an inputs file is JSON Lines (.jsonl) or CSV (.csv), not '{path.suffix or path.name}'")


def typed_cell(text: str, types: tuple[str, ...]) -> Any:
    """A CSV cell as the value its declared JSON types ask for; raises ``ValueError`` saying why it is not."""
    if not types:
        return text
    for kind in types:  # the first declared type the text reads as wins; "string" always does
        value = _as(kind, text)
        if value is not _NO:
            return value
    raise ValueError(f"{text!r} is not {' or '.join(_ARTICLE.get(t, t) for t in types)}")


def _read(path: Path, max_bytes: int) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"cannot read inputs file {path}: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise UsageError(f"inputs file {path} is larger than {max_bytes} bytes (limit max_document_bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"inputs file {path} is not UTF-8 text (byte {exc.start})") from None


def _jsonl_sets(path: Path, text: str) -> list[InputSet]:
    sets: list[InputSet] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            raise UsageError(f"{path}:{number}: not valid JSON ({reason})") from None
        if not isinstance(row, dict):
            raise UsageError(f"{path}:{number}: a row must be a JSON object of input names to values")
        sets.append(InputSet(f"row-{len(sets) + 1}", MappingProxyType(row), f"{path}:{number}"))
    return sets


def _csv_sets(path: Path, text: str, types: Mapping[str, tuple[str, ...]]) -> list[InputSet]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return []
        names = [name.strip() for name in header]
        if any(not name for name in names) or len(set(names)) != len(names):
            raise UsageError(f"{path}:1: the header row needs distinct, non-empty input names")
        sets: list[InputSet] = []
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                raise UsageError(f"{path}:{line}: {len(row)} cells for {len(names)} columns")
            values: dict[str, Any] = {}
            for name, cell in zip(names, row, strict=True):
                if cell == "":
                    continue
                try:
                    values[name] = typed_cell(cell, types.get(name, ()))
                except ValueError as exc:
                    raise UsageError(f"{path}:{line}: column '{name}': {exc}") from None
            sets.append(InputSet(f"row-{len(sets) + 1}", MappingProxyType(values), f"{path}:{line}"))
        return sets
    except csv.Error as exc:
        raise UsageError(f"{path}:{reader.line_num}: not valid CSV ({exc})") from None


_NO = object()
_ARTICLE = {"integer": "an integer", "number": "a number", "boolean": "a boolean", "object": "a JSON object",
            "array": "a JSON array", "null": "null", "string": "a string"}


def _as(kind: str, text: str) -> Any:
    stripped = text.strip()
    if kind == "string":
        return text
    if kind == "integer":
        try:
            return int(stripped)
        except ValueError:
            return _NO
    if kind == "number":
        try:
            number = float(stripped)
        except ValueError:
            return _NO
        if not math.isfinite(number):  # JSON has no NaN or infinity
            return _NO
        return int(number) if number.is_integer() and "." not in stripped and "e" not in stripped.lower() else number
    if kind == "boolean":
        lowered = stripped.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else _NO
    if kind == "null":
        return None if stripped == "null" else _NO
    if kind in ("object", "array"):
        try:
            value = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            return _NO
        return value if isinstance(value, dict if kind == "object" else list) else _NO
    return _NO

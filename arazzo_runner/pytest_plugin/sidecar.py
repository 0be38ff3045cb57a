"""The input sets of a collected document, read from the sidecar file beside it.

For ``flows.arazzo.yaml`` the sidecar is ``flows.inputs.json``, ``flows.inputs.yaml`` or ``flows.inputs.yml``
(the document's name without ``.arazzo.yaml``, ``.arazzo.json``, ``.yaml`` or ``.json``, then ``.inputs.*``).
It maps workflow ids to what their runs get:

* an object: the inputs of one run;
* a list of objects: one run per object, labelled ``set-1``, ``set-2``, ... in list order (labels are not
  taken from a field: any field name may be a real input's);
* a string: a JSON Lines or CSV data file, relative to the sidecar, one run per row (``row-1``, ``row-2``,
  ...; CSV cells typed by the workflow's inputs schema, see :mod:`arazzo_runner.datasets`).

A workflow the sidecar does not name runs once without inputs. Every problem is an :class:`UsageError` that
names the file and line (``flows.inputs.yaml:4:3: ...``), the data file's row for a bad row.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import Any

from arazzo_runner.datasets import InputSet, read_input_sets
from arazzo_runner.errors import UsageError
from arazzo_runner.limits import Limits
from arazzo_runner.loader import SourceDocument, parse_document, to_url
from arazzo_runner.pointer import child

DOCUMENT_SUFFIXES = (".arazzo.yaml", ".arazzo.yml", ".arazzo.json", ".yaml", ".yml", ".json")
SIDECAR_SUFFIXES = (".inputs.json", ".inputs.yaml", ".inputs.yml")

Types = Callable[[str], Mapping[str, tuple[str, ...]]]
"""The JSON types of a workflow's inputs, by workflow id (for typing CSV cells)."""


def stem(name: str) -> str:
    """A document's file name without its document suffix (``flows`` for ``flows.arazzo.yaml``)."""
    lowered = name.lower()
    for suffix in DOCUMENT_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def sidecar_of(document: Path) -> Path | None:
    """The sidecar beside ``document``, if there is one; two of them are ambiguous, so an error."""
    base = stem(document.name)
    found = [document.with_name(base + suffix) for suffix in SIDECAR_SUFFIXES]
    found = [path for path in found if path.is_file()]
    if len(found) > 1:
        raise UsageError(f"{found[0].name} and {found[1].name} both give inputs for {document.name}: keep one")
    return found[0] if found else None


def input_sets(document: Path, workflow_ids: Sequence[str], types: Types, limits: Limits) -> dict[str, list[InputSet]]:
    """The input sets of each workflow the sidecar names (none when there is no sidecar)."""
    path = sidecar_of(document)
    if path is None:
        return {}
    sidecar = _parse(path, limits)
    data = sidecar.data
    if not isinstance(data, dict):
        raise UsageError("a sidecar maps workflow ids to inputs (an object, a list of objects or a data file)",
                         sidecar.location())
    sets = {}
    for workflow_id, value in data.items():
        where = child("", workflow_id)
        if workflow_id not in workflow_ids:
            raise UsageError(f"{document.name} has no workflow '{workflow_id}' (its workflows: "
                             f"{', '.join(workflow_ids) or 'none'})", sidecar.location(where))
        sets[workflow_id] = _sets(sidecar, path, where, value, partial(types, workflow_id), limits)
    return sets


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it lies below it: the name its row errors show."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if relative.startswith(os.pardir) else Path(relative)


def _parse(path: Path, limits: Limits) -> SourceDocument:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read inputs sidecar {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"inputs sidecar {path} is not UTF-8 text (byte {exc.start})") from None
    # parse_document raises LoadError with the line and column of a syntax error, within the document limits.
    return parse_document(text, to_url(path), limits)


def _sets(sidecar: SourceDocument, path: Path, where: str, value: Any,
          types: Callable[[], Mapping[str, tuple[str, ...]]], limits: Limits) -> list[InputSet]:
    origin = str(sidecar.location(where))
    if isinstance(value, dict):
        return [InputSet("", MappingProxyType(value), origin)]
    if isinstance(value, list):
        if not value:
            raise UsageError("an empty list of input sets (leave the workflow out to run it once without inputs)",
                             sidecar.location(where))
        sets = []
        for index, entry in enumerate(value):
            at = sidecar.location(child(where, str(index)))
            if not isinstance(entry, dict):
                raise UsageError("an input set is an object of input names to values", at)
            sets.append(InputSet(f"set-{index + 1}", MappingProxyType(entry), str(at)))
        return sets
    if isinstance(value, str) and value:
        data_file = _shown(path.parent / value)
        try:
            rows = read_input_sets(data_file, types(), max_bytes=limits.max_document_bytes)
        except UsageError as exc:
            raise UsageError(f"{exc.message} (the data file named at {origin})") from None
        if not rows:
            raise UsageError(f"data file {value} has no rows", sidecar.location(where))
        return rows
    raise UsageError("inputs are an object, a list of objects or the name of a JSON Lines or CSV file",
                     sidecar.location(where))

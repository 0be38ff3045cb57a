"""Shared by the broken-document tests: the common document header and the table entry they are written in.

Most documents start with :data:`HEADER` (7 lines: version, info and one OpenAPI source ``api`` on ``./api.yaml``),
so their ``workflows:`` key is on line 8. Column numbers are 1-based: in ``  - workflowId: main`` the key is at
column 5, in ``      - stepId: list`` at column 9, in ``          - name: limit`` at column 13.

Each ``test_broken_*`` module holds the :class:`Broken` entries of one family of rules; ``test_document_diagnostics``
checks the tables together and holds the documents that must stay clean.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from arazzo_runner.documents import validate
from tests.validate.support import PETS_OPENAPI, brief, write

HEADER = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: api
    url: ./api.yaml
"""

HEADER_1_1 = HEADER.replace("arazzo: 1.0.1", "arazzo: 1.1.0")
"""The same header for an Arazzo 1.1 document (the same 7 lines)."""

MIRROR_HEADER = """\
arazzo: 1.0.1
info:
  title: Pets
  version: 1.0.0
sourceDescriptions:
  - name: api
    url: ./api.yaml
  - name: mirror
    url: ./mirror.yaml
"""


def arazzo(body: str, header: str = HEADER) -> str:
    """A document made of ``header`` and a dedented ``body`` starting on the line after it."""
    return header + textwrap.dedent(body)


@dataclass(frozen=True)
class Broken:
    """A document that must produce exactly one diagnostic of ``rule`` at ``line:column``.

    ``also`` lists the rules of the other diagnostics the document legitimately produces as well (for instance
    the JSON Schema's own complaint next to the semantic rule that explains it better).
    """

    id: str
    document: str
    rule: str
    fragment: str | tuple[str, ...]
    line: int
    column: int
    severity: str = "error"
    also: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=lambda: {"api.yaml": PETS_OPENAPI})
    name: str = "doc.arazzo.yaml"


def assert_reported(tmp_path: Path, case: Broken) -> None:
    """Validate ``case`` in ``tmp_path``: one ``case.rule`` diagnostic as described, and only ``case.also`` besides."""
    diagnostics = validate(write(tmp_path, {case.name: case.document, **case.files}))

    matching = [d for d in diagnostics if d.rule == case.rule]
    assert len(matching) == 1, f"expected one {case.rule}, got {brief(diagnostics)}"
    found = matching[0]
    for fragment in (case.fragment,) if isinstance(case.fragment, str) else case.fragment:
        assert fragment in found.message, f"{fragment!r} not in {found.message!r}"
    position = (found.location.line, found.location.column)
    assert position == (case.line, case.column), f"at {position}, expected {(case.line, case.column)}: {found.message}"
    assert found.severity == case.severity, f"severity {found.severity!r}, expected {case.severity!r}"
    assert found.location.source.endswith(case.name), f"reported in {found.location.source}, expected {case.name}"
    others = sorted(d.rule for d in diagnostics if d is not found)
    assert others == sorted(case.also), brief(diagnostics)

"""Markdown of the suite: each section a heading, a line saying how it was measured, tables, notes.

Every table has a ``ratio`` column; its cells are ``1.23x`` (with ``(goal ...: met)`` where the issue set one),
or ``skipped`` with the reason in the row, so a reader and the tiny-mode test can tell a number from a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SKIPPED", "Section", "Table"]

SKIPPED = "skipped"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def add(self, *cells: str) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns: {cells}")
        self.rows.append(list(cells))

    def markdown(self) -> str:
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in self.rows]
        return "\n".join(lines)


@dataclass
class Section:
    title: str
    how: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    prose: str = ""
    """Explanation kept from earlier editions of BENCHMARKS.md (what moved the numbers), where still true."""

    def markdown(self) -> str:
        parts = [f"## {self.title}", self.how]
        parts += [table.markdown() for table in self.tables]
        if self.notes:
            parts.append("\n".join(f"- {note}" for note in self.notes))
        if self.prose:
            parts.append(self.prose.strip())
        return "\n\n".join(parts)

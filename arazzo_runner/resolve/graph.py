"""The workflow graph of a bundle: who calls, depends on, or hands over to whom.

One graph serves two questions. *Cycles* follow ``dependsOn`` and sub-workflow steps only: those are calls
that must return, so a cycle among them can never end. *Reachability* follows every edge, ``goto`` and
``retry`` targets too: a run of a workflow may execute anything reachable from it, and refuses to start when
any of that is broken.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from arazzo_runner.model import Field, Node

WorkflowKey = tuple[str, str]
"""A workflow's identity across documents: (document URL, workflowId)."""

EdgeKind = Literal["dependsOn", "step", "goto", "retry"]
CALLS: frozenset[EdgeKind] = frozenset({"dependsOn", "step"})
"""The edges that must return to their source: a cycle of these is an error."""


@dataclass(frozen=True)
class Edge:
    """One reference from a workflow to another, and where it is written."""

    kind: EdgeKind
    source: WorkflowKey
    target: WorkflowKey
    node: Node
    field: Field


@dataclass(frozen=True)
class Cycle:
    """A cycle of calls: its members in order (starting at the smallest) and the edges that close it."""

    members: tuple[WorkflowKey, ...]
    edges: tuple[Edge, ...]

    @property
    def only_depends_on(self) -> bool:
        """Whether every edge of the cycle is a ``dependsOn`` entry."""
        return all(edge.kind == "dependsOn" for edge in self.edges)

    def chain(self) -> str:
        """``a -> b -> a``, by workflowId."""
        return " -> ".join(workflow_id for _, workflow_id in (*self.members, self.members[0]))


class WorkflowGraph:
    """Edges by source workflow, in the order they are written."""

    def __init__(self, edges: Sequence[Edge]) -> None:
        self.edges = tuple(edges)
        by_source: dict[WorkflowKey, list[Edge]] = {}
        for edge in self.edges:
            by_source.setdefault(edge.source, []).append(edge)
        self._out: Mapping[WorkflowKey, tuple[Edge, ...]] = {k: tuple(v) for k, v in by_source.items()}

    def out(self, key: WorkflowKey, kinds: frozenset[EdgeKind] | None = None) -> tuple[Edge, ...]:
        """The edges leaving ``key`` (of the given kinds)."""
        edges = self._out.get(key, ())
        return edges if kinds is None else tuple(e for e in edges if e.kind in kinds)

    def reachable(self, root: WorkflowKey) -> list[WorkflowKey]:
        """``root`` and every workflow reachable from it along any edge, in discovery order."""
        seen = {root: None}
        pending = [root]
        while pending:
            for edge in self.out(pending.pop()):
                if edge.target not in seen:
                    seen[edge.target] = None
                    pending.append(edge.target)
        return list(seen)

    def cycles(self, starts: Sequence[WorkflowKey]) -> Iterator[Cycle]:
        """Every distinct cycle of calls reachable from ``starts``, each once (iteratively: no recursion)."""
        done: set[WorkflowKey] = set()
        reported: set[frozenset[WorkflowKey]] = set()
        for start in starts:
            if start in done:
                continue
            # Depth-first with an explicit stack of (node, its remaining edges).
            path: list[WorkflowKey] = [start]
            via: list[Edge] = []
            stack: list[Iterator[Edge]] = [iter(self.out(start, CALLS))]
            while stack:
                edge = next(stack[-1], None)
                if edge is None:
                    stack.pop()
                    done.add(path.pop())
                    if via:
                        via.pop()
                    continue
                if edge.target in path:
                    index = path.index(edge.target)
                    members = frozenset(path[index:])
                    if members not in reported:
                        reported.add(members)
                        yield _cycle(path[index:], [*via[index:], edge])
                elif edge.target not in done:
                    path.append(edge.target)
                    via.append(edge)
                    stack.append(iter(self.out(edge.target, CALLS)))


def _cycle(ring: list[WorkflowKey], edges: list[Edge]) -> Cycle:
    # Start the chain at the smallest member so every report of one cycle uses the same words.
    start = ring.index(min(ring))
    return Cycle(tuple(ring[start:] + ring[:start]), tuple(edges))

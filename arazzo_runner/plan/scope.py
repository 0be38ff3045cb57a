"""What a run executes, and which problems stop it.

A run refuses a document whose problems touch the workflows it would execute (the selected one, its
prerequisites, sub-workflows, transfer and retry targets, transitively) or the document as a whole. Problems
confined to unrelated workflows of the same document do not stop it: fixture-style documents that keep
deliberately broken workflows next to good ones stay usable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from arazzo_runner.errors import Diagnostic, Hint, UsageError
from arazzo_runner.model import ArazzoDocument
from arazzo_runner.plan.build import WorkflowPlan


def select_workflow(document: ArazzoDocument, workflow_id: str | None) -> str:
    """The workflow to run: the one named, or the only one of the document."""
    ids = [w.workflow_id for w in document.workflows]
    if workflow_id is None:
        if len(ids) == 1:
            return ids[0]
        raise UsageError(f"the document has {len(ids)} workflows; choose one: {', '.join(ids)}",
                         hint=Hint("workflow", ", ".join(ids)))
    if workflow_id not in ids:
        raise UsageError(f"no workflow '{workflow_id}' in {document.document.name}; "
                         f"available: {', '.join(ids) or 'none'}")
    return workflow_id


def blocking(diagnostics: Iterable[Diagnostic], plans: Sequence[WorkflowPlan],
             documents: Iterable[str] = ()) -> list[Diagnostic]:
    """The errors that stop a run of ``plans``: any outside ``/workflows/N``, or inside one of them.

    ``documents`` (names as diagnostics show them) adds documents whose document-level errors count even
    before any workflow is planned.
    """
    scopes = {(plan.at.source, plan.at.pointer) for plan in plans}
    names = {plan.at.source for plan in plans} | set(documents)
    result = []
    for diagnostic in diagnostics:
        if diagnostic.severity != "error":
            continue
        source, pointer = diagnostic.location.source, diagnostic.location.pointer
        parts = pointer.split("/")
        if len(parts) >= 3 and parts[1] == "workflows":
            if (source, f"/workflows/{parts[2]}") in scopes:
                result.append(diagnostic)
        elif source in names:
            result.append(diagnostic)
    return result

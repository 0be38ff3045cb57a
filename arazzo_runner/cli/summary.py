"""The end of a command with several runs: a table of every run and the totals (text), or one JSON document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from arazzo_runner.cli.report import settled
from arazzo_runner.cli.terminal import Paint
from arazzo_runner.redaction import Redactor

if TYPE_CHECKING:
    from arazzo_runner.cli.session import Outcome

_KIND = {"succeeded": "ok", "failed": "fail", "ended": "warn", "not run": "fail", "skipped": "dim"}


def counts(outcomes: Sequence[Outcome]) -> Counter[str]:
    """How many runs ended in each status (``succeeded``, ``failed``, ``ended``, ``not run``, ``skipped``)."""
    return Counter(outcome.status for outcome in outcomes)


def summary_lines(outcomes: Sequence[Outcome], seconds: float, paint: Paint) -> list[str]:
    """The summary table: status, time and title of each run, the reason of each failure, then the totals."""
    width = max((len(o.status) for o in outcomes), default=6)
    lines = ["", "summary:"]
    for outcome in outcomes:
        result = outcome.result
        took = f"{result.duration_ms:.0f} ms" if result is not None else "-"
        title = outcome.spec.title(result.workflow_id if result is not None else None)
        status = paint(_KIND.get(outcome.status, ""), f"{outcome.status:<{width}}")
        lines.append(f"  {status}  {took:>9}  {title}")
        reason = _reason(outcome)
        if reason:
            lines.append(f"  {'':<{width}}  {'':>9}    {reason}")
    tally = counts(outcomes)
    parts = [f"{tally[name]} {name}" for name in ("succeeded", "failed", "ended", "not run", "skipped") if tally[name]]
    lines.append(f"{len(outcomes)} run{'s' * (len(outcomes) != 1)}: {', '.join(parts) or 'none'} in {seconds:.1f} s")
    return lines


def summary_json(outcomes: Sequence[Outcome], seconds: float, redact: Redactor) -> dict[str, Any]:
    """Every run and the totals: ``{"status", "summary", "runs": [...]}`` (results masked as in text)."""
    tally = counts(outcomes)
    runs = []
    for outcome in outcomes:
        result = outcome.result
        entry: dict[str, Any] = {
            "document": outcome.spec.document,
            "workflowId": result.workflow_id if result is not None else outcome.spec.workflow_id,
            "label": outcome.spec.label,
            "status": outcome.status,
            "result": None if result is None else _masked(result.to_json(), redact),
        }
        if outcome.not_run is not None:
            entry["notRun"] = {"reason": outcome.not_run.kind, **outcome.not_run.detail}
        runs.append(entry)
    return {
        "status": "succeeded" if outcomes and all(o.ok for o in outcomes) else "failed",
        "summary": {"runs": len(outcomes), "succeeded": tally["succeeded"], "failed": tally["failed"],
                    "ended": tally["ended"], "notRun": tally["not run"], "skipped": tally["skipped"],
                    "durationMs": round(seconds * 1000, 3)},
        "runs": runs,
    }


def _reason(outcome: Outcome) -> str:
    if outcome.not_run is not None:
        return outcome.not_run.summary
    if outcome.result is not None and not outcome.ok:
        return settled(outcome.result).error or ""
    return ""


def _masked(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _masked(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, redact) for item in value]
    return value

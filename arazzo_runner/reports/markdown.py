"""A Markdown summary of workflow runs, for GitHub's job summary (``$GITHUB_STEP_SUMMARY``) and the like.

A table with one row per run (workflow, input set, status, steps, duration, failed step and reason), then
for each run a Mermaid ``flowchart`` of the path it actually took:

* a node per step executed, labelled with its last status (and ``×N`` when ``goto`` brought the run back to
  it N times), in the order first reached; a sub-workflow step names the workflow it called;
* an edge per transition, labelled with the action when it is not the default (``retry``, ``goto``,
  ``end``) and with a count when it was taken more than once; retries are self-loops (``retry ×2``);
* a transfer (``goto`` a workflow) continues in the target workflow's own start node; the final node tells
  how the run ended, or the engine error that stopped it.

Node ids are made from a counter and the step id's letters, digits and underscores only; labels are quoted
with Mermaid's entity codes for the characters that would end them. Every string is masked first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from arazzo_runner.events import ActionTaken, RunResult
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports.masking import Masking
from arazzo_runner.reports.record import RunRecord
from arazzo_runner.reports.timeline import Execution, WorkflowRun, failure, settled, timeline

ICONS = {"succeeded": "✅", "failed": "❌", "ended": "⏹️", "transferred": "↪️", "handled": "⚠️",
         "retried": "🔁", "interrupted": "⛔"}
CELL = 200
LABEL = 60

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_]")
_MERMAID = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "|": "#124;", "`": "#96;"}
_CLASSES = {"succeeded": "ok", "failed": "bad", "interrupted": "bad", "ended": "bad", "handled": "warn",
            "retried": "warn", "transferred": "ok"}


def markdown(records: Iterable[RunRecord], redact: Redactor) -> str:
    """The Markdown summary of ``records``, every string masked by ``redact``."""
    records = list(records)
    mask = Masking(redact, records)
    runs = [(record, timeline(record)) for record in records]
    lines = ["## Arazzo workflow runs", "",
             "| workflow | input set | status | steps | duration | failed step | reason |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for record, run in runs:
        final = settled(record.result)
        executions = [e for r in run.chain() for e in r.executions]
        finished = sum(1 for e in executions if e.result is not None)
        attempts = f"{len(executions)} attempt" + ("s" if len(executions) != 1 else "")
        steps = str(finished) if finished == len(executions) else f"{finished} ({attempts})"
        if any(x.mocked for e in executions for x in e.exchanges):
            steps += " (mocked)"
        cells = [record.workflow_id, record.label, _status(record.result), steps,
                 _duration(record.result.duration_ms), final.failed_step or "", _reason(run, final)]
        lines.append("| " + " | ".join(_cell(cell, mask) for cell in cells) + " |")
    for number, (record, run) in enumerate(runs, start=1):
        lines += ["", f"### {number}. {_cell(record.title, mask)}: {_cell(_status(record.result), mask)}", "",
                  f"Document: {_cell(record.document, mask)}", "", "```mermaid", *_flowchart(record, run, mask),
                  "```"]
    return "\n".join(lines) + "\n"


@dataclass
class _Node:
    id: str
    step_id: str
    visits: int = 0
    last: Execution | None = None


class _Chart:
    """Nodes and edges in the order first seen; repeated edges are counted, not drawn again."""

    def __init__(self, mask: Masking) -> None:
        self.mask = mask
        self.lines: list[str] = []
        self.nodes: dict[tuple[int, str], _Node] = {}
        self.edges: dict[tuple[str, str, str], int] = {}
        self.classes: dict[str, str] = {}

    def terminal(self, node_id: str, text: str, css: str) -> str:
        self.lines.append(f'  {node_id}(["{_label(text, self.mask)}"])')
        self.classes[node_id] = css
        return node_id

    def step(self, position: int, execution: Execution) -> str:
        node = self.nodes.get((position, execution.step_id))
        if node is None:
            node_id = f"w{position}_s{len(self.nodes) + 1}_{_NOT_ID.sub('_', execution.step_id)[:40]}"
            node = self.nodes[(position, execution.step_id)] = _Node(node_id, execution.step_id)
        node.visits += execution.attempt == 1
        node.last = execution
        return node.id

    def edge(self, source: str, target: str, label: str) -> None:
        key = (source, target, label)
        self.edges[key] = self.edges.get(key, 0) + 1

    def render(self) -> list[str]:
        lines = ["flowchart TD", *self.lines]
        for node in self.nodes.values():
            assert node.last is not None
            outcome = node.last.outcome
            text = f"{node.step_id}\n{ICONS[outcome]} {outcome}"
            code = node.last.exchange.status_code if node.last.exchange is not None else None
            if code is not None:
                text += f" · HTTP {code}"
            if node.visits > 1:
                text += f" · ×{node.visits}"
            if node.last.sub is not None:
                text += f"\ncalls {node.last.sub.workflow_id}"
            lines.append(f'  {node.id}["{_label(text, self.mask)}"]')
            self.classes[node.id] = _CLASSES[outcome]
        for (source, target, label), count in self.edges.items():
            shown = f"{label} ×{count}".strip() if count > 1 else label
            arrow = f'-->|"{_label(shown, self.mask)}"|' if shown else "-->"
            lines.append(f"  {source} {arrow} {target}")
        lines += ["  classDef ok fill:#dcfce7,stroke:#16a34a", "  classDef bad fill:#fee2e2,stroke:#dc2626",
                  "  classDef warn fill:#fef9c3,stroke:#ca8a04"]
        for css in ("ok", "bad", "warn"):
            members = [node_id for node_id, name in self.classes.items() if name == css]
            if members:
                lines.append(f"  class {','.join(members)} {css}")
        return lines


def _flowchart(record: RunRecord, run: WorkflowRun, mask: Masking) -> list[str]:
    chart = _Chart(mask)
    cursor = chart.terminal("w0_start", run.workflow_id, "ok")
    pending = ""
    for position, current in enumerate(run.chain()):
        if position:
            start = chart.terminal(f"w{position}_start", f"↪ {current.workflow_id}", "ok")
            chart.edge(cursor, start, pending or "goto")
            cursor, pending = start, ""
        for execution in current.executions:
            node = chart.step(position, execution)
            chart.edge(cursor, node, pending)
            cursor, pending = node, _transition(execution.action)
    final = settled(record.result)
    if final.status == "failed" and final.failed_step is None and final.error:
        ending = f"{ICONS['interrupted']} stopped: {final.error}"
    else:
        ending = f"{ICONS.get(final.status, '')} {final.status}"
    chart.edge(cursor, chart.terminal("done", ending, _CLASSES.get(final.status, "bad")), pending)
    return chart.render()


def _transition(action: ActionTaken | None) -> str:
    """The edge label for the action taken after an execution: nothing for the defaults."""
    if action is None or action.type in ("next", "break"):
        return ""
    return action.type


def _status(result: RunResult) -> str:
    final = settled(result)
    if final is result:
        return f"{ICONS.get(result.status, '')} {result.status}"
    return f"{ICONS['transferred']} transferred to {final.workflow_id}: {ICONS.get(final.status, '')} {final.status}"


def _reason(run: WorkflowRun, final: RunResult) -> str:
    for current in reversed(list(run.chain())):
        for execution in reversed(current.executions):
            if execution.outcome in ("failed", "interrupted"):
                return failure(execution).message if execution.outcome == "failed" else final.error or ""
    return final.error or ""


def _duration(milliseconds: float) -> str:
    return f"{milliseconds:.0f} ms" if milliseconds < 1000 else f"{milliseconds / 1000:.2f} s"


def _cell(text: str, mask: Masking) -> str:
    """A table cell: masked, on one line, cut, with what Markdown or HTML would interpret escaped."""
    shown = mask.text(_CONTROL.sub(" ", text))
    if len(shown) > CELL:
        shown = shown[: CELL - 1] + "…"
    return (shown.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("`", "\\`"))


def _label(text: str, mask: Masking) -> str:
    """A Mermaid label: masked, cut, entity-coded; line breaks become ``<br/>``."""
    lines = []
    for line in text.split("\n"):
        shown = mask.text(_CONTROL.sub(" ", line))
        if len(shown) > LABEL:
            shown = shown[: LABEL - 1] + "…"
        lines.append("".join(_MERMAID.get(char, char) for char in shown))
    return "<br/>".join(lines)

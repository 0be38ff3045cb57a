"""JUnit XML of workflow runs, as the test reporters of Jenkins, GitLab and GitHub Actions read it.

One ``<testsuite>`` per run (named after the workflow, with the input set's label in brackets) and one
``<testcase>`` per step execution, in the order they ran:

* ``classname`` is the document's stem and the workflow id (``flows.checkout``); steps of a sub-workflow,
  prerequisite or retry workflow add that workflow's id (``flows.checkout.pay``); a transfer target's steps
  are listed after the transferring workflow's, under the target's own id (``flows.refund``). JUnit has no
  nested test cases, so nesting shows in the class name only.
* A step executed more than once (retries, ``goto``) appears once per execution; the first keeps the step
  id as its name, later ones are named ``stepId (2)``, ``stepId (3)``, ... so every name is unique.
* ``<failure>`` marks the execution that failed the run (no action took over, or an ``end`` action): the
  failing criterion with its actual values, the request line, the status and a response excerpt. Attempts
  that were retried and failures an action took over pass, and say what happened in their ``<system-out>``.
* ``<error>`` marks an execution the run stopped during; a run that did not succeed without any failed or
  errored execution (a step budget exhausted, a prerequisite failed) gets one more test case, ``(workflow)``,
  with the run's error.
* The suite's ``<system-out>`` holds the run's outputs as JSON, its ``<system-err>`` the run's warnings, and
  its ``<properties>`` the document, the input set and the inputs.

``timestamp`` is the run's start in UTC without an offset (``2026-12-01T09:38:23``), the form the Ant schema
allows. ``skipped`` is always 0: a record holds the steps that ran, not those that did not. Every string is
masked, XML-escaped, and rid of the characters XML 1.0 cannot hold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from arazzo_runner.redaction import Redactor
from arazzo_runner.reports.masking import Masking
from arazzo_runner.reports.record import RunRecord
from arazzo_runner.reports.timeline import Execution, WorkflowRun, failure, reason_phrase, settled, timeline

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SUFFIXES = (".yaml", ".yml", ".json", ".arazzo")


def junit_xml(records: Iterable[RunRecord], redact: Redactor) -> str:
    """A JUnit XML document (``<testsuites>``) of ``records``, every string masked by ``redact``."""
    records = list(records)
    writer = _Writer(Masking(redact, records))
    root = Element("testsuites", {"name": "arazzo-runner"})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    duration = 0.0
    for index, record in enumerate(records):
        suite = writer.suite(record, index)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
        duration += record.result.duration_ms
    for key, count in totals.items():
        root.set(key, str(count))
    root.set("skipped", "0")
    root.set("time", _seconds(duration))
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n"


def document_stem(document: str) -> str:
    """The document's file name without its ``.arazzo.yaml``-like suffixes (``flows`` for ``a/flows.arazzo.json``
    or ``https://x.test/flows.arazzo.yaml``)."""
    try:
        path = unquote(urlsplit(document).path) if "://" in document else document
    except ValueError:
        path = document
    name = PurePosixPath(path.replace("\\", "/")).name or "document"
    while name.lower().endswith(_SUFFIXES) and len(name) > 1:
        name = name[: name.rindex(".")]
    return name


class _Writer:
    def __init__(self, mask: Masking) -> None:
        self.mask = mask

    def text(self, value: object) -> str:
        # Removed before masking, so that dropping a character cannot join the pieces of a secret.
        return self.mask.text(_NOT_XML.sub("", str(value)))

    def suite(self, record: RunRecord, index: int) -> Element:
        run = timeline(record)
        stem = document_stem(record.document)
        suite = Element("testsuite", {"name": self.text(record.title), "id": str(index)})
        properties = SubElement(suite, "properties")
        self._property(properties, "document", record.document)
        if record.label:
            self._property(properties, "label", record.label)
        for name, value in record.inputs.items():
            self._property(properties, f"input.{name}", json.dumps(self.mask.value(value), default=str))
        cases = list(self._cases(run, f"{stem}.{run.workflow_id}", stem, record))
        final = settled(record.result)
        if final.status != "succeeded" and not any(_bad(case) for case in cases):
            cases.append(self._workflow_error(record, f"{stem}.{run.workflow_id}"))
        suite.extend(cases)
        outputs = json.dumps(self.mask.value(dict(final.outputs)), indent=2, ensure_ascii=False, default=str)
        SubElement(suite, "system-out").text = self.text(outputs)
        warnings = [f"{w.workflow_id}: {w.message}" for r in run.chain() for w in r.warnings]
        SubElement(suite, "system-err").text = self.text("\n".join(warnings))
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
        suite.set("skipped", "0")
        suite.set("time", _seconds(record.result.duration_ms))
        suite.set("timestamp", datetime.fromtimestamp(record.started, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
        return suite

    def _property(self, properties: Element, name: str, value: str) -> None:
        SubElement(properties, "property", {"name": self.text(name), "value": self.text(value)})

    def _cases(self, run: WorkflowRun, classname: str, stem: str, record: RunRecord) -> Iterator[Element]:
        for item in run.items:
            if isinstance(item, WorkflowRun):
                yield from self._cases(item, f"{classname}.{item.workflow_id}", stem, record)
                continue
            yield self._case(item, classname, record)
            if item.sub is not None:
                yield from self._cases(item.sub, f"{classname}.{item.sub.workflow_id}", stem, record)
        if run.transfer is not None:
            yield from self._cases(run.transfer, f"{stem}.{run.transfer.workflow_id}", stem, record)

    def _case(self, execution: Execution, classname: str, record: RunRecord) -> Element:
        name = execution.step_id if execution.occurrence == 1 else f"{execution.step_id} ({execution.occurrence})"
        case = Element("testcase", {"name": self.text(name), "classname": self.text(classname),
                                    "time": _seconds(execution.elapsed_ms)})
        outcome = execution.outcome
        notes = []
        if outcome == "failed":
            found = failure(execution)
            element = SubElement(case, "failure", {"message": self.text(found.message), "type": found.kind})
            element.text = self.text("\n".join(self._details(execution)))
        elif outcome == "interrupted":
            error = settled(record.result).error or "the run stopped"
            SubElement(case, "error", {"message": self.text(f"the run stopped during this step: {error}"),
                                       "type": "interrupted"}).text = self.text("\n".join(self._details(execution)))
        elif outcome == "retried":
            action = execution.action
            notes.append(f"attempt {execution.attempt} was retried (action '{action.action if action else ''}')")
            notes.extend(f"not met: {c.actual or c.condition}" for c in execution.unmet)
            notes.extend(self._details(execution, criteria=False))
        elif outcome == "handled":
            action = execution.action
            taken = f" and was handled by {action.type} '{action.action}'" if action is not None else ""
            notes.append(f"failed: {failure(execution).message}{taken}")
            notes.extend(self._details(execution, criteria=False))
        notes.extend(f"warning: {warning.message}" for warning in execution.warnings)
        if any(exchange.mocked for exchange in execution.exchanges):
            notes.append("the response was mocked from the OpenAPI description (--mock)")
        if notes:
            SubElement(case, "system-out").text = self.text("\n".join(notes))
        return case

    def _details(self, execution: Execution, criteria: bool = True) -> list[str]:
        lines = []
        criterion = execution.failed_criterion if criteria else None
        if criterion is not None:
            lines.append(f"criterion: {criterion.condition}")
            if criterion.actual:
                lines.append(f"actual: {criterion.actual}")
        exchange = execution.exchange
        request = execution.result.request if execution.result is not None else None
        if exchange is not None:
            lines.append(f"request: {exchange.method} {self.mask.url(exchange.url)}")
        elif request is not None:
            lines.append(f"request: {request.method} {self.mask.url(request.url)}")
        if exchange is not None and exchange.response is not None and exchange.status_code is not None:
            lines.append(f"status: {exchange.status_code} {reason_phrase(exchange.status_code)}".rstrip())
            shown = self.mask.excerpt(exchange.response) if exchange.response.body_size else "(no body)"
            lines.append(f"response: {shown}")
        elif exchange is not None and exchange.error:
            lines.append(f"no response: {exchange.error}")
        error = execution.result.error if criteria and criterion is None and execution.result is not None else None
        if error and (exchange is None or error != exchange.error):
            lines.append(f"error: {error}")
        return lines

    def _workflow_error(self, record: RunRecord, classname: str) -> Element:
        final = settled(record.result)
        message = final.error or f"workflow {final.workflow_id} {final.status}"
        case = Element("testcase", {"name": "(workflow)", "classname": self.text(classname), "time": "0.000"})
        SubElement(case, "error", {"message": self.text(message), "type": "engine"}).text = self.text(message)
        return case


def _bad(case: Element) -> bool:
    return case.find("failure") is not None or case.find("error") is not None


def _seconds(milliseconds: float) -> str:
    return f"{max(milliseconds, 0.0) / 1000:.3f}"

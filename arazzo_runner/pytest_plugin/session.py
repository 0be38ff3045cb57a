"""The session's runs: each one recorded, kept for the reports, and written out once at the end.

Every run of the session (a collected workflow item, or a run through the ``arazzo_runner`` fixture) is
recorded with its own :class:`~arazzo_runner.reports.Recorder` and kept as a :class:`RunRecord` that carries
its own secrets (see :mod:`.recording`).

Under pytest-xdist each worker keeps its records and, when its session finishes, hands them to the controller
pickled in ``workeroutput`` (in memory, over xdist's channel: records hold unmasked requests, which must not
be left in a temporary file). The controller merges them in ``pytest_testnodedown`` and alone writes the
report files and the GitHub job summary, once, in the order the runs started.
"""

from __future__ import annotations

import copyreg
import io
import json
import os
import pickle
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from arazzo_runner.pytest_plugin.settings import Suite
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import RunRecord, har, json_report, junit_xml, markdown
from arazzo_runner.runner import Runner

WORKER_OUTPUT = "arazzo_records"
"""The ``workeroutput`` key a worker's pickled records travel under."""

SUMMARY = "GITHUB_STEP_SUMMARY"


class Session:
    """The runs of one pytest process, and the runner its collected items share."""

    def __init__(self, suite: Suite, *, worker: bool) -> None:
        self.suite = suite
        self.worker = worker
        self.records: list[RunRecord] = []
        self.documents = 0
        self.sources: set[str] = set()
        """The source description names of the documents collected."""
        self.written: list[tuple[str, Path]] = []
        self._runner: Runner | None = None

    @property
    def runner(self) -> Runner:
        """The runner of the collected items, built on first use (it caches each document's plan)."""
        if self._runner is None:
            self._runner = self.suite.runner()
        return self._runner

    @property
    def redactor(self) -> Redactor:
        """Masks the suite's credentials (records carry the rest of their secrets)."""
        return self.suite.credentials.redactor()

    def unknown_servers(self) -> list[str]:
        """The suite's server names that no collected document has as a source description: a misspelt name
        leaves its source on the description's own servers, which may be a real API."""
        return sorted(set(self.suite.servers) - self.sources) if self.documents else []

    def keep(self, record: RunRecord) -> None:
        """Keep a finished run for the reports."""
        self.records.append(record)

    def worker_output(self, output: dict[str, Any]) -> None:
        """Put this worker's records where the controller reads them."""
        output[WORKER_OUTPUT] = dumps(self.records)

    def merge(self, output: Mapping[str, Any]) -> None:
        """Take in the records a worker sent."""
        data = output.get(WORKER_OUTPUT)
        if isinstance(data, bytes):
            self.records.extend(loads(data))

    def finish(self) -> None:
        """Write every report asked for, and the GitHub job summary (not from an xdist worker)."""
        if self.worker:
            return
        records = sorted(self.records, key=lambda record: record.started)
        redact = self.redactor
        for kind, path in self.suite.reports.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(render(kind, records, redact), "utf-8")
            self.written.append((kind, path))
        summary = os.environ.get(SUMMARY)
        if summary and records:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(markdown(records, redact))


def render(kind: str, records: Sequence[RunRecord], redact: Redactor) -> str:
    """The text of one report."""
    if kind == "junit":
        return junit_xml(records, redact)
    if kind == "markdown":
        return markdown(records, redact)
    data = json_report(records, redact) if kind == "json" else har(records, redact)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _proxy(items: dict[str, Any]) -> MappingProxyType[str, Any]:
    return MappingProxyType(items)


def _reduce_proxy(value: MappingProxyType[str, Any]) -> tuple[Callable[..., Any], tuple[dict[str, Any]]]:
    return _proxy, (dict(value),)


def dumps(records: Sequence[RunRecord]) -> bytes:
    """Records as bytes. Results and events hold read-only mappings, which ``pickle`` cannot take as they
    are; this pickler writes them as dicts rebuilt into read-only mappings on loading."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}
    pickler.dump(list(records))
    return buffer.getvalue()


def loads(data: bytes) -> list[RunRecord]:
    """The records of :func:`dumps` (sent by this session's own workers, so trusted as pickles)."""
    records = pickle.loads(data)  # only ever written by a worker of this very session
    return [record for record in records if isinstance(record, RunRecord)]

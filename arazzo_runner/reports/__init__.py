"""CI reports of workflow runs: JUnit XML, HAR 1.2, Markdown (with Mermaid) and JSON.

Collect each run with a :class:`Recorder` attached as a listener, close it with :meth:`Recorder.record`, and
hand the :class:`RunRecord`\\ s to any writer together with the redactor of the run's secrets::

    recorder = Recorder()
    runner = Runner(transport=..., listeners=[recorder])
    result = runner.run("flows.arazzo.yaml", "checkout", inputs)
    record = recorder.record("flows.arazzo.yaml", "checkout", "", inputs, result)
    Path("junit.xml").write_text(junit_xml([record], runner.credentials.redactor()))

The writers are pure: they return a string or a dict and never touch files, the clock or the network. Every
string that leaves them is masked (see :mod:`arazzo_runner.reports.masking`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arazzo_runner.reports.har import har
    from arazzo_runner.reports.json_report import json_report
    from arazzo_runner.reports.junit import junit_xml
    from arazzo_runner.reports.markdown import markdown
    from arazzo_runner.reports.masking import ALWAYS_MASKED, Masking
    from arazzo_runner.reports.record import Recorder, RunRecord

__all__ = ["ALWAYS_MASKED", "Masking", "Recorder", "RunRecord", "har", "json_report", "junit_xml", "markdown"]

# Loaded on first use: a run that writes no report needs only the recorder, and the writers (the XML and
# Mermaid ones especially) would add to every command's start-up.
_HOMES = {"har": "har", "json_report": "json_report", "junit_xml": "junit", "markdown": "markdown",
          "ALWAYS_MASKED": "masking", "Masking": "masking", "Recorder": "record", "RunRecord": "record"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value

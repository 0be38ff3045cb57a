"""``--report-junit/json/har/markdown`` and ``$GITHUB_STEP_SUMMARY``: the reports package's writers, to files."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from arazzo_runner import reports
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import RunRecord


def write_reports(args: argparse.Namespace, records: Sequence[RunRecord], redact: Redactor,
                  environ: Mapping[str, str]) -> None:
    """Write every report the flags ask for; append the Markdown summary to ``$GITHUB_STEP_SUMMARY`` when set.
    Raises ``OSError`` when a file cannot be written. (Each writer is loaded when its report is asked for.)"""
    if args.report_junit:
        _write(args.report_junit, reports.junit_xml(records, redact))
    if args.report_json:
        _write(args.report_json, json.dumps(reports.json_report(records, redact), indent=2, default=str) + "\n")
    if args.report_har:
        _write(args.report_har, json.dumps(reports.har(records, redact), indent=2) + "\n")
    summary_file = environ.get("GITHUB_STEP_SUMMARY")
    if args.report_markdown or summary_file:
        text = reports.markdown(records, redact)
        if args.report_markdown:
            _write(args.report_markdown, text)
        if summary_file:
            with open(summary_file, "a", encoding="utf-8") as handle:  # GitHub collects what every step appends
                handle.write(text if text.endswith("\n") else text + "\n")


def _write(path: str, text: str) -> None:
    target = Path(path)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")

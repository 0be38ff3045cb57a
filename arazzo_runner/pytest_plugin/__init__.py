"""pytest integration: Arazzo documents collected as tests, a runner fixture, and CI reports of every run.

Registered through the ``pytest11`` entry point, so installing arazzo-runner makes it available:

* ``arazzo_files = workflows/*.arazzo.yaml`` in the ini file (or ``--arazzo-files GLOB``) collects each
  matching document as tests, one per workflow and input set (inputs from a sidecar file, see
  :mod:`.sidecar`); a failed run reads like a failed assertion (see :mod:`.explain`);
* the ``arazzo_runner`` fixture is a factory: ``arazzo_runner(servers=..., auth=..., transport=...)`` returns
  a :class:`~arazzo_runner.runner.Runner` whose runs are recorded; :func:`assert_succeeded` fails a test with
  the same explanation as a collected item's;
* ``--arazzo-server SOURCE=URL`` and ``--arazzo-auth SOURCE.SCHEME=VALUE`` (repeatable), ``--arazzo-limit``,
  ``--arazzo-strict`` and their ini twins (see :mod:`.settings`) apply to every run;
* ``--arazzo-report-junit|json|har|markdown FILE`` write the reports of every run of the session, once, also
  under pytest-xdist (see :mod:`.session`); with ``GITHUB_STEP_SUMMARY`` set the Markdown summary is appended
  to the job summary.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from arazzo_runner.events import RunResult
from arazzo_runner.http import CredentialStore
from arazzo_runner.pytest_plugin.explain import explain
from arazzo_runner.pytest_plugin.items import SESSION, DocumentFile
from arazzo_runner.pytest_plugin.recording import RECORDED, Recorded, RecordingRunner
from arazzo_runner.pytest_plugin.session import Session
from arazzo_runner.pytest_plugin.settings import add_options, read_suite
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import RunRecord
from arazzo_runner.runner import Runner

__all__ = ["assert_succeeded", "format_result"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's command-line and ini options."""
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Read the options once; a malformed one stops the session before collection."""
    config.stash[SESSION] = Session(read_suite(config), worker=hasattr(config, "workerinput"))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DocumentFile | None:
    """Collect the documents the globs match, and no other file."""
    if parent.config.stash[SESSION].suite.collects(file_path):
        return DocumentFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    """Warn about server names no collected document uses (runs ignore them, as one mapping serves all)."""
    state = session.config.stash[SESSION]
    unknown = state.unknown_servers()
    if unknown:
        warnings.warn(pytest.PytestConfigWarning(
            f"arazzo_servers / --arazzo-server name no source description of the collected documents: "
            f"{', '.join(unknown)} (their sources: {', '.join(sorted(state.sources)) or 'none'})"), stacklevel=1)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the reports (the controller or a session without xdist), or hand the records to the controller."""
    state = session.config.stash[SESSION]
    output = getattr(session.config, "workeroutput", None)
    if state.worker and isinstance(output, dict):
        state.worker_output(output)
    state.finish()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """An xdist worker finished: take in its records (xdist's hook; unknown without xdist)."""
    output = getattr(node, "workeroutput", None)
    if isinstance(output, dict):
        node.config.stash[SESSION].merge(output)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say where the reports went, as pytest does for ``--junitxml``."""
    for kind, path in config.stash[SESSION].written:
        terminalreporter.write_sep("-", f"arazzo {kind} report: {path}")


@pytest.fixture
def arazzo_runner(request: pytest.FixtureRequest) -> Iterator[Callable[..., Runner]]:
    """A factory of :class:`Runner` objects preset with the suite's servers, credentials, limits and strictness;
    keyword arguments add to them (``servers``, ``auth``) or replace them. Every run is recorded for the
    reports and for :func:`assert_succeeded`."""
    session = request.config.stash[SESSION]
    suite = session.suite
    made: list[int] = []

    def keep(recorded: Recorded) -> None:
        session.keep(recorded.record)
        RECORDED[id(recorded.result)] = recorded
        made.append(id(recorded.result))

    def make(**options: Any) -> Runner:
        options["servers"] = {**suite.servers, **(options.get("servers") or {})}
        if not isinstance(options.get("auth"), CredentialStore):
            options["auth"] = {**suite.auth, **(options.get("auth") or {})}
        options.setdefault("limits", suite.limits)
        options.setdefault("strict", suite.strict)
        options.setdefault("compat", suite.compat)
        if suite.mock and not any(options.get(k) for k in ("client", "async_client", "transport")):
            options.setdefault("mock", True)  # a test that brings its own transport keeps it
        if suite.servers:  # one suite-wide mapping names sources of many documents
            options.setdefault("unknown_servers", "ignore")
        return RecordingRunner(keep, **options)

    yield make
    for key in made:
        RECORDED.pop(key, None)


def format_result(result: RunResult) -> str:
    """A readable trace of a run: one line per step, then the outputs and the error."""
    lines = [f"workflow {result.workflow_id}: {result.status}"]
    for step in result.steps:
        request = f"{step.request.method} {step.request.url}" if step.request else "(no request)"
        lines.append(f"  {step.step_id}: {step.status} {request} -> {step.status_code} "
                     f"({step.attempts} attempt{'s' * (step.attempts != 1)})"
                     + (f" error: {step.error}" if step.error else ""))
    lines.append(f"  outputs: {dict(result.outputs)}")
    if result.error:
        lines.append(f"  error: {result.error}")
    return "\n".join(lines)


def assert_succeeded(result: RunResult) -> None:
    """Fail the current test unless the run (after transfers) succeeded, explaining the failure as a collected
    item's failure is explained (from the run's events when the fixture's runner made it)."""
    if result.succeeded:
        return
    recorded = RECORDED.get(id(result))
    if recorded is not None and recorded.result is result:
        text = explain(recorded.record, recorded.redactor, recorded.locate)
    else:  # a run the fixture did not record: its result alone (already masked by its runner)
        text = explain(RunRecord("", result.workflow_id, "", {}, result, (), 0.0), Redactor())
    pytest.fail(text, pytrace=False)

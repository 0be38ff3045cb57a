"""pytest integration: run Arazzo workflows from tests and assert on their results.

Registered through the ``pytest11`` entry point, so installing arazzo-runner makes it available:

* the ``arazzo_runner`` fixture is a factory: ``arazzo_runner(servers=..., auth=..., transport=...)`` returns
  a :class:`~arazzo_runner.runner.Runner` whose runs are recorded; a failed assertion helper prints them;
* ``--arazzo-server SOURCE=URL`` (repeatable) and ``--arazzo-auth SOURCE.SCHEME=VALUE`` set defaults for every
  runner the fixture builds, so one suite can target a local stand-in or a staging API;
* :func:`assert_succeeded` fails a test with the step trace of the run, not just ``False``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from arazzo_runner.events import RunResult
from arazzo_runner.runner import Runner


def pytest_addoption(parser: pytest.Parser) -> None:
    """Command-line defaults for the ``arazzo_runner`` fixture."""
    group = parser.getgroup("arazzo-runner")
    group.addoption("--arazzo-server", action="append", default=[], metavar="SOURCE=URL",
                    help="base URL for a source description in every Arazzo run")
    group.addoption("--arazzo-auth", action="append", default=[], metavar="SOURCE.SCHEME=VALUE",
                    help="credential for a security scheme in every Arazzo run")


def _pairs(values: list[str], option: str) -> dict[str, str]:
    result = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key:
            raise pytest.UsageError(f"{option} expects NAME=VALUE")
        result[key] = rest
    return result


@pytest.fixture
def arazzo_runner(request: pytest.FixtureRequest) -> Iterator[Callable[..., Runner]]:
    """A factory of :class:`Runner` objects preset with ``--arazzo-server`` / ``--arazzo-auth``."""
    servers = _pairs(request.config.getoption("--arazzo-server"), "--arazzo-server")
    auth = _pairs(request.config.getoption("--arazzo-auth"), "--arazzo-auth")

    def make(**options: Any) -> Runner:
        options["servers"] = {**servers, **(options.get("servers") or {})}
        options["auth"] = {**auth, **(options.get("auth") or {})}
        return Runner(**options)

    yield make


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
    """Fail the current test, showing the trace, unless the run (after transfers) succeeded."""
    if not result.succeeded:
        pytest.fail(f"Arazzo workflow did not succeed\n{format_result(result)}", pytrace=False)

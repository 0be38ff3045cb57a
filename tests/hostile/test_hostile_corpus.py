"""Every entry of the hostile corpus (``corpus.yaml``), through the command line and through the Python API.

Each must end within the hang guard with the documented exit code, the expected message and location, no
traceback, and no secret in any form (see :mod:`hostile_corpus`). An entry marked ``xfail`` is an open problem:
it is not run here (a crash or a hang would take the test process with it); ``benchmarks/reliability.py``
still runs it, in a subprocess, and reports what it does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fault_server import FaultServer
from hostile_corpus import CASES, Case, CliRuns, check, run_api


def _params(cases: list[Case]) -> list[object]:
    return [pytest.param(case, id=case.id, marks=[pytest.mark.xfail(reason=case.xfail, run=False)]
                         if case.xfail else []) for case in cases]


@pytest.mark.parametrize("case", _params([case for case in CASES if case.api]))
def test_corpus_entry_through_the_api(case: Case, corpus_root: Path, fault_server: FaultServer,
                                      cli_runs: CliRuns) -> None:
    # cli_runs: the command-line runs start first and go on in the background while these run in-process.
    check(case, run_api(case, corpus_root, fault_server.url), cli=False)


@pytest.mark.parametrize("case", _params(CASES))
def test_corpus_entry_through_the_cli(case: Case, cli_runs: CliRuns) -> None:
    check(case, cli_runs.outcome(case), cli=True)

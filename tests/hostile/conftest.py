"""Fixtures of the hostile suite: one fault server for the session, the corpus made real, and the command-line
runs of the selected corpus entries, started together (see :class:`hostile_corpus.CliRuns`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_server import FaultServer
from hostile_corpus import CASES, CliRuns, materialize_corpus


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    """The misbehaving loopback server, for the whole session."""
    server = FaultServer().start()
    try:
        yield server
    finally:
        server.stop()
    assert not any(t.name == "fault-server" and t.is_alive() for t in threading.enumerate())


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory: pytest.TempPathFactory, fault_server: FaultServer) -> Path:
    """A directory holding ``corpus/`` with the fault server's URL filled in (generated documents go here too)."""
    root = tmp_path_factory.mktemp("hostile-corpus")
    materialize_corpus(root, fault_server.url)
    return root


@pytest.fixture(scope="session")
def cli_runs(request: pytest.FixtureRequest, corpus_root: Path, fault_server: FaultServer) -> Iterator[CliRuns]:
    """The command-line runs of the entries this session tests (after ``-k`` and friends), already under way."""
    selected = {item.callspec.params["case"].id for item in request.session.items
                if item.name.startswith("test_corpus_entry_through_the_cli[")}
    runs = CliRuns([case for case in CASES if case.id in selected and case.xfail is None], corpus_root,
                   fault_server.url)
    try:
        yield runs
    finally:
        runs.close()

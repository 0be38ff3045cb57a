"""Execution: a sans-I/O generator over a frozen plan, and the loop that drives it.

* :mod:`~arazzo_runner.execute.commands` — the commands the executor yields (send, sleep, fetch a token);
* :mod:`~arazzo_runner.execute.state` — options and the state of one run;
* :mod:`~arazzo_runner.execute.flow` — the step loop, actions, retries, goto, sub-workflows, dependsOn;
* :mod:`~arazzo_runner.execute.operation` — one request/response attempt of an operation step;
* :mod:`~arazzo_runner.execute.request` — building the ``httpx.Request``;
* :mod:`~arazzo_runner.execute.outcome` — criteria, outputs and step results;
* :mod:`~arazzo_runner.execute.drive` — the drive loop over a sync or async I/O adapter.

The clock, the wall clock and sleep are injected, so the executor can be driven by a test that feeds it
scripted responses, with no sockets and no waiting.
"""

from __future__ import annotations

from arazzo_runner.execute.commands import Command, Execution, FetchToken, Send, Sleep
from arazzo_runner.execute.drive import AsyncIO, Drive, Listener, SyncIO
from arazzo_runner.execute.flow import ACTIONS, execute_workflow
from arazzo_runner.execute.request import DEFAULT_TIMEOUT, RequestSettings
from arazzo_runner.execute.state import DEFAULT_MAX_DEPTH, DEFAULT_MAX_STEPS, RunOptions, RunState

__all__ = [
    "ACTIONS",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_STEPS",
    "DEFAULT_TIMEOUT",
    "AsyncIO",
    "Command",
    "Drive",
    "Execution",
    "FetchToken",
    "Listener",
    "RequestSettings",
    "RunOptions",
    "RunState",
    "Send",
    "Sleep",
    "SyncIO",
    "execute_workflow",
]

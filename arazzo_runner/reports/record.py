"""What a report is made of: one :class:`RunRecord` per workflow run, collected by a :class:`Recorder`.

A record keeps the run's result together with every event the run emitted, because the result alone has lost
what reports show: each attempt of a retried step, the exchanges with their headers and bodies, the criteria
with their actual values and the actions taken.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from arazzo_runner.events import Event, RunResult


@dataclass(frozen=True)
class RunRecord:
    """One finished workflow run, as the report writers read it.

    ``document`` is the Arazzo document's path or URL as given, ``label`` names the input set (``"row 3"``, or
    ``""`` when there is only one), ``events`` holds every event of the run in order and ``started`` is the
    wall-clock time (seconds since the epoch) at which it began. ``inputs`` are written out as they are here:
    values that must never be shown (``format: password``, ``writeOnly``) are masked by whoever builds the
    record; the writers only mask the secrets their :class:`~arazzo_runner.redaction.Redactor` knows.
    """

    document: str
    workflow_id: str
    label: str
    inputs: Mapping[str, Any]
    result: RunResult
    events: tuple[Event, ...]
    started: float

    @property
    def title(self) -> str:
        """The run's name in reports: the workflow id, and the input set's label in brackets when it has one."""
        return f"{self.workflow_id} [{self.label}]" if self.label else self.workflow_id


class Recorder:
    """A run listener (``Runner(listeners=[recorder])``) that keeps events until :meth:`record` closes a run.

    One recorder serves any number of consecutive runs: each :meth:`record` takes the events received since
    the previous one. Runs that overlap in time (threads, ``asyncio.gather``) each need their own recorder
    (and so their own runner), or their events would be mixed into one record.

    ``clock`` reads the wall-clock time a run starts at (the moment its first event arrives).
    """

    __slots__ = ("_clock", "_events", "_started")

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._events: list[Event] = []
        self._started: float | None = None

    def __call__(self, event: Event) -> None:
        """Receive one event of the run in progress."""
        if not self._events:
            self._started = self._clock()
        self._events.append(event)

    @property
    def pending(self) -> tuple[Event, ...]:
        """The events received since the last :meth:`record`."""
        return tuple(self._events)

    def record(self, document: str | os.PathLike[str], workflow_id: str, label: str, inputs: Mapping[str, Any],
               result: RunResult) -> RunRecord:
        """Close the run in progress: a record of ``result`` with the events received since the last call."""
        started = self._started
        if started is None:  # no event arrived: date the run back from its own duration
            started = self._clock() - result.duration_ms / 1000
        record = RunRecord(os.fspath(document), workflow_id, label, MappingProxyType(dict(inputs)), result,
                           tuple(self._events), started)
        self._events = []
        self._started = None
        return record

"""Recorder and RunRecord: one listener collects consecutive runs, each closed into its own record."""

from __future__ import annotations

import dataclasses
from itertools import count
from pathlib import Path

import httpx
import pytest

from arazzo_runner.events import RunResult, WorkflowFinished, WorkflowStarted
from arazzo_runner.reports import Recorder
from tests.reports.support import Api, answers, step, workflow


def test_each_record_takes_the_events_since_the_previous_one(tmp_path: Path) -> None:
    ticks = count(100)
    api = Api(tmp_path, recorder=Recorder(clock=lambda: float(next(ticks))))
    api.write([workflow("flow", [step("first", "getA")])])

    one = api.run(answers(httpx.Response(200)), label="one")
    two = api.run(answers(httpx.Response(500)), label="two")

    for record in (one, two):
        assert isinstance(record.events[0], WorkflowStarted)
        assert isinstance(record.events[-1], WorkflowFinished)
        assert record.events[-1].result == record.result
        assert sum(isinstance(e, WorkflowStarted) for e in record.events) == 1
    assert (one.result.status, two.result.status) == ("succeeded", "failed")
    assert (one.started, two.started) == (100.0, 101.0)
    assert api.recorder.pending == ()


def test_a_record_without_events_is_dated_back_from_the_runs_duration() -> None:
    recorder = Recorder(clock=lambda: 50.0)
    result = RunResult("flow", "failed", {}, (), "not run", duration_ms=2000.0)

    record = recorder.record("flows.arazzo.yaml", "flow", "", {}, result)

    assert (record.started, record.events) == (48.0, ())


def test_a_record_is_frozen_and_keeps_its_own_copy_of_the_inputs() -> None:
    inputs = {"n": 1}
    record = Recorder().record("a.yaml", "flow", "row 1", inputs, RunResult("flow", "succeeded", {}, ()))
    inputs["n"] = 2

    assert record.inputs == {"n": 1}
    with pytest.raises(TypeError):
        record.inputs["n"] = 3  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.label = "x"  # type: ignore[misc]


def test_the_title_names_the_input_set_only_when_there_is_one() -> None:
    result = RunResult("flow", "succeeded", {}, ())
    assert Recorder().record("a.yaml", "flow", "row 3", {}, result).title == "flow [row 3]"
    assert Recorder().record("a.yaml", "flow", "", {}, result).title == "flow"

"""The specification's examples (and the seed workflows) under ``mock=True``: every operation answered in-process
from its OpenAPI description, with no socket opened.

Examples that cannot run as written are corrected exactly as in ``test_spec_examples`` (the same errata), or run
with ``compat=True`` where the erratum is a dialect the engine can read. Three workflows are left out on purpose:
oauth's authorization-code and refresh-token flows and FAPI-PAR read a code or token from an ``/authorize``
response whose description declares no body, so no answer built from the description can pass them (a stub that
knows the flow does: ``test_spec_examples``).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_spec_examples import (
    ANIMALS_OPENAPI,
    BNPL_FIXES,
    BNPL_INPUTS,
    EXAMPLES,
    PET_COUPON_FIXES,
    Fix,
    OfflineRetriever,
    corrected,
)

from arazzo_runner.events import RunResult
from arazzo_runner.runner import Runner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Any attempt to reach the network fails the test: connecting, resolving a name, creating a connection."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise AssertionError(f"a mocked run tried to use the network: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


@dataclass(frozen=True)
class Example:
    name: str
    workflow: str
    inputs: Mapping[str, Any] = field(default_factory=dict)
    fixes: tuple[Fix, ...] = ()
    companions: tuple[str, ...] = ()
    compat: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)
    """Files written beside the copy (a source the example does not ship)."""


EXAMPLE_RUNS = [
    Example("pet-coupons.arazzo.yaml", "apply-coupon", {"my_pet_tags": ["puppy"], "store_id": "pets.example.com"},
            PET_COUPON_FIXES, ("pet-coupons.openapi.yaml",)),
    Example("pet-coupons.arazzo.yaml", "buy-available-pet", {"store_id": "pets.example.com"},
            companions=("pet-coupons.openapi.yaml",), compat=True),
    Example("pet-coupons.arazzo.yaml", "place-order", {"pet_id": 42, "coupon_code": "SPOTS10"},
            companions=("pet-coupons.openapi.yaml",)),
    Example("oauth.arazzo.yaml", "client-credentials-flow", {"client_id": "c-1", "client_secret": "s-1"},
            companions=("oauth.openapi.yaml",)),
    Example("bnpl-arazzo.yaml", "ApplyForLoanAtCheckout", BNPL_INPUTS, BNPL_FIXES),
    Example("LoginAndRetrievePets.arazzo.yaml", "loginUserRetrievePet", {"username": "ada", "password": "pw"},
            (("#/paths/~1pet~1findByStatus'", "#/paths/~1pet~1findByStatus/get'"),)),
    Example("ExtendedParametersExample.arazzo.yaml", "animal-workflow", extra={"animals.yaml": ANIMALS_OPENAPI}),
]


def every_step(result: RunResult) -> Iterator[Any]:
    for run in _chain(result):
        for step in run.steps:
            yield step
            if step.sub_run is not None:
                yield from every_step(step.sub_run)


def _chain(result: RunResult) -> Iterator[RunResult]:
    link: RunResult | None = result
    while link is not None:
        yield link
        link = link.transferred_to


@pytest.mark.parametrize("example", EXAMPLE_RUNS, ids=lambda e: f"{e.name}::{e.workflow}")
def test_a_spec_example_runs_to_success_under_mock_with_no_network(example: Example, tmp_path: Path,
                                                                    no_sockets: list[str]) -> None:
    path = corrected(tmp_path, example.name, example.fixes, example.companions)
    for name, text in example.extra.items():
        (tmp_path / name).write_text(text, "utf-8")
    runner = Runner(mock=True, compat=example.compat, retriever=OfflineRetriever(), environ={})

    result = runner.run(path, example.workflow, dict(example.inputs))

    assert result.succeeded, result.error
    steps = [s for s in every_step(result) if s.request is not None]
    assert steps and all(s.mocked for s in steps)
    assert EXAMPLES.exists()


SEEDS = [("mixpanel-track-and-segment.arazzo.yaml", "track-and-segment"),
         ("mixpanel-identity-resolve-and-track.arazzo.yaml", "identity-resolve-and-track")]


@pytest.mark.parametrize(("name", "workflow"), SEEDS)
def test_a_seed_workflow_runs_to_success_under_mock_with_no_network(name: str, workflow: str,
                                                                   no_sockets: list[str]) -> None:
    document = ROOT / "workflows" / name
    inputs = json.loads(document.with_name(name.replace(".arazzo.yaml", ".inputs.json")).read_text("utf-8"))

    result = Runner(mock=True, environ={}).run(document, workflow, inputs)

    assert result.succeeded, result.error
    assert all(step.mocked for step in result.steps)
    assert set(result.outputs) == {"ingestStatus", "series", "values"} if workflow == "track-and-segment" else True


def test_the_same_mocked_run_gives_the_same_outputs(no_sockets: list[str]) -> None:
    name, workflow = SEEDS[0]
    document = ROOT / "workflows" / name
    inputs = json.loads(document.with_name(name.replace(".arazzo.yaml", ".inputs.json")).read_text("utf-8"))

    first, second = (Runner(mock=True, environ={}).run(document, workflow, inputs) for _ in range(2))

    assert first.outputs == second.outputs

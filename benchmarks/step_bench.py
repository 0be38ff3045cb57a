"""Engine CPU overhead per step, and what the response checks cost, each against a baseline of the same run.

1. **Per step**: the 3-step ``identity-resolve-and-track`` workflow (identity, track, segmentation) run by one
   ``Runner`` on ``httpx.MockTransport``, against the same three requests sent by hand on the same transport
   (``client.post``/``client.get`` with ``params=``/``json=``, each response's ``.json()`` read). Rounds of the
   two alternate, so machine noise hits both alike; the medians are compared.
2. **Response checks**: one check of the segmentation response as the engine does it (compiled at plan time,
   ``jsonschema-rs``), against the pure-Python ``jsonschema`` validator on the same schema, and against
   openapi-core's ``iter_response_errors`` (contract mode).
3. **Import cost**: a process importing openapi-core (contract mode) against one importing what every run
   imports anyway (httpx, ruamel.yaml, jsonschema-rs), best of N.

Run: ``.venv/bin/python benchmarks/step_bench.py [--quick]``. Compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import base64
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from arazzo_runner import Runner

ROOT = Path(__file__).resolve().parents[1]
FLOW = ROOT / "workflows" / "mixpanel-identity-resolve-and-track.arazzo.yaml"
INPUTS = json.loads((ROOT / "workflows" / "mixpanel-identity-resolve-and-track.inputs.json").read_text("utf-8"))
SERVERS = {"identityApi": "http://mixpanel.test", "ingestionApi": "http://mixpanel.test",
           "queryApi": "http://mixpanel.test/api/query"}
SEGMENTATION = {"data": {"series": ["2025-01-01"], "values": {"Logged In": {"2025-01-01": 1}}}, "legend_size": 1}
BASIC = "Basic " + base64.b64encode(b"sa:secret").decode()


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/identity/create":
        return httpx.Response(200, json={"status": 1})
    if request.url.path == "/track":
        return httpx.Response(200, json={"status": 1, "error": None})
    return httpx.Response(200, json=SEGMENTATION)


def _by_hand(client: httpx.Client) -> None:
    client.post("http://mixpanel.test/identity/create", json={
        "$identified_id": INPUTS["identifiedId"], "$anon_id": INPUTS["anonId"],
        "$token": INPUTS["projectToken"]}).json()
    client.post("http://mixpanel.test/track", params={"token": INPUTS["projectToken"], "verbose": 1}, json={
        "data": {"event": INPUTS["eventName"], "properties": {"distinct_id": INPUTS["identifiedId"],
                                                              "token": INPUTS["projectToken"]}}}).json()
    client.get("http://mixpanel.test/api/query/segmentation", params={
        "project_id": INPUTS["projectId"], "event": INPUTS["eventName"], "from_date": INPUTS["fromDate"],
        "to_date": INPUTS["toDate"], "type": "unique"}, headers={"Authorization": BASIC}).json()


def _round(action: Callable[[], Any], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        action()
    return (time.perf_counter() - started) / count


def per_step(rounds: int, count: int) -> tuple[float, float, float]:
    """(engine µs per run, by-hand µs per run, spread of the per-round ratios)."""
    client = httpx.Client(transport=httpx.MockTransport(_handler))
    runner = Runner(client=client, servers=SERVERS, auth={"queryApi.serviceAccount": "sa:secret"}, environ={})

    def engine() -> None:
        result = runner.run(FLOW, inputs=INPUTS)
        assert result.status == "succeeded", result.error

    def by_hand() -> None:
        _by_hand(client)

    for _ in range(100):  # plan once and warm both paths up, outside the timing
        engine()
        by_hand()
    engines, hands = [], []
    for _ in range(rounds):
        engines.append(_round(engine, count))
        hands.append(_round(by_hand, count))
    ratios = [e / h for e, h in zip(engines, hands, strict=True)]
    client.close()
    return statistics.median(engines) * 1e6, statistics.median(hands) * 1e6, max(ratios) - min(ratios)


def checkers() -> tuple[Callable[[], Any], Callable[[], Any], Callable[[], Any]]:
    """One check of the segmentation response each: the engine's (compiled at plan time, jsonschema-rs),
    pure-Python jsonschema's on the same schema, openapi-core's (contract mode). Each is asserted to accept it."""
    runner = Runner(servers=SERVERS, environ={})
    plan = runner.prepare(FLOW).plan
    step = plan.main.steps[2]
    assert step.request is not None
    request_plan = step.request
    check = request_plan.responses
    assert check.check(200, "application/json", SEGMENTATION) == []

    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    source = request_plan.source
    operation = request_plan.operation
    registry: Registry[Any] = Registry().with_resource(
        source.url, Resource.from_contents(source.document.data, default_specification=DRAFT202012))
    pointer = operation.pointer.replace("{", "%7B").replace("}", "%7D")
    python = Draft202012Validator({"$ref": f"{source.url}#{pointer}/responses/200/content/application~1json/schema"},
                                  registry=registry)
    assert not list(python.iter_errors(SEGMENTATION))

    from arazzo_runner.execute.contract import Contract

    contract = Contract(source)
    request = httpx.Request("GET", "http://mixpanel.test/api/query/segmentation?project_id=1&event=x&from_date=2025-"
                            "01-01&to_date=2025-01-01", headers={"Authorization": BASIC})
    response = httpx.Response(200, json=SEGMENTATION)
    response.read()
    assert contract.response_problems(request_plan, request, "/segmentation", {}, response) == []
    return (lambda: check.check(200, "application/json", SEGMENTATION),
            lambda: list(python.iter_errors(SEGMENTATION)),
            lambda: contract.response_problems(request_plan, request, "/segmentation", {}, response))


def response_checks(count: int) -> dict[str, float]:
    """µs per check of the segmentation response: the engine's, pure-Python jsonschema's, openapi-core's."""
    engine, python, core = checkers()
    return {
        "engine": _round(engine, count) * 1e6,
        "jsonschema": _round(python, max(count // 20, 10)) * 1e6,
        "openapi-core": _round(core, max(count // 200, 5)) * 1e6,
    }


def _best(code: str, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return min(timings)


def imports(repeat: int) -> tuple[float, float]:
    """(seconds to import openapi-core on top of the run's own imports, seconds for those alone), best of N."""
    base = "import httpx, ruamel.yaml, jsonschema_rs"
    return _best(base + "; import openapi_core", repeat), _best(base, repeat)


def main() -> None:
    """Print the figures as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few rounds only (the test suite's smoke run)")
    quick = parser.parse_args().quick
    rounds, count = (2, 20) if quick else (15, 200)
    engine, hand, spread = per_step(rounds, count)
    checks = response_checks(200 if quick else 20000)
    with_core, without = imports(2 if quick else 7)
    print(f"Python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d')}\n")
    print("| measure | value | baseline (same run) | ratio |")
    print("|---|---|---|---|")
    print(f"| one run of identity-resolve-and-track (3 steps, mock transport, response checks on; median of "
          f"{rounds} rounds) | {engine:.0f} µs | the 3 requests by hand: {hand:.0f} µs | {engine / hand:.2f}x "
          f"(spread {spread:.2f}) |")
    print(f"| engine CPU overhead per step | {(engine - hand) / 3:.1f} µs | httpx's own per request: "
          f"{hand / 3:.0f} µs | — |")
    print(f"| one response check of the segmentation body (engine: plan-time compiled, jsonschema-rs) | "
          f"{checks['engine']:.1f} µs | pure-Python jsonschema, same schema: {checks['jsonschema']:.0f} µs | "
          f"{checks['engine'] / checks['jsonschema']:.3f}x |")
    print(f"| one contract check of the same response (openapi-core, `--contract`) | "
          f"{checks['openapi-core']:.0f} µs | the engine's check: {checks['engine']:.1f} µs | "
          f"{checks['openapi-core'] / checks['engine']:.0f}x |")
    print(f"| process importing openapi-core on top of a run's imports (best of N) | {with_core * 1000:.0f} ms | "
          f"httpx+ruamel.yaml+jsonschema-rs: {without * 1000:.0f} ms | {with_core / without:.2f}x |")


if __name__ == "__main__":
    main()

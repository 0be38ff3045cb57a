"""Side by side with Jentic's ``arazzo-runner`` (the Python peer), measured in the same run.

Not part of ``make test``: the peer lives in its own virtual environment, since both projects are called
``arazzo_runner``. Set it up once, then point this script at its interpreter::

    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install arazzo-runner==0.9.6
    .venv/bin/python benchmarks/peer_bench.py --peer-python /tmp/peer/bin/python

What it measures:

1. **Conformance of simple conditions**: every ``evaluate_cases`` entry of the reference condition table
   (``conformance/conditions/condition-cases.json``), evaluated by both engines with the table's context.
2. **Whole CLI run**: ``track-and-segment`` against the local Mixpanel stand-in, one process per run, best of N.
   The peer has no server override, so both run copies of the specs whose ``servers`` point at the stand-in.
3. **In-process runs**: the same workflow run repeatedly in one process by each engine's Python API.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "data" / "arazzo" / "conformance" / "conditions" / "condition-cases.json"

PEER_CONDITIONS = r'''
import json, logging, sys
logging.disable(logging.CRITICAL)
from arazzo_runner.evaluator import ExpressionEvaluator
from arazzo_runner.models import ExecutionState
data = json.load(open(sys.argv[1]))
ctx = data["evaluate_context"]
inputs = {k.split(".", 1)[1]: v for k, v in ctx.items() if k.startswith("$inputs.")}
extra = {"statusCode": ctx.get("$statusCode"), "response": {"body": ctx.get("$response.body")}}
results = []
for case in data["evaluate_cases"]:
    try:
        got = bool(ExpressionEvaluator.evaluate_simple_condition(
            case["condition"], ExecutionState(workflow_id="w", inputs=dict(inputs)), {}, extra))
    except Exception as exc:
        got = "error: " + type(exc).__name__
    results.append(got)
print(json.dumps(results))
'''

PEER_RUNS = r'''
import json, logging, os, sys, time
logging.disable(logging.CRITICAL)
from arazzo_runner import ArazzoRunner
document, inputs, runs = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
runner = ArazzoRunner.from_arazzo_path(document)
runner.execute_workflow("track-and-segment", inputs)
started = time.perf_counter()
for _ in range(runs):
    result = runner.execute_workflow("track-and-segment", inputs)
elapsed = (time.perf_counter() - started) / runs
print(json.dumps({"us": elapsed * 1e6, "status": str(result.status), "outputs": result.outputs}, default=str))
'''


def conditions(peer: str) -> tuple[int, int, int]:
    """(cases, ours correct, peer correct)."""
    from arazzo_runner.expressions import ExpressionContext, ResponseData, parse_condition

    data = json.loads(CASES.read_text("utf-8"))
    ctx = data["evaluate_context"]
    inputs = {k.split(".", 1)[1]: v for k, v in ctx.items() if k.startswith("$inputs.")}
    context = ExpressionContext(status_code=ctx["$statusCode"], inputs=inputs,
                                response=ResponseData(body=ctx["$response.body"]))
    expected = [case["expected"] for case in data["evaluate_cases"]]
    ours = [parse_condition(case["condition"]).evaluate(context) for case in data["evaluate_cases"]]
    done = subprocess.run([peer, "-I", "-c", PEER_CONDITIONS, str(CASES)], capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout)
    return (len(expected), sum(a == b for a, b in zip(ours, expected, strict=True)),
            sum(a == b for a, b in zip(theirs, expected, strict=True)))


def workspace(base: str, into: Path) -> Path:
    """Copies of the specs with servers pointing at ``base``, and of the workflows beside them."""
    (into / "specs").mkdir()
    (into / "workflows").mkdir()
    for name, url in (("identity", base), ("ingestion", base), ("query", f"{base}/api/query")):
        text = (ROOT / "specs" / f"mixpanel-{name}-openapi.yml").read_text("utf-8")
        text = re.sub(r"^servers:\n(?:  .*\n)+", f"servers:\n  - url: {url}\n", text, count=1, flags=re.M)
        (into / "specs" / f"mixpanel-{name}-openapi.yml").write_text(text, "utf-8")
    for path in (ROOT / "workflows").iterdir():
        (into / "workflows" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    return into / "workflows" / "mixpanel-track-and-segment.arazzo.yaml"


@contextlib.contextmanager
def standin_process() -> Iterator[str]:
    """A fresh stand-in in its own process, so it does not compete with the measured engine for the GIL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "standin")}
    process = subprocess.Popen([sys.executable, "-m", "mixpanel_standin", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                    break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def best(command: list[str], repeat: int, env: dict[str, str]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=env)
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    """Print the comparison as Markdown."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer-python", required=True, help="python of a venv with Jentic's arazzo-runner")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    total, ours_ok, peer_ok = conditions(args.peer_python)
    today = datetime.now(UTC).date().isoformat()
    inputs = {"projectToken": "demo-token", "projectId": 123456, "distinctId": "u1", "eventName": "E",
              "fromDate": today, "toDate": today}
    env = {**os.environ, "ARAZZO_AUTH_QUERYAPI_SERVICEACCOUNT": "demo-sa:demo-secret",
           "MIXPANEL_SERVICEACCOUNT_USERNAME": "demo-sa", "MIXPANEL_SERVICEACCOUNT_PASSWORD": "demo-secret"}
    from arazzo_runner import Runner

    os.environ.update(env)

    def ours_runs(document: Path) -> tuple[float, Any]:
        runner = Runner()
        result = runner.run(document, inputs=inputs)
        started = time.perf_counter()
        for _ in range(args.runs):
            result = runner.run(document, inputs=inputs)
        return (time.perf_counter() - started) / args.runs * 1e6, result

    def peer_runs(document: Path) -> dict[str, Any]:
        done = subprocess.run([args.peer_python, "-I", "-c", PEER_RUNS, str(document), json.dumps(inputs),
                               str(args.runs)], capture_output=True, text=True, env=env, check=True)
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    # Each measurement gets a fresh stand-in, so neither engine queries a store the other one filled.
    peer_bin = str(Path(args.peer_python).parent / "arazzo-runner")
    commands = {
        "ours_cli": lambda d: best([sys.executable, "-m", "arazzo_runner", "run", str(d), "--inputs",
                                    json.dumps(inputs)], args.repeat, env),
        "peer_cli": lambda d: best([peer_bin, "execute-workflow", str(d), "--workflow-id", "track-and-segment",
                                    "--inputs", json.dumps(inputs)], args.repeat, env),
        "ours_run": ours_runs,
        "peer_run": peer_runs,
    }
    measured: dict[str, Any] = {}
    for name, measure in commands.items():
        with standin_process() as base, tempfile.TemporaryDirectory() as tmp:
            measured[name] = measure(workspace(base, Path(tmp)))
    ours_cli, peer_cli = measured["ours_cli"], measured["peer_cli"]
    ours_run, result = measured["ours_run"]
    peer = measured["peer_run"]

    print(f"Python {sys.version.split()[0]}, peer: Jentic arazzo-runner (same interpreter version), "
          f"{time.strftime('%Y-%m-%d')}\n")
    print("| measure | arazzo_runner (this project) | Jentic arazzo-runner | ratio (ours / peer) |")
    print("|---|---|---|---|")
    print(f"| simple-condition cases evaluated as the reference table says | {ours_ok}/{total} | {peer_ok}/{total} "
          f"| — |")
    print(f"| CLI: one whole run of track-and-segment against the stand-in (best of {args.repeat}) | "
          f"{ours_cli * 1000:.0f} ms | {peer_cli * 1000:.0f} ms | {ours_cli / peer_cli:.2f}x |")
    print(f"| in-process: one run of track-and-segment over loopback (mean of {args.runs}) | {ours_run:.0f} µs | "
          f"{peer['us']:.0f} µs | {ours_run / peer['us']:.2f}x |")
    print(f"\nlast results — ours: {result.status} {dict(result.outputs)}; peer: {peer['status']} {peer['outputs']}")


if __name__ == "__main__":
    main()

"""Section 2, in-process: one reused ``Runner`` against the same requests sent by hand with a plain, reused
``httpx.Client``, and Jentic's reused ``ArazzoRunner`` where it is installed.

Jentic's runner lives in its own interpreter (its import name is ours); it runs as a worker process that
waits for "run N times" on its standard input and answers with the seconds it took, so its rounds alternate
with ours exactly as the in-process ones do. All of them talk to one loopback stub in its own process.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from bench_docs import FLOW, FLOW_ID, INPUTS, auth_environ, by_hand_requests, servers_for, workspace_copy
from bench_env import JENTIC_VERSION, Peers
from bench_report import SKIPPED, Section, Table
from bench_stats import Sizes, alternate, ratio_text
from bench_stub import stub_server

__all__ = ["in_process"]

# The worker run by Jentic's interpreter. It checks every result, so a round of failed runs cannot pass for
# a fast one.
JENTIC_WORKER = r'''
import json, logging, sys, time
logging.disable(logging.CRITICAL)
from arazzo_runner import ArazzoRunner
document, workflow, inputs = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
runner = ArazzoRunner.from_arazzo_path(document)
for line in sys.stdin:
    count = int(line)
    started = time.perf_counter()
    for _ in range(count):
        result = runner.execute_workflow(workflow, inputs)
        if "complete" not in str(result.status).lower():
            print(json.dumps({"error": str(result.status) + " " + str(result.error)}), flush=True)
            break
    else:
        print(json.dumps({"seconds": time.perf_counter() - started}), flush=True)
'''


class _JenticWorker:
    def __init__(self, python: Path, document: Path) -> None:
        env = {**os.environ, **auth_environ()}
        self.process = subprocess.Popen([str(python), "-I", "-c", JENTIC_WORKER, str(document), FLOW_ID,
                                         json.dumps(INPUTS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, env=env)

    def runs(self, count: int) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{count}\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline() or '{"error": "the worker exited"}')
        if "error" in answer:
            raise RuntimeError(f"Jentic's runner failed: {answer['error']}")
        return float(answer["seconds"])

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def in_process(sizes: Sizes, peers: Peers) -> Section:
    from arazzo_runner import Runner

    count = sizes.inprocess_runs
    section = Section("2. In-process (one reused runner, loopback stub)", (
        f"Seconds per run of `identity-resolve-and-track`: median (min–max) over {sizes.inprocess_rounds} rounds "
        f"of {count} runs each, rounds alternating; one keep-alive client per side, reused for every run."))
    use_jentic = peers.jentic()
    with stub_server() as base, tempfile.TemporaryDirectory() as directory:
        client = httpx.Client()
        runner = Runner(client=client, servers=servers_for(base), environ=auth_environ())
        requests = by_hand_requests(base)

        def engine() -> None:
            result = runner.run(FLOW, FLOW_ID, INPUTS)
            if result.status != "succeeded":
                raise RuntimeError(f"run failed: {result.error}")

        def by_hand() -> None:
            for method, url, options in requests:
                response = client.request(method, url, **options)
                response.raise_for_status()
                response.json()

        def rounds_of(action: Callable[[], Any]) -> Callable[[], float]:
            def one() -> float:
                started = time.perf_counter()
                for _ in range(count):
                    action()
                return (time.perf_counter() - started) / count
            return one

        actions = {"ours": rounds_of(engine), "hand": rounds_of(by_hand)}
        worker = None
        if use_jentic:
            worker = _JenticWorker(peers.jentic_python, workspace_copy(base, Path(directory)))
            actions["jentic"] = lambda: worker.runs(count) / count if worker else 0.0
        try:
            for action in actions.values():  # plan, connect and warm every side up, outside the timing
                action()
            figures = alternate(actions, sizes.inprocess_rounds)
        finally:
            client.close()
            if worker is not None:
                worker.close()
    table = Table(["measure", "time per run", "ratio vs by hand (same run)", "ratio vs Jentic (same run)"])

    def jentic_ratio(name: str) -> str:
        return ratio_text(figures[name], figures["jentic"]) if "jentic" in figures else SKIPPED

    table.add("one run by this project's reused `Runner` (sync `httpx.Client`, response checks on)",
              figures["ours"].text("µs", 1e6), ratio_text(figures["ours"], figures["hand"]), jentic_ratio("ours"))
    table.add("the same 3 requests by hand (`client.request(...)`, `.json()` read)", figures["hand"].text("µs", 1e6),
              "1.00x", jentic_ratio("hand"))
    if "jentic" in figures:
        table.add(f"Jentic `ArazzoRunner` {JENTIC_VERSION}, reused (`execute_workflow`)",
                  figures["jentic"].text("µs", 1e6), ratio_text(figures["jentic"], figures["hand"]), "1.00x")
    else:
        table.add(f"Jentic `ArazzoRunner` {JENTIC_VERSION}", SKIPPED, SKIPPED, SKIPPED)
    section.tables.append(table)
    per_step = (figures["ours"].median - figures["hand"].median) / 3
    section.notes.append(f"engine overhead per step over the hand-written requests: {per_step * 1e6:.0f} µs "
                         "(difference of the medians / 3).")
    return section

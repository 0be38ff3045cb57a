"""Engine benchmarks, each reported as a ratio against a baseline measured in the same run.

1. **Start-up**: ``arazzo-runner validate`` on the two seed workflows (a whole CLI process, best of N) against a
   Python process that only imports httpx, ruamel.yaml and jsonschema — what any engine built on them pays.
2. **Per-run overhead**: the ``track-and-segment`` workflow run thousands of times by one ``Runner`` against an
   in-memory ``httpx.MockTransport``, against the same two requests sent directly with the same client.
3. **Flat memory**: memory traced by ``tracemalloc`` across 5,000 further runs of the same ``Runner``.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/engine_bench.py``). Machines here are noisy: compare
ratios, not seconds.
"""

from __future__ import annotations

import gc
import json
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import httpx

from arazzo_runner import Runner

ROOT = Path(__file__).resolve().parents[1]
TRACK = ROOT / "workflows" / "mixpanel-track-and-segment.arazzo.yaml"
INPUTS = json.loads((ROOT / "workflows" / "mixpanel-track-and-segment.inputs.json").read_text("utf-8"))
SERVERS = {"ingestionApi": "http://mixpanel.test", "queryApi": "http://mixpanel.test/api/query"}
SEGMENTATION = {"data": {"series": ["2025-01-01"], "values": {"user-42": {"2025-01-01": 1}}}, "legend_size": 1}


def _handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/track":
        return httpx.Response(200, json={"status": 1, "error": None})
    return httpx.Response(200, json=SEGMENTATION)


def _best(command: list[str], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        timings.append(time.perf_counter() - started)
    return min(timings)


def startup(repeat: int = 7) -> tuple[float, float]:
    """(CLI validate seconds, baseline import seconds), best of ``repeat``."""
    cli = _best([sys.executable, "-m", "arazzo_runner", "validate", str(TRACK),
                 str(TRACK.with_name("mixpanel-identity-resolve-and-track.arazzo.yaml"))], repeat)
    baseline = _best([sys.executable, "-c", "import httpx, ruamel.yaml, jsonschema"], repeat)
    return cli, baseline


def per_run(runs: int = 2000) -> tuple[float, float, float, list[int]]:
    """(engine µs per run, direct µs per run, last-tenth/first-tenth median time, traced KiB after 500,
    2500 and 5000 further runs)."""
    client = httpx.Client(transport=httpx.MockTransport(_handler))
    runner = Runner(client=client, servers=SERVERS, auth={"queryApi.serviceAccount": "sa:secret"}, environ={})
    runner.run(TRACK, inputs=INPUTS)  # plan once, outside the timing

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = runner.run(TRACK, inputs=INPUTS)
        timings.append(time.perf_counter() - started)
        assert result.status == "succeeded"
    engine = sum(timings) / runs
    tenth = runs // 10
    drift = statistics.median(timings[-tenth:]) / statistics.median(timings[:tenth])

    # Memory in a separate pass: tracing slows every allocation and would distort the timing above.
    tracemalloc.start()
    memory = []
    for index in range(1, 5001):
        runner.run(TRACK, inputs=INPUTS)
        if index in (500, 2500, 5000):
            gc.collect()
            memory.append(tracemalloc.get_traced_memory()[0] // 1024)
    tracemalloc.stop()

    started = time.perf_counter()
    for _ in range(runs):
        client.post("http://mixpanel.test/track?token=demo-token&verbose=1", json={"data": {"event": "x"}})
        client.get("http://mixpanel.test/api/query/segmentation", params={"project_id": 1, "event": "x"})
    direct = (time.perf_counter() - started) / runs
    client.close()
    return engine * 1e6, direct * 1e6, drift, memory


def main() -> None:
    """Print the figures as a Markdown table."""
    cli, baseline = startup()
    engine, direct, drift, memory = per_run()
    print(f"Python {platform.python_version()} on {platform.machine()}, {time.strftime('%Y-%m-%d')}\n")
    print("| measure | value | baseline (same run) | ratio |")
    print("|---|---|---|---|")
    print(f"| CLI `validate` of both seed workflows (process, best of 7) | {cli * 1000:.0f} ms | "
          f"import httpx+ruamel.yaml+jsonschema: {baseline * 1000:.0f} ms | {cli / baseline:.2f}x |")
    print(f"| one run of track-and-segment (2 requests, mock transport) | {engine:.0f} µs | "
          f"2 direct httpx requests: {direct:.0f} µs | {engine / direct:.2f}x |")
    print(f"| median run time, last 200 of 2,000 runs vs first 200 | — | first 200 runs | {drift:.2f}x |")
    print(f"| traced memory after 500 / 2,500 / 5,000 runs | {' / '.join(f'{m} KiB' for m in memory)} | "
          f"after 500 runs | {memory[-1] / max(memory[0], 1):.2f}x |")


if __name__ == "__main__":
    main()

"""The benchmark scripts keep working: each runs in its smallest mode (timings are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_per_step_benchmark_runs_and_prints_every_figure() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "step_bench.py"), "--quick"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| measure")]
    assert [row.split(" | ")[0] for row in rows] == [
        "| one run of identity-resolve-and-track (3 steps, mock transport, response checks on; median of 2 rounds)",
        "| engine CPU overhead per step",
        "| one response check of the segmentation body (engine: plan-time compiled, jsonschema-rs)",
        "| one contract check of the same response (openapi-core, `--contract`)",
        "| process importing openapi-core on top of a run's imports (best of N)",
    ]

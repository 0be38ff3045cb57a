"""Section 5, micro-benchmarks folded in from ``step_bench.py`` and ``expressions_bench.py`` (which still run on
their own): what one response check costs against pure-Python jsonschema and openapi-core, what importing
openapi-core costs, and the expression language against hand-written Python."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_report import Section, Table
from bench_stats import Figure, Sizes, alternate, ratio_text

__all__ = ["micro"]

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _per_call(action: Callable[[], object], count: int) -> Callable[[], float]:
    def one() -> float:
        started = time.perf_counter()
        for _ in range(count):
            action()
        return (time.perf_counter() - started) / count
    return one


def micro(sizes: Sizes) -> Section:
    import expressions_bench as expressions
    import step_bench

    section = Section("5. Response checks and expressions (micro-benchmarks)", (
        "Median (min–max) of alternating rounds; `benchmarks/step_bench.py` and `benchmarks/expressions_bench.py` "
        "print the same figures on their own."))
    count = 20 if sizes.tiny else 2000
    rounds = 2 if sizes.tiny else 7
    engine_check, python_check, core_check = step_bench.checkers()
    figures = alternate({"engine": _per_call(engine_check, count), "jsonschema": _per_call(python_check, count // 20),
                         "core": _per_call(core_check, max(count // 200, 2))}, rounds)
    table = Table(["measure", "value", "baseline (same run)", "ratio"])
    table.add("one response check of the segmentation body (plan-time compiled, jsonschema-rs)",
              figures["engine"].text("µs", 1e6, 1), f"pure-Python jsonschema: {figures['jsonschema'].text('µs', 1e6)}",
              ratio_text(figures["engine"], figures["jsonschema"], ""))
    table.add("one contract check of the same response (openapi-core, `--contract`)", figures["core"].text("µs", 1e6),
              f"the engine's check: {figures['engine'].text('µs', 1e6, 1)}", ratio_text(figures["core"],
                                                                                       figures["engine"]))
    with_core, without = _imports(2 if sizes.tiny else 7)
    table.add("process importing openapi-core on top of a run's own imports", with_core.text("ms", 1000),
              f"httpx + ruamel.yaml + jsonschema-rs: {without.text('ms', 1000)}", ratio_text(with_core, without))
    section.tables.append(table)

    cases = expressions.cases()
    number = 200 if sizes.tiny else 20000
    rates = alternate({label: _per_call(function, number) for label, function in cases}, rounds)
    baseline = rates[cases[0][0]]
    expression_table = Table(["operation", "time per operation", "ratio vs the hand-written comparison"])
    for label, _ in cases:
        expression_table.add(label, rates[label].text("ns", 1e9), ratio_text(rates[label], baseline))
    section.tables.append(expression_table)
    section.notes.append(f"condition `{expressions.CONDITION}`; baseline: the same comparison written in Python "
                         "over the same data.")
    return section


def _imports(rounds: int) -> tuple[Figure, Figure]:
    import subprocess

    def process(code: str) -> Callable[[], float]:
        def one() -> float:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            return time.perf_counter() - started
        return one

    base = "import httpx, ruamel.yaml, jsonschema_rs"
    figures = alternate({"core": process(base + "; import openapi_core"), "base": process(base)}, rounds)
    return figures["core"], figures["base"]

"""Section 4, scale: a generated description of 5,000 operations with workflows of 1 to 1,000 steps (each phase
timed, and its growth fitted), 10,000 runs of one reused ``Runner``, and ``validate`` of 400 documents in one
process.

The phases are the ones ``Runner.prepare`` goes through, called one by one: **load** (read and parse the
workflow and its description, build their models), **validate** (resolve every reference, the JSON Schema and
semantic rules), **plan** (compile every value, criterion and response check), then **run** (on an in-memory
``httpx.MockTransport``). Each has a yardstick measured alongside it on the same documents, so its ratio says
how far the engine is from the least that phase must do: ``json.loads`` of the two files; jsonschema-rs
checking the workflow against the Arazzo schema only; one deep copy of the workflow's data (a pass over every
node); the same requests sent by hand on the same transport.
"""

from __future__ import annotations

import copy
import gc
import json
import os
import re
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from bench_docs import FLOW, FLOW_ID, INPUTS, ROOT, SEEDS, scale_description, scale_workflow
from bench_report import Section, Table
from bench_stats import Figure, Sizes, fit_exponent, ratio_text
from bench_stub import ANSWERS

__all__ = ["scale"]

BASE = "http://scale.test"
PHASES = ("load", "validate", "plan", "run")


def _mock(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=ANSWERS.get(request.url.path, {"ok": True}))


def _timed(action: Callable[[], Any]) -> Callable[[], float]:
    def one() -> float:
        gc.collect()  # garbage from the previous round is not this round's cost
        started = time.perf_counter()
        action()
        return time.perf_counter() - started
    return one


def _phases(path: Path, spec: Path, rounds: int) -> dict[str, tuple[Figure, Figure]]:
    """(engine, yardstick) per phase for one workflow file."""
    import jsonschema_rs

    from arazzo_runner import Runner
    from arazzo_runner.limits import DEFAULT_LIMITS
    from arazzo_runner.plan import build_plan, select_workflow
    from arazzo_runner.resolve import resolve
    from arazzo_runner.sources import Workspace
    from arazzo_runner.validate import validate_resolution

    limits = DEFAULT_LIMITS.with_values(max_steps=100_000)
    schema = json.loads((ROOT / "arazzo_runner" / "schemas" / "arazzo-1.0-2024-08-01.json").read_text())
    checker = jsonschema_rs.validator_for(schema)
    data = json.loads(path.read_text())
    state: dict[str, Any] = {}

    def load() -> None:
        workspace = Workspace(None, limits)
        document = workspace.load(str(path))
        state.update(workspace=workspace, document=document, bundle=workspace.bundle(document))

    def validate() -> None:
        resolution = resolve(state["bundle"])
        problems = [d for d in validate_resolution(resolution) if d.severity == "error"]
        if problems:
            raise RuntimeError(f"the generated workflow is invalid: {problems[:3]}")
        state["resolution"] = resolution

    def plan() -> None:
        chosen = select_workflow(state["document"], "scale")
        built = build_plan(state["resolution"], (state["document"].url, chosen), state["workspace"].load_referenced)
        if built.problems:
            raise RuntimeError(f"the generated workflow does not plan: {list(built.problems)[:3]}")

    client = httpx.Client(transport=httpx.MockTransport(_mock))
    runner = Runner(client=client, servers={"api": BASE}, limits=limits, environ={})
    runner.prepare(path)
    steps = len(data["workflows"][0]["steps"])
    urls = [f"{BASE}/ops/{int(step['operationId'][2:])}" for step in data["workflows"][0]["steps"]]

    def run() -> None:
        result = runner.run(path)
        if result.status != "succeeded" or len(result.steps) != steps:
            raise RuntimeError(f"the scale run failed: {result.error}")

    def by_hand() -> None:
        for index, url in enumerate(urls):
            client.get(url, params={"n": index}).json()

    yardsticks: dict[str, Callable[[], Any]] = {
        "load": lambda: (json.loads(path.read_text()), json.loads(spec.read_text())),
        "validate": lambda: checker.is_valid(data),
        "plan": lambda: copy.deepcopy(data),
        "run": by_hand,
    }
    engine: dict[str, Callable[[], Any]] = {"load": load, "validate": validate, "plan": plan, "run": run}
    result: dict[str, tuple[Figure, Figure]] = {}
    # The phases depend on each other's state, so each round goes through them in order; the yardstick of a
    # phase runs right after it.
    samples: dict[str, list[float]] = {f"{p}:{side}": [] for p in PHASES for side in ("engine", "yard")}
    for _ in range(rounds):
        for phase in PHASES:
            samples[f"{phase}:engine"].append(_timed(engine[phase])())
            samples[f"{phase}:yard"].append(_timed(yardsticks[phase])())
    client.close()
    for phase in PHASES:
        result[phase] = (Figure.of(samples[f"{phase}:engine"]), Figure.of(samples[f"{phase}:yard"]))
    return result


def _phase_tables(sizes: Sizes, directory: Path) -> list[Table]:
    spec = directory / "scale-openapi.json"
    spec.write_text(json.dumps(scale_description(sizes.scale_operations, BASE)))
    measured: dict[int, dict[str, tuple[Figure, Figure]]] = {}
    for steps in sizes.scale_steps:
        path = directory / f"scale-{steps}.arazzo.json"
        path.write_text(json.dumps(scale_workflow(steps, sizes.scale_operations)))
        measured[steps] = _phases(path, spec, sizes.scale_rounds)
    table = Table(["steps", "phase", "engine", "per step", "yardstick (same run)", "ratio vs yardstick"])
    yardstick_names = {"load": "`json.loads` of both files", "validate": "jsonschema-rs, Arazzo schema only",
                       "plan": "`copy.deepcopy` of the workflow", "run": "the requests by hand"}
    for steps, phases in measured.items():
        for phase, (engine, yard) in phases.items():
            table.add(str(steps), phase, engine.text("ms", 1000, 2), f"{engine.median / steps * 1e6:,.0f} µs",
                      f"{yardstick_names[phase]}: {yard.text('ms', 1000, 2)}", ratio_text(engine, yard))
    fit = Table(["phase", "fitted exponent, engine (time ∝ steps^k)", "fitted exponent, yardstick",
                 "ratio (exponent) vs linear 1.0"])
    counts = list(measured)
    for phase in PHASES:
        engine_k = fit_exponent(counts, [measured[n][phase][0].median for n in counts])
        yard_k = fit_exponent(counts, [measured[n][phase][1].median for n in counts])
        fit.add(phase, f"{engine_k:.2f}", f"{yard_k:.2f}", f"{engine_k:.2f}x")
    return [table, fit]


def _rss_kib() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


def _soak(sizes: Sizes) -> Table:
    from arazzo_runner import Runner

    client = httpx.Client(transport=httpx.MockTransport(_mock))
    servers = {"identityApi": BASE, "ingestionApi": BASE, "queryApi": f"{BASE}/api/query"}
    runner = Runner(client=client, servers=servers, auth={"queryApi.serviceAccount": "sa:secret"}, environ={})
    runner.run(FLOW, FLOW_ID, INPUTS)
    window, runs = sizes.soak_window, sizes.soak_runs
    timings: list[float] = []
    rss_after_window = 0
    for index in range(runs):
        started = time.perf_counter()
        result = runner.run(FLOW, FLOW_ID, INPUTS)
        timings.append(time.perf_counter() - started)
        if result.status != "succeeded":
            raise RuntimeError(f"soak run failed: {result.error}")
        if index + 1 == window:
            rss_after_window = _rss_kib()
    rss_end = _rss_kib()
    # Traced memory in a pass of its own: tracing slows every allocation and would distort the timings above.
    tracemalloc.start()
    traced = []
    for index in range(runs):
        runner.run(FLOW, FLOW_ID, INPUTS)
        if index + 1 in (window, runs):
            gc.collect()
            traced.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    client.close()
    first, last = Figure.of(timings[:window]), Figure.of(timings[-window:])
    table = Table(["measure (one reused `Runner`, 3-step workflow, mock transport)", "value", "baseline (same run)",
                   "ratio"])
    table.add(f"per-run time, last {window} of {runs:,} runs", last.text("µs", 1e6),
              f"first {window}: {first.text('µs', 1e6)}", ratio_text(last, first))
    table.add(f"resident memory after {runs:,} runs", f"{rss_end / 1024:.1f} MiB",
              f"after {window}: {rss_after_window / 1024:.1f} MiB",
              f"{rss_end / max(rss_after_window, 1):.2f}x")
    table.add(f"memory traced by tracemalloc after {runs:,} further runs", f"{traced[-1] / 1024:.0f} KiB",
              f"after {window}: {traced[0] / 1024:.0f} KiB", f"{traced[-1] / max(traced[0], 1):.2f}x")
    return table


def _validate_many(sizes: Sizes, directory: Path) -> Table:
    """``arazzo_runner.validate`` of N documents, one after another in this process; the yardstick reads and
    parses the same files (the document and its three descriptions) with ruamel.yaml's C loader."""
    from ruamel.yaml import YAML

    import arazzo_runner

    (directory / "specs").mkdir()
    (directory / "many").mkdir()
    for spec in (ROOT / "specs").iterdir():
        (directory / "specs" / spec.name).write_text(spec.read_text("utf-8"), "utf-8")
    paths = []
    for index in range(sizes.validate_documents):
        seed = SEEDS[index % len(SEEDS)]
        # Distinct documents (ids, titles), so nothing could be served from a cache keyed on content.
        text = re.sub(r"workflowId: ([\w-]+)", rf"workflowId: \1-{index}", seed.read_text("utf-8"))
        text = text.replace("title: ", f"title: N{index} ", 1)
        path = directory / "many" / f"doc-{index}.arazzo.yaml"
        path.write_text(text, "utf-8")
        paths.append(path)
    sources = [directory / "specs" / spec.name for spec in (ROOT / "specs").iterdir()]
    yaml = YAML(typ="safe", pure=False)
    validate_times: list[float] = []
    parse_times: list[float] = []

    def validate_one(path: Path) -> float:
        started = time.perf_counter()
        problems = [d for d in arazzo_runner.validate(path) if d.severity == "error"]
        elapsed = time.perf_counter() - started
        if problems:
            raise RuntimeError(f"{path.name} is invalid: {problems[:2]}")
        return elapsed

    def parse_one(path: Path) -> float:
        started = time.perf_counter()
        for item in (path, *sources):
            yaml.load(item.read_text("utf-8"))
        return time.perf_counter() - started

    started = time.perf_counter()
    for path in paths:  # alternating per document, so a noisy second hits both sides
        validate_times.append(validate_one(path))
        parse_times.append(parse_one(path))
    total = time.perf_counter() - started
    engine, yard = Figure.of(validate_times), Figure.of(parse_times)
    table = Table(["measure", "per document", "yardstick (same run): parse the document and its 3 descriptions",
                   "ratio"])
    table.add(f"`arazzo_runner.validate` of {len(paths)} documents in one process (total with yardstick "
              f"{total:.1f} s; validate alone {sum(validate_times):.1f} s)", engine.text("ms", 1000, 1),
              yard.text("ms", 1000, 1), ratio_text(engine, yard))
    return table


def scale(sizes: Sizes) -> Section:
    section = Section("4. Scale", (
        f"A generated OpenAPI 3.1 description of {sizes.scale_operations:,} operations (JSON) and workflows of "
        f"{', '.join(f'{n:,}' for n in sizes.scale_steps)} steps on it, each step reading the previous one's "
        f"output; median (min–max) of {sizes.scale_rounds} rounds per phase. The exponent is the least-squares "
        "slope of log(time) over log(steps): 1.0 is linear; load is dominated by the fixed description, so its "
        "exponent is low."))
    with tempfile.TemporaryDirectory() as directory:
        # The soak first: its resident-memory figures would otherwise start from the heap the 5,000-operation
        # description left behind (the interpreter keeps freed memory).
        soak = _soak(sizes)
        many = _validate_many(sizes, Path(directory))
        rss_before = _rss_kib()
        section.tables.extend(_phase_tables(sizes, Path(directory)))
        section.tables += [soak, many]
        section.notes.append(f"resident memory of the process before the phases: {rss_before / 1024:,.0f} MiB, "
                             f"after: {_rss_kib() / 1024:,.0f} MiB.")
    section.notes.append("Per-run drift and memory: a ratio near 1.00x means nothing accumulates from run to run.")
    return section

"""Section 1, cold start: whole processes, as a user at a shell or a CI job meets each engine.

One round runs every engine once against the same loopback stub, in rotating order (plus the bare
interpreter, the floor any Python tool pays); the medians of the rounds are compared. Ours runs the seed
workflow with ``--server`` overrides; the peers, which have none (Jentic) or are given the same documents
(Redocly), run a copy whose OpenAPI ``servers`` are the stub. The workflow is written in spec forms only
(``$response.body#/status``), which respect requires.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench_docs import FLOW, FLOW_ID, INPUTS, SEEDS, auth_environ, servers_for, workspace_copy
from bench_env import JENTIC_VERSION, REDOCLY_VERSION, Measured, Peers, measure
from bench_report import SKIPPED, Section, Table
from bench_stats import Figure, Sizes, alternate, ratio_text
from bench_stub import stub_server

__all__ = ["cold_start"]

BIN = Path(sys.executable).parent


def _checked(name: str, measured: Measured, success: Callable[[Measured], bool]) -> Measured:
    """A timing of a run that failed would be meaningless: stop with what the engine printed."""
    if not success(measured):
        raise RuntimeError(f"{name} did not run the workflow (exit {measured.exit}):\n{measured.output[-2000:]}")
    return measured


def cold_start(sizes: Sizes, peers: Peers) -> Section:
    section = Section("1. Cold start (whole process)", (
        f"Median (min–max) of {sizes.cold_rounds} rounds; in each round every command runs once, in rotating order, "
        "against the same fast loopback stub (`benchmarks/bench_stub.py`, its own process on 127.0.0.1). Wall time "
        "and peak RSS from the process's own `wait4` rusage. Workflow: `identity-resolve-and-track` (3 steps). "
        "Bytecode caches are written by the unmeasured warm-up run (as pip does at install time for the peer)."))
    env = {**os.environ, **auth_environ(), "REDOCLY_TELEMETRY": "off", "NO_COLOR": "1", "PYTHONUTF8": "1"}
    # Bytecode caches as on any ordinary install: pip compiled the peer's at install time, while ours is an
    # editable checkout, which under PYTHONDONTWRITEBYTECODE would compile every module at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    use_jentic, use_redocly = peers.jentic(), peers.redocly()
    with stub_server() as base, tempfile.TemporaryDirectory() as directory:
        copy = workspace_copy(base, Path(directory))
        ours_argv = [str(BIN / "arazzo-runner"), "run", str(FLOW), "--workflow", FLOW_ID, "--inputs",
                     json.dumps(INPUTS), *[f"--server={name}={url}" for name, url in servers_for(base).items()]]
        commands: dict[str, Callable[[], Measured]] = {
            "floor": lambda: _checked("python -c pass", measure([sys.executable, "-c", "pass"], env=env),
                                      lambda m: m.exit == 0),
            "ours": lambda: _checked("arazzo-runner run", measure(ours_argv, env=env), lambda m: m.exit == 0),
        }
        if use_jentic:
            jentic_argv = [str(peers.jentic_cli), "execute-workflow", str(copy), "--workflow-id", FLOW_ID,
                           "--inputs", json.dumps(INPUTS)]
            # Its exit code is 0 whatever happened: the printed status says whether the workflow completed.
            commands["jentic"] = lambda: _checked("Jentic arazzo-runner", measure(jentic_argv, env=env),
                                                  lambda m: "workflow_complete" in m.output)
        if use_redocly:
            respect_argv = peers.respect_argv(str(copy), "--workflow", FLOW_ID, "--input", json.dumps(INPUTS))
            commands["respect"] = lambda: _checked(
                "redocly respect", measure(respect_argv, env=env, cwd=peers.node_prefix),
                lambda m: m.exit == 0 and "1 passed" in m.output)
        runs: dict[str, list[Measured]] = {name: [] for name in commands}

        def timed(name: str) -> Callable[[], float]:
            def one() -> float:
                runs[name].append(commands[name]())
                return runs[name][-1].seconds
            return one

        for name in list(commands):  # one unmeasured run of each: the OS file cache warm for every engine alike
            commands[name]()
        times = alternate({name: timed(name) for name in commands}, sizes.cold_rounds)
        validate = _validate(sizes, env)
    memory = {name: Figure.of([m.peak_mib for m in measured]) for name, measured in runs.items()}

    run_table = Table(["command", "wall time", "peak RSS", "ratio (time) vs Jentic 0.9.6", "ratio (RSS) vs Jentic"])
    labels = {
        "floor": "`python -c pass` (interpreter floor)",
        "ours": "`arazzo-runner run` (this project)",
        "jentic": f"Jentic `arazzo-runner execute-workflow` {JENTIC_VERSION}",
        "respect": f"`npx redocly respect` (@redocly/cli {REDOCLY_VERSION}, Node {_node_version()})",
    }
    for name in ("floor", "ours", "jentic", "respect"):
        if name not in times:
            run_table.add(labels[name], SKIPPED, SKIPPED, SKIPPED, SKIPPED)
            continue
        if "jentic" in times:
            goal = "≤0.8x" if name == "ours" else ""
            time_ratio = ratio_text(times[name], times["jentic"], goal)
            rss_ratio = ratio_text(memory[name], memory["jentic"])
        else:
            time_ratio = rss_ratio = f"{SKIPPED} (no Jentic run)"
        run_table.add(labels[name], times[name].text("ms", 1000), memory[name].text("MiB", 1, 1), time_ratio,
                      rss_ratio)
    section.tables.append(run_table)
    if "respect" in times:
        section.notes.append(f"ours vs respect: {ratio_text(times['ours'], times['respect'])} wall time, "
                             f"{ratio_text(memory['ours'], memory['respect'])} peak RSS.")
    section.notes.append(f"ours vs the interpreter floor: {ratio_text(times['ours'], times['floor'])}.")
    section.notes.extend(peers.notes)
    section.tables.append(validate)
    return section


def _validate(sizes: Sizes, env: dict[str, str]) -> Table:
    argv = [str(BIN / "arazzo-runner"), "validate", *[str(path) for path in SEEDS]]
    runs: list[Measured] = []

    def ours() -> float:
        runs.append(_checked("arazzo-runner validate", measure(argv, env=env), lambda m: m.exit == 0))
        return runs[-1].seconds

    def floor() -> float:
        return measure([sys.executable, "-c", "pass"], env=env).seconds

    figures = alternate({"validate": ours, "floor": floor}, sizes.cold_rounds)
    table = Table(["command", "wall time", "peak RSS", "goal", "ratio vs `python -c pass` (same run)"])
    median = figures["validate"].median
    table.add("`arazzo-runner validate` of both seed workflows (and their 3 OpenAPI descriptions)",
              figures["validate"].text("ms", 1000), Figure.of([m.peak_mib for m in runs]).text("MiB", 1, 1),
              f"≤ 150 ms: {'met' if median <= 0.15 else 'NOT met'}", ratio_text(figures["validate"], figures["floor"]))
    table.add("`python -c pass`", figures["floor"].text("ms", 1000), "—", "—", "1.00x")
    return table


def _node_version() -> str:
    import subprocess

    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"

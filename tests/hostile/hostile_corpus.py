"""The hostile corpus: the table of ``corpus.yaml``, its documents made real, and each entry run and checked.

An entry (a :class:`Case`) names a document — a file of ``corpus/``, a recipe that generates a big one, or a
path on the fault server — a command with its inputs, limits and credentials, and what must come out: the exit
code, message fragments, the diagnostic's rule and ``line:column``, strings that must not appear (a secret in
any encoding, a raw escape character). :func:`run_cli` runs an entry as ``python -m arazzo_runner`` in a
subprocess; :func:`run_api` runs it through ``arazzo_runner.validate`` / ``Runner``. Both give an
:class:`Outcome` that :func:`check` compares with the entry.

Every document of ``corpus/`` may say ``@SERVER@`` where the fault server's URL belongs.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from hostile_recipes import Sparse, generate
from ruamel.yaml import YAML

HERE = Path(__file__).parent
CORPUS_DIR = HERE / "corpus"
TABLE = HERE / "corpus.yaml"
HANG_GUARD = 20.0
"""Seconds any entry may take before it counts as a hang (a guard, not a speed test)."""
SERVER_MARK = "@SERVER@"


@dataclass(frozen=True)
class Case:
    """One entry of the table (see the comment at the top of ``corpus.yaml`` for each field)."""

    id: str
    kind: str
    attacks: str
    command: str
    exit: int
    document: str | None = None
    generate: Mapping[str, Any] | None = None
    url: str | None = None
    workflow: str | None = None
    inputs: Mapping[str, Any] | None = None
    inputs_file: Mapping[str, Any] | None = None
    input_args: tuple[str, ...] = ()
    limits: Mapping[str, float] = field(default_factory=dict)
    auth: Mapping[str, str] = field(default_factory=dict)
    runner: Mapping[str, bool] = field(default_factory=dict)
    flags: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()
    cli_expect: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    cli_absent: tuple[str, ...] = ()
    rule: str | None = None
    at: str | None = None
    secrets: tuple[str, ...] = ()
    server_saw: tuple[str, ...] = ()
    api: bool = True
    xfail: str | None = None
    fixed: str | None = None
    guard: float = HANG_GUARD


def load_cases() -> list[Case]:
    """Every entry of the table, in order."""
    entries = YAML(typ="safe", pure=True).load(TABLE.read_text("utf-8"))
    cases = []
    for entry in entries:
        entry = dict(entry)
        entry["kind"] = entry.pop("class")
        for name in ("input_args", "flags", "expect", "cli_expect", "absent", "cli_absent", "secrets",
                     "server_saw"):
            if name in entry:
                entry[name] = tuple(entry[name])
        entry["input_args"] = tuple(_input_arg(item) for item in entry.get("input_args", ()))
        cases.append(Case(**entry))
    ids = [case.id for case in cases]
    assert len(ids) == len(set(ids)), "corpus ids must be unique"
    return cases


def _input_arg(item: str | Mapping[str, Any]) -> str:
    """An ``--input`` argument: ``NAME=VALUE`` as written, or ``{name, repeat, times, then}`` for a long value."""
    if isinstance(item, str):
        return item
    return f"{item['name']}={item['repeat'] * item['times']}{item.get('then', '')}"


def materialize_corpus(root: Path, server_url: str) -> None:
    """Copy ``corpus/`` into ``root`` with the fault server's URL in place of ``@SERVER@``."""
    for source in CORPUS_DIR.iterdir():
        if source.is_file():
            (root / source.name).write_bytes(source.read_bytes().replace(SERVER_MARK.encode(), server_url.encode()))


def document_of(case: Case, root: Path, server_url: str) -> str:
    """The path (or URL) of the entry's document, generating it first when it comes from a recipe."""
    if case.url is not None:
        return server_url + case.url
    if case.generate is not None:
        target = root / f"{case.id}{'.json' if 'json' in str(case.generate.get('format', '')) else '.yaml'}"
        if case.generate.get("recipe") in ("many-steps", "many-workflows", "remote-source"):
            target = root / f"{case.id}.json"
        if not target.exists():
            content = generate(case.generate)
            _write_once(target, content if isinstance(content, Sparse)
                        else content.replace(SERVER_MARK.encode(), server_url.encode()))
        return str(target)
    assert case.document is not None, f"{case.id}: no document, generate or url"
    return str(root / case.document)


def _inputs_path(case: Case, root: Path) -> Path | None:
    if case.inputs_file is None:
        return None
    target = root / f"{case.id}.inputs.json"
    if not target.exists():
        _write_once(target, generate(case.inputs_file))
    return target


def _write_once(target: Path, content: bytes | Sparse) -> None:
    """Write a generated file whole, then move it in place: the command-line run and the API run of one entry
    may generate it at the same time, and neither may read it half written."""
    partial = target.with_name(f"{target.name}.{threading.get_ident()}.part")
    with partial.open("wb") as handle:
        if isinstance(content, Sparse):
            handle.truncate(content.size)
        else:
            handle.write(content)
    os.replace(partial, target)


def _limit_text(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


def cli_argv(case: Case, root: Path, server_url: str) -> list[str]:
    """The command line of the entry (after ``python -m arazzo_runner``)."""
    argv = [case.command, document_of(case, root, server_url)]
    if case.workflow:
        argv += ["--workflow", case.workflow]
    inputs_path = _inputs_path(case, root)
    if inputs_path is not None:
        argv += ["--inputs", str(inputs_path)]
    if case.inputs is not None:
        argv += ["--inputs", json.dumps(case.inputs)]
    for argument in case.input_args:
        argv += ["--input", argument]
    for name, value in case.limits.items():
        argv += ["--limit", f"{name}={_limit_text(value)}"]
    for key, value in case.auth.items():
        argv += ["--auth", f"{key}={value}"]
    argv += [f"--{option}" for option, on in case.runner.items() if on]
    return argv + [flag.replace(SERVER_MARK, server_url) for flag in case.flags]


@dataclass(frozen=True)
class Outcome:
    """What one way of running an entry produced: an exit code (the API's is derived), the text to search,
    the diagnostics' ``(rule, "line:column", file)`` and the seconds it took."""

    exit: int
    text: str
    diagnostics: tuple[tuple[str, str, str], ...]
    seconds: float
    stderr: str = ""


def _environment() -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("ARAZZO_AUTH_")}
    env["PYTHONUTF8"] = "1"
    return env


def run_cli(case: Case, root: Path, server_url: str) -> Outcome:
    """Run the entry as ``python -m arazzo_runner`` in a subprocess (killed past twice the hang guard)."""
    argv = [sys.executable, "-m", "arazzo_runner", *cli_argv(case, root, server_url)]
    started = time.monotonic()
    try:
        completed = subprocess.run(argv, capture_output=True, timeout=case.guard * 2, env=_environment(),
                                   cwd=root, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(-1, "<hung: killed>", (), time.monotonic() - started)
    seconds = time.monotonic() - started
    stdout = completed.stdout.decode("utf-8", "backslashreplace")
    stderr = completed.stderr.decode("utf-8", "backslashreplace")
    return Outcome(completed.returncode, stdout + "\n" + stderr, tuple(_diagnostic_lines(stdout + stderr)),
                   seconds, stderr)


def _diagnostic_lines(text: str) -> Iterable[tuple[str, str, str]]:
    """``(rule, "line:column", file)`` of every ``FILE:LINE:COL: severity: message [rule]`` line."""
    for line in text.splitlines():
        if not line.endswith("]") or ": error: " not in line and ": warning: " not in line:
            continue
        where = line.split(": error: ")[0].split(": warning: ")[0]
        rule = line.rsplit("[", 1)[1][:-1]
        file, _, position = where.rpartition(":")
        file, _, line_number = file.rpartition(":")
        yield rule, f"{line_number}:{position}", file


def run_api(case: Case, root: Path, server_url: str) -> Outcome:
    """Run the entry through the Python API: ``validate()`` for ``validate``, a ``Runner`` for ``run``."""
    import arazzo_runner
    from arazzo_runner.errors import ArazzoError, DocumentError, InputError, LoadError
    from arazzo_runner.limits import DEFAULT_LIMITS

    path = document_of(case, root, server_url)
    started = time.monotonic()
    if case.command == "validate":
        try:
            diagnostics = arazzo_runner.validate(path)
        except LoadError as exc:
            return Outcome(2, str(exc), (), time.monotonic() - started)
        return Outcome(1 if any(d.severity == "error" for d in diagnostics) else 0,
                       "\n".join(str(d) for d in diagnostics), tuple(_located(diagnostics)),
                       time.monotonic() - started)
    inputs: dict[str, Any] = {}
    inputs_path = _inputs_path(case, root)
    if inputs_path is not None:
        inputs.update(json.loads(inputs_path.read_text("utf-8")))
    inputs.update(case.inputs or {})
    for argument in case.input_args:  # as the command line reads them: JSON when it parses, else text
        name, _, text = argument.partition("=")
        try:
            inputs[name] = json.loads(text)
        except ValueError:
            inputs[name] = text
    runner = arazzo_runner.Runner(limits=DEFAULT_LIMITS.with_values(**case.limits), auth=dict(case.auth),
                                  environ={}, **case.runner)
    try:
        result = runner.run(path, case.workflow, inputs)
    except DocumentError as exc:
        return Outcome(2, "\n".join(str(d) for d in exc.diagnostics), tuple(_located(exc.diagnostics)),
                       time.monotonic() - started)
    except InputError as exc:
        return Outcome(2, str(exc), (), time.monotonic() - started)
    except ArazzoError as exc:
        return Outcome(2, str(exc), (), time.monotonic() - started)
    return Outcome(0 if result.succeeded else 1, "\n".join(_result_text(result)), (), time.monotonic() - started)


def _located(diagnostics: Iterable[Any]) -> Iterable[tuple[str, str, str]]:
    for diagnostic in diagnostics:
        location = diagnostic.location
        yield diagnostic.rule, f"{location.line}:{location.column}", location.source


def _result_text(result: Any) -> Iterable[str]:
    """Everything a run result shows of requests, errors and warnings (outputs are the workflow's own)."""
    while result is not None:
        yield f"{result.workflow_id}: {result.status}"
        if result.error:
            yield result.error
        for step in result.steps:
            if step.request is not None:
                yield f"{step.request.method} {step.request.url}"
            yield f"{step.step_id}: {step.status} HTTP {step.status_code} after {step.attempts} attempts"
            if step.error:
                yield step.error
            yield from step.warnings
            if step.sub_run is not None:
                yield from _result_text(step.sub_run)
        result = result.transferred_to


def secret_forms(secret: str) -> set[str]:
    """A secret as it may leak: plain, JSON-escaped (once and twice), percent-encoded, base64."""
    escaped = json.dumps(secret)[1:-1]
    forms = {secret, escaped, json.dumps(escaped)[1:-1], quote(secret, safe=""), quote(secret), quote_plus(secret),
             base64.b64encode(secret.encode()).decode()}
    return {form for form in forms if len(form) >= 4}


def check(case: Case, outcome: Outcome, *, cli: bool) -> None:
    """Compare an outcome with the entry; the assertion message shows the output."""
    shown = outcome.text[-3000:]
    assert outcome.exit != -1, f"{case.id}: hung past {case.guard * 2:g} s"
    assert outcome.seconds < case.guard, f"{case.id}: took {outcome.seconds:.1f} s (guard {case.guard:g} s)\n{shown}"
    assert "Traceback" not in outcome.text, f"{case.id}: a traceback escaped\n{shown}"
    assert outcome.exit == case.exit, f"{case.id}: exit {outcome.exit}, expected {case.exit}\n{shown}"
    for fragment in case.expect + (case.cli_expect if cli else ()):
        assert fragment in outcome.text, f"{case.id}: {fragment!r} not in output\n{shown}"
    for fragment in case.absent + (case.cli_absent if cli else ()):
        assert fragment not in outcome.text, f"{case.id}: {fragment!r} must not appear\n{shown}"
    for secret in case.secrets:
        for form in secret_forms(secret):
            assert form not in outcome.text, f"{case.id}: secret form {form!r} leaked\n{shown}"
    for key, value in case.auth.items():
        if ":" in value:  # what HTTP basic puts on the wire
            encoded = base64.b64encode(value.encode()).decode()
            assert encoded not in outcome.text, f"{case.id}: the basic credential of {key} leaked\n{shown}"
    if case.rule is not None:
        rules = [d for d in outcome.diagnostics if d[0] == case.rule]
        assert rules, f"{case.id}: no [{case.rule}] diagnostic\n{shown}"
        if case.at is not None:
            assert any(d[1] == case.at for d in rules), f"{case.id}: [{case.rule}] not at {case.at}: {rules}\n{shown}"


CASES = load_cases()
PARALLEL_RUNS = 4


class CliRuns:
    """The command-line runs of some entries, all started at once and run a few at a time (each is a
    subprocess that mostly waits on sockets or its own start-up, so this shortens the suite without changing
    what any run sees; the hang guard measures each run on its own)."""

    def __init__(self, cases: Iterable[Case], root: Path, server_url: str) -> None:
        self._pool = ThreadPoolExecutor(PARALLEL_RUNS, thread_name_prefix="hostile-cli")
        self._futures: dict[str, Future[Outcome]] = {
            case.id: self._pool.submit(run_cli, case, root, server_url) for case in cases}

    def outcome(self, case: Case) -> Outcome:
        """The outcome of ``case``'s run (waiting for it)."""
        return self._futures[case.id].result()

    def close(self) -> None:
        """Wait for the runs still going and release the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)

"""The hostile corpus measured: every entry run as ``python -m arazzo_runner`` in its own process, with its time
and its peak memory, for the table of RELIABILITY.md.

Each entry of ``tests/hostile/corpus.yaml`` runs as the hostile suite runs it (same document, inputs, limits and
flags, against the same fault server on 127.0.0.1), one at a time so that timings are not shared. Time is the
wall-clock time of the process; peak memory is its maximum resident set size, read from the ``rusage`` that
``wait4`` returns for that one process, started by a bare interpreter (:mod:`spawner`) so that the figure is
the command's own. A bare ``python -c pass`` of the same
interpreter and ``arazzo-runner --help`` are measured first, as the floor every entry includes. An entry
marked ``xfail`` runs too (in its own process, so a crash or a hang costs nothing but its guard); its outcome is
reported as it is.

Run: ``.venv/bin/python benchmarks/reliability.py [--markdown] [--only ID...]``; ``--markdown`` prints the rows
of RELIABILITY.md's table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spawner  # noqa: E402 - started before anything heavy is imported
from spawner import Measured  # noqa: E402

spawner.start()

import argparse  # noqa: E402
import tempfile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from fault_server import FaultServer  # noqa: E402 - the suite's own modules, found through the path above
from hostile_corpus import CASES, Case, Outcome, check, cli_argv, materialize_corpus  # noqa: E402


def measure(argv: list[str], cwd: Path, timeout: float) -> Measured:
    """Run ``argv`` to its end (killed past ``timeout``) in the environment the hostile suite uses."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ARAZZO_AUTH_")}
    env["PYTHONUTF8"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measured as installed: compiled modules cached
    return spawner.measure(argv, cwd=cwd, env=env, timeout=timeout)


def verdict(case: Case, measured: Measured) -> str:
    """``handled`` when the entry's expectations hold, else the first thing that does not."""
    outcome = Outcome(measured.exit if measured.seconds < case.guard * 2 else -1, measured.output,
                      tuple(_diagnostics(measured.output)), measured.seconds)
    try:
        check(case, outcome, cli=True)
    except AssertionError as exc:
        return "FAILS: " + str(exc).splitlines()[0]
    return "handled"


def _diagnostics(text: str) -> list[tuple[str, str, str]]:
    from hostile_corpus import _diagnostic_lines

    return list(_diagnostic_lines(text))


def outcome_text(case: Case, measured: Measured) -> str:
    """What the entry did, briefly: the exit code and the first fragment the table expects."""
    shown = next(iter(case.cli_expect + case.expect), "") or (f"[{case.rule}]" if case.rule else "")
    if case.rule and case.at:
        shown = f"[{case.rule}] at {case.at}" + (f": {shown}" if shown and not shown.startswith("[") else "")
    return f"exit {measured.exit}" + (f"; {shown}" if shown else "")


def _cell(text: str) -> str:
    """Text fit for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print the rows of RELIABILITY.md's table")
    parser.add_argument("--only", nargs="*", default=[], metavar="ID", help="measure these entries only")
    args = parser.parse_args()
    cases = [case for case in CASES if not args.only or case.id in args.only]
    server = FaultServer().start()
    try:
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            materialize_corpus(root, server.url)
            floor = measure([sys.executable, "-c", "pass"], root, 30)
            cli = measure([sys.executable, "-m", "arazzo_runner", "--help"], root, 30)
            print(f"floor: interpreter {floor.seconds:.2f} s / {floor.peak_mib:.0f} MiB; "
                  f"arazzo-runner --help {cli.seconds:.2f} s / {cli.peak_mib:.0f} MiB", file=sys.stderr)
            rows = []
            for case in cases:
                argv = [sys.executable, "-m", "arazzo_runner", *cli_argv(case, root, server.url)]
                measured = measure(argv, root, case.guard * 2)
                rows.append((case, measured, verdict(case, measured)))
                print(f"{case.id}: {measured.seconds:.2f} s, {measured.peak_mib:.0f} MiB, {rows[-1][2]}",
                      file=sys.stderr)
    finally:
        server.stop()
    if args.markdown:
        for case, measured, result in rows:
            state = "open" if case.xfail else ("fixed" if case.fixed else "handled")
            if result != "handled":
                state += " (fails)"
            pinned = "cli, api" if case.api else "cli"
            print(f"| {case.kind} | `{case.id}` | {_cell(case.attacks)} | {_cell(outcome_text(case, measured))} | "
                  f"{measured.seconds:.2f} | {measured.peak_mib:.0f} | {state} | {pinned} |")
    failing = [case.id for case, _, result in rows if result != "handled" and not case.xfail]
    print(f"{len(rows)} entries, {sum(r == 'handled' for _, _, r in rows)} handled, "
          f"{sum(1 for c, _, _ in rows if c.xfail)} open, failing unexpectedly: {failing or 'none'}", file=sys.stderr)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())

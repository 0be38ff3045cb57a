"""The benchmark suite: measures every section and writes BENCHMARKS.md (``make bench``).

    .venv/bin/python benchmarks/suite.py                     # everything; installs the peers under .bench/
    .venv/bin/python benchmarks/suite.py --tiny --output X   # every section at its smallest, a few seconds

Sections: 1. cold start (whole processes: ours, Jentic's ``arazzo-runner`` 0.9.6, Redocly ``respect``; and
``validate``), 2. in-process runs of one reused runner, 3. throughput at ``--concurrency N``, 4. scale (5,000
operations, 1 to 1,000 steps, 10,000 runs, 400 documents), 5. micro-benchmarks of checks and expressions. Every
figure is a median with its spread over alternating rounds, with a ratio against a baseline of the same run.

Tiny mode installs nothing and reaches no network: a peer is used only when its install is already in the
cache directory (``--cache``; the test points it at an empty one).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the suite's sibling modules, run as a script

import spawner  # noqa: E402 - started before anything heavy is imported: it measures every process

spawner.start()

from bench_cold import cold_start  # noqa: E402 - found through the path above
from bench_docs import ROOT, auth_environ  # noqa: E402
from bench_env import Peers, machine, package_version  # noqa: E402
from bench_inprocess import in_process  # noqa: E402
from bench_micro import micro  # noqa: E402
from bench_prose import INTRO, PROSE  # noqa: E402
from bench_report import Section  # noqa: E402
from bench_scale import scale  # noqa: E402
from bench_stats import Sizes  # noqa: E402
from bench_throughput import throughput  # noqa: E402

SECTIONS: dict[str, tuple[str, Callable[[Sizes, Peers], Section]]] = {
    "cold": ("cold", cold_start),
    "inprocess": ("inprocess", in_process),
    "throughput": ("", lambda sizes, _peers: throughput(sizes)),
    "scale": ("scale", lambda sizes, _peers: scale(sizes)),
    "micro": ("micro", lambda sizes, _peers: micro(sizes)),
}


def header(argv: list[str], peers: Peers, sizes: Sizes) -> str:
    facts = machine()
    versions = ", ".join(f"{name} {package_version(name)}" for name in (
        "arazzo-runner", "httpx", "jsonschema", "jsonschema-rs", "ruamel.yaml", "ruamel.yaml.clib"))
    command = shlex.join([".venv/bin/python", "benchmarks/suite.py", *argv])
    lines = [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {facts['cpu']}, {facts['cores']} cores, {facts['os']} ({facts['arch']})",
        f"- Python {facts['python']}; {versions}",
        f"- peers: Jentic arazzo-runner {peers.jentic_version()} (own venv, same interpreter), "
        f"@redocly/cli {peers.redocly_version()} (npm, `npx redocly respect`)",
        f"- load average at the start (1/5/15 min): {' / '.join(f'{v:.2f}' for v in os.getloadavg())} — other "
        "work on the machine slows subject and baseline alike, but widens the spreads",
        f"- command: `{command}`" + (" (tiny mode: smallest sizes, figures meaningless)" if sizes.tiny else ""),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="every section at its smallest; installs nothing")
    parser.add_argument("--output", type=Path, help="where to write (default BENCHMARKS.md; required with --tiny "
                        "or --only, so a partial run never overwrites the real figures)")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench", help="where the peers are installed")
    parser.add_argument("--only", nargs="*", choices=list(SECTIONS), help="these sections only")
    arguments = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(arguments)
    if (args.tiny or args.only) and args.output is None:
        parser.error("--tiny and --only write a partial file: give --output")
    output: Path = args.output or ROOT / "BENCHMARKS.md"
    sizes = Sizes.smallest() if args.tiny else Sizes.full()
    peers = Peers(args.cache.resolve(), install=not args.tiny)
    # Both the CLI (in-process, section 3) and our child processes read the query API's credentials here.
    os.environ.update(auth_environ())
    os.environ.setdefault("NO_COLOR", "1")

    sections = []
    for name in args.only or list(SECTIONS):
        prose_key, build = SECTIONS[name]
        started = time.perf_counter()
        section = build(sizes, peers)
        section.prose = PROSE.get(prose_key, "")
        sections.append(section)
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        peers.notes.clear()  # each section reports the skips it met, once
    text = "\n\n".join(["# Benchmarks", INTRO, header(arguments, peers, sizes),
                        *[section.markdown() for section in sections]]) + "\n"
    output.write_text(text, "utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

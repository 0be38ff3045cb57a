"""The benchmark suite keeps working: ``benchmarks/suite.py --tiny`` writes every section and table, each ratio a
number. No timing is asserted (tiny-mode figures mean nothing); only the structure of what is written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUITE = ROOT / "benchmarks" / "suite.py"
RATIO = re.compile(r"^-?\d+\.\d+x( \(goal [≤≥] [\d.]+x: (met|NOT met)\))?$")
SECTIONS = [
    "1. Cold start (whole process)",
    "2. In-process (one reused runner, loopback stub)",
    "3. Throughput (`--inputs-file` rows at `--concurrency N`)",
    "4. Scale",
    "5. Response checks and expressions (micro-benchmarks)",
]


def _tables(markdown: str) -> list[list[list[str]]]:
    """Every table as rows of cells, its header first (the |---| line left out)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            if not line.startswith("|---"):
                current.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
        elif current:
            tables.append(current)
            current = []
    return tables


def _sections(markdown: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _processes_marked(mark: str) -> list[int]:
    """Processes still alive whose environment carries ``mark`` (the suite's children inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[int]]:
    """The tiny run's Markdown, and any process of it still alive afterwards."""
    directory = tmp_path_factory.mktemp("bench")
    output = directory / "BENCH.md"
    mark = f"ARAZZO_BENCH_TEST={uuid.uuid4().hex}"
    name, _, value = mark.partition("=")
    # An empty cache directory: the peers are skipped, nothing is installed, no network is used.
    done = subprocess.run([sys.executable, str(SUITE), "--tiny", "--output", str(output), "--cache",
                           str(directory / "cache")], capture_output=True, text=True, timeout=300, cwd=directory,
                          env={**os.environ, name: value})
    assert done.returncode == 0, done.stderr[-3000:]
    return output.read_text("utf-8"), _processes_marked(mark)


def test_every_section_is_written_in_order(tiny: tuple[str, list[int]]) -> None:
    markdown, _ = tiny
    assert markdown.startswith("# Benchmarks\n")
    assert list(_sections(markdown)) == SECTIONS
    for fact in ("- date: ", "- machine: ", "- Python ", "httpx ", "jsonschema ", "ruamel.yaml ",
                 "- peers: Jentic arazzo-runner ", "@redocly/cli ", "- command: `"):
        assert fact in markdown


def test_every_table_has_a_ratio_column_of_numbers_or_skips(tiny: tuple[str, list[int]]) -> None:
    markdown, _ = tiny
    for title, body in _sections(markdown).items():
        tables = _tables(body)
        assert tables, title
        for table in tables:
            header, rows = table[0], table[1:]
            assert rows, (title, header)
            ratio_columns = [i for i, name in enumerate(header) if name.startswith("ratio")]
            assert ratio_columns, (title, header)
            for row in rows:
                assert len(row) == len(header), row
                for index in ratio_columns:
                    assert RATIO.match(row[index]) or row[index].startswith("skipped"), (title, row)


def test_the_tables_hold_the_rows_each_section_promises(tiny: tuple[str, list[int]]) -> None:
    sections = _sections(tiny[0])
    cold = _tables(sections[SECTIONS[0]])
    assert [row[0].split(" ")[0] for row in cold[0][1:]] == ["`python", "`arazzo-runner", "Jentic", "`npx"]
    # The peers are not installed in the test's cache directory: their rows say so, with the reason below.
    assert all(cell == "skipped" for row in cold[0][3:] for cell in row[1:])
    assert "not installed" in sections[SECTIONS[0]]
    assert "`arazzo-runner validate`" in cold[1][1][0]
    assert "goal ≤ 0.8x" not in sections[SECTIONS[0]]  # no ratio against a Jentic that did not run

    in_process = _tables(sections[SECTIONS[1]])[0]
    assert len(in_process) == 4

    throughput = _tables(sections[SECTIONS[2]])[0]
    assert sorted({row[0] for row in throughput[1:]}, key=int) == ["1", "10", "50"]
    assert all("goal ≥ 0.9x" in row[-1] for row in throughput[1:])

    phases, fit, soak, many = _tables(sections[SECTIONS[3]])
    assert {row[1] for row in phases[1:]} == {"load", "validate", "plan", "run"}
    assert [row[0] for row in fit[1:]] == ["load", "validate", "plan", "run"]
    assert all(re.match(r"^-?\d+\.\d+$", row[1]) for row in fit[1:])
    assert len(soak) == 4 and len(many) == 2

    checks, expressions = _tables(sections[SECTIONS[4]])
    assert len(checks) == 4 and len(expressions) == 9


def test_no_server_or_child_outlives_the_suite(tiny: tuple[str, list[int]]) -> None:
    assert tiny[1] == []


def test_a_partial_run_never_overwrites_benchmarks_md() -> None:
    done = subprocess.run([sys.executable, str(SUITE), "--tiny"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--output" in done.stderr

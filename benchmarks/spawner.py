"""Whole-process measurements whose peak memory is the measured command's own.

A child's peak resident size (``ru_maxrss``) starts at its parent's — a forked copy counts the parent's pages —
and survives ``exec``. A benchmark that has loaded a server and the engine is tens of MiB, so every process it
starts would report at least that. :class:`Spawner` starts one bare interpreter (``-S``: no site packages) while
the benchmark is still small, and that interpreter starts each measured command, times it and reads its rusage.
Create it before importing anything heavy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

KIB = 1024

_CODE = r"""
import json, os, subprocess, sys, time
for line in sys.stdin:
    job = json.loads(line)
    with open(job["out"], "wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(job["argv"], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=job["cwd"], env=job["env"])
        deadline = started + job["timeout"]
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    print(json.dumps([process.returncode, seconds, usage.ru_maxrss]), flush=True)
"""


@dataclass(frozen=True)
class Measured:
    """One process: its exit code, wall-clock seconds, peak resident memory in MiB, and what it printed."""

    exit: int
    seconds: float
    peak_mib: float
    output: str


class Spawner:
    """A small interpreter that runs commands one at a time and reports what each took."""

    def __init__(self) -> None:
        self._process = subprocess.Popen([sys.executable, "-S", "-c", _CODE], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)

    def measure(self, argv: list[str], cwd: Path | None, env: dict[str, str] | None, timeout: float,
                out: Path) -> Measured:
        """Run ``argv`` to its end (killed past ``timeout``), its output written to ``out``."""
        assert self._process.stdin is not None and self._process.stdout is not None
        job = {"argv": argv, "cwd": None if cwd is None else str(cwd), "env": dict(os.environ) if env is None else env,
               "timeout": timeout, "out": str(out)}
        self._process.stdin.write(json.dumps(job) + "\n")
        self._process.stdin.flush()
        code, seconds, peak_kib = json.loads(self._process.stdout.readline())
        text = out.read_bytes().decode("utf-8", "backslashreplace")
        return Measured(code, seconds, peak_kib / KIB, text)

    def close(self) -> None:
        """Stop the interpreter."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=10)


_SHARED: Spawner | None = None


def start() -> None:
    """Start the shared spawner (call it first thing, while the process is small)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = Spawner()


def measure(argv: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120.0) -> Measured:
    """One process measured by the shared spawner (started here if :func:`start` was not called, in which case
    peak memory includes what this process had grown to)."""
    start()
    assert _SHARED is not None
    with tempfile.TemporaryDirectory() as directory:
        return _SHARED.measure(argv, cwd, env, timeout, Path(directory) / "output")

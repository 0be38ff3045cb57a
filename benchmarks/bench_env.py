"""The machine and the peers: what the header says, the peers' installs under the cache directory, and one
process measured (wall time, peak memory).

The peers are installed by the suite itself, each where it cannot collide with this project: Jentic's
``arazzo-runner`` (import name ``arazzo_runner``, like ours) in its own virtual environment, Redocly's CLI with
npm in its own prefix. Both go under the cache directory (``.bench/`` by default, gitignored). In tiny mode
nothing is installed: a peer is used only when its install is already there.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from spawner import Measured, measure

__all__ = ["JENTIC_VERSION", "REDOCLY_VERSION", "Measured", "Peers", "machine", "measure", "package_version"]

JENTIC_VERSION = "0.9.6"
REDOCLY_VERSION = "2.77.0"


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine() -> dict[str, str]:
    """CPU model and cores, OS and Python, for the header."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cores": str(os.cpu_count() or "?"), "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "arch": platform.machine()}


class Peers:
    """Where the peers live, installing them on demand unless ``install`` is off."""

    def __init__(self, cache: Path, *, install: bool) -> None:
        self.cache = cache
        self.install = install
        self.notes: list[str] = []

    @property
    def jentic_python(self) -> Path:
        return self.cache / "peer-venv" / "bin" / "python"

    @property
    def jentic_cli(self) -> Path:
        return self.cache / "peer-venv" / "bin" / "arazzo-runner"

    @property
    def node_prefix(self) -> Path:
        return self.cache / "node"

    def jentic(self) -> bool:
        """Jentic's arazzo-runner is usable (installing it first when allowed)."""
        if self._jentic_installed():
            return True
        if not self.install:
            self.notes.append(f"Jentic arazzo-runner skipped: not installed under {self.cache.name}/ (tiny mode "
                              "installs nothing)")
            return False
        try:
            subprocess.run([sys.executable, "-m", "venv", str(self.cache / "peer-venv")], check=True,
                           capture_output=True)
            subprocess.run([str(self.jentic_python), "-m", "pip", "install", "-q",
                            f"arazzo-runner=={JENTIC_VERSION}"], check=True, capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as exc:
            self.notes.append(f"Jentic arazzo-runner skipped: install failed (network?): {exc}")
            return False
        return self._jentic_installed()

    def _jentic_installed(self) -> bool:
        if not self.jentic_cli.exists():
            return False
        # -I: run from this checkout, the current directory would put our own arazzo-runner on the path.
        done = subprocess.run([str(self.jentic_python), "-I", "-c", "import importlib.metadata as m; "
                               "print(m.version('arazzo-runner'))"], capture_output=True, text=True)
        return done.stdout.strip() == JENTIC_VERSION

    def jentic_version(self) -> str:
        return JENTIC_VERSION if self._jentic_installed() else "not installed"

    def redocly(self) -> bool:
        """Redocly's CLI is usable through npx (installing it first when allowed)."""
        if self._redocly_installed():
            return True
        if shutil.which("npx") is None or shutil.which("node") is None:
            self.notes.append("Redocly respect skipped: node/npx not found on PATH")
            return False
        if not self.install:
            self.notes.append(f"Redocly respect skipped: not installed under {self.cache.name}/ (tiny mode "
                              "installs nothing)")
            return False
        self.node_prefix.mkdir(parents=True, exist_ok=True)
        package = self.node_prefix / "package.json"
        if not package.exists():
            package.write_text('{"private": true}\n')
        try:
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", f"@redocly/cli@{REDOCLY_VERSION}"],
                           cwd=self.node_prefix, check=True, capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as exc:
            self.notes.append(f"Redocly respect skipped: npm install failed (network?): {exc}")
            return False
        return self._redocly_installed()

    def _redocly_installed(self) -> bool:
        manifest = self.node_prefix / "node_modules" / "@redocly" / "cli" / "package.json"
        return manifest.exists() and f'"version": "{REDOCLY_VERSION}"' in manifest.read_text()

    def redocly_version(self) -> str:
        return REDOCLY_VERSION if self._redocly_installed() else "not installed"

    def respect_argv(self, *arguments: str) -> list[str]:
        """``npx redocly respect ...``; run with ``cwd=node_prefix`` so npx finds the local install (``--no``:
        never download)."""
        return ["npx", "--no", "redocly", "respect", *arguments]

"""The state of one pytest process: the suite's settings and the runner its collected items share."""

from __future__ import annotations

from arazzo_runner.pytest_plugin.settings import Suite
from arazzo_runner.redaction import Redactor
from arazzo_runner.runner import Runner


class Session:
    """The runner of one pytest process's collected items, and what they share."""

    def __init__(self, suite: Suite, *, worker: bool) -> None:
        self.suite = suite
        self.worker = worker
        self._runner: Runner | None = None

    @property
    def runner(self) -> Runner:
        """The runner of the collected items, built on first use (it caches each document's plan)."""
        if self._runner is None:
            self._runner = self.suite.runner()
        return self._runner

    @property
    def redactor(self) -> Redactor:
        """Masks the suite's credentials (records carry the rest of their secrets)."""
        return self.suite.credentials.redactor()

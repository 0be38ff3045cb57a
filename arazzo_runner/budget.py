"""Time budgets for evaluating untrusted queries and patterns: JSONPath and XPath criteria, schema patterns.

Regular expressions are bounded by the ``regex`` engine's own timeout (:func:`search`, :func:`compile`), since a
backtracking match runs inside C where nothing else can interrupt it. Pure-Python query engines (JSONPath,
XPath) are bounded by :func:`time_budget`, which watches the evaluation's function calls and stops it once the
budget is spent; it costs a few times the evaluation itself, which only these rarely used criteria pay.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import regex

_local = threading.local()


class OverBudget(Exception):  # noqa: N818 - an internal signal, translated where it is caught
    """Internal: an evaluation ran out of its time budget (translated into a criterion or check failure).

    Made while a budget watches calls (a pattern's timeout, or the watcher itself), it stops the watching: the
    stack then unwinds untraced, so the cleanups on the way (context managers' exits, generators being closed)
    run instead of being stopped in turn, and :func:`time_budget`'s exit restores the deadline and the tracer.
    """

    def __init__(self, *args: object) -> None:
        tracer = sys.gettrace()
        if tracer is not None and tracer is getattr(_local, "watch", None):
            sys.settrace(None)
        super().__init__(*args)


def remaining(default: float) -> float:
    """Seconds left in the current thread's budget, or ``default`` outside any."""
    end: float | None = getattr(_local, "end", None)
    return default if end is None else max(end - time.monotonic(), 0.0)


@contextmanager
def time_budget(seconds: float, *, watch_calls: bool = True) -> Iterator[None]:
    """Run the body under a budget: :class:`OverBudget` is raised inside it once ``seconds`` have passed.

    With ``watch_calls`` false only the patterns of this module honour the budget (no call watching): enough
    for a body that does nothing but match regular expressions.
    """
    end = time.monotonic() + seconds
    outer_end: float | None = getattr(_local, "end", None)
    _local.end = end if outer_end is None else min(end, outer_end)
    if not watch_calls:
        try:
            yield
        finally:
            _local.end = outer_end
        return
    previous = sys.gettrace()

    def watch(frame: FrameType, event: str, arg: Any) -> None:
        # Called on every Python call; returning None keeps line events off, which is what keeps this cheap.
        if time.monotonic() > _local.end:
            raise OverBudget
        return None

    outer_watch = getattr(_local, "watch", None)
    _local.watch = watch
    sys.settrace(watch)
    try:
        yield
    finally:
        sys.settrace(previous)
        _local.end, _local.watch = outer_end, outer_watch


def compile_pattern(pattern: str, flags: int = 0) -> Bounded:
    """A compiled pattern whose matching methods honour the current budget (see :class:`Bounded`)."""
    return Bounded(regex.compile(pattern, flags))


def search(pattern: str, text: str, flags: int = 0, *, timeout: float | None = None) -> Any:
    """``regex.search`` within ``timeout`` (default: the current budget); :class:`OverBudget` when it runs out."""
    try:
        return regex.search(pattern, text, flags, timeout=remaining(1.0) if timeout is None else timeout)
    except TimeoutError:
        raise OverBudget from None


class Bounded:
    """A compiled pattern whose ``search``/``match``/``fullmatch``/``sub``/``split`` stop at the budget."""

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled
        self.pattern = compiled.pattern
        self.groups = compiled.groups

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._compiled, name)(*args, timeout=remaining(1.0), **kwargs)
        except TimeoutError:
            raise OverBudget from None

    def search(self, text: str, *args: Any) -> Any:
        """``regex`` ``search`` under the budget."""
        return self._call("search", text, *args)

    def match(self, text: str, *args: Any) -> Any:
        """``regex`` ``match`` under the budget."""
        return self._call("match", text, *args)

    def fullmatch(self, text: str, *args: Any) -> Any:
        """``regex`` ``fullmatch`` under the budget."""
        return self._call("fullmatch", text, *args)

    def sub(self, replacement: Any, text: str, count: int = 0) -> Any:
        """``regex`` ``sub`` under the budget."""
        return self._call("sub", replacement, text, count)

    def split(self, text: str, maxsplit: int = 0) -> Any:
        """``regex`` ``split`` under the budget."""
        return self._call("split", text, maxsplit)


class BoundedRe:
    """A stand-in for the ``re`` module whose matching stops at the current budget (for engines that call
    ``re`` themselves, such as elementpath's ``matches()``/``replace()``/``tokenize()``)."""

    error = regex.error
    escape = staticmethod(regex.escape)
    IGNORECASE, MULTILINE, DOTALL, VERBOSE = regex.IGNORECASE, regex.MULTILINE, regex.DOTALL, regex.VERBOSE
    compile = staticmethod(compile_pattern)

    @staticmethod
    def search(pattern: str, text: str, flags: int = 0) -> Any:
        """Like ``re.search``."""
        return search(pattern, text, flags)

    @staticmethod
    def sub(pattern: str, replacement: Any, text: str, count: int = 0, flags: int = 0) -> Any:
        """Like ``re.sub``."""
        return Bounded(regex.compile(pattern, flags)).sub(replacement, text, count)

    @staticmethod
    def split(pattern: str, text: str, maxsplit: int = 0, flags: int = 0) -> Any:
        """Like ``re.split``."""
        return Bounded(regex.compile(pattern, flags)).split(text, maxsplit)

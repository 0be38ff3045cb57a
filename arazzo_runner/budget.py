"""Time budgets for evaluating untrusted queries and patterns: JSONPath and XPath criteria, schema patterns.

Regular expressions are bounded by the ``regex`` engine's own timeout (:func:`search`, :func:`compile`), since a
backtracking match runs inside C where nothing else can interrupt it. Pure-Python query engines (JSONPath,
XPath) are bounded by :func:`time_budget`, which watches the evaluation's function calls and stops it once the
budget is spent; it costs a few times the evaluation itself, which only these rarely used criteria pay.
"""

from __future__ import annotations

import gc
import inspect
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

_local = threading.local()


class OverBudget(BaseException):  # noqa: N818 - an internal signal, translated where it is caught
    """Internal: an evaluation ran out of its time budget (translated into a criterion or check failure).

    A ``BaseException``, like ``KeyboardInterrupt``: the query engines may guard their own steps with
    ``except Exception``, and a swallowed signal would leave the evaluation running with no tracer at all (the
    interpreter unsets a tracer whose call raised).
    """


def remaining(default: float) -> float:
    """Seconds left in the current thread's budget, or ``default`` outside any."""
    end: float | None = getattr(_local, "end", None)
    return default if end is None else max(end - time.monotonic(), 0.0)


def time_budget(seconds: float, *, watch_calls: bool = True) -> TimeBudget:
    """A budget for the body of a ``with``: :class:`OverBudget` is raised inside it once ``seconds`` have passed.

    With ``watch_calls`` false only the patterns of this module honour the budget (no call watching): enough
    for a body that does nothing but match regular expressions.
    """
    return TimeBudget(seconds, watch_calls)


class TimeBudget:
    """The context manager of :func:`time_budget`.

    A tracer watches every Python call and raises :class:`OverBudget` once the time is spent — but not in code
    the interpreter runs on the side of the evaluation, where it would swallow the signal ("Exception ignored in
    ...") and unset the tracer, leaving the evaluation unbounded: finalizers, garbage-collector callbacks, the
    unraisable-exception hook, a generator resumed (it may be being closed because it was dropped), cleanup
    while a ``GeneratorExit`` or the signal itself is being handled. Should the signal still be swallowed
    somewhere, a profile hook, which never raises, puts the tracer back on the next call or return.
    """

    def __init__(self, seconds: float, watch_calls: bool) -> None:
        self._seconds = seconds
        self._watch_calls = watch_calls
        self._outer: tuple[Any, ...] = ()
        self._previous: tuple[Any, Any] = (None, None)

    def __enter__(self) -> None:
        end = time.monotonic() + self._seconds
        outer_end = getattr(_local, "end", None)
        self._outer = (outer_end, getattr(_local, "root", None), getattr(_local, "sideline", frozenset()))
        _local.end = end if outer_end is None else min(end, outer_end)
        if self._watch_calls:
            _local.root = sys._getframe(1)
            hooks = [*gc.callbacks, sys.unraisablehook]
            _local.sideline = frozenset(code for code in (getattr(hook, "__code__", None) for hook in hooks) if code)
            self._previous = (sys.gettrace(), sys.getprofile())
            sys.settrace(_watch)
            sys.setprofile(_rearm)

    def __exit__(self, *exc_info: object) -> None:
        if self._watch_calls:
            sys.setprofile(self._previous[1])
            sys.settrace(self._previous[0])
        _local.end, _local.root, _local.sideline = self._outer


_RESUMABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


def _watch(frame: FrameType, event: str, arg: Any) -> None:
    # Called on every Python call; returning None keeps line events off, which is what keeps this cheap.
    if time.monotonic() > _local.end and _interruptible(frame):
        raise OverBudget
    return None


def _interruptible(frame: FrameType) -> bool:
    """Whether the signal raised in ``frame`` reaches the evaluation (see :class:`TimeBudget`)."""
    if frame.f_code.co_flags & _RESUMABLE or isinstance(sys.exc_info()[1], OverBudget | GeneratorExit):
        return False
    sideline: frozenset[Any] = _local.sideline
    probe: FrameType | None = frame
    while probe is not None and probe is not _local.root:
        code = probe.f_code
        if code is _EXIT or code in sideline or code.co_name == "__del__":
            return False
        probe = probe.f_back
    return True


def _rearm(frame: FrameType, event: str, arg: Any) -> None:
    if sys.gettrace() is not _watch and frame.f_code is not _EXIT:
        sys.settrace(_watch)


_EXIT = TimeBudget.__exit__.__code__


# ``regex`` (the engine with a matching timeout) is imported where a pattern is first compiled: a run whose
# criteria are all simple never loads it.


def compile_pattern(pattern: str, flags: int = 0) -> Bounded:
    """A compiled pattern whose matching methods honour the current budget (see :class:`Bounded`)."""
    import regex

    return Bounded(regex.compile(pattern, flags))


def search(pattern: str, text: str, flags: int = 0, *, timeout: float | None = None) -> Any:
    """``regex.search`` within ``timeout`` (default: the current budget); :class:`OverBudget` when it runs out."""
    import regex

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
    ``re`` themselves, such as elementpath's ``matches()``/``replace()``/``tokenize()``). The ``regex`` module's
    error, ``escape`` and flags are set on it when it is first put in place (:func:`bounded_re_in`)."""

    error: Any = None
    escape: Any = None
    IGNORECASE = MULTILINE = DOTALL = VERBOSE = 0
    compile = staticmethod(compile_pattern)

    @staticmethod
    def search(pattern: str, text: str, flags: int = 0) -> Any:
        """Like ``re.search``."""
        return search(pattern, text, flags)

    @staticmethod
    def sub(pattern: str, replacement: Any, text: str, count: int = 0, flags: int = 0) -> Any:
        """Like ``re.sub``."""
        return compile_pattern(pattern, flags).sub(replacement, text, count)

    @staticmethod
    def split(pattern: str, text: str, maxsplit: int = 0, flags: int = 0) -> Any:
        """Like ``re.split``."""
        return compile_pattern(pattern, flags).split(text, maxsplit)


@contextmanager
def bounded_re_in(*modules: Any) -> Iterator[None]:
    """While the body runs, the ``re`` of each module is :class:`BoundedRe`, whose matching honours the budget.

    Some libraries call the ``re`` module themselves on untrusted patterns (elementpath's ``matches()``,
    jsonschema's ``pattern``); swapping that one module reference (under a lock, restored afterwards) is the way
    to bound those matches without copying the functions.
    """
    with _SWAP:
        if BoundedRe.error is None:
            import regex

            BoundedRe.error, BoundedRe.escape = regex.error, staticmethod(regex.escape)
            BoundedRe.IGNORECASE, BoundedRe.MULTILINE = regex.IGNORECASE, regex.MULTILINE
            BoundedRe.DOTALL, BoundedRe.VERBOSE = regex.DOTALL, regex.VERBOSE
        originals = [module.re for module in modules]
        for module in modules:
            module.re = BoundedRe
        try:
            yield
        finally:
            for module, original in zip(modules, originals, strict=True):
                module.re = original


_SWAP = threading.RLock()

"""Time budgets: a spent budget stops the evaluation, and leaves nothing behind for the next one."""

from __future__ import annotations

import sys
import time

import pytest
import regex

from arazzo_runner import budget

EVIL_TEXT = "a" * 40 + "!"


def _runaway_match() -> None:
    # Raised by a pattern's timeout, not by the call watcher: the watcher is still on while the stack unwinds.
    budget.compile_pattern("^(a|a)+$").search(EVIL_TEXT)


def _step() -> None:
    return None


def test_a_budget_spent_by_a_pattern_leaves_no_stale_deadline_for_the_next_budget() -> None:
    with pytest.raises(budget.OverBudget) as caught, budget.time_budget(0.05):
        _runaway_match()

    assert caught.traceback  # kept alive, as a report keeps an error: the budget must be restored all the same
    assert getattr(budget._local, "end", None) is None
    assert sys.gettrace() is None
    with budget.time_budget(0.5):
        time.sleep(0.1)
        _step()  # a call well within the fresh budget


def test_a_budget_spent_by_the_call_watcher_is_restored_too() -> None:
    with pytest.raises(budget.OverBudget) as caught, budget.time_budget(0.01):
        while True:
            _step()

    assert caught.traceback
    assert getattr(budget._local, "end", None) is None
    assert sys.gettrace() is None


def test_nested_budgets_restore_the_outer_one() -> None:
    with budget.time_budget(5.0):
        outer = budget.remaining(0.0)
        with pytest.raises(budget.OverBudget) as caught, budget.time_budget(0.05):
            _runaway_match()
        assert caught.traceback
        assert 4.0 < budget.remaining(0.0) <= outer
        _step()


def test_cleanups_inside_a_spent_budget_still_run() -> None:
    # pytest.raises' own __exit__ is a call made after the pattern spent the budget: it must not be stopped.
    with budget.time_budget(0.05), pytest.raises(budget.OverBudget):
        budget.search("^(a|a)+$", EVIL_TEXT)
    assert regex.search("^a+!$", EVIL_TEXT) is not None

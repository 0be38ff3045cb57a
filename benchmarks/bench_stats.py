"""Figures of the benchmark suite: a median with its spread, ratios against a baseline of the same run, and the
alternation of subject and baseline rounds (the machines are noisy: whatever slows one round slows both sides).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Figure", "alternate", "fit_exponent", "ratio", "ratio_text"]


@dataclass(frozen=True)
class Figure:
    """Repeated measurements of one thing, in one unit (seconds, bytes, runs/s, ...)."""

    samples: tuple[float, ...]

    @classmethod
    def of(cls, samples: Sequence[float]) -> Figure:
        if not samples:
            raise ValueError("a figure needs at least one sample")
        return cls(tuple(samples))

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)

    @property
    def count(self) -> int:
        return len(self.samples)

    def text(self, unit: str, scale: float = 1.0, digits: int = 0) -> str:
        """``median (min–max) unit``, every number multiplied by ``scale``."""
        def show(value: float) -> str:
            return f"{value * scale:,.{digits}f}"

        return f"{show(self.median)} ({show(self.low)}–{show(self.high)}) {unit}"


def ratio(subject: Figure, baseline: Figure) -> float:
    """Median of the subject over median of the baseline."""
    return subject.median / baseline.median if baseline.median else math.inf


def ratio_text(subject: Figure, baseline: Figure, goal: str = "") -> str:
    """``1.23x`` with the goal and whether it is met, e.g. ``0.71x (goal ≤ 0.8x: met)``."""
    value = ratio(subject, baseline)
    if not goal:
        return f"{value:.2f}x"
    bound = float(goal[1:].rstrip("x"))
    met = value <= bound if goal.startswith("≤") else value >= bound
    return f"{value:.2f}x (goal {goal[0]} {bound:g}x: {'met' if met else 'NOT met'})"


def alternate(actions: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, Figure]:
    """Run every action once per round, in turn, ``rounds`` times; each returns its own measurement (so it can
    time just what matters, or return a rate). The order rotates between rounds so none is always first."""
    names = list(actions)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(actions[name]())
    return {name: Figure.of(values) for name, values in samples.items()}


def fit_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """The slope of log(time) against log(size), least squares: 1.0 is linear, 2.0 quadratic."""
    if len(sizes) < 2:
        return math.nan
    xs = [math.log(size) for size in sizes]
    ys = [math.log(max(time, 1e-12)) for time in times]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


@dataclass(frozen=True)
class Sizes:
    """How much each section measures: the full suite, or tiny mode's smallest meaningful amounts."""

    tiny: bool
    cold_rounds: int
    inprocess_rounds: int
    inprocess_runs: int
    throughput_rows: int
    throughput_rounds: int
    concurrencies: tuple[int, ...]
    scale_operations: int
    scale_steps: tuple[int, ...]
    scale_rounds: int
    soak_runs: int
    soak_window: int
    validate_documents: int

    @classmethod
    def full(cls) -> Sizes:
        return cls(False, cold_rounds=12, inprocess_rounds=15, inprocess_runs=100, throughput_rows=300,
                   throughput_rounds=5, concurrencies=(1, 10, 50), scale_operations=5000,
                   scale_steps=(1, 10, 100, 1000), scale_rounds=3, soak_runs=10_000, soak_window=500,
                   validate_documents=400)

    @classmethod
    def smallest(cls) -> Sizes:
        return cls(True, cold_rounds=2, inprocess_rounds=2, inprocess_runs=3, throughput_rows=20,
                   throughput_rounds=1, concurrencies=(1, 10, 50), scale_operations=50, scale_steps=(1, 10),
                   scale_rounds=1, soak_runs=100, soak_window=20, validate_documents=4)

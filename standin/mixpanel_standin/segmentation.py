"""Segmentation computed from stored events: time buckets, segments and the three counting types."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mixpanel_standin.expressions import Filter, segment_label
from mixpanel_standin.store import StoredEvent

__all__ = ["KINDS", "MAX_BUCKETS", "UNITS", "SegmentationQuery", "Unit", "segment"]

MAX_BUCKETS = 10_000


@dataclass(frozen=True)
class Unit:
    """A bucket size: how to floor a moment to its bucket, step to the next one and label it."""

    name: str
    floor: Callable[[datetime], datetime]
    step: Callable[[datetime], datetime]
    label_format: str

    def label(self, time_ms: int) -> str:
        """The bucket label of an event time (UTC)."""
        return self.floor(datetime.fromtimestamp(time_ms / 1000, UTC)).strftime(self.label_format)

    def series(self, first: date, last: date) -> list[str]:
        """Every bucket label from ``first`` to ``last`` inclusive, in order.

        Raises:
            ValueError: When the range holds more than :data:`MAX_BUCKETS` buckets.
        """
        moment = self.floor(datetime(first.year, first.month, first.day, tzinfo=UTC))
        end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
        labels: list[str] = []
        while moment < end:
            if len(labels) == MAX_BUCKETS:
                raise ValueError(f"the date range holds more than {MAX_BUCKETS} {self.name} buckets")
            labels.append(moment.strftime(self.label_format))
            moment = self.step(moment)
        return labels


def _next_month(moment: datetime) -> datetime:
    days = calendar.monthrange(moment.year, moment.month)[1]
    return moment + timedelta(days=days)


UNITS: Mapping[str, Unit] = {
    "minute": Unit(
        "minute", lambda m: m.replace(second=0, microsecond=0), lambda m: m + timedelta(minutes=1),
        "%Y-%m-%d %H:%M:00",
    ),
    "hour": Unit(
        "hour", lambda m: m.replace(minute=0, second=0, microsecond=0), lambda m: m + timedelta(hours=1),
        "%Y-%m-%d %H:00:00",
    ),
    "day": Unit(
        "day", lambda m: m.replace(hour=0, minute=0, second=0, microsecond=0), lambda m: m + timedelta(days=1),
        "%Y-%m-%d",
    ),
    "week": Unit(
        "week",
        lambda m: (m - timedelta(days=m.weekday())).replace(hour=0, minute=0, second=0, microsecond=0),
        lambda m: m + timedelta(weeks=1),
        "%Y-%m-%d",
    ),
    "month": Unit(
        "month", lambda m: m.replace(day=1, hour=0, minute=0, second=0, microsecond=0), _next_month,
        "%Y-%m-%d",
    ),
}


@dataclass
class _Tally:
    """Counts of one segment: events per bucket and the distinct (merged) users per bucket."""

    events: Counter[str]
    users: defaultdict[str, set[str]]


def _general(tally: _Tally, bucket: str) -> float:
    return tally.events[bucket]


def _unique(tally: _Tally, bucket: str) -> float:
    return len(tally.users[bucket])


def _average(tally: _Tally, bucket: str) -> float:
    users = len(tally.users[bucket])
    return tally.events[bucket] / users if users else 0


# general: every event; unique: distinct users after identity merging; average: events per user.
KINDS: Mapping[str, Callable[[_Tally, str], float]] = {"general": _general, "unique": _unique, "average": _average}


@dataclass(frozen=True)
class SegmentationQuery:
    """A validated segmentation request; ``on`` is a property name, ``where`` a parsed filter."""

    events: tuple[str, ...]
    from_date: date
    to_date: date
    unit: str = "day"
    kind: str = "general"
    on: str | None = None
    where: Filter | None = None
    limit: int = 60

    def range_ms(self) -> tuple[int, int]:
        """``[start, end)`` in epoch milliseconds covering ``from_date`` through ``to_date`` (UTC)."""
        start = datetime(self.from_date.year, self.from_date.month, self.from_date.day, tzinfo=UTC)
        end = datetime(self.to_date.year, self.to_date.month, self.to_date.day, tzinfo=UTC) + timedelta(days=1)
        return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def segment(
    query: SegmentationQuery, events: Iterable[StoredEvent], canonical: Mapping[str, str]
) -> dict[str, Any]:
    """The Query API answer ``{"data": {"series", "values"}, "legend_size"}`` for ``query``.

    Every segment is zero-filled over the whole series. Without ``on`` each requested event is a
    segment even when it never happened; with ``on`` only values that occur appear, the top
    ``limit`` by event count, and events lacking the property fall under ``undefined``. ``canonical``
    maps merged ids to one representative, so a merged user counts once in ``unique``.
    """
    unit = UNITS[query.unit]
    series = unit.series(query.from_date, query.to_date)
    start_ms, end_ms = query.range_ms()
    wanted = set(query.events)
    tallies: dict[str, _Tally] = {}
    for event in events:
        if event.name not in wanted or not start_ms <= event.time_ms < end_ms:
            continue
        if query.where is not None and not query.where.matches(event.properties):
            continue
        label = segment_label(event.properties.get(query.on)) if query.on else event.name
        tally = tallies.setdefault(label, _Tally(Counter(), defaultdict(set)))
        bucket = unit.label(event.time_ms)
        tally.events[bucket] += 1
        if event.distinct_id:
            tally.users[bucket].add(canonical.get(event.distinct_id, event.distinct_id))
    if query.on:
        ranked = sorted(tallies, key=lambda label: (-tallies[label].events.total(), label))
        labels = ranked[: query.limit]
    else:
        labels = list(dict.fromkeys(query.events))
    measure = KINDS[query.kind]
    empty = _Tally(Counter(), defaultdict(set))
    values = {label: {bucket: measure(tallies.get(label, empty), bucket) for bucket in series} for label in labels}
    return {"data": {"series": series, "values": values}, "legend_size": len(values)}

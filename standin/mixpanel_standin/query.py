"""Handlers of the Query API (``/segmentation``, ``/events``) and the raw ``/export``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

from mixpanel_standin.auth import authenticate, unauthorized
from mixpanel_standin.config import StandinConfig
from mixpanel_standin.expressions import ExpressionError, parse_on, parse_where
from mixpanel_standin.http import Handler, Request, Response, json_response, text_response
from mixpanel_standin.identity import IdentityGraph
from mixpanel_standin.segmentation import KINDS, UNITS, SegmentationQuery, segment
from mixpanel_standin.store import EventStore

__all__ = ["QUERY_PREFIXES", "QueryError", "QueryRoutes"]

# The current base path, the legacy one, and none (for a runner whose server override drops the prefix).
QUERY_PREFIXES = ("/api/query", "/api/2.0", "")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class QueryError(ValueError):
    """A request the Query API refuses; carries the HTTP status of the refusal."""

    def __init__(self, message: str, status: int = 400) -> None:
        """Refuse with ``message`` and ``status`` (400 unless told otherwise)."""
        super().__init__(message)
        self.status = status


def _date(request: Request, name: str) -> date:
    raw = request.param(name)
    if not raw:
        raise QueryError(f"{name} is required (yyyy-mm-dd)")
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise QueryError(f"{name} must be a date in yyyy-mm-dd format, got {raw!r}") from None


def _event_names(raw: str) -> tuple[str, ...]:
    """``["a","b"]`` as a JSON array, or a bare event name (accepted leniently)."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return (raw,)
    if isinstance(parsed, list) and parsed and all(isinstance(name, str) for name in parsed):
        return tuple(parsed)
    if isinstance(parsed, str):
        return (parsed,)
    raise QueryError(f"event must be a JSON array of event names, got {raw!r}")


def _query_from(request: Request, events: tuple[str, ...]) -> SegmentationQuery:
    first, last = _date(request, "from_date"), _date(request, "to_date")
    if first > last:
        raise QueryError("from_date must not be after to_date")
    # As in the real API, an unknown type silently means "general".
    kind = request.param("type") or "general"
    kind = kind if kind in KINDS else "general"
    unit = request.param("unit") or "day"
    if unit not in UNITS:
        raise QueryError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    if kind != "general" and unit in ("minute", "hour"):
        raise QueryError(f"{kind} counts are not available per {unit}; use unit=day or coarser")
    if (request.param("format") or "json") != "json":
        raise QueryError("format=csv is not supported by the stand-in; omit format for JSON")
    raw_limit = request.param("limit") or "60"
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 10_000:
        raise QueryError(f"limit must be an integer from 1 to 10000, got {raw_limit!r}")
    try:
        on = parse_on(request.param("on") or "") if (request.param("on") or "").strip() else None
        where_text = (request.param("where") or "").strip()
        where = parse_where(where_text) if where_text else None
    except ExpressionError as exc:
        raise QueryError(str(exc)) from None
    return SegmentationQuery(events, first, last, unit, kind, on, where, int(raw_limit))


class QueryRoutes:
    """Read-side handlers; all require service-account Basic auth and the configured ``project_id``."""

    def __init__(self, config: StandinConfig, store: EventStore, graph: IdentityGraph) -> None:
        """Answer queries for ``config``'s project from ``store``, merging identities with ``graph``."""
        self._config = config
        self._store = store
        self._graph = graph

    def routes(self) -> dict[tuple[str, str], Handler]:
        """The (method, path) → handler table, under every prefix of :data:`QUERY_PREFIXES`."""
        table: dict[tuple[str, str], Handler] = {}
        for prefix in QUERY_PREFIXES:
            table[("GET", f"{prefix}/segmentation")] = self._guarded(self.segmentation)
            table[("GET", f"{prefix}/events")] = self._guarded(self.events)
            table[("GET", f"{prefix}/export")] = self._guarded(self.export)
        return table

    def _guarded(self, handler: Callable[[Request], Response]) -> Handler:
        """Wrap ``handler`` with the credential and project checks and the error body of the Query API."""

        def guarded(request: Request) -> Response:
            try:
                authenticate(request, self._config)
            except PermissionError as exc:
                return unauthorized(str(exc))
            try:
                self._check_project(request)
                return handler(request)
            except QueryError as exc:
                return json_response({"request": request.target, "error": str(exc)}, exc.status)

        return guarded

    def _check_project(self, request: Request) -> None:
        project_id = request.param("project_id")
        if not project_id:
            raise QueryError("project_id is required when authenticating with a service account")
        if not project_id.strip().isdigit():
            raise QueryError(f"project_id must be an integer, got {project_id!r}")
        if int(project_id) != self._config.project_id:
            raise QueryError(f"service account has no access to project {project_id}", 403)

    def segmentation(self, request: Request) -> Response:
        """``GET /segmentation``: one event over time, optionally split by a property."""
        event = request.param("event")
        if not event:
            raise QueryError("event is required")
        return self._answer(_query_from(request, (event,)))

    def events(self, request: Request) -> Response:
        """``GET /events``: several events at once, each its own series."""
        raw = request.param("event")
        if not raw:
            raise QueryError('event is required, as a JSON array such as ["Signed Up"]')
        return self._answer(_query_from(request, _event_names(raw)))

    def _answer(self, query: SegmentationQuery) -> Response:
        start_ms, end_ms = query.range_ms()
        try:
            body = segment(query, self._store.events_between(start_ms, end_ms, query.events), self._graph.canonical())
        except ValueError as exc:
            raise QueryError(str(exc)) from None
        return json_response(body)

    def export(self, request: Request) -> Response:
        """``GET /export``: stored events as JSONL, oldest first.

        Unlike the real export this shows no duplicates: the store keeps one event per dedup key.
        """
        first, last = _date(request, "from_date"), _date(request, "to_date")
        if first > last:
            raise QueryError("from_date must not be after to_date")
        raw_event = request.param("event")
        names = _event_names(raw_event) if raw_event else None
        where_text = (request.param("where") or "").strip()
        try:
            where = parse_where(where_text) if where_text else None
        except ExpressionError as exc:
            raise QueryError(str(exc)) from None
        raw_limit = request.param("limit") or "100000"
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100_000:
            raise QueryError(f"limit must be an integer from 1 to 100000, got {raw_limit!r}")
        in_ms = (request.param("time_in_ms") or "").lower() in ("1", "true")
        start_ms, end_ms = SegmentationQuery((), first, last).range_ms()
        lines: list[str] = []
        for event in self._store.events_between(start_ms, end_ms, names):
            if where is not None and not where.matches(event.properties):
                continue
            properties = dict(event.properties)
            properties["time"] = event.time_ms if in_ms else event.time_ms // 1000
            properties["mp_processing_time_ms"] = event.received_ms
            lines.append(json.dumps({"event": event.name, "properties": properties}, separators=(",", ":")))
            if len(lines) == int(raw_limit):
                break
        return text_response("".join(f"{line}\n" for line in lines))

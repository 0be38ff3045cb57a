"""Handlers of the ingestion endpoints: ``/track``, ``/engage`` and ``/import``."""

from __future__ import annotations

import json
import re
from typing import Any

from mixpanel_standin.auth import AuthOutcome, authenticate, unauthorized
from mixpanel_standin.config import StandinConfig
from mixpanel_standin.http import Handler, Request, Response, json_response, text_response
from mixpanel_standin.identity import IdentityGraph
from mixpanel_standin.payloads import (
    FIVE_DAYS_MS,
    PayloadError,
    decode_data,
    event_time_ms,
    records_from_request,
    stored_event,
    text_id,
)
from mixpanel_standin.profiles import apply_update
from mixpanel_standin.store import EventStore, StoredEvent

__all__ = ["IngestionRoutes", "import_problem"]

MAX_RECORDS = 2000
MAX_IMPORT_BYTES = 10 * 1024 * 1024
_EARLIEST_IMPORT_MS = 31_536_000_000  # 1971-01-01T00:00:00Z
_HOUR_MS = 3_600_000
_INSERT_ID = re.compile(r"[A-Za-z0-9-]{1,36}")
_REFUSED_IDS = frozenset(
    {"00000000-0000-0000-0000-000000000000", "anon", "anonymous", "nil", "none", "null", "n/a", "na",
     "undefined", "unknown", "<nil>", "0", "-1", "true", "false", "[]", "{}"}
)
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 413: "Request Entity Too Large"}


def _strict_reply(code: int, **fields: Any) -> Response:
    """A reply in the ``{"code", "status", ...}`` format of ``/import``."""
    return json_response({"code": code, **fields, "status": _REASONS[code]}, code)


def _flag(request: Request, name: str) -> bool:
    value = request.param(name)
    if value is None:
        value = request.form().get(name)
    return value == "1"


def _received(verbose: bool, error: str | None) -> Response:
    """``/track``'s answer: HTTP 200 always, ``1``/``0`` or the verbose JSON object."""
    if verbose:
        return json_response({"error": error, "status": 0 if error else 1})
    return text_response("0" if error else "1")


def import_problem(record: Any, now_ms: int) -> tuple[str, str] | None:
    """The first (field, message) that makes ``/import`` with ``strict=1`` refuse ``record``, or None."""
    if not isinstance(record, dict):
        return ("", "record must be a JSON object")
    if not isinstance(record.get("event"), str) or not record["event"]:
        return ("event", "'event' must be a non-empty string")
    properties = record.get("properties")
    if not isinstance(properties, dict):
        return ("properties", "'properties' must be a JSON object")
    if "time" not in properties:
        return ("properties.time", "'properties.time' is required")
    try:
        time_ms = event_time_ms(properties["time"])
    except PayloadError as exc:
        return ("properties.time", str(exc))
    if time_ms < _EARLIEST_IMPORT_MS or time_ms > now_ms + _HOUR_MS:
        return ("properties.time", "'properties.time' must be after 1971-01-01 and at most 1 hour ahead")
    for key in ("distinct_id", "$insert_id"):
        if key not in properties:
            return (f"properties.{key}", f"'properties.{key}' is required")
        value = text_id(properties[key])
        if value.lower() in _REFUSED_IDS:
            return (f"properties.{key}", f"'properties.{key}' has the disallowed value {value!r}")
    if not _INSERT_ID.fullmatch(text_id(properties["$insert_id"])):
        return ("properties.$insert_id", "'$insert_id' must be 1-36 characters of [A-Za-z0-9-]")
    return None


class IngestionRoutes:
    """Handlers that accept events and profile updates into the store."""

    def __init__(self, config: StandinConfig, store: EventStore, graph: IdentityGraph) -> None:
        """Ingest for ``config``'s project into ``store``, applying identity merges to ``graph``."""
        self._config = config
        self._store = store
        self._graph = graph

    def routes(self) -> dict[tuple[str, str], Handler]:
        """The (method, path) → handler table."""
        return {
            ("GET", "/track"): self.track,
            ("POST", "/track"): self.track,
            ("POST", "/engage"): self.engage,
            ("POST", "/import"): self.import_events,
        }

    def _store_events(self, events: list[StoredEvent], *, via_import: bool) -> None:
        self._store.add_events(events)
        for event in events:
            self._graph.apply(event, via_import=via_import)

    def track(self, request: Request) -> Response:
        """Accept real-time events; at least one valid record makes the request a success."""
        verbose = _flag(request, "verbose")
        try:
            records = records_from_request(request)
            if len(records) > MAX_RECORDS:
                raise PayloadError(f"data, more than {MAX_RECORDS} records in one request")
        except PayloadError as exc:
            return _received(verbose, str(exc))
        now_ms = self._config.now_ms()
        expected = self._config.project_token if self._config.strict_token else None
        client_host = request.client_host if _flag(request, "ip") else None
        accepted: list[StoredEvent] = []
        errors: list[str] = []
        for record in records:
            try:
                event = stored_event(
                    record, now_ms=now_ms, fallback_token=request.param("token"),
                    expected_token=expected, client_host=client_host,
                )
                if event.time_ms < now_ms - FIVE_DAYS_MS:
                    raise PayloadError("time, more than 5 days in the past; send historical events to /import")
            except PayloadError as exc:
                errors.append(str(exc))
                continue
            accepted.append(event)
        self._store_events(accepted, via_import=False)
        return _received(verbose, None if accepted else errors[0])

    def engage(self, request: Request) -> Response:
        """Apply profile updates; answers like ``/track``."""
        verbose = _flag(request, "verbose")
        try:
            updates = records_from_request(request)
        except PayloadError as exc:
            return _received(verbose, str(exc))
        errors: list[str] = []
        applied = 0
        for update in updates:
            try:
                if not isinstance(update, dict):
                    raise PayloadError("data, every update must be a JSON object")
                if not update.get("$token"):
                    raise PayloadError("$token, missing or empty")
                distinct_id = text_id(update.get("$distinct_id"))
                if not distinct_id:
                    raise PayloadError("Engage API error: $distinct_id, missing or empty")
                self._store.save_profile(distinct_id, apply_update(self._store.profile(distinct_id), update))
                applied += 1
            except PayloadError as exc:
                errors.append(str(exc))
        return _received(verbose, None if applied else errors[0])

    def import_events(self, request: Request) -> Response:
        """Batch import with Basic auth, per-record validation and partial ingestion."""
        try:
            outcome = authenticate(request, self._config, allow_token=True)
        except PermissionError as exc:
            return unauthorized(str(exc))
        if outcome is AuthOutcome.SERVICE_ACCOUNT:
            project_id = request.param("project_id")
            if not project_id:
                return unauthorized("Unauthorized, invalid project secret: a service account needs project_id")
            if project_id != str(self._config.project_id):
                return _strict_reply(403, error=f"service account has no access to project {project_id}")
        strict = request.param("strict") or "1"
        if strict not in ("0", "1"):
            return _strict_reply(400, error="strict must be 0 or 1")
        if len(request.body) > MAX_IMPORT_BYTES:
            return _strict_reply(413, error=f"request exceeds max limit of {MAX_IMPORT_BYTES} bytes")
        try:
            records = _import_records(request)
        except (PayloadError, ValueError) as exc:
            return _strict_reply(400, error=str(exc))
        if len(records) > MAX_RECORDS:
            return _strict_reply(413, error=f"request exceeds max limit of {MAX_RECORDS} events")
        now_ms = self._config.now_ms()
        accepted: list[StoredEvent] = []
        failed: list[dict[str, Any]] = []
        for index, record in enumerate(records):
            problem = import_problem(record, now_ms) if strict == "1" else None
            if problem is None:
                try:
                    accepted.append(stored_event(record, now_ms=now_ms, require_token=False))
                    continue
                except PayloadError as exc:
                    problem = ("", str(exc))
            properties = record.get("properties") if isinstance(record, dict) else None
            insert_id = text_id(properties.get("$insert_id")) if isinstance(properties, dict) else ""
            failed.append({"index": index, "$insert_id": insert_id, "field": problem[0], "message": problem[1]})
        self._store_events(accepted, via_import=True)
        if failed and strict == "1":
            return _strict_reply(
                400, error="some data points in the request failed validation",
                failed_records=failed, num_records_imported=len(accepted),
            )
        return _strict_reply(200, num_records_imported=len(accepted))


def _import_records(request: Request) -> list[Any]:
    """Records of an ``/import`` body: a JSON array, NDJSON, or the legacy form ``data=``."""
    form = request.form()
    if "data" in form:
        raw: Any = decode_data(form["data"])
    else:
        text = request.decoded_body().decode("utf-8")
        if request.content_type == "application/x-ndjson":
            raw = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            raw = json.loads(text)
    if raw in (None, [], {}):
        raise PayloadError("no events in the request body")
    return list(raw) if isinstance(raw, list) else [raw]

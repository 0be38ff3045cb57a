"""Decoding of ingestion payloads in every form real clients send, and turning records into events."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import uuid
from typing import Any

from mixpanel_standin.http import Request
from mixpanel_standin.store import StoredEvent

__all__ = [
    "FIVE_DAYS_MS",
    "PayloadError",
    "decode_data",
    "event_time_ms",
    "records_from_request",
    "stored_event",
    "text_id",
]

FIVE_DAYS_MS = 5 * 24 * 3600 * 1000
# Epoch values this large are milliseconds: 1e11 seconds is in the year 5138.
_MS_THRESHOLD = 1e11


class PayloadError(ValueError):
    """A request or record Mixpanel would refuse; ``str()`` is the Mixpanel-style message."""


def decode_data(text: str) -> Any:
    """Decode a ``data`` value: JSON text, or base64 (standard or URL-safe alphabet) of JSON text.

    A ``+`` of base64 that reached us unescaped through a query string or form turned into a space;
    it is turned back before decoding.
    """
    stripped = text.strip()
    if not stripped:
        raise PayloadError("data, missing or empty")
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    candidate = stripped.replace(" ", "+")
    candidate += "=" * (-len(candidate) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            return json.loads(decode(candidate.encode("ascii")).decode("utf-8"))
        except (binascii.Error, UnicodeError, ValueError):
            continue
    raise PayloadError("data, could not be decoded as JSON or base64-encoded JSON")


def records_from_request(request: Request) -> list[Any]:
    """The list of records (events or profile updates) a ``/track``-style request carries.

    Accepted: ``data=`` in the query (GET and pixel clients) or in a urlencoded form, a JSON array,
    a JSON object ``{"data": <record or array or encoded text>}`` (the seed workflows' shape) and a
    bare JSON record.
    """
    raw: Any = None
    form = request.form()
    if "data" in form:
        raw = decode_data(form["data"])
    elif request.body.strip() and request.content_type != "application/x-www-form-urlencoded":
        try:
            raw = json.loads(request.decoded_body())
        except ValueError as exc:
            raise PayloadError(f"body, not valid JSON: {exc}") from None
        if isinstance(raw, dict) and "data" in raw:
            raw = raw["data"]
            if isinstance(raw, str):
                raw = decode_data(raw)
    elif request.param("data") is not None:
        raw = decode_data(request.param("data") or "")
    if raw is None or raw == [] or raw == {}:
        raise PayloadError("data, missing or empty")
    return list(raw) if isinstance(raw, list) else [raw]


def event_time_ms(value: Any) -> int:
    """Milliseconds since the epoch of a ``time`` property given in seconds or milliseconds.

    Raises:
        PayloadError: For booleans, non-numeric strings, NaN and other non-numbers.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PayloadError("time, must be a number of seconds or milliseconds since the epoch")
    try:
        number = float(value)
    except ValueError:
        raise PayloadError("time, must be a number of seconds or milliseconds since the epoch") from None
    if not math.isfinite(number):
        raise PayloadError("time, must be a finite number")
    return int(number if abs(number) >= _MS_THRESHOLD else number * 1000)


def text_id(value: Any) -> str:
    """An identifier property as text: strings as they are, numbers in JSON notation, null as ""."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def stored_event(
    record: Any,
    *,
    now_ms: int,
    fallback_token: str | None = None,
    expected_token: str | None = None,
    client_host: str | None = None,
    require_token: bool = True,
) -> StoredEvent:
    """Check one event record the way ``/track`` does and turn it into a :class:`StoredEvent`.

    ``time`` defaults to ``now_ms`` and future times are clamped to it. ``distinct_id`` comes from
    the properties, from ``$identified_id`` for ``$identify`` events, or (``client_host`` given, i.e.
    ``ip=1``) from a hash of the caller's address; otherwise it is empty.

    Raises:
        PayloadError: With Mixpanel's message for the first problem found.
    """
    if not isinstance(record, dict):
        raise PayloadError("data, every record must be a JSON object")
    properties = record.get("properties", {})
    if not isinstance(properties, dict):
        raise PayloadError("properties, must be a JSON object")
    token = properties.get("token") or fallback_token
    if require_token and not token:
        raise PayloadError("token, missing or empty")
    if expected_token is not None and token != expected_token:
        raise PayloadError("token, not the token of this project")
    name = record.get("event")
    if not isinstance(name, str) or not name:
        raise PayloadError("event, missing")
    time_ms = min(event_time_ms(properties["time"]), now_ms) if "time" in properties else now_ms
    distinct_id = text_id(properties.get("distinct_id"))
    if not distinct_id and name == "$identify":
        distinct_id = text_id(properties.get("$identified_id"))
    if not distinct_id and client_host:
        distinct_id = hashlib.sha256(client_host.encode("utf-8")).hexdigest()[:32]
    insert_id = text_id(properties.get("$insert_id")) or uuid.uuid4().hex
    kept = {key: value for key, value in properties.items() if key != "token"}
    kept.update({"time": time_ms // 1000, "distinct_id": distinct_id, "$insert_id": insert_id})
    return StoredEvent(name, distinct_id, time_ms, insert_id, kept, now_ms)

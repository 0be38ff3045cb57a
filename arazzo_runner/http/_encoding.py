"""Percent-encoding, value-to-text and redaction rules shared by parameters, auth and bodies (internal).

Every function here returns text that is already safe to place in the URI component it is meant for, so
callers assemble URLs by plain concatenation and never encode twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from arazzo_runner.errors import ExecutionError

# RFC 3986 reserved characters that ``allowReserved`` lets through unencoded. ``&``, ``=``, ``+`` (they split
# or alter form pairs), ``#`` (it would end the query) and ``[``/``]`` (illegal in a query) stay encoded.
_RESERVED_KEPT = ":/?@!$'()*,;"
_TRIPLE = re.compile(r"%[0-9A-Fa-f]{2}")


def quote_strict(text: str) -> str:
    """Percent-encode everything but RFC 3986 unreserved characters (UTF-8 first for non-ASCII)."""
    return quote(text, safe="")


def quote_reserved(text: str) -> str:
    """Percent-encode for ``allowReserved: true``: reserved characters and ``%XX`` triples pass through."""
    out: list[str] = []
    last = 0
    for match in _TRIPLE.finditer(text):
        out.append(quote(text[last : match.start()], safe=_RESERVED_KEPT))
        out.append(match.group(0))
        last = match.end()
    out.append(quote(text[last:], safe=_RESERVED_KEPT))
    return "".join(out)


def to_text(value: Any) -> str:
    """Render one value the way parameters and form fields show it.

    Booleans are ``true``/``false`` and ``None`` is empty (JSON spellings, not Python's); a container nested
    inside an array or object has no style of its own, so it is written as compact JSON text.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, Mapping | list | tuple):
        return to_json(value)
    return str(value)


def to_json(value: Any) -> str:
    """Compact JSON text; values JSON cannot represent become an :class:`ExecutionError`."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_no_json)
    except (TypeError, ValueError) as exc:
        raise ExecutionError(f"value cannot be written as JSON: {exc}") from exc


def _no_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def media_essence(content_type: str) -> str:
    """The ``type/subtype`` of a Content-Type, lower-cased, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def media_param(content_type: str, name: str) -> str | None:
    """One parameter (``charset``, ``boundary``) of a Content-Type, unquoted, or ``None``."""
    for part in content_type.split(";")[1:]:
        key, sep, value = part.partition("=")
        if sep and key.strip().lower() == name:
            return value.strip().strip('"')
    return None


def is_json_media(content_type: str) -> bool:
    """``application/json`` and every structured-syntax ``+json`` type (``application/problem+json``)."""
    essence = media_essence(content_type)
    return essence == "application/json" or essence.endswith("+json")


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every non-empty secret replaced by ``***`` (longest first, so overlaps are covered)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text

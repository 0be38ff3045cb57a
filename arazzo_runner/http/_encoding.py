"""Percent-encoding and media-type rules shared by parameters, auth and bodies (internal).

Every function here returns text that is already safe to place in the URI component it is meant for, so
callers assemble URLs by plain concatenation and never encode twice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

# RFC 3986 reserved characters that ``allowReserved`` lets through unencoded. ``&``, ``=``, ``+`` (they split
# or alter form pairs), ``#`` (it would end the query) and ``[``/``]`` (illegal in a query) stay encoded.
_RESERVED_KEPT = ":/?@!$'()*,;"
_TRIPLE = re.compile(r"%[0-9A-Fa-f]{2}")


_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")


def quote_strict(text: str) -> str:
    """Percent-encode everything but RFC 3986 unreserved characters (UTF-8 first for non-ASCII)."""
    # Most names and values need no encoding at all; telling so is cheaper than quoting.
    return text if _UNRESERVED.fullmatch(text) else quote(text, safe="")


def quote_path_value(text: str) -> str:
    """:func:`quote_strict` for a path value; ``.`` and ``..`` are encoded too (``%2E``), since as a whole
    segment they are dot-segments that URL normalization would resolve, moving the request elsewhere."""
    return text.replace(".", "%2E") if text in (".", "..") else quote_strict(text)


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


@lru_cache(maxsize=256)
def media_essence(content_type: str) -> str:
    """The ``type/subtype`` of a Content-Type, lower-cased, without parameters."""
    return content_type.split(";", 1)[0].strip().lower()


@lru_cache(maxsize=256)
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

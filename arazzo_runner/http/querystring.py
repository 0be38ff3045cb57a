"""Arazzo 1.1 ``in: querystring`` parameters: one value that is the request's whole query string.

The value is written in the media type of the operation's querystring parameter (OpenAPI 3.2 gives it a
``content``), ``application/x-www-form-urlencoded`` when the operation declares none (OpenAPI 3.0 and 3.1 have
no such parameter):

* form-urlencoded: a string *is* the query string, already encoded (the Arazzo examples:
  ``filter=active&sort=desc``); only characters a URI query cannot hold (a space, ``#``, ``"``, non-ASCII...)
  are percent-encoded, ``%XX`` triples and the ``&``/``=`` that split it are kept. An object is written as the
  same object would be as a form body (``a=1&b=2``; an array member repeats its name, a nested object is JSON
  text, a space is ``+``). ``null`` is an empty query string.
* any other media type: the value is serialized in it (a string for JSON must be JSON text; another value is
  written as JSON) and the result percent-encoded as a whole, as OpenAPI 3.2 does
  (``?%7B%22numbers%22%3A%5B1%2C2%5D%7D``).

A query string is the whole query: a step may send one at most, and no ``in: query`` parameter beside it
(:func:`split_querystring` refuses both, so such a request is never sent).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http._encoding import is_json_media, media_essence
from arazzo_runner.http.bodies import encode_body, media_kind
from arazzo_runner.http.params import ParameterSpec

__all__ = ["DEFAULT_QUERYSTRING_MEDIA", "serialize_querystring", "split_querystring"]

DEFAULT_QUERYSTRING_MEDIA = "application/x-www-form-urlencoded"
"""The media type of a querystring parameter the operation does not declare (or declares without content)."""

# RFC 3986 query characters besides the unreserved ones: sub-delims, ":", "@", "/" and "?" (and "%" when it
# starts a triple). Everything else is percent-encoded.
_QUERY_SAFE = "!$&'()*+,;=:@/?"
_TRIPLE = re.compile(r"%[0-9A-Fa-f]{2}")


def split_querystring(values: Sequence[tuple[ParameterSpec, Any]]) -> tuple[
        list[tuple[ParameterSpec, Any]], str | None]:
    """The parameters other than the querystring one, and the serialized query string (``None``: there is none).

    Raises :class:`ExecutionError` for two querystring parameters, or one beside an ``in: query`` parameter.
    """
    found = [(spec, value) for spec, value in values if spec.location == "querystring"]
    if not found:
        return list(values), None
    if len(found) > 1:
        names = " and ".join(f"'{spec.name}'" for spec, _ in found)
        raise ExecutionError(f"querystring parameters {names}: a request has one query string")
    query = [spec.name for spec, _ in values if spec.location == "query"]
    spec, value = found[0]
    if query:
        names = ", ".join(f"'{name}'" for name in query)
        raise ExecutionError(f"querystring parameter '{spec.name}' is the whole query string; it cannot be sent "
                             f"with query parameter {names}")
    rest = [(s, v) for s, v in values if s.location != "querystring"]
    return rest, serialize_querystring(spec, value)


def serialize_querystring(spec: ParameterSpec, value: Any) -> str:
    """The query string (without ``?``) that ``value`` writes, percent-encoded, in ``spec``'s media type."""
    media = spec.content_type or DEFAULT_QUERYSTRING_MEDIA
    if media_kind(media) == "form":
        return _form(spec, value, media)
    if isinstance(value, str):
        if is_json_media(media):
            try:
                json.loads(value)
            except ValueError as exc:
                raise ExecutionError(f"querystring parameter '{spec.name}': the value is not JSON text, which its "
                                     f"{media_essence(media)} content requires ({exc})") from None
        return quote(value, safe="")
    content, _ = encode_body(value, media)
    return quote(content, safe="")


def _form(spec: ParameterSpec, value: Any, media: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return quote_query_text(value)
    if isinstance(value, Mapping):
        content, _ = encode_body(value, media)
        return content.decode("ascii")
    raise ExecutionError(f"querystring parameter '{spec.name}': an {media_essence(media)} query string is written "
                         f"from a string or an object, not {_kind(value)}")


def quote_query_text(text: str) -> str:
    """``text`` as a URI query: kept as written where it is one already, characters a query cannot hold encoded."""
    out: list[str] = []
    last = 0
    for match in _TRIPLE.finditer(text):
        out.append(quote(text[last:match.start()], safe=_QUERY_SAFE))
        out.append(match.group(0))
        last = match.end()
    out.append(quote(text[last:], safe=_QUERY_SAFE))
    return "".join(out)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "an array"
    return f"a {type(value).__name__}"

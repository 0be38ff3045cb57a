"""Request bodies to bytes by media type, and response bytes back to values.

Encoding, by the media type's essence (parameters such as ``charset`` are kept in the header):

* JSON (``application/json``, any ``+json``): a ``str`` or ``bytes`` payload is taken to be JSON text already
  and sent as is (Arazzo documents often write the payload as a JSON string with embedded expressions); any
  other value is written as compact UTF-8 JSON.
* ``application/x-www-form-urlencoded``: an object becomes ``key=value`` pairs; an array value repeats its
  key, a nested object is written as JSON text, booleans are ``true``/``false`` and ``null`` is empty. A
  string payload is sent as is.
* ``multipart/form-data``: an object becomes one part per member and, as OpenAPI says, one part per element
  of an array member. Text and numbers are plain parts, ``bytes`` are file parts
  (``application/octet-stream``, the member name as file name), and an object member (or an object or array
  inside an array member) is an ``application/json`` part. The boundary is added to the Content-Type; a
  string or bytes payload is sent as is when the Content-Type already names its boundary.
* An OpenAPI Encoding Object for a property (:class:`PartEncoding`) changes how that property is written in
  either form type: a ``style``/``explode`` serializes it as a query parameter would be (form pairs, or one
  multipart part per pair); otherwise a ``contentType`` encodes its value in that media type (a part's
  ``Content-Type``, or the text of a form value). Multipart parts also carry the encoding's headers.
* ``text/*``: a string in the declared charset (UTF-8 by default); anything else as JSON text.
* XML (``application/xml``, ``text/xml``, any ``+xml``): a string only; other values are an error.
* ``application/octet-stream``: ``bytes``, or a string as UTF-8.
* anything else: ``str``/``bytes`` as is, other values as JSON.

Decoding gives the value of ``$response.body``. An empty body decodes to ``None`` whatever its media type:
there is no document to point into, and a caller that wants to tell "no body" from a JSON ``null`` can test
the content length before decoding.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote_plus, unquote

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http._encoding import is_json_media, media_essence, media_param
from arazzo_runner.http.params import serialize_property
from arazzo_runner.http.replacements import apply_replacements
from arazzo_runner.text import to_json, to_text

__all__ = ["PartEncoding", "apply_replacements", "decode_body", "decode_body_with_note", "encode_body",
           "media_kind"]

_Encoder = Callable[[Any, str], tuple[bytes, str]]


@dataclass(frozen=True)
class PartEncoding:
    """How one property of a form or multipart body is written (an OpenAPI Encoding Object, ready to use).

    ``styled`` says the Encoding Object gave ``style`` or ``explode``: the property is then serialized like a
    query parameter and ``content_type`` is ignored, as OpenAPI says. ``content_type`` may be a list or a
    wildcard (``image/png, image/*``): the first concrete type is used. ``headers`` are added to a multipart
    part (ignored in a urlencoded body, which has no place for them).
    """

    content_type: str | None = None
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def styled(self) -> bool:
        return self.style is not None or self.explode is not None

    @property
    def media_type(self) -> str | None:
        """The first concrete media type of ``content_type`` (``None`` for none, or wildcards only)."""
        for candidate in (self.content_type or "").split(","):
            candidate = candidate.strip()
            if candidate and "*" not in candidate:
                return candidate
        return None


_PLAIN = PartEncoding()


@lru_cache(maxsize=256)
def media_kind(content_type: str | None) -> str:
    """The body family of a Content-Type: json, form, multipart, xml, text, binary or other."""
    if not content_type:
        return "other"
    essence = media_essence(content_type)
    if is_json_media(essence):
        return "json"
    if essence in ("application/xml", "text/xml") or essence.endswith("+xml"):
        return "xml"
    if essence.startswith("text/"):
        return "text"
    return _EXACT_KINDS.get(essence, "other")


def encode_body(payload: Any, content_type: str, *, boundary: str | None = None,
                encoding: Mapping[str, PartEncoding] | None = None) -> tuple[bytes, str]:
    """Encode a request payload for ``content_type``; return the content and the final Content-Type header.

    ``boundary`` fixes the multipart boundary (a boundary already in ``content_type`` wins; otherwise a random
    one is made). ``encoding`` maps property names of a form or multipart payload to their Encoding Object.
    Raises :class:`ExecutionError` when the payload cannot be written in that media type.
    """
    kind = media_kind(content_type)
    if kind == "multipart":
        return _encode_multipart(payload, content_type, boundary, encoding or {})
    if kind == "form" and encoding and isinstance(payload, Mapping):
        return _form_bytes(payload, content_type, encoding), content_type
    return _ENCODERS[kind](payload, content_type)


def decode_body(content: bytes, content_type: str | None) -> Any:
    """Decode response content by its Content-Type; see :func:`decode_body_with_note` for the rules."""
    return decode_body_with_note(content, content_type)[0]


def decode_body_with_note(content: bytes, content_type: str | None) -> tuple[Any, str | None]:
    """Decode response content and say what, if anything, went wrong.

    JSON types parse to values (invalid JSON yields the text and a note, it never raises); form-urlencoded
    gives a ``dict`` (a repeated key gives a list); XML and ``text/*`` give ``str`` in the declared charset
    (UTF-8 by default, undecodable bytes replaced); anything else, or no Content-Type, gives ``bytes``. Empty
    content gives ``None``.
    """
    if not content:
        return None, None
    kind = media_kind(content_type)
    header = content_type or ""
    if kind == "json":
        return _decode_json(content, header)
    if kind == "form":
        text, note = _decode_text(content, header)
        fields: dict[str, Any] = {}
        for key, value in parse_qsl(text, keep_blank_values=True):
            previous = fields.get(key)
            if previous is None:
                fields[key] = value
            else:
                fields[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        return fields, note
    if kind in ("xml", "text"):
        return _decode_text(content, header)
    return bytes(content), None


def _decode_json(content: bytes, header: str) -> tuple[Any, str | None]:
    essence = media_essence(header)
    charset = media_param(header, "charset")
    try:
        # Without a declared charset, json.loads detects UTF-8/16/32 from the bytes themselves.
        return json.loads(content.decode(charset) if charset else content), None
    except json.JSONDecodeError as exc:
        reason = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except RecursionError:  # the server's nesting, not ours: the C scanner stops at the interpreter's limit
        reason = "it nests too deeply to decode"
    except (UnicodeError, LookupError) as exc:  # UnicodeError: codecs such as idna fail that way, not as LookupError
        reason = f"it cannot be decoded as text ({exc})"
    except ValueError as exc:  # the int-string limit: a number of thousands of digits
        reason = "a number is longer than this engine reads" if "digits" in str(exc) else str(exc)
    text, _ = _decode_text(content, header)
    return text, f"response declared {essence} but is not valid JSON: {reason}"


def _decode_text(content: bytes, header: str) -> tuple[str, str | None]:
    charset = media_param(header, "charset") or "utf-8"
    try:
        return content.decode(charset, errors="replace"), None
    except LookupError:
        return content.decode("utf-8", errors="replace"), f"unknown charset '{charset}'; decoded as utf-8"
    except UnicodeError as exc:  # a codec that refuses errors="replace" (idna) or the bytes whatever it is told
        return content.decode("utf-8", errors="replace"), f"charset '{charset}' cannot decode the body ({exc}); " \
                                                            "decoded as utf-8"


def _charset(content_type: str) -> str:
    charset = media_param(content_type, "charset") or "utf-8"
    try:
        "".encode(charset)
    except LookupError as exc:
        raise ExecutionError(f"request Content-Type '{content_type}' names an unknown charset") from exc
    return charset


def _text_bytes(payload: str, content_type: str) -> bytes:
    charset = _charset(content_type)
    try:
        return payload.encode(charset)
    except UnicodeEncodeError as exc:
        raise ExecutionError(f"request body cannot be encoded as {charset}: {exc.reason}") from exc


def _as_is_or(fallback: Callable[[Any, str], bytes]) -> _Encoder:
    def encode(payload: Any, content_type: str) -> tuple[bytes, str]:
        if isinstance(payload, bytes | bytearray):
            return bytes(payload), content_type
        if isinstance(payload, str):
            return _text_bytes(payload, content_type), content_type
        return fallback(payload, content_type), content_type

    return encode


def _json_bytes(payload: Any, content_type: str) -> bytes:
    return to_json(payload).encode("utf-8")


def _form_bytes(payload: Any, content_type: str, encoding: Mapping[str, PartEncoding] | None = None) -> bytes:
    if not isinstance(payload, Mapping):
        raise ExecutionError(
            f"an application/x-www-form-urlencoded body needs an object or a string payload, "
            f"not {type(payload).__name__}"
        )
    charset = _charset(content_type)

    def plus(text: str) -> str:
        return quote_plus(text, encoding=charset)

    pairs: list[str] = []
    for key, value in payload.items():
        name = str(key)
        how = (encoding or {}).get(name, _PLAIN)
        if how.styled:  # already percent-encoded, as a query would have it
            pairs.extend(f"{n}={v}" for n, v in serialize_property(name, value, how.style, how.explode,
                                                                   how.allow_reserved))
        elif how.media_type is not None:
            pairs.append(f"{plus(name)}={plus(_as_text(value, how.media_type))}")
        else:
            members = value if isinstance(value, list | tuple) else [value]
            pairs.extend(f"{plus(name)}={plus(to_text(member))}" for member in members)
    return "&".join(pairs).encode("ascii")


def _as_text(value: Any, media_type: str) -> str:
    """A property value written in ``media_type`` as text (for a urlencoded value)."""
    content, _ = encode_body(value, media_type)
    try:
        return content.decode(_charset(media_type))
    except UnicodeDecodeError as exc:  # a binary value cannot be a form value
        raise ExecutionError(f"a {media_essence(media_type)} value cannot be written as form text") from exc


def _xml_refused(payload: Any, content_type: str) -> bytes:
    raise ExecutionError(
        f"an XML body ({media_essence(content_type)}) needs a string payload, not {type(payload).__name__}"
    )


def _octet_refused(payload: Any, content_type: str) -> bytes:
    raise ExecutionError(
        f"an {media_essence(content_type)} body needs bytes or a string payload, not {type(payload).__name__}"
    )


def _encode_multipart(payload: Any, content_type: str, boundary: str | None,
                      encoding: Mapping[str, PartEncoding]) -> tuple[bytes, str]:
    declared = media_param(content_type, "boundary")
    if isinstance(payload, bytes | bytearray | str):
        if declared is None:
            raise ExecutionError("a ready-made multipart payload needs a boundary in its Content-Type")
        return _as_is_or(_json_bytes)(payload, content_type)
    if not isinstance(payload, Mapping):
        raise ExecutionError(
            f"a multipart/form-data body needs an object payload, not {type(payload).__name__}"
        )
    marker = declared or boundary or uuid.uuid4().hex
    chunks: list[bytes] = []
    for key, value in payload.items():
        name = str(key)
        how = encoding.get(name, _PLAIN)
        if how.styled:
            parts = [(unquote(n), unquote(v), _PLAIN) for n, v in serialize_property(name, value, how.style,
                                                                                     how.explode)]
        else:
            members = value if isinstance(value, list | tuple) else [value]
            parts = [(name, member, how) for member in members]
        for part_name, member, part_how in parts:
            chunks.append(f"--{marker}\r\n".encode("ascii") + _part(part_name, member, part_how, how.headers))
    chunks.append(f"--{marker}--\r\n".encode("ascii"))
    header = content_type if declared else f"{media_essence(content_type)}; boundary={marker}"
    return b"".join(chunks), header


def _part(name: str, value: Any, how: PartEncoding, headers: tuple[tuple[str, str], ...]) -> bytes:
    # RFC 7578 section 4.2 / WHATWG: quote, CR and LF in field names are percent-encoded.
    quoted = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    disposition = f'Content-Disposition: form-data; name="{quoted}"'
    part_type: str | None
    if how.media_type is not None:
        body, part_type = encode_body(value, how.media_type)
    elif isinstance(value, bytes | bytearray):
        body, part_type = bytes(value), "application/octet-stream"
    elif isinstance(value, Mapping | list | tuple):
        body, part_type = to_json(value).encode("utf-8"), "application/json"
    else:
        body, part_type = to_text(value).encode("utf-8"), None
    if isinstance(value, bytes | bytearray):
        disposition += f'; filename="{quoted}"'
    lines = [disposition] if part_type is None else [disposition, f"Content-Type: {part_type}"]
    lines.extend(_part_header(n, v) for n, v in headers if n.lower() not in ("content-type", "content-disposition"))
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + body + b"\r\n"


def _part_header(name: str, value: str) -> str:
    text = f"{name}: {value}"
    if any(ch in text for ch in "\r\n\x00"):
        raise ExecutionError(f"multipart part header '{name}' contains a line break or NUL character")
    return text


_EXACT_KINDS: Mapping[str, str] = {
    "application/x-www-form-urlencoded": "form",
    "multipart/form-data": "multipart",
    "application/octet-stream": "binary",
}
_ENCODERS: Mapping[str, _Encoder] = {
    "json": _as_is_or(_json_bytes),
    "form": _as_is_or(_form_bytes),
    "text": _as_is_or(_json_bytes),
    "xml": _as_is_or(_xml_refused),
    "binary": _as_is_or(_octet_refused),
    "other": _as_is_or(_json_bytes),
}

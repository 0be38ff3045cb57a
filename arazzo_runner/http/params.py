"""Parameter serialization by OpenAPI ``style`` and ``explode``, for path, query, header and cookie.

The rules are those of the OpenAPI 3.1 "Style Values" and "Style Examples" tables, read with the corrections
published in OpenAPI 3.1.1 (and 3.0.4), which make the examples agree with RFC 6570 and RFC 3986:

* ``label`` without explode separates with commas (``.blue,black,brown``); 3.1.0 printed dots there.
* ``pipeDelimited`` writes its pipe as ``%7C`` and ``deepObject`` its brackets as ``%5B``/``%5D``, because
  ``|``, ``[`` and ``]`` are not legal in a URI query; 3.1.0 printed them raw.

Output encoding, decided once for every caller:

* ``path`` values are percent-encoded (only RFC 3986 unreserved characters stay); ``allowReserved`` does not
  apply to paths, so a ``/`` in a value can never add a path segment.
* ``query`` names and values are **already percent-encoded**; :func:`build_url` joins them verbatim. Do not
  hand them to ``httpx`` ``params=`` (that would encode them twice). ``allow_reserved`` keeps
  ``:/?@!$'()*,;`` and existing ``%XX`` triples in values; ``&``, ``=``, ``+``, ``#``, ``[`` and ``]`` are
  always encoded because they would change how the query is split.
* ``header`` values are plain text (headers are not URIs); a CR, LF or NUL in one is an error.
* ``cookie`` values use form style with the query encoding; join them with :func:`format_cookie_header`.

Values: booleans are ``true``/``false``; ``None``, ``[]`` and ``{}`` are RFC 6570 "undefined" (the table's
*undefined* column: ``;color``, ``.``, empty, ``color=``); containers nested inside an array or object are
written as compact JSON text. Combinations the table marks *n/a* are written leniently rather than refused:
a primitive for ``spaceDelimited``/``pipeDelimited``/``deepObject`` is written as ``form``, and so is an
exploded ``spaceDelimited``/``pipeDelimited`` array; ``deepObject`` ignores ``explode``, recurses into nested
objects (``color%5Ba%5D%5Bb%5D=1``) and repeats the key for array members.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http._encoding import is_json_media, quote_path_value, quote_reserved, quote_strict
from arazzo_runner.http.urls import build_url, expand_path, resolve_server_url
from arazzo_runner.text import to_json, to_text

__all__ = [
    "ParameterLocation",
    "ParameterSpec",
    "SerializedParameters",
    "build_url",
    "expand_path",
    "format_cookie_header",
    "resolve_server_url",
    "serialize_parameters",
    "serialize_property",
]

ParameterLocation = Literal["path", "query", "querystring", "header", "cookie"]
_Pairs = list[tuple[str, str]]
_Encode = Callable[[str], str]
_ScalarStyle = Callable[[str, Any, bool, _Encode, _Encode], str]
_PairStyle = Callable[[str, Any, bool, _Encode, _Encode], _Pairs]

_DEFAULT_STYLE: Mapping[str, str] = {"path": "simple", "header": "simple", "query": "form", "cookie": "form"}


@dataclass(frozen=True)
class ParameterSpec:
    """How one parameter is sent: its name, its ``in``, and the OpenAPI serialization fields.

    ``style`` and ``explode`` default as OpenAPI says (``form`` + explode for query and cookie, ``simple``
    without explode for path and header). ``content_type`` is set for a ``content``-based parameter; the
    value is then written as JSON text when that media type is JSON, and style is not used. A ``querystring``
    parameter (Arazzo 1.1) is the whole query string, written in ``content_type``
    (:mod:`~arazzo_runner.http.querystring`).
    """

    name: str
    location: ParameterLocation
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False
    content_type: str | None = None

    @property
    def effective_style(self) -> str:
        """The declared style, or the default for the location."""
        return self.style or _DEFAULT_STYLE.get(self.location, "")

    @property
    def effective_explode(self) -> bool:
        """The declared explode, or ``True`` for ``form`` and ``False`` for every other style."""
        return self.explode if self.explode is not None else self.effective_style == "form"


@dataclass(frozen=True)
class SerializedParameters:
    """Serialized parameters, grouped by where they go.

    ``path`` maps a template variable to its encoded text, ready for :func:`expand_path`; ``query`` holds
    percent-encoded pairs in order; ``headers`` plain-text pairs; ``cookies`` encoded pairs.
    """

    path: Mapping[str, str]
    query: tuple[tuple[str, str], ...]
    headers: tuple[tuple[str, str], ...]
    cookies: tuple[tuple[str, str], ...]


def serialize_parameters(values: Sequence[tuple[ParameterSpec, Any]]) -> SerializedParameters:
    """Serialize every ``(spec, value)`` pair by its location, style and explode, keeping their order.

    Raises :class:`ExecutionError` for an unknown location or style, a style the location does not allow,
    or a header value that would break the header line.
    """
    draft = _Draft()
    for spec, value in values:
        place = _PLACERS.get(spec.location)
        if place is None:
            raise ExecutionError(
                f"parameter '{spec.name}': unknown location '{spec.location}' (expected path, query, header "
                "or cookie)"
            )
        place(spec, value, draft)
    return SerializedParameters(
        MappingProxyType(draft.path), tuple(draft.query), tuple(draft.headers), tuple(draft.cookies)
    )


def serialize_property(name: str, value: Any, style: str | None, explode: bool | None,
                       allow_reserved: bool = False) -> list[tuple[str, str]]:
    """A request-body property whose Encoding Object gives a ``style`` or ``explode``, as percent-encoded
    ``(name, value)`` pairs: OpenAPI serializes it "the same as query parameters, including default values"."""
    spec = ParameterSpec(name, "query", style, explode, allow_reserved)
    return _render_pairs(spec, value, quote_reserved if allow_reserved else quote_strict)


def format_cookie_header(cookies: Sequence[tuple[str, str]]) -> str:
    """The ``Cookie`` header value for serialized cookie pairs (``a=1; b=2``)."""
    return "; ".join(f"{name}={value}" for name, value in cookies)


@dataclass
class _Draft:
    path: dict[str, str] = field(default_factory=dict)
    query: _Pairs = field(default_factory=list)
    headers: _Pairs = field(default_factory=list)
    cookies: _Pairs = field(default_factory=list)


def _place_path(spec: ParameterSpec, value: Any, draft: _Draft) -> None:
    draft.path[spec.name] = _render_scalar(spec, value, quote_path_value)


def _place_header(spec: ParameterSpec, value: Any, draft: _Draft) -> None:
    draft.headers.append((spec.name, _checked_header(spec, _render_scalar(spec, value, _identity))))


def _place_query(spec: ParameterSpec, value: Any, draft: _Draft) -> None:
    draft.query.extend(_render_pairs(spec, value, quote_reserved if spec.allow_reserved else quote_strict))


def _place_cookie(spec: ParameterSpec, value: Any, draft: _Draft) -> None:
    draft.cookies.extend(_render_pairs(spec, value, quote_strict))


# Keyed by the Parameter Object's own `in` words.
_PLACERS: Mapping[str, Callable[[ParameterSpec, Any, _Draft], None]] = {
    "path": _place_path,
    "query": _place_query,
    "header": _place_header,
    "cookie": _place_cookie,
}


def _render_scalar(spec: ParameterSpec, value: Any, encode: _Encode) -> str:
    if spec.content_type is not None:
        return encode(_content_text(spec.content_type, value))
    style = _SCALAR_STYLES.get(_checked_style(spec))
    if style is None:  # a pair style allowed here would be a table bug; fail loudly rather than guess
        raise ExecutionError(f"parameter '{spec.name}': style '{spec.effective_style}' cannot be used here")
    return style(spec.name, value, spec.effective_explode, encode, encode)


def _render_pairs(spec: ParameterSpec, value: Any, encode_value: _Encode) -> _Pairs:
    if spec.content_type is not None:
        return [(quote_strict(spec.name), encode_value(_content_text(spec.content_type, value)))]
    style = _PAIR_STYLES.get(_checked_style(spec))
    if style is None:
        raise ExecutionError(f"parameter '{spec.name}': style '{spec.effective_style}' cannot be used here")
    return style(spec.name, value, spec.effective_explode, quote_strict, encode_value)


def _checked_style(spec: ParameterSpec) -> str:
    return _allowed_style(spec.name, spec.effective_style, spec.location)


@lru_cache(maxsize=1024)
def _allowed_style(name: str, style: str, location: str) -> str:
    allowed = _STYLE_LOCATIONS.get(style)
    if allowed is None:
        known = ", ".join(_STYLE_LOCATIONS)
        raise ExecutionError(f"parameter '{name}': unknown style '{style}' (known styles: {known})")
    if location not in allowed:
        raise ExecutionError(
            f"parameter '{name}': style '{style}' is not allowed in {location} "
            f"(allowed in: {', '.join(sorted(allowed))})"
        )
    return style


def _content_text(content_type: str, value: Any) -> str:
    if is_json_media(content_type):
        return to_json(value)
    return value if isinstance(value, str) else to_text(value)


def _checked_header(spec: ParameterSpec, text: str) -> str:
    if any(ch in text for ch in "\r\n\x00"):
        raise ExecutionError(f"header parameter '{spec.name}' contains a line break or NUL character")
    if not text.isascii():
        # HTTP field values are ASCII in practice (RFC 9110 §5.5); guessing an encoding would hide the problem.
        raise ExecutionError(f"header parameter '{spec.name}' has non-ASCII characters; percent-encode the value "
                             "or send it in the body")
    return text


def _identity(text: str) -> str:
    return text


def _kind(value: Any) -> Literal["undefined", "primitive", "array", "object"]:
    if value is None:
        return "undefined"
    if isinstance(value, Mapping):
        return "object" if value else "undefined"
    if isinstance(value, list | tuple):
        return "array" if value else "undefined"
    return "primitive"


def _items(value: Sequence[Any], enc: _Encode) -> list[str]:
    return [enc(to_text(item)) for item in value]


def _members(value: Mapping[Any, Any], enc_key: _Encode, enc_value: _Encode) -> _Pairs:
    return [(enc_key(str(key)), enc_value(to_text(item))) for key, item in value.items()]


def _flat(members: _Pairs) -> list[str]:
    return [part for pair in members for part in pair]


def _matrix(name: str, value: Any, explode: bool, enc_name: _Encode, enc: _Encode) -> str:
    def named(key: str, text: str) -> str:
        # RFC 6570 `;` operator: an empty value drops the `=` (`;color`), unlike form's `color=`.
        return f";{key}={text}" if text else f";{key}"

    n = enc_name(name)
    kind = _kind(value)
    if kind == "undefined":
        return f";{n}"
    if kind == "primitive":
        return named(n, enc(to_text(value)))
    if kind == "array":
        items = _items(value, enc)
        return "".join(named(n, item) for item in items) if explode else f";{n}=" + ",".join(items)
    members = _members(value, enc_name if explode else enc, enc)
    return "".join(named(k, v) for k, v in members) if explode else f";{n}=" + ",".join(_flat(members))


def _label(name: str, value: Any, explode: bool, enc_name: _Encode, enc: _Encode) -> str:
    return "." + _joined(value, explode, enc, "." if explode else ",", "." if explode else ",")


def _simple(name: str, value: Any, explode: bool, enc_name: _Encode, enc: _Encode) -> str:
    return _joined(value, explode, enc, ",", ",")


def _joined(value: Any, explode: bool, enc: _Encode, item_sep: str, member_sep: str) -> str:
    kind = _kind(value)
    if kind == "undefined":
        return ""
    if kind == "primitive":
        return enc(to_text(value))
    if kind == "array":
        return item_sep.join(_items(value, enc))
    members = _members(value, enc, enc)
    if explode:
        return member_sep.join(f"{k}={v}" for k, v in members)
    return member_sep.join(_flat(members))


def _form(name: str, value: Any, explode: bool, enc_name: _Encode, enc: _Encode) -> _Pairs:
    n = enc_name(name)
    kind = _kind(value)
    if kind == "undefined":
        return [(n, "")]
    if kind == "primitive":
        return [(n, enc(to_text(value)))]
    if kind == "array":
        items = _items(value, enc)
        return [(n, item) for item in items] if explode else [(n, ",".join(items))]
    if explode:
        return _members(value, enc_name, enc)
    return [(n, ",".join(_flat(_members(value, enc, enc))))]


def _delimited(separator: str) -> _PairStyle:
    def style(name: str, value: Any, explode: bool, enc_name: _Encode, enc: _Encode) -> _Pairs:
        kind = _kind(value)
        if explode or kind in ("undefined", "primitive"):
            return _form(name, value, explode, enc_name, enc)
        parts = _items(value, enc) if kind == "array" else _flat(_members(value, enc, enc))
        return [(enc_name(name), separator.join(parts))]

    return style


def _deep_object(name: str, value: Any, explode: bool, enc_name: _Encode, enc: _Encode) -> _Pairs:
    if _kind(value) != "object":
        return _form(name, value, True, enc_name, enc)
    pairs: _Pairs = []
    _deep_members(enc_name(name), value, enc_name, enc, pairs)
    return pairs


def _deep_members(prefix: str, obj: Mapping[Any, Any], enc_name: _Encode, enc: _Encode, out: _Pairs) -> None:
    for key, item in obj.items():
        qualified = f"{prefix}%5B{enc_name(str(key))}%5D"
        if isinstance(item, Mapping) and item:
            _deep_members(qualified, item, enc_name, enc, out)
        elif isinstance(item, list | tuple):
            out.extend((qualified, enc(to_text(member))) for member in item)
        else:
            out.append((qualified, enc(to_text(item))))


_SCALAR_STYLES: Mapping[str, _ScalarStyle] = {"matrix": _matrix, "label": _label, "simple": _simple}
_PAIR_STYLES: Mapping[str, _PairStyle] = {
    "form": _form,
    "spaceDelimited": _delimited("%20"),
    "pipeDelimited": _delimited("%7C"),
    "deepObject": _deep_object,
}
# The "in" column of the Style Values table.
_STYLE_LOCATIONS: Mapping[str, frozenset[str]] = {
    "matrix": frozenset({"path"}),
    "label": frozenset({"path"}),
    "simple": frozenset({"path", "header"}),
    "form": frozenset({"query", "cookie"}),
    "spaceDelimited": frozenset({"query"}),
    "pipeDelimited": frozenset({"query"}),
    "deepObject": frozenset({"query"}),
}

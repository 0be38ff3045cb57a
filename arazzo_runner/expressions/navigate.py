"""Walking into JSON-like values: RFC 6901 pointers (:mod:`arazzo_runner.pointer`), dotted names, header
names, condition accessors.

Every function returns :data:`MISSING` instead of raising when the path leads nowhere (absent key, index out
of range, a step into a scalar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from arazzo_runner import pointer
from arazzo_runner.expressions.missing import MISSING
from arazzo_runner.text import header_key

_PLAIN_MAPPINGS = (dict, MappingProxyType)


def is_array(value: Any) -> bool:
    """Whether ``value`` is a JSON array (a sequence that is not text or bytes)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def child(value: Any, token: str) -> Any:
    """One step down: a member of an object, or the element of an array at a decimal ``token``."""
    return pointer.resolve(value, (token,), MISSING)


def resolve_pointer(value: Any, text: str | None) -> Any:
    """The value at the JSON Pointer ``text`` inside ``value``; ``None`` means the whole value."""
    if text is None or value is MISSING:
        return value
    return pointer.resolve(value, text, MISSING)


def lookup_name(mapping: Any, name: str) -> Any:
    """``mapping[name]``, or, when there is no such key, ``name`` read as a dotted path.

    Names may contain dots (``$inputs.my.nested.name``), so the exact key wins; otherwise the longest key
    prefix that exists is followed and the rest looked up inside it, backtracking to shorter prefixes.
    """
    if type(mapping) in _PLAIN_MAPPINGS:  # the common case: one member, found or not, without the generic walk
        found = mapping.get(name, MISSING)
        if found is not MISSING or "." not in name:
            return found
    elif not isinstance(mapping, Mapping) and not is_array(mapping):
        return MISSING
    found = child(mapping, name)
    if found is not MISSING:
        return found
    cut = name.rfind(".")
    while cut > 0:
        head = child(mapping, name[:cut])
        if head is not MISSING:
            found = lookup_name(head, name[cut + 1 :])
            if found is not MISSING:
                return found
        cut = name.rfind(".", 0, cut)
    return MISSING


def lookup_header(headers: Mapping[str, Any], name: str) -> Any:
    """A header value by case-insensitive name (RFC 9110), whatever the case of the keys in ``headers``."""
    if name in headers:
        return headers[name]
    wanted = header_key(name)
    for key, value in headers.items():
        if header_key(key) == wanted:
            return value
    return MISSING


def access(value: Any, accessor: str | int) -> Any:
    """A condition accessor: ``.member`` (``str``) or ``[index]`` (``int``) applied to ``value``.

    Like the JavaScript reference implementation, ``.0`` on an array and ``[0]`` on an object address the
    same element/member as ``[0]``/``."0"``.
    """
    if isinstance(accessor, int):
        if is_array(value):
            return value[accessor] if accessor < len(value) else MISSING
        return child(value, str(accessor)) if isinstance(value, Mapping) else MISSING
    return child(value, accessor)

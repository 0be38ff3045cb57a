"""Walking into JSON-like values: RFC 6901 pointers, dotted names, header names, condition accessors.

Every function returns :data:`MISSING` instead of raising when the path leads nowhere (absent key, index out
of range, a step into a scalar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from arazzo_runner.expressions.missing import MISSING


@lru_cache(maxsize=1024)
def pointer_tokens(pointer: str) -> tuple[str, ...]:
    """Split an already validated RFC 6901 pointer (``""`` or ``/a/b~1c``) into unescaped reference tokens."""
    if pointer == "":
        return ()
    # ~1 before ~0, so that "~01" decodes to "~1" and not to "/" (RFC 6901 section 4).
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/"))


def is_array(value: Any) -> bool:
    """Whether ``value`` is a JSON array (a sequence that is not text or bytes)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def _array_index(token: str) -> int | None:
    """The RFC 6901 array index of ``token`` (decimal, no leading zero), or ``None``."""
    if not token.isascii() or not token.isdigit() or (len(token) > 1 and token[0] == "0"):
        return None
    # No array is that long, and int() refuses very long digit strings.
    return int(token) if len(token) <= 18 else None


def child(value: Any, token: str) -> Any:
    """One step down: a member of an object, or the element of an array at a decimal ``token``."""
    if isinstance(value, Mapping):
        return value.get(token, MISSING)
    if is_array(value):
        index = _array_index(token)
        if index is not None and index < len(value):
            return value[index]
    return MISSING


def resolve_pointer(value: Any, pointer: str | None) -> Any:
    """The value at ``pointer`` inside ``value``; ``None`` means the whole value."""
    if pointer is None or value is MISSING:
        return value
    for token in pointer_tokens(pointer):
        value = child(value, token)
        if value is MISSING:
            break
    return value


def lookup_name(mapping: Any, name: str) -> Any:
    """``mapping[name]``, or, when there is no such key, ``name`` read as a dotted path.

    Names may contain dots (``$inputs.my.nested.name``), so the exact key wins; otherwise the longest key
    prefix that exists is followed and the rest looked up inside it, backtracking to shorter prefixes.
    """
    if not isinstance(mapping, Mapping) and not is_array(mapping):
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
    folded = name.casefold()
    for key, value in headers.items():
        if key.casefold() == folded:
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

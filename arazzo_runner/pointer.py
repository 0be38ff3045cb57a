"""RFC 6901 JSON Pointers for the whole engine, on top of the ``jsonpointer`` library.

Positions in documents, ``$ref`` fragments, ``operationPath`` fragments, ``#/pointer`` suffixes of runtime
expressions and payload replacement targets are all read and written here, so every part of the engine agrees
on escaping (``~0``, ``~1``), array indexes (decimal, no leading zero) and what "not there" means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from jsonpointer import EndOfList, JsonPointer, JsonPointerException
from jsonpointer import escape as _escape
from jsonpointer import unescape as _unescape

from arazzo_runner.errors import ResolutionError

_NOTHING = object()
_PLAIN_MAPPINGS = (dict, MappingProxyType)
_STEPPER = JsonPointer("")  # walk() uses no state of its own: one instance steps through any document


def escape(token: str) -> str:
    """Escape one reference token (``~`` → ``~0``, ``/`` → ``~1``)."""
    return str(_escape(token))


def unescape(token: str) -> str:
    """Undo :func:`escape`."""
    return str(_unescape(token))


def join(tokens: Iterable[str]) -> str:
    """The pointer text of unescaped ``tokens`` (``()`` is ``""``, the whole document)."""
    return "".join("/" + escape(token) for token in tokens)


def child(pointer: str, *names: str) -> str:
    """``pointer`` extended by the unescaped member names or indexes ``names``."""
    return pointer + join(names)


@lru_cache(maxsize=4096)
def parse(pointer: str) -> tuple[str, ...]:
    """The unescaped reference tokens of ``pointer``; a malformed pointer is a :class:`ResolutionError`."""
    try:
        return tuple(JsonPointer(pointer).parts)
    except JsonPointerException as exc:
        raise ResolutionError(f"invalid JSON Pointer {pointer!r}: {exc}", "invalid-pointer") from None


def resolve(document: Any, pointer: str | Sequence[str], default: Any) -> Any:
    """The value at ``pointer`` (text or tokens) in ``document``, or ``default`` when there is none.

    Text and bytes are leaves: a token never indexes into them. ``-`` (the position after the last array
    element) names no value.
    """
    tokens = parse(pointer) if isinstance(pointer, str) else pointer
    node = document
    for token in tokens:
        if type(node) in _PLAIN_MAPPINGS:  # the common case, decided without the library's generic stepping
            node = node.get(token, _NOTHING)
            if node is _NOTHING:
                return default
            continue
        if isinstance(node, str | bytes | bytearray):
            return default
        try:
            node = _STEPPER.walk(node, token)
        except (JsonPointerException, TypeError):
            return default
        if isinstance(node, EndOfList):
            return default
    return node


def get(document: Any, pointer: str, label: str = "") -> Any:
    """Like :func:`resolve`, but a pointer that leads nowhere is a :class:`ResolutionError` naming ``label``."""
    tokens = parse(pointer)
    value = resolve(document, tokens, _NOTHING)
    if value is _NOTHING:
        missing = _first_missing(document, tokens)
        raise ResolutionError(f"cannot resolve {label or pointer!r}: no {missing!r} in the target", "unresolvable-ref")
    return value


def _first_missing(document: Any, tokens: Sequence[str]) -> str:
    for depth in range(len(tokens)):
        if resolve(document, tokens[: depth + 1], _NOTHING) is _NOTHING:
            return tokens[depth]
    return tokens[-1] if tokens else ""

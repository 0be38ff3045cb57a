"""Strings for the simplest ``pattern``s: a chain of single-character atoms with quantifiers, nothing more.

This is deliberately not a regular-expression generator. A pattern is understood only when it is an optional
``^``, then atoms — a literal character, an escape (``\\d``, ``\\w``, ``\\s``, their negations, an escaped
punctuation mark), a character class ``[...]`` or ``.`` — each with an optional quantifier (``?``, ``*``,
``+``, ``{n}``, ``{n,}``, ``{n,m}``), then an optional ``$``. Groups, alternation, backreferences and
lookarounds are not understood: :func:`string_for_pattern` returns ``None`` and the caller falls back to a
plain string of the right length. Whatever is built is checked with :func:`re.search` before it is returned.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

MAX_PATTERN_LENGTH = 256
"""Longer patterns are not attempted."""

_CANDIDATES = string.ascii_lowercase + string.ascii_uppercase + string.digits + string.punctuation + " "
_ESCAPES = frozenset("dDwWsS")
_UNDERSTOOD_AFTER_BACKSLASH = frozenset(string.punctuation)
_SPECIAL = frozenset("()|*+?{}")
_QUANTIFIER = re.compile(r"\{(\d{1,4})(,(\d{0,4}))?\}")


@dataclass(frozen=True)
class _Atom:
    char: str
    low: int
    high: int | None  # None: unbounded


def string_for_pattern(pattern: str, min_length: int, max_length: int | None) -> str | None:
    """A string that ``re.search(pattern, ...)`` accepts, as long as possible within the bounds, or ``None``.

    The string is at least ``max(min_length, 1)`` characters long when the pattern allows it, and never
    longer than ``max_length``.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        return None
    atoms = _atoms(pattern)
    if atoms is None:
        return None
    counts = [atom.low for atom in atoms]
    wanted = max(min_length, 1)
    if max_length is not None:
        wanted = min(wanted, max_length)
    # Grow the earliest atoms that may repeat until the string is long enough.
    for index, atom in enumerate(atoms):
        missing = wanted - sum(counts)
        if missing <= 0:
            break
        room = missing if atom.high is None else min(missing, atom.high - counts[index])
        counts[index] += max(room, 0)
    text = "".join(atom.char * count for atom, count in zip(atoms, counts, strict=True))
    if len(text) < min_length or (max_length is not None and len(text) > max_length):
        return None
    try:
        return text if re.search(pattern, text) else None
    except re.error:
        return None


def _atoms(pattern: str) -> list[_Atom] | None:
    body = pattern[1:] if pattern.startswith("^") else pattern
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    atoms: list[_Atom] = []
    at = 0
    while at < len(body):
        found = _atom_text(body, at)
        if found is None:
            return None
        text, at = found
        char = _representative(text)
        if char is None:
            return None
        low, high, at = _quantifier(body, at)
        if high is not None and high < low:
            return None
        atoms.append(_Atom(char, low, high))
    return atoms


def _atom_text(body: str, at: int) -> tuple[str, int] | None:
    head = body[at]
    if head == "\\":
        if at + 1 >= len(body):
            return None
        escaped = body[at + 1]
        if escaped not in _ESCAPES and escaped not in _UNDERSTOOD_AFTER_BACKSLASH:
            return None  # \b, \u, \1 and friends are beyond this
        return body[at : at + 2], at + 2
    if head == "[":
        end = at + 1
        if end < len(body) and body[end] == "^":
            end += 1
        if end < len(body) and body[end] == "]":
            end += 1
        while end < len(body) and body[end] != "]":
            end += 2 if body[end] == "\\" else 1
        if end >= len(body):
            return None
        return body[at : end + 1], end + 1
    if head in _SPECIAL or head in "^$":
        return None
    return head, at + 1


def _representative(atom: str) -> str | None:
    try:
        compiled = re.compile(atom)
    except re.error:
        return None
    for char in _CANDIDATES:
        if compiled.fullmatch(char):
            return char
    return None


def _quantifier(body: str, at: int) -> tuple[int, int | None, int]:
    if at >= len(body):
        return 1, 1, at
    head = body[at]
    bounds: tuple[int, int | None]
    if head in "?*+":
        bounds = {"?": (0, 1), "*": (0, None), "+": (1, None)}[head]
        at += 1
    else:
        match = _QUANTIFIER.match(body, at)
        if match is None:
            return 1, 1, at
        low = int(match.group(1))
        high = low if match.group(2) is None else (int(match.group(3)) if match.group(3) else None)
        bounds = (low, high)
        at = match.end()
    if at < len(body) and body[at] == "?":
        at += 1  # a lazy quantifier accepts the same strings
    return bounds[0], bounds[1], at

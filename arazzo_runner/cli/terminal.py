"""Text that is safe to put on a terminal: documents are untrusted, and their ids and values reach the screen.

A raw ESC would let a document recolour or rewrite the user's terminal, a bidirectional override (U+202E) would
make a diagnostic read backwards, and a lone surrogate cannot even be encoded. :func:`printable` shows each of
them as an escape instead (``\\x1b``, ``\\u202e``, ``\\ud800``); line feeds and tabs are kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar, TextIO

# C0 controls but tab and line feed, DEL and C1 controls, the bidirectional controls, and surrogates.
_UNSAFE = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
                     "\\ud800-\\udfff]")


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal shown as an escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def wants_color(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Colour only for a terminal, and never when ``NO_COLOR`` is set (https://no-color.org) or TERM is dumb."""
    if "NO_COLOR" in environ or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Paint:
    """Colours status words when the stream is a colour terminal; plain text otherwise."""

    _CODES: ClassVar[Mapping[str, str]] = {"ok": "32", "fail": "31", "warn": "33", "dim": "2"}

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, kind: str, text: str) -> str:
        code = self._CODES.get(kind)
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and code else text


class Progress:
    """One live status line on a terminal (``[12/100] 11 ok, 1 failed``), rewritten in place and cleared before
    anything else is printed; silent when the stream is not a terminal, where plain lines say the same."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream, self.enabled = stream, enabled
        self._shown = False

    def show(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{printable(text)}")
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

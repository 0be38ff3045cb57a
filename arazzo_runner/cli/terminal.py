"""Text that is safe to put on a terminal: documents are untrusted, and their ids and values reach the screen.

A raw ESC would let a document recolour or rewrite the user's terminal, a bidirectional override (U+202E) would
make a diagnostic read backwards, and a lone surrogate cannot even be encoded. :func:`printable` shows each of
them as an escape instead (``\\x1b``, ``\\u202e``, ``\\ud800``); line feeds and tabs are kept.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL and C1 controls, the bidirectional controls, and surrogates.
_UNSAFE = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"
                     "\\ud800-\\udfff]")


def printable(text: str) -> str:
    """``text`` with every character that could act on a terminal shown as an escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

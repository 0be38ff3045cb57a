"""Tokens of simple conditions (Arazzo Criterion ``type: simple``).

The operand of a condition is lexed as one maximal token: ``$`` followed by every character except
whitespace and ``! & ( ) < = > { | }``; the parser later splits it into a runtime expression and its
``.member`` / ``[index]`` accessors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from arazzo_runner.errors import ExpressionSyntaxError

WHITESPACE: Final = " \t\n\r"
OPERAND_STOP: Final = frozenset(WHITESPACE + "!&()<=>{|}")
COMPARISON_OPS: Final = frozenset({"==", "!=", "<", "<=", ">", ">="})
LiteralValue = None | bool | int | float | str
KEYWORDS: Final[dict[str, LiteralValue]] = {"true": True, "false": False, "null": None}
_DIGITS: Final = "0123456789"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: ``kind`` is the punctuation itself (``(``, ``&&``, ``==`` …) or ``number``, ``string``,
    ``keyword``, ``operand``, ``end``; ``column`` is its 0-based offset in the condition."""

    kind: str
    text: str
    column: int
    value: LiteralValue = None

    def describe(self) -> str:
        """How the token is named in an error message."""
        return "end of input" if self.kind == "end" else repr(self.text)


def scan_number(text: str, start: int) -> int:
    """End of the JSON number (RFC 8259 ``number``) at ``start``, or ``start`` when there is none."""
    pos = start
    if pos < len(text) and text[pos] == "-":
        pos += 1
    if pos < len(text) and text[pos] == "0":
        pos += 1
    elif pos < len(text) and text[pos] in "123456789":
        while pos < len(text) and text[pos] in _DIGITS:
            pos += 1
    else:
        return start
    if pos + 1 < len(text) and text[pos] == "." and text[pos + 1] in _DIGITS:
        pos += 2
        while pos < len(text) and text[pos] in _DIGITS:
            pos += 1
    if pos < len(text) and text[pos] in "eE":
        digits = pos + 2 if pos + 1 < len(text) and text[pos + 1] in "+-" else pos + 1
        if digits < len(text) and text[digits] in _DIGITS:
            pos = digits + 1
            while pos < len(text) and text[pos] in _DIGITS:
                pos += 1
    return pos


def number_value(text: str) -> int | float | None:
    """The number ``text`` spells in JSON syntax (``int`` without fraction/exponent), else ``None``."""
    if not text or scan_number(text, 0) != len(text):
        return None
    if any(ch in text for ch in ".eE"):
        return float(text)
    try:
        return int(text)
    except ValueError:  # longer than sys.get_int_max_str_digits()
        return float(text)


def _error(reason: str, text: str, column: int) -> ExpressionSyntaxError:
    return ExpressionSyntaxError(reason, text, column)


def _string(text: str, start: int) -> Token:
    chars: list[str] = []
    pos = start + 1
    while pos < len(text):
        ch = text[pos]
        if ch == "'":
            if text.startswith("''", pos):
                chars.append("'")
                pos += 2
                continue
            return Token("string", text[start : pos + 1], start, "".join(chars))
        if ch < " ":
            raise _error("control character in a string literal", text, pos)
        chars.append(ch)
        pos += 1
    raise _error("unterminated string literal", text, start)


def _number(text: str, start: int) -> Token:
    end = scan_number(text, start)
    if end == start:
        raise _error("expected a digit after '-'", text, start + 1)
    if end < len(text) and (text[end].isalnum() or text[end] in "._$"):
        raise _error(f"invalid number {text[start : end + 1]!r}", text, start)
    return Token("number", text[start:end], start, number_value(text[start:end]))


def _word(text: str, start: int) -> Token:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] in "_-."):
        end += 1
    word = text[start:end]
    if word in KEYWORDS:
        return Token("keyword", word, start, KEYWORDS[word])
    raise _error(
        f"unknown word {word!r}: strings need single quotes and runtime expressions start with '$'",
        text,
        start,
    )


def _operand(text: str, start: int) -> Token:
    end = start + 1
    while end < len(text) and text[end] not in OPERAND_STOP and text[end] >= " " and text[end] != "\x7f":
        end += 1
    if end == start + 1:
        raise _error("expected a runtime expression after '$'", text, end)
    return Token("operand", text[start:end], start)


_PAIRS: Final = {"&": "&&", "|": "||"}
_HINTS: Final = {
    "=": "unexpected character '=' (compare with '==')",
    '"': "double-quoted strings are not literals; use single quotes",
    "{": "unexpected character '{' (a simple condition is not wrapped in braces)",
    "}": "unexpected character '}'",
}


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token; raises :class:`ExpressionSyntaxError`."""
    tokens: list[Token] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in WHITESPACE:
            pos += 1
        if pos == len(text):
            tokens.append(Token("end", "", pos))
            return tokens
        ch = text[pos]
        two = text[pos : pos + 2]
        if two in COMPARISON_OPS or two in ("&&", "||"):
            token = Token(two, two, pos)
        elif ch in "()!<>":
            token = Token(ch, ch, pos)
        elif ch in _PAIRS:
            raise _error(f"unexpected character {ch!r} (did you mean {_PAIRS[ch]!r}?)", text, pos)
        elif ch == "'":
            token = _string(text, pos)
        elif ch == "-" or ch in _DIGITS:
            token = _number(text, pos)
        elif ch == "$":
            token = _operand(text, pos)
        elif ch.isalpha():
            token = _word(text, pos)
        else:
            raise _error(_HINTS.get(ch, f"unexpected character {ch!r}"), text, pos)
        tokens.append(token)
        pos += len(token.text)

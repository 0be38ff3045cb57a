"""Parser of runtime expressions (Arazzo 1.0.x, structured as in the specification's examples table).

The 1.0.1 ABNF lets ``name`` match anything; this parser implements the structure the examples and the
1.1 ABNF make explicit:

* ``$url`` ``$method`` ``$statusCode``;
* ``$request.header.<token>`` ``.query.<name>`` ``.path.<name>`` ``.body[#<pointer>]``;
* ``$response.header.<token>`` ``.body[#<pointer>]``;
* ``$inputs.<id>[#ptr]`` ``$outputs.<id>[#ptr]`` ``$steps.<strict-id>.outputs.<id>[#ptr]``,
  ``$workflows.<strict-id>.inputs|outputs.<id>[#ptr]``;
* ``$sourceDescriptions.<strict-id>.<name>``;
* ``$components.parameters|successActions|failureActions.<id>``;
* Arazzo 1.1's ``$self`` and ``$message.header.<token>`` ``.payload[#<pointer>]`` (validation refuses them in a
  1.0 document).

``<id>`` is ``[A-Za-z0-9._-]+``, ``<strict-id>`` the same without dots, ``<name>`` any JSON-string
characters (escapes decoded), ``<token>`` an RFC 9110 token. As in Arazzo 1.1, ``{`` and ``}`` are never
part of a name or pointer, so an embedded ``{expression}`` always ends at the first ``}``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Final

from arazzo_runner.errors import ExpressionSyntaxError
from arazzo_runner.expressions.ast import KINDS, RuntimeExpression

_ALNUM: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
STRICT_ID_CHARS: Final = _ALNUM | frozenset("-_")
ID_CHARS: Final = STRICT_ID_CHARS | frozenset(".")
TOKEN_CHARS: Final = _ALNUM | frozenset("!#$%&'*+-.^_`|~")
_SIMPLE_ESCAPES: Final = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_WORKFLOW_FIELDS: Final = ("inputs", "outputs")
_COMPONENT_TYPES: Final = ("parameters", "successActions", "failureActions")


class _Scanner:
    """A cursor over the expression text that raises errors pointing at the offending character."""

    def __init__(self, text: str, pos: int) -> None:
        self.text = text
        self.pos = pos

    def error(self, reason: str, column: int | None = None) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(reason, self.text, self.pos if column is None else column)

    def found(self) -> str:
        return repr(self.text[self.pos]) if self.pos < len(self.text) else "end of input"

    def at_end(self) -> bool:
        return self.pos == len(self.text)

    def run(self, allowed: frozenset[str]) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in allowed:
            self.pos += 1
        return self.text[start : self.pos]

    def name(self, allowed: frozenset[str], what: str) -> str:
        name = self.run(allowed)
        if not name:
            raise self.error(f"expected {what}, found {self.found()}")
        return name

    def expect(self, literal: str, after: str) -> None:
        if not self.text.startswith(literal, self.pos):
            raise self.error(f"expected {literal!r} after {after}, found {self.found()}")
        self.pos += len(literal)

    def choice(self, options: tuple[str, ...], after: str) -> str:
        word = self.run(_ALNUM)
        if word not in options:
            self.pos -= len(word)
            listed = ", ".join(repr(option) for option in options)
            found = repr(word) if word else self.found()
            raise self.error(f"expected one of {listed} after {after}, found {found}")
        return word

    def end(self, after: str) -> None:
        if not self.at_end():
            raise self.error(f"unexpected character {self.text[self.pos]!r} after {after}")

    def pointer(self, after: str) -> str | None:
        """An optional ``#`` JSON pointer running to the end of the text."""
        if self.at_end():
            return None
        if self.text[self.pos] != "#":
            raise self.error(f"unexpected character {self.text[self.pos]!r} after {after}")
        start = self.pos = self.pos + 1
        if not self.at_end() and self.text[self.pos] != "/":
            raise self.error(f"a JSON pointer starts with '/', found {self.found()}")
        while not self.at_end():
            ch = self.text[self.pos]
            if ch in "{}":
                raise self.error(f"character {ch!r} is not allowed in a JSON pointer")
            if ch == "~" and self.text[self.pos + 1 : self.pos + 2] not in ("0", "1"):
                raise self.error("'~' in a JSON pointer must be followed by '0' or '1'")
            self.pos += 2 if ch == "~" else 1
        return self.text[start:]

    def char_name(self, what: str, allow_empty: bool) -> str:
        """A ``*CHAR`` name (JSON string characters, escapes decoded) running to the end of the text."""
        out: list[str] = []
        while not self.at_end():
            ch = self.text[self.pos]
            if ch == "\\":
                out.append(self._escape())
                continue
            if ch in '{}"' or ch < " ":
                raise self.error(f"character {ch!r} is not allowed in {what}")
            out.append(ch)
            self.pos += 1
        if not out and not allow_empty:
            raise self.error(f"expected {what}, found end of input")
        return "".join(out)

    def _escape(self) -> str:
        code = self.text[self.pos + 1 : self.pos + 2]
        if code in _SIMPLE_ESCAPES:
            self.pos += 2
            return _SIMPLE_ESCAPES[code]
        digits = self.text[self.pos + 2 : self.pos + 6]
        if code == "u" and len(digits) == 4 and all(d in "0123456789abcdefABCDEF" for d in digits):
            self.pos += 6
            return chr(int(digits, 16))
        raise self.error("invalid escape sequence")


def _message(scanner: _Scanner, kind: str) -> RuntimeExpression:
    allowed = {"request": ("header", "query", "path", "body"), "response": ("header", "body"),
               "message": ("header", "query", "path", "body", "payload")}[kind]
    where = scanner.choice(allowed, f"'${kind}.'")
    if where in ("body", "payload"):
        return RuntimeExpression(kind, (where,), scanner.pointer(f"'{where}'"))
    scanner.expect(".", repr(where))
    if where == "header":
        token = scanner.name(TOKEN_CHARS, "a header name")
        scanner.end("the header name")
        return RuntimeExpression(kind, ("header", token))
    return RuntimeExpression(kind, (where, scanner.char_name(f"a {where} parameter name", True)))


def _workflow_value(scanner: _Scanner, kind: str) -> RuntimeExpression:
    name = scanner.name(ID_CHARS, f"{'an input' if kind == 'inputs' else 'an output'} name")
    return RuntimeExpression(kind, (name,), scanner.pointer(f"the {kind[:-1]} name"))


def _steps(scanner: _Scanner, kind: str) -> RuntimeExpression:
    step_id = scanner.name(STRICT_ID_CHARS, "a step id")
    scanner.expect(".outputs.", "the step id")
    name = scanner.name(ID_CHARS, "an output name")
    return RuntimeExpression(kind, (step_id, "outputs", name), scanner.pointer("the output name"))


def _workflows(scanner: _Scanner, kind: str) -> RuntimeExpression:
    workflow_id = scanner.name(STRICT_ID_CHARS, "a workflow id")
    scanner.expect(".", "the workflow id")
    field = scanner.choice(_WORKFLOW_FIELDS, "the workflow id")
    scanner.expect(".", repr(field))
    name = scanner.name(ID_CHARS, f"{'an input' if field == 'inputs' else 'an output'} name")
    return RuntimeExpression(kind, (workflow_id, field, name), scanner.pointer(f"the {field[:-1]} name"))


def _source_descriptions(scanner: _Scanner, kind: str) -> RuntimeExpression:
    name = scanner.name(STRICT_ID_CHARS, "a source description name")
    scanner.expect(".", "the source description name")
    return RuntimeExpression(kind, (name, scanner.char_name("a source description reference", False)))


def _components(scanner: _Scanner, kind: str) -> RuntimeExpression:
    component_type = scanner.choice(_COMPONENT_TYPES, "'$components.'")
    scanner.expect(".", repr(component_type))
    name = scanner.name(ID_CHARS, "a component name")
    scanner.end("the component name")
    return RuntimeExpression(kind, (component_type, name))


_SECTIONS: Final[dict[str, Callable[[_Scanner, str], RuntimeExpression]]] = {
    "request": _message,
    "response": _message,
    "message": _message,
    "inputs": _workflow_value,
    "outputs": _workflow_value,
    "steps": _steps,
    "workflows": _workflows,
    "sourceDescriptions": _source_descriptions,
    "components": _components,
}


@lru_cache(maxsize=4096)
def parse_expression(text: str) -> RuntimeExpression:
    """Parse a whole string as one runtime expression; raises :class:`ExpressionSyntaxError` otherwise.

    The error's ``column`` is the 0-based offset of the first character that does not fit.
    """
    scanner = _Scanner(text, 1)
    if not text.startswith("$"):
        raise scanner.error("a runtime expression starts with '$'", 0)
    kind = scanner.run(_ALNUM)
    if kind in ("url", "method", "statusCode", "self"):
        scanner.end(f"'${kind}'")
        return RuntimeExpression(kind)
    if not kind:
        raise scanner.error(f"expected a runtime expression name after '$', found {scanner.found()}")
    if kind not in _SECTIONS:
        known = ", ".join("$" + k for k in KINDS)
        raise scanner.error(f"unknown runtime expression '${kind}' (expected one of {known})", 1)
    scanner.expect(".", f"'${kind}'")
    return _SECTIONS[kind](scanner, kind)


def is_runtime_expression(text: object) -> bool:
    """Whether ``text`` is a string that parses, as a whole, as one runtime expression.

    ``$.items[*]`` (JSONPath) and ``$inputs.x and more`` are not, so such strings stay literal data.
    """
    if not isinstance(text, str):
        return False
    try:
        parse_expression(text)
    except ExpressionSyntaxError:
        return False
    return True

"""The non-standard spellings public Arazzo documents use, and the Arazzo 1.0.1 spelling of each.

Each function takes one string as the document writes it and returns the rewritten string with the rules that
applied, or ``None`` when the string holds none of the forms. They are pure and know nothing of the document
beyond what they are passed, so each is tested on its own; :mod:`arazzo_runner.dialect.scan` decides where in a
document each kind of string sits.

The rules (their ids are the diagnostics' rule ids):

* ``dialect-body-navigation``: ``$response.body.data[0].id`` -> ``$response.body#/data/0/id`` (also
  ``$request.body``) outside simple conditions, where dots and brackets are the spec's own accessors;
* ``dialect-header-plural``: ``$response.headers.X`` -> ``$response.header.X`` (also ``$request``);
* ``dialect-status-code``: ``$response.status``, ``$response.statusCode``, ``$status`` -> ``$statusCode``;
* ``dialect-step-outputs``: ``$steps.login.token`` -> ``$steps.login.outputs.token`` (for a known step);
* ``dialect-condition-literal``: a double-quoted string or a bare word in a simple condition -> a single-quoted
  string (``== "ok"``, ``== NEW`` -> ``== 'ok'``, ``== 'NEW'``);
* ``dialect-operation-path``: ``api#/paths/...`` or ``$sourceDescriptions.api#/paths/...`` ->
  ``{$sourceDescriptions.api.url}#/paths/...``;
* ``dialect-context-word``: ``context: response`` / ``body`` -> ``$response.body``;
* ``dialect-operation-id-qualifier``: ``api.getPet`` (a declared source name, a dot, an id) ->
  ``$sourceDescriptions.api.getPet``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from arazzo_runner.errors import ExpressionSyntaxError
from arazzo_runner.expressions import parse_condition, parse_expression
from arazzo_runner.pointer import escape

BODY_NAVIGATION = "dialect-body-navigation"
HEADER_PLURAL = "dialect-header-plural"
STATUS_CODE = "dialect-status-code"
STEP_OUTPUTS = "dialect-step-outputs"
CONDITION_LITERAL = "dialect-condition-literal"
OPERATION_PATH = "dialect-operation-path"
CONTEXT_WORD = "dialect-context-word"
OPERATION_ID_QUALIFIER = "dialect-operation-id-qualifier"


@dataclass(frozen=True)
class Rewrite:
    """``text`` rewritten as ``new``; ``rules`` say which forms it held."""

    new: str
    rules: tuple[str, ...]


_BODY = re.compile(r"^\$(request\.body|response\.body|message\.payload)(?=[.\[])")
_SEGMENT = re.compile(r"\.([^.\[\]#{}\s]+)|\[(\d+)\]|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]")
_HEADERS = re.compile(r"^\$(request|response)\.headers\.")
_STATUS = re.compile(r"^\$(?:response\.(?:status|statusCode|status_code|code)|status|statuscode|status_code)$")
_STEP = re.compile(r"^\$steps\.([^.#{}\s]+)\.(?!outputs\b)([^#{}\s]+)$")
_EMBEDDED = re.compile(r"\{(\$[^{}]*)\}")
_SOURCE_PATH = re.compile(r"^(?:\$sourceDescriptions\.)?([A-Za-z0-9_\-]+)(?:\.url)?(#/.*)$")
_CONTEXT_WORDS = {"response": "$response.body", "body": "$response.body", "responsebody": "$response.body",
                  "response.body": "$response.body"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_KEYWORDS = frozenset({"true", "false", "null"})


def expression(text: str, step_ids: Collection[str] = ()) -> Rewrite | None:
    """A whole-value runtime expression (an output, a parameter value, a criterion context)."""
    rules: list[str] = []
    new = text
    for rewrite, rule in ((_body_pointer, BODY_NAVIGATION), (_header_singular, HEADER_PLURAL),
                          (_status_code, STATUS_CODE)):
        changed = rewrite(new)
        if changed is not None:
            new = changed
            rules.append(rule)
    step = _STEP.match(new)
    if step and step.group(1) in step_ids:
        new = f"$steps.{step.group(1)}.outputs.{step.group(2)}"
        rules.append(STEP_OUTPUTS)
    if not rules or not _parses(new):
        return None
    return Rewrite(new, tuple(rules))


def template(text: str, step_ids: Collection[str] = ()) -> Rewrite | None:
    """A string with embedded ``{$...}`` expressions (a payload or parameter template)."""
    rules: list[str] = []

    def embedded(match: re.Match[str]) -> str:
        rewrite = expression(match.group(1), step_ids)
        if rewrite is None:
            return match.group(0)
        rules.extend(rewrite.rules)
        return "{" + rewrite.new + "}"

    new = _EMBEDDED.sub(embedded, text)
    return Rewrite(new, tuple(dict.fromkeys(rules))) if rules else None


def value(text: str, step_ids: Collection[str] = ()) -> Rewrite | None:
    """A parameter, payload or replacement string: a whole expression, or a template embedding some."""
    if text.startswith("$"):
        return expression(text, step_ids)
    return template(text, step_ids) if "{$" in text else None


def condition(text: str, step_ids: Collection[str] = ()) -> Rewrite | None:
    """A simple condition: literals in double quotes or without quotes, and mistyped operands."""
    out: list[str] = []
    rules: list[str] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        if ch == "'":
            end = _single_quoted_end(text, pos)
            out.append(text[pos:end])
            pos = end
        elif ch == '"':
            end = text.find('"', pos + 1)
            while end != -1 and text[end - 1] == "\\":
                end = text.find('"', end + 1)
            if end == -1:
                return None  # unterminated: nothing certain to offer
            literal = text[pos + 1:end].replace('\\"', '"')
            out.append("'" + literal.replace("'", "''") + "'")
            rules.append(CONDITION_LITERAL)
            pos = end + 1
        elif ch == "$":
            end = pos + 1
            while end < len(text) and not text[end].isspace() and text[end] not in "!&()<=>{|}":
                end += 1
            operand = text[pos:end]
            rewrite = _operand(operand, step_ids)
            if rewrite is not None:
                out.append(rewrite.new)
                rules.extend(rewrite.rules)
            else:
                out.append(operand)
            pos = end
        elif ch.isdigit() or (ch == "-" and text[pos + 1:pos + 2].isdigit()):
            end = pos + 1
            while end < len(text) and (text[end].isalnum() or text[end] in ".+-"):
                end += 1
            out.append(text[pos:end])  # a number (1e5 included), never a bare word
            pos = end
        elif ch.isalpha() or ch == "_":
            word = _WORD.match(text, pos)
            assert word is not None
            if word.group(0) in _KEYWORDS:
                out.append(word.group(0))
            else:
                out.append("'" + word.group(0) + "'")
                rules.append(CONDITION_LITERAL)
            pos = word.end()
        else:
            out.append(ch)
            pos += 1
    new = "".join(out)
    if not rules or new == text or not _condition_parses(new):
        return None
    return Rewrite(new, tuple(dict.fromkeys(rules)))


def operation_path(text: str, source_names: Collection[str]) -> Rewrite | None:
    """An ``operationPath`` without the ``{$sourceDescriptions.<name>.url}`` wrapper, for a declared source."""
    if text.startswith("{"):
        return None
    match = _SOURCE_PATH.match(text)
    if match is None or match.group(1) not in source_names:
        return None
    return Rewrite(f"{{$sourceDescriptions.{match.group(1)}.url}}{match.group(2)}", (OPERATION_PATH,))


def context_word(text: str) -> Rewrite | None:
    """A criterion ``context`` written as a word instead of a runtime expression."""
    new = _CONTEXT_WORDS.get(text.strip().lower())
    return None if new is None else Rewrite(new, (CONTEXT_WORD,))


def operation_id(text: str, source_names: Collection[str]) -> Rewrite | None:
    """``source.operationId``: qualified with the source's name but without ``$sourceDescriptions.``."""
    if text.startswith("$"):
        return None
    source, dot, rest = text.partition(".")
    if not dot or not rest or source not in source_names:
        return None
    return Rewrite(f"$sourceDescriptions.{source}.{rest}", (OPERATION_ID_QUALIFIER,))


def _operand(text: str, step_ids: Collection[str]) -> Rewrite | None:
    # Inside a condition `.`/`[]` after body are the spec's accessors, so only the other forms apply.
    rules: list[str] = []
    new = text
    for rewrite, rule in ((_header_singular, HEADER_PLURAL), (_status_code, STATUS_CODE)):
        changed = rewrite(new)
        if changed is not None:
            new, rules = changed, [*rules, rule]
    step = _STEP.match(new)
    if step and step.group(1) in step_ids:
        new = f"$steps.{step.group(1)}.outputs.{step.group(2)}"
        rules.append(STEP_OUTPUTS)
    return Rewrite(new, tuple(rules)) if rules else None


def _body_pointer(text: str) -> str | None:
    match = _BODY.match(text)
    if match is None:
        return None
    tokens: list[str] = []
    pos = match.end()
    while pos < len(text):
        segment = _SEGMENT.match(text, pos)
        if segment is None:
            return None  # something after the navigation we cannot read: no certain rewrite
        tokens.append(next(group for group in segment.groups() if group is not None))
        pos = segment.end()
    return f"${match.group(1)}#/" + "/".join(escape(token) for token in tokens)


def _header_singular(text: str) -> str | None:
    match = _HEADERS.match(text)
    return None if match is None else f"${match.group(1)}.header." + text[match.end():]


def _status_code(text: str) -> str | None:
    return "$statusCode" if _STATUS.match(text) else None


def _single_quoted_end(text: str, start: int) -> int:
    pos = start + 1
    while pos < len(text):
        if text[pos] == "'":
            if text.startswith("''", pos):
                pos += 2
                continue
            return pos + 1
        pos += 1
    return len(text)


def _parses(text: str) -> bool:
    try:
        parse_expression(text)
    except ExpressionSyntaxError:
        return False
    return True


def _condition_parses(text: str) -> bool:
    try:
        parse_condition(text)
    except ExpressionSyntaxError:
        return False
    return True

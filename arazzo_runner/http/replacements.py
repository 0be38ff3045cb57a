"""Arazzo payload replacements: set a value at a JSON Pointer or XPath target of a request payload.

JSON payloads (objects, arrays, or a string holding JSON text) take RFC 6901 JSON Pointers. XML payloads (a
string whose first non-blank character is ``<``) take a subset of XPath 1.0 run by ``xml.etree``:

* an absolute path ``/root/child/leaf`` (the first step names the root element) or ``//leaf`` (any depth
  below the root);
* steps may carry ElementTree predicates: ``item[2]``, ``item[last()]``, ``item[@id='7']``,
  ``item[name='x']``;
* the path may end in ``/@attr`` (the attribute is set, or added) or ``/text()`` (same as the element);
* a namespace prefix in a step is ignored and the step matches that local name in any namespace, because
  Arazzo gives no prefix bindings for replacement targets.

Every match is replaced. The document is re-serialized by ElementTree, so the XML declaration is kept but
namespace prefixes may be renamed (``ns0:``) and whitespace outside the root element is not kept.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from arazzo_runner import pointer
from arazzo_runner.errors import ExecutionError, ResolutionError
from arazzo_runner.text import to_text

__all__ = ["apply_replacements", "editable", "set_json_pointer"]

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_STEP = re.compile(r"^(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*|\*)((?:\[[^\]]*\])*)$")


def apply_replacements(payload: Any, replacements: Sequence[tuple[str, Any]]) -> Any:
    """Apply ``(target, value)`` replacements in order to a copy of ``payload`` and return the copy.

    The payload itself is never changed. For JSON, a pointer may set an existing member or index, add a new
    member to an object, or append to an array with ``-``; ``""`` replaces the whole payload. A string payload
    holding JSON text is parsed first and the result is returned as a value, not as text. Raises
    :class:`ExecutionError` naming the target when its parent does not exist, an index is out of range, or
    the payload is neither JSON nor XML.
    """
    if isinstance(payload, str) and payload.lstrip().startswith("<"):
        return _replace_xml(payload, replacements)
    document = _thaw(payload)
    if isinstance(payload, str) and replacements:
        try:
            document = json.loads(payload)
        except ValueError as exc:
            raise ExecutionError(
                "replacement targets need a JSON or XML payload; the string is neither"
            ) from exc
    elif isinstance(payload, bytes | bytearray) and replacements:
        raise ExecutionError("replacement targets cannot be applied to a binary payload")
    for target, value in replacements:
        document = _set_pointer(document, target, _thaw(value))
    return document


def set_json_pointer(document: Any, target: str, value: Any) -> Any:
    """Set a copy of ``value`` at the JSON Pointer ``target`` of ``document`` (edited in place; an
    :func:`editable` copy) and return the document (``value`` itself for the ``""`` pointer); the errors are
    :func:`apply_replacements`'."""
    return _set_pointer(document, target, _thaw(value))


def editable(value: Any) -> Any:
    """A deep copy in plain ``dict``/``list``, so frozen mappings and tuples of the model can be edited."""
    return _thaw(value)


def _thaw(value: Any) -> Any:
    """A deep copy in plain ``dict``/``list``, so frozen mappings and tuples of the model can be edited."""
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(item) for item in value]
    return value


def _set_pointer(document: Any, target: str, value: Any) -> Any:
    text = target[1:] if target.startswith("#") else target
    if text == "":
        return value
    if not text.startswith("/"):
        raise ExecutionError(f"replacement target '{target}' is not a JSON Pointer (it must start with '/')")
    try:
        tokens = pointer.parse(text)
    except ResolutionError as exc:
        raise ExecutionError(f"replacement target '{target}': {exc.message}") from None
    node = document
    for depth, token in enumerate(tokens[:-1]):
        node = pointer.resolve(node, (token,), _ABSENT)
        if node is _ABSENT:
            walked = pointer.join(tokens[: depth + 1])
            raise ExecutionError(f"replacement target '{target}': parent '{walked}' does not exist in the payload")
    last = tokens[-1]
    where = pointer.join(tokens[:-1]) or "the payload root"
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list):
        if last == "-":
            node.append(value)
        elif pointer.resolve(node, (last,), _ABSENT) is not _ABSENT:
            node[int(last)] = value
        else:
            raise ExecutionError(
                f"replacement target '{target}': index '{last}' is not in the array at {where} "
                f"({len(node)} items; use '-' to append)"
            )
    else:
        raise ExecutionError(
            f"replacement target '{target}': the parent at {where} is {_describe(node)}, "
            "not an object or array"
        )
    return document


_ABSENT = object()


def _describe(node: Any) -> str:
    return "null" if node is None else f"a {type(node).__name__}"


def _replace_xml(payload: str, replacements: Sequence[tuple[str, Any]]) -> str:
    builder = ET.TreeBuilder(insert_comments=True, insert_pis=True)
    try:
        root = ET.fromstring(payload, parser=ET.XMLParser(target=builder))
    except ET.ParseError as exc:
        raise ExecutionError(f"the XML payload does not parse: {exc}") from exc
    for target, value in replacements:
        if isinstance(value, Mapping | list | tuple):
            raise ExecutionError(
                f"replacement target '{target}': an XML target takes a text value, not a structure"
            )
        elements, attribute = _select(root, target)
        for element in elements:
            if attribute is None:
                element.text = to_text(value)
            else:
                element.set(attribute, to_text(value))
    declaration = _DECLARATION.match(payload)
    body = ET.tostring(root, encoding="unicode")
    return declaration.group(0).strip() + "\n" + body if declaration else body


def _select(root: ET.Element, target: str) -> tuple[list[ET.Element], str | None]:
    if not target.startswith("/"):
        raise ExecutionError(
            f"replacement target '{target}' is not an absolute XPath (it must start with '/')"
        )
    descendant = target.startswith("//")
    steps = _split_steps(target[2:] if descendant else target[1:], target)
    attribute: str | None = None
    if steps and steps[-1].startswith("@"):
        attribute = steps.pop()[1:]
    elif steps and steps[-1] == "text()":
        steps.pop()
    if not steps:
        raise ExecutionError(f"replacement target '{target}' selects no element")
    translated = [_translate(step, target) for step in steps]
    try:
        if descendant:
            found = root.findall(".//" + "/".join(translated))
        else:
            root_name = _STEP.match(steps[0])
            local = root_name.group(1) if root_name else ""
            matches_root = local == "*" or root.tag.rsplit("}", 1)[-1] == local
            rest = translated[1:]
            found = ([root] if not rest else root.findall("./" + "/".join(rest))) if matches_root else []
    except SyntaxError as exc:
        raise ExecutionError(
            f"replacement target '{target}' is not in the supported XPath subset: {exc}"
        ) from exc
    if not found:
        raise ExecutionError(f"replacement target '{target}' matches nothing in the XML payload")
    return found, attribute


def _split_steps(path: str, target: str) -> list[str]:
    steps: list[str] = []
    current: list[str] = []
    depth = 0
    quote = ""
    for char in path:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "/" and depth == 0:
            steps.append("".join(current))
            current = []
            continue
        current.append(char)
    steps.append("".join(current))
    if any(not step for step in steps) or depth or quote:
        raise ExecutionError(f"replacement target '{target}' is not in the supported XPath subset")
    return steps


def _translate(step: str, target: str) -> str:
    match = _STEP.match(step)
    if match is None:
        raise ExecutionError(
            f"replacement target '{target}': step '{step}' is not in the supported XPath subset"
        )
    name, predicates = match.groups()
    return ("*" if name == "*" else "{*}" + name) + predicates

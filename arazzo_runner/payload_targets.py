"""Arazzo 1.1 payload replacement targets: a JSON Pointer, a JSONPath query or an XPath expression.

A target's ``targetSelectorType`` (``jsonpointer``, ``jsonpath``, ``xpath``, or an Expression Type Object with a
version) says how it is read. Without one, 1.1 reads it by the media type the body states (its ``contentType``,
else the operation's first): a JSON Pointer for a JSON payload, XPath for an XML one; for any other media type (a
form body, ``text/plain``), or none stated, by the payload itself, as Arazzo 1.0 does (XML text takes XPath,
anything else a JSON Pointer). An Arazzo 1.0 document keeps the 1.0 rules
(:func:`arazzo_runner.http.apply_replacements`): its targets reach :func:`apply_replacements` as plain text.

* **JSON Pointer** (RFC 6901) sets a member or an index, adds a member, appends with ``-``; ``""`` is the whole
  payload (the 1.0 rules).
* **JSONPath** (RFC 9535; ``draft-goessner-dispatch-jsonpath-00`` is read the same way) sets the value at every
  node the query selects; the root ``$`` replaces the whole payload. A query that selects nothing is an error
  naming the target: a JSONPath query finds locations, it cannot make one (the spec: the target is "resolved
  against the request body ... to identify the location to inject the value").
* **XPath** (3.1 unless the version says 3.0, 2.0 or 1.0, with elementpath) sets the text of every selected
  element (its children are kept, as in 1.0), the value of every selected attribute, or a selected text node.
  The prefixes are the ones the payload declares (the first declaration of each); an unprefixed name is in the
  default namespace the root element declares, if any (XPath 2.0 and later; in XPath 1.0 it is in no
  namespace). A payload with a DOCTYPE or ENTITY declaration is refused. Selecting nothing, or something that
  is not an element, attribute or text node, is an error naming the target. The XML is written back by
  ElementTree: the declaration and comments are kept, namespace prefixes may be renamed (``ns0:``).

Every query runs under the evaluation budget (:mod:`arazzo_runner.budget`), as criteria do.
:func:`syntax_problem` says, before any run, why a target of a known type is not one.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, cast
from xml.parsers import expat

from arazzo_runner import budget
from arazzo_runner import pointer as json_pointer
from arazzo_runner.criteria_engines import (
    JSONPATH_VERSIONS,
    XPATH_PARSERS,
    CriterionFailure,
    compile_jsonpath,
)
from arazzo_runner.errors import ExecutionError, ResolutionError
from arazzo_runner.text import to_text

__all__ = ["SELECTOR_TYPES", "Target", "apply_replacements", "body_media_type", "media_family", "payload_kind",
           "syntax_problem", "target_kind"]

SelectorType = Literal["jsonpointer", "jsonpath", "xpath"]
SELECTOR_TYPES: frozenset[str] = frozenset({"jsonpointer", "jsonpath", "xpath"})
_NAMES = {"jsonpointer": "JSON Pointer", "jsonpath": "JSONPath", "xpath": "XPath"}
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Target:
    """An Arazzo 1.1 replacement target: its text, its selector type (``None``: decided by the payload when it
    is neither JSON nor XML by its media type) and the Expression Type Object's version."""

    text: str
    type: SelectorType | None = None
    version: str | None = None

    def __str__(self) -> str:
        return self.text


def body_media_type(content_type: str | None, declared: Sequence[str]) -> str | None:
    """The media type a request body states: its ``contentType``, else the operation's first (``None``: neither
    says; the body is then sent as JSON, but its targets are read by the payload)."""
    return content_type or (declared[0] if declared else None)


def target_kind(declared: str | None, media_type: str | None) -> SelectorType | None:
    """The selector type of a 1.1 target: the one declared, else by the body's media type (JSON: ``jsonpointer``,
    XML: ``xpath``), else ``None`` (by the payload, when it is known)."""
    if declared in SELECTOR_TYPES:
        return cast(SelectorType, declared)
    family = media_family(media_type)
    return "jsonpointer" if family == "json" else "xpath" if family == "xml" else None


def media_family(media_type: str | None) -> Literal["json", "xml", "other"]:
    """``json`` or ``xml`` for the media types :func:`arazzo_runner.http.media_kind` calls so (``+json`` and
    ``+xml`` included), else ``other`` — said here so that validation never loads the HTTP stack."""
    essence = (media_type or "").split(";", 1)[0].strip().lower()
    if essence == "application/json" or essence.endswith("+json"):
        return "json"
    if essence in ("application/xml", "text/xml") or essence.endswith("+xml"):
        return "xml"
    return "other"


def payload_kind(payload: Any) -> SelectorType:
    """How a target is read when neither the document nor the media type says: XPath for XML text, else a JSON
    Pointer (the Arazzo 1.0 rule)."""
    return "xpath" if isinstance(payload, str) and payload.lstrip().startswith("<") else "jsonpointer"


def syntax_problem(target: Target) -> str | None:
    """Why ``target`` is not a selector of its type (``None``: it is, or its type is known only at run time).

    An XPath prefix the payload may declare cannot be checked before the payload is known, so it is not one.
    """
    try:
        if target.type == "jsonpointer":
            _pointer_text(target)
        elif target.type == "jsonpath":
            _jsonpath(target)
        elif target.type == "xpath":
            try:
                _xpath(target, ())
            except ExecutionError as exc:
                if "XPST0081" in exc.message:  # an undeclared prefix: the payload may declare it
                    return None
                raise
    except ExecutionError as exc:
        return exc.message
    return None


def apply_replacements(payload: Any, replacements: Sequence[tuple[str | Target, Any]],
                       timeout: float = 1.0) -> Any:
    """Apply the replacements in order to a copy of ``payload`` and return it (a value for JSON, text for XML).

    Plain-text targets are an Arazzo 1.0 document's and follow the 1.0 rules; :class:`Target` ones the 1.1 rules
    of the module docstring. Raises :class:`ExecutionError` naming the target that cannot be applied.
    """
    from arazzo_runner.http import apply_replacements as apply_1_0

    if not replacements:
        return payload
    if all(isinstance(target, str) for target, _ in replacements):
        return apply_1_0(payload, [(str(target), value) for target, value in replacements])
    edit = _Payload(payload)
    for written, value in replacements:
        target = written if isinstance(written, Target) else Target(written)
        kind = target.type or payload_kind(payload)
        if kind == "xpath":
            edit.set_xpath(target, value, timeout)
        elif kind == "jsonpath":
            edit.set_jsonpath(target, value, timeout)
        else:
            edit.set_pointer(target, value)
    return edit.result()


class _Payload:
    """A payload being edited: parsed once as JSON or as XML, by the first target that needs it."""

    def __init__(self, payload: Any) -> None:
        from arazzo_runner.http.replacements import editable, set_json_pointer

        self.editable, self.set_json_pointer = editable, set_json_pointer
        self.original = payload
        self.json: Any = None
        self.parsed_json = False
        self.xml: ET.Element | None = None
        self.namespaces: tuple[tuple[str, str], ...] = ()

    def document(self, target: Target) -> Any:
        if self.xml is not None:
            raise _error(target, "needs a JSON payload, but the payload is XML")
        if not self.parsed_json:
            payload = self.original
            if isinstance(payload, bytes | bytearray):
                raise _error(target, "cannot be applied to a binary payload")
            if isinstance(payload, str):
                if payload.lstrip().startswith("<"):
                    raise _error(target, "needs a JSON payload, but the payload is XML")
                try:
                    payload = json.loads(payload)
                except ValueError:
                    raise _error(target, "needs a JSON payload; the string is not JSON") from None
            self.json, self.parsed_json = self.editable(payload), True
        return self.json

    def set_pointer(self, target: Target, value: Any) -> None:
        self.json = self.set_json_pointer(self.document(target), _pointer_text(target), value)

    def set_jsonpath(self, target: Target, value: Any, timeout: float) -> None:
        document = self.document(target)
        query = _jsonpath(target)
        try:
            with budget.time_budget(timeout):
                nodes = query.find(document)
        except budget.OverBudget:
            raise _error(target, f"took longer than {timeout:g} s (evaluation_timeout)") from None
        if not nodes:
            raise _error(target, "selects nothing in the payload")
        # Deepest first: a node inside another selected node is set before the outer one replaces it.
        for node in sorted(nodes, key=lambda n: len(n.location), reverse=True):
            document = _set_location(document, tuple(node.location), self.editable(value))
        self.json = document

    def set_xpath(self, target: Target, value: Any, timeout: float) -> None:
        if self.parsed_json:
            raise _error(target, "needs an XML payload, but the payload is JSON")
        if self.xml is None:
            if not isinstance(self.original, str) or not self.original.lstrip().startswith("<"):
                raise _error(target, "needs an XML payload (XML text)")
            self.xml, self.namespaces = _parse_xml(self.original)
        if isinstance(value, Mapping | list | tuple):
            raise _error(target, "takes a text value on an XML payload, not a structure")
        text = to_text(value)
        token = _xpath(target, self.namespaces)
        from elementpath import XPathContext, XPathNode
        from elementpath.xpath2 import _xpath2_functions

        try:
            with budget.time_budget(timeout), budget.bounded_re_in(_xpath2_functions):
                nodes = list(token.select(XPathContext(self.xml)))
        except budget.OverBudget:
            raise _error(target, f"took longer than {timeout:g} s (evaluation_timeout)") from None
        except Exception as exc:  # noqa: BLE001 - elementpath's evaluation errors, told with the target
            raise _error(target, f"cannot be evaluated: {exc}") from None
        if not nodes:
            raise _error(target, "matches nothing in the XML payload")
        for node in nodes:
            if not isinstance(node, XPathNode):
                raise _error(target, f"evaluates to {to_text(node)!r}, not to nodes of the payload")
            _set_node(target, node, text)

    def result(self) -> Any:
        if self.xml is None:
            return self.json if self.parsed_json else self.original
        body = _serialize(self.xml, dict(self.namespaces).get(""))
        declaration = _DECLARATION.match(self.original)
        return declaration.group(0).strip() + "\n" + body if declaration else body


def _serialize(root: ET.Element, default: str | None) -> str:
    """The edited XML; the root's default namespace stays the default one when every element is in a namespace
    (ElementTree can keep it only then), other prefixes are ElementTree's."""
    if default is not None:
        try:
            return ET.tostring(root, encoding="unicode", default_namespace=default)
        except ValueError:  # an element in no namespace: ElementTree then needs a prefix for the default one
            pass
    return ET.tostring(root, encoding="unicode")


def _error(target: Target, problem: str) -> ExecutionError:
    kind = _NAMES.get(target.type or "", "")
    return ExecutionError(f"replacement target '{target.text}'{f' ({kind})' if kind else ''} {problem}")


def _pointer_text(target: Target) -> str:
    text = target.text[1:] if target.text.startswith("#") else target.text
    if text and not text.startswith("/"):
        raise _error(target, "is not a JSON Pointer (it must start with '/')")
    try:
        json_pointer.parse(text)
    except ResolutionError as exc:
        raise _error(target, f"is not a JSON Pointer: {exc.message}") from None
    return target.text


def _jsonpath(target: Target) -> Any:
    if target.version is not None and target.version not in JSONPATH_VERSIONS:
        raise _error(target, f"has an unsupported jsonpath version '{target.version}'")
    try:
        return compile_jsonpath(target.text)
    except CriterionFailure as exc:
        reason = str(exc).removeprefix(f"invalid JSONPath query {target.text!r}: ")
        raise _error(target, f"is not a JSONPath query: {reason}") from None


def _xpath(target: Target, namespaces: tuple[tuple[str, str], ...]) -> Any:
    version = target.version or "xpath-31"
    if version not in XPATH_PARSERS:
        raise _error(target, f"has an unsupported xpath version '{version}'")
    try:
        return _compile_xpath(version, target.text, namespaces)
    except CriterionFailure as exc:
        raise _error(target, f"is not an XPath expression: {exc}") from None


@lru_cache(maxsize=256)
def _compile_xpath(version: str, expression: str, namespaces: tuple[tuple[str, str], ...],
                   timeout: float = 1.0) -> Any:
    import importlib

    import elementpath
    from elementpath.xpath2 import _xpath2_functions

    module, name = XPATH_PARSERS[version]
    bound = {prefix: uri for prefix, uri in namespaces if prefix}
    default = next((uri for prefix, uri in namespaces if not prefix), None)
    options: dict[str, Any] = {"namespaces": bound}
    if version != "xpath-10" and default is not None:
        options["default_namespace"] = default
    parser = getattr(importlib.import_module(module), name)(**options)  # imported outside the budget: slow traced
    try:
        with budget.time_budget(timeout), budget.bounded_re_in(_xpath2_functions):
            return parser.parse(expression)
    except budget.OverBudget:
        raise CriterionFailure(f"parsing took longer than {timeout:g} s") from None
    except elementpath.ElementPathError as exc:
        raise CriterionFailure(str(exc)) from None


def _set_location(document: Any, location: tuple[str | int, ...], value: Any) -> Any:
    if not location:
        return value
    node = document
    for step in location[:-1]:
        node = node[step]
    node[location[-1]] = value
    return document


def _set_node(target: Target, node: Any, text: str) -> None:
    kind = node.node_kind
    parent = node.parent
    if kind == "element":
        node.obj.text = text
    elif kind == "attribute" and parent is not None:
        parent.obj.set(node.name, text)
    elif kind == "text" and parent is not None:
        index = parent.children.index(node)
        if index == 0:
            parent.obj.text = text
        else:  # a text node after a child is that child's tail in ElementTree
            parent.children[index - 1].obj.tail = text
    else:
        raise _error(target, f"selects a {kind} node, which takes no value (select an element, attribute or text)")


def _parse_xml(payload: str) -> tuple[ET.Element, tuple[tuple[str, str], ...]]:
    """The payload's root element (comments and processing instructions kept) and the namespaces it declares:
    each prefix's first declaration, and ``("", uri)`` for the root element's default namespace."""
    declared: dict[str, str] = {}
    depth = 0

    def refuse(*args: object) -> None:
        raise ExecutionError("the XML payload has a DOCTYPE or ENTITY declaration, which is refused")

    def namespace(prefix: str | None, uri: str) -> None:
        if prefix:
            declared.setdefault(prefix, uri)
        elif depth == 0:
            declared.setdefault("", uri)

    def start(*args: object) -> None:
        nonlocal depth
        depth += 1

    guard = expat.ParserCreate(namespace_separator=" ")
    guard.StartDoctypeDeclHandler = refuse
    guard.EntityDeclHandler = refuse
    guard.StartNamespaceDeclHandler = namespace
    guard.StartElementHandler = start
    try:
        guard.Parse(payload, True)
        root = ET.fromstring(payload, parser=ET.XMLParser(target=ET.TreeBuilder(insert_comments=True,
                                                                                  insert_pis=True)))
    except (expat.ExpatError, ET.ParseError) as exc:
        raise ExecutionError(f"the XML payload does not parse: {exc}") from None
    return root, tuple(declared.items())

"""Mocked bodies to bytes by media type: the same bytes for the same value, every time.

By the media type's family (:func:`arazzo_runner.http.media_kind`):

* JSON (``application/json``, any ``+json``): compact UTF-8 JSON of the value (a string value is a JSON string);
* ``text/*``: a string as it is, any other value as :func:`arazzo_runner.text.to_text` writes it;
* XML: a string as it is (an example written as XML text); any other value becomes elements — the root named
  by the schema's ``xml.name`` or ``root``, one child per object member, one ``<item>`` per array element (an
  array member repeats the member's element), scalars as text, ``null`` as an empty element (``<root />``);
* ``application/x-www-form-urlencoded``: an object as ``name=value`` pairs (array members repeat the name);
* anything else (``application/octet-stream`` included): a string as UTF-8, bytes as they are, other values
  as JSON.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from arazzo_runner.http import media_kind
from arazzo_runner.text import to_text

_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def serialize(value: Any, media_type: str, *, xml_root: str | None = None) -> bytes:
    """The bytes of ``value`` written as ``media_type`` (see the module docstring)."""
    kind = media_kind(media_type)
    if kind == "xml":
        return value.encode("utf-8") if isinstance(value, str) else _xml(value, xml_root or "root")
    return _WRITERS.get(kind, _other)(value)


def _json(value: Any) -> bytes:
    # ``default=str`` keeps an odd value from a document (a date YAML did not type) writable, deterministically.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


def _text(value: Any) -> bytes:
    return to_text(value).encode("utf-8")


def _form(value: Any) -> bytes:
    if not isinstance(value, Mapping):
        return _text(value)
    pairs: list[tuple[str, str]] = []
    for name, member in value.items():
        for item in member if isinstance(member, list) else [member]:
            pairs.append((str(name), to_text(item)))
    return urlencode(pairs).encode("ascii")


def _other(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8") if isinstance(value, str) else _json(value)


def _xml(value: Any, root: str) -> bytes:
    element = ElementTree.Element(_xml_name(root))
    _fill(element, value)
    return ElementTree.tostring(element, encoding="unicode").encode("utf-8")


def _fill(element: ElementTree.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for name, member in value.items():
            for item in member if isinstance(member, list) else [member]:
                _fill(ElementTree.SubElement(element, _xml_name(str(name))), item)
    elif isinstance(value, list):
        for item in value:
            _fill(ElementTree.SubElement(element, "item"), item)
    elif value is not None:
        element.text = to_text(value)


def _xml_name(name: str) -> str:
    # Member names such as "$token" or "2fa" are not XML names; the element keeps their readable part.
    cleaned = _NOT_NAME.sub("_", name)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"_{cleaned}"


_WRITERS: Mapping[str, Callable[[Any], bytes]] = {
    "json": _json,
    "text": _text,
    "form": _form,
}

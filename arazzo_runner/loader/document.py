"""A parsed document: plain JSON data plus the positions of its members, from YAML or JSON text."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag

from arazzo_runner.errors import LoadError, Location
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.loader.retrieve import Retriever
from arazzo_runner.loader.scan import check_depth
from arazzo_runner.loader.urls import display_name
from arazzo_runner.loader.yaml import collect_positions, compose, convert, yaml_error


@dataclass(frozen=True)
class SourceDocument:
    """A parsed document: plain JSON data plus the means to locate any JSON Pointer in its text."""

    url: str
    data: Any
    text: str = field(repr=False)
    is_json: bool = False
    _positions: dict[str, tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The document's name as messages show it."""
        return display_name(self.url)

    def location(self, pointer: str = "") -> Location:
        """The location of ``pointer`` (or of its nearest ancestor that has a position)."""
        positions = self._position_table()
        probe = pointer
        while True:
            if probe in positions:
                line, column = positions[probe]
                return Location(self.name, pointer, line, column)
            if not probe:
                return Location(self.name, pointer, 1, 1)
            probe = probe.rsplit("/", 1)[0]

    def _position_table(self) -> dict[str, tuple[int, int]]:
        if self._positions is None:
            table: dict[str, tuple[int, int]] = {}
            try:
                node = compose(self.text)
            except Exception:  # noqa: BLE001 - positions are best effort for JSON that YAML rejects
                node = None
            if node is not None:
                collect_positions(node, "", table)
            object.__setattr__(self, "_positions", table)
        assert self._positions is not None
        return self._positions


def parse_document(text: str, url: str, limits: Limits = DEFAULT_LIMITS) -> SourceDocument:
    """Parse YAML or JSON text into a :class:`SourceDocument`; syntax errors carry line:column.

    The text's size and nesting depth are checked first, so no parser ever recurses deeper than the limit.
    """
    name = display_name(url)
    stripped = text.lstrip("\ufeff \t\r\n")
    as_json = stripped.startswith(("{", "["))
    if len(text) > limits.max_document_bytes:
        raise LoadError(f"document is larger than {limits.max_document_bytes} bytes", Location(name),
                        rule="malformed-document")
    check_depth(text, limits.max_document_depth, name, as_json)
    if as_json:
        try:
            data = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"malformed JSON: {exc.msg}", Location(name, "", exc.lineno, exc.colno), rule="malformed-document"
            ) from exc
        except ValueError as exc:  # json's other ValueError: an integer beyond Python's int-string limit
            raise LoadError(f"malformed JSON: {_number_problem(exc)}", _long_number(text, name),
                            rule="malformed-document") from exc
        except (_DuplicateKey, RecursionError):
            data = None  # the YAML path below finds the duplicate key or the depth again, with its position
        else:
            if _depth(data) <= limits.max_document_depth:
                return SourceDocument(url, data, text, is_json=True)
    try:
        node = compose(text)
    except RecursionError as exc:
        raise LoadError(f"document nests deeper than {limits.max_document_depth} levels", Location(name),
                        rule="malformed-document") from exc
    except Exception as exc:  # ruamel raises several unrelated classes for syntax errors
        raise yaml_error(exc, name, text) from exc
    positions: dict[str, tuple[int, int]] = {}
    tree = None if node is None else convert(node, name, positions, limits)
    return SourceDocument(url, tree, text, is_json=as_json, _positions=positions)


_DIGITS = re.compile(r"[0-9]{4000,}")


def _number_problem(exc: ValueError) -> str:
    text = str(exc)
    return "a number is longer than this engine reads" if "digits" in text else text


def _long_number(text: str, name: str) -> Location:
    match = _DIGITS.search(text)
    if match is None:
        return Location(name)
    line = text.count("\n", 0, match.start()) + 1
    return Location(name, "", line, match.start() - text.rfind("\n", 0, match.start()))


class _DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def _depth(data: Any) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest = 0
    pending = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            pending.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            pending.extend((child, depth + 1) for child in node)
    return deepest


def load_document(url: str, retriever: Retriever, limits: Limits = DEFAULT_LIMITS) -> SourceDocument:
    """Retrieve and parse the document at an absolute URL (parsed once per process for the same bytes)."""
    raw = retriever(urldefrag(url)[0])
    key = (url, hashlib.blake2b(raw, digest_size=16).digest(), limits)
    cached = _PARSED.get(key)
    if cached is not None:
        return cached
    document = _decode_and_parse(raw, url, limits)
    _PARSED.put(key, document, len(raw))
    return document


def _decode_and_parse(raw: bytes, url: str, limits: Limits) -> SourceDocument:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"not UTF-8 text (byte {exc.start} cannot be decoded)", Location(display_name(url)),
            rule="malformed-document",
        ) from exc
    return parse_document(text, url, limits)


class _ParsedCache:
    """Parsed documents by URL, content digest and limits, least recently used first out past a total size.

    Validating many documents that share their OpenAPI descriptions parsed each description once per document
    (the whole time of a 400-document validation, nearly); keyed by the bytes read, a changed file is parsed
    again, and any retriever is served right. A parsed document is never modified (a rewrite copies it).
    """

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[tuple[str, bytes, Limits], tuple[SourceDocument, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, bytes, Limits]) -> SourceDocument | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: tuple[str, bytes, Limits], document: SourceDocument, size: int) -> None:
        if size > self._max_bytes // 4:
            return  # a huge document would push out everything else for one use
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (document, size)
            self._bytes += size
            while self._bytes > self._max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


# Parsed, a document holds several times its size in objects: a few MiB of text is what this may keep.
_PARSED = _ParsedCache(4 * 1024 * 1024)

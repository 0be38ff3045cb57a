"""Read Arazzo and OpenAPI documents from paths or URLs into plain JSON data that remembers positions.

YAML is read as YAML 1.2 restricted to JSON types: ``2024-01-01`` and ``on`` stay strings, and tags that
would build other Python types (``!!binary``, ``!!set``, ``!!timestamp``...) are refused. JSON documents
are parsed with the standard library (exact JSON semantics); their positions are computed only when a
diagnostic asks for one, so large OpenAPI files do not pay for it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote, urldefrag, urljoin, urlparse
from urllib.request import url2pathname

from arazzo_runner.errors import LoadError, Location

Retriever = Callable[[str], bytes]
"""Fetches the bytes of an absolute ``http(s)`` or ``file`` URL; raises :class:`LoadError` on failure."""

DEFAULT_TIMEOUT = 10.0
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 200
MAX_NODES = 2_000_000
MAX_ALIAS_NODES = 100_000  # nodes reached through aliases: bounds "billion laughs" expansion


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    """Return an absolute URL for a filesystem path or URL (``http``, ``https`` and ``file`` are kept)."""
    text = os.fspath(path_or_url)
    scheme = urlparse(text).scheme.lower()
    if scheme in ("http", "https", "file"):
        return text
    return Path(text).absolute().as_uri()


def resolve_reference(base_url: str, reference: str) -> str:
    """Resolve a URI-reference against the URL of the referring document (RFC 3986 §5)."""
    return urljoin(base_url, reference)


def url_to_path(url: str) -> Path | None:
    """The filesystem path behind a ``file:`` URL, else ``None``."""
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return None
    return Path(url2pathname(unquote(parsed.path)))


def display_name(url: str) -> str:
    """A short name for messages: a path relative to the working directory when it is a local file."""
    path = url_to_path(url)
    if path is None:
        return url
    try:
        relative = os.path.relpath(path)
    except ValueError:  # a different drive on Windows
        return str(path)
    # Below the working directory a short relative path reads best; elsewhere "../../.." only obscures.
    return str(path) if relative.startswith(os.pardir) else relative


def default_retriever(timeout: float = DEFAULT_TIMEOUT) -> Retriever:
    """A retriever reading local files and fetching ``http(s)`` URLs with httpx under a timeout."""

    def retrieve(url: str) -> bytes:
        path = url_to_path(url)
        if path is not None:
            try:
                if path.stat().st_size > MAX_DOCUMENT_BYTES:
                    raise LoadError(f"{display_name(url)} is larger than {MAX_DOCUMENT_BYTES} bytes")
                return path.read_bytes()
            except FileNotFoundError as exc:
                raise LoadError(f"no such file: {display_name(url)}", rule="file-not-found") from exc
            except IsADirectoryError as exc:
                raise LoadError(f"{display_name(url)} is a directory, not a document") from exc
            except OSError as exc:
                raise LoadError(f"cannot read {display_name(url)}: {exc.strerror}") from exc
        if urlparse(url).scheme not in ("http", "https"):
            raise LoadError(f"unsupported URL scheme in {url!r}", rule="unsupported-url")
        import httpx  # imported here: most runs read local files only

        try:
            response = httpx.get(url, timeout=timeout, follow_redirects=True)
        except httpx.HTTPError as exc:
            raise LoadError(f"cannot fetch {url}: {exc}", rule="unreachable-url") from exc
        if response.status_code >= 400:
            raise LoadError(f"cannot fetch {url}: HTTP {response.status_code}", rule="unreachable-url")
        return response.content

    return retrieve


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
                node = _compose(self.text)
            except Exception:  # noqa: BLE001 - positions are best effort for JSON that YAML rejects
                node = None
            if node is not None:
                _collect_positions(node, "", table)
            object.__setattr__(self, "_positions", table)
        assert self._positions is not None
        return self._positions


def parse_document(text: str, url: str) -> SourceDocument:
    """Parse YAML or JSON text into a :class:`SourceDocument`; syntax errors carry line:column."""
    name = display_name(url)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise LoadError(
                f"malformed JSON: {exc.msg}", Location(name, "", exc.lineno, exc.colno), rule="malformed-document"
            ) from exc
        except (_DuplicateKey, RecursionError):
            data = None  # the YAML path below finds the duplicate key or the depth again, with its position
        else:
            if _depth(data) <= MAX_DEPTH:
                return SourceDocument(url, data, text, is_json=True)
    try:
        node = _compose(text)
    except RecursionError as exc:
        raise LoadError(f"document nests deeper than {MAX_DEPTH} levels", Location(name),
                        rule="malformed-document") from exc
    except Exception as exc:  # ruamel raises several unrelated classes for syntax errors
        raise LoadError(
            f"malformed YAML: {_yaml_problem(exc)}", _yaml_location(exc, name), rule="malformed-document"
        ) from exc
    positions: dict[str, tuple[int, int]] = {}
    tree = None if node is None else _Converter(name).convert(node, positions)
    return SourceDocument(url, tree, text, is_json=stripped.startswith(("{", "[")), _positions=positions)


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


def load_document(url: str, retriever: Retriever) -> SourceDocument:
    """Retrieve and parse the document at an absolute URL."""
    raw = retriever(urldefrag(url)[0])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"not UTF-8 text (byte {exc.start} cannot be decoded)", Location(display_name(url)),
            rule="malformed-document",
        ) from exc
    return parse_document(text, url)


# --- YAML with JSON types only ------------------------------------------------------------------------

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_PLAIN = "tag:arazzo-runner:plain"
_CORE = "tag:yaml.org,2002:"
_EXPLICIT_SCALARS = {"str", "int", "float", "bool", "null"}


def _yaml() -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver
    from ruamel.yaml.tag import Tag

    plain = Tag(suffix=_PLAIN)

    class JsonTypesResolver(VersionedResolver):
        """Marks every plain scalar so that _implicit(), not YAML 1.1 habits, decides its type."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                return plain
            return super().resolve(kind, value, implicit)

    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver = JsonTypesResolver
    yaml.version = (1, 2)
    return yaml


def _compose(text: str) -> Any:
    """The YAML node tree of ``text``: through libyaml (ruamel.yaml.clib) when installed, else pure Python.

    The C composer is about 20x faster on large OpenAPI files. It only speaks YAML 1.1 syntax, and types are
    resolved by us either way; on any error the pure YAML 1.2 parser decides, so messages stay its own.
    """
    fast = _c_loader()
    if fast is not None:
        try:
            return fast(text).get_single_node()
        except Exception:  # noqa: BLE001, S110 - the pure parser below gives the authoritative answer
            pass
    return _yaml().compose(text)


@lru_cache(maxsize=1)
def _c_loader() -> Any:
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
    except ImportError:  # no C extension on this interpreter
        return None
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import BaseResolver

    class JsonTypesCLoader(CParser, BaseResolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseResolver.__init__(self, loadumper=self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode and implicit[0]:
                return _PLAIN
            return super().resolve(kind, value, implicit)

    return JsonTypesCLoader


def _scalar(node: Any, name: str) -> Any:
    tag = str(node.tag)
    if tag == _PLAIN:
        return _implicit(node.value)
    kind = tag[len(_CORE):] if tag.startswith(_CORE) else ""
    if kind not in _EXPLICIT_SCALARS:
        raise _tag_error(tag, node, name)
    # The pure round-trip scanner marks the folds of a folded (">") scalar with BEL characters.
    value = node.value.replace("\a", "") if node.style == ">" else node.value
    return _explicit(value, kind, node, name)


def _implicit(value: str) -> Any:
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _INT_OCT.match(value):
        return int(value[2:], 8)
    if _INT_HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value) and any(c.isdigit() for c in value):
        return float(value)
    return value


def _explicit(value: str, kind: str, node: Any, name: str) -> Any:
    if kind == "str":
        return value
    resolved: Any = _implicit(value)
    expected: dict[str, tuple[type, ...]] = {"int": (int,), "float": (int, float), "bool": (bool,),
                                             "null": (type(None),)}
    if isinstance(resolved, bool) and kind != "bool" or not isinstance(resolved, expected[kind]):
        raise LoadError(
            f"value {value!r} is not a valid !!{kind}", _node_location(node, name), rule="malformed-document"
        )
    return float(cast(float, resolved)) if kind == "float" else resolved


def _tag_error(tag: str, node: Any, name: str) -> LoadError:
    return LoadError(
        f"YAML tag {tag!r} is not allowed: documents may only hold JSON types",
        _node_location(node, name),
        rule="malformed-document",
    )


def _node_location(node: Any, name: str) -> Location:
    mark = node.start_mark
    return Location(name, "", mark.line + 1, mark.column + 1)


class _Converter:
    """Turns a composed YAML node tree into plain data, recording the position of every member.

    Aliases are expanded (the data model has no references) under two budgets: all nodes, and nodes reached
    through an alias, so that a "billion laughs" document is refused in a fraction of a second.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.budget = MAX_NODES
        self.alias_budget = MAX_ALIAS_NODES
        self.seen: set[int] = set()

    def convert(self, root: Any, positions: dict[str, tuple[int, int]]) -> Any:
        self.positions = positions
        return self._node(root, "", 0, False)

    def _node(self, node: Any, pointer: str, depth: int, aliased: bool) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.budget -= 1
        if not isinstance(node, ScalarNode):
            aliased = aliased or id(node) in self.seen
            self.seen.add(id(node))
        self.alias_budget -= aliased
        if depth > MAX_DEPTH or self.budget < 0 or self.alias_budget < 0:
            reason = (f"nests deeper than {MAX_DEPTH} levels" if depth > MAX_DEPTH
                      else f"has over {MAX_NODES} nodes" if self.budget < 0
                      else f"expands aliases into over {MAX_ALIAS_NODES} nodes")
            raise LoadError(f"document {reason}", _node_location(node, self.name), rule="malformed-document")
        if isinstance(node, ScalarNode):
            return _scalar(node, self.name)
        tag = str(node.tag)
        if isinstance(node, SequenceNode):
            if tag != _CORE + "seq":
                raise _tag_error(tag, node, self.name)
            items = []
            for index, child in enumerate(node.value):
                child_pointer = f"{pointer}/{index}"
                self.positions[child_pointer] = (child.start_mark.line + 1, child.start_mark.column + 1)
                items.append(self._node(child, child_pointer, depth + 1, aliased))
            return items
        if isinstance(node, MappingNode):
            if tag != _CORE + "map":
                raise _tag_error(tag, node, self.name)
            return self._mapping(node, pointer, depth, aliased)
        raise LoadError(f"unsupported YAML node {type(node).__name__}", _node_location(node, self.name))

    def _mapping(self, node: Any, pointer: str, depth: int, aliased: bool) -> dict[str, Any]:
        from ruamel.yaml.nodes import ScalarNode

        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise LoadError("mapping keys must be strings", _node_location(key_node, self.name),
                                rule="malformed-document")
            key = key_node.value
            if key == "<<" and not key_node.style:
                raise LoadError("YAML merge keys (<<) are not allowed", _node_location(key_node, self.name),
                                rule="malformed-document")
            if key in mapping:
                raise LoadError(f"duplicate key {key!r}", _node_location(key_node, self.name),
                                rule="malformed-document")
            child_pointer = f"{pointer}/{escape_token(key)}"
            self.positions[child_pointer] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            mapping[key] = self._node(value_node, child_pointer, depth + 1, aliased)
        return mapping


def _collect_positions(node: Any, pointer: str, table: dict[str, tuple[int, int]]) -> None:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    if isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            child_pointer = f"{pointer}/{index}"
            table[child_pointer] = (child.start_mark.line + 1, child.start_mark.column + 1)
            _collect_positions(child, child_pointer, table)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            child_pointer = f"{pointer}/{escape_token(str(key_node.value))}"
            table[child_pointer] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _collect_positions(value_node, child_pointer, table)


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    parts = [p for p in (context, problem) if p]
    return "; ".join(parts) if parts else str(exc).splitlines()[0]


def _yaml_location(exc: Exception, name: str) -> Location:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return Location(name)
    return Location(name, "", mark.line + 1, mark.column + 1)


def escape_token(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901 §3)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """Undo :func:`escape_token`."""
    return token.replace("~1", "/").replace("~0", "~")


def split_pointer(pointer: str) -> Iterator[str]:
    """The unescaped reference tokens of a JSON Pointer (``""`` is the whole document)."""
    if not pointer:
        return
    if not pointer.startswith("/"):
        raise ValueError(f"JSON Pointer must start with '/': {pointer!r}")
    for token in pointer[1:].split("/"):
        yield unescape_token(token)

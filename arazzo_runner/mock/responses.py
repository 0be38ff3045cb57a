"""The response a mock gives for one operation: which declared status, which media type, which body and headers.

The status (:func:`choose_status`):

1. the expected status, when the request asks for one (100–599) and the operation declares it — by its exact
   code, by its range (``201`` under ``2XX`` is answered ``201``) or through ``default``; an expected success
   the operation does not declare is answered too, with the body of its first declared success (a document's
   criteria know better than a loose description which success code the API gives);
2. else the first success the operation declares, in document order: a ``2xx`` code as written, ``2XX`` as
   ``200``;
3. else the first declared code (a range ``4XX`` as ``400``);
4. else ``200``: with the ``default`` response when that is all there is, with no body when there are no
   responses at all.

The media type is ``application/json`` when the response declares it, else the first one it declares (a
wildcard becomes concrete: ``*/*`` → ``application/json``, ``text/*`` → ``text/plain``, any other ``type/*``
→ ``application/octet-stream``). The body is the media type's ``example``, else the ``value`` of its first
``examples`` entry that has one (entries may be ``$ref``s), else :func:`~arazzo_runner.mock.examples.example_for`
of its ``schema``, written by :func:`~arazzo_runner.mock.serialize.serialize`; a media type with none of those
gets an empty body. Swagger 2.0 reads ``responses.<code>.schema``, ``examples.<media type>`` and the
operation's (or document's) ``produces``. Statuses that carry no content (1xx, 204, 205, 304) get none.
Declared response headers are answered too (``Content-Type`` among them is ignored, as OpenAPI says), with
their example or a value generated from their schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from arazzo_runner.errors import LoadError, ResolutionError
from arazzo_runner.http import media_essence
from arazzo_runner.loader import SourceDocument
from arazzo_runner.mock.examples import example_for
from arazzo_runner.mock.serialize import serialize
from arazzo_runner.sources import OpenAPISource, Operation
from arazzo_runner.sources.refs import DocumentLoader, follow
from arazzo_runner.text import header_key, to_text

_CODE = re.compile(r"[1-5][0-9][0-9]")
_RANGE = re.compile(r"[1-5]XX", re.IGNORECASE)
_NO_CONTENT = frozenset({204, 205, 304})
_WILDCARDS = {"*/*": "application/json", "text/*": "text/plain"}


@dataclass(frozen=True)
class MockedResponse:
    """What the mock answers for one operation and expected status, before it becomes an ``httpx.Response``."""

    status: int
    media_type: str | None
    """The Content-Type, or ``None`` when the response has no body."""
    content: bytes
    headers: tuple[tuple[str, str], ...]
    """The declared response headers with generated values, then ``Content-Type`` when there is one."""


def choose_status(declared: Iterable[str], expected: int | None = None) -> tuple[int, str | None]:
    """The status to answer and the ``responses`` key describing it (``None`` when nothing does); see above."""
    keys = [str(key) for key in declared]
    if isinstance(expected, int) and not isinstance(expected, bool) and 100 <= expected <= 599:
        text = str(expected)
        for key in keys:
            if key == text:
                return expected, key
        for key in keys:
            if key.upper() == f"{text[0]}XX":
                return expected, key
        if "default" in keys:
            return expected, "default"
        if text.startswith("2"):
            # A success status the description does not declare: the document's criteria know better what
            # the API answers; the first declared success response gives the body.
            success = next((k for k in keys if k.startswith("2") and (_CODE.fullmatch(k) or _RANGE.fullmatch(k))),
                           None)
            if success is not None:
                return expected, success
    for key in keys:
        if key.startswith("2") and (_CODE.fullmatch(key) or _RANGE.fullmatch(key)):
            return _status_of(key), key
    for key in keys:
        if _CODE.fullmatch(key) or _RANGE.fullmatch(key):
            return _status_of(key), key
    return 200, ("default" if "default" in keys else None)


def mock_response(operation: Operation, source: OpenAPISource, load: DocumentLoader,
                  expected_status: int | None = None) -> MockedResponse:
    """The mocked answer of ``operation`` (see the module docstring); ``load`` reads external ``$ref``s."""
    raw = operation.raw.get("responses")
    # YAML may key a response by the number 200; the key text is what OpenAPI means.
    responses = {str(k): v for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    status, key = choose_status(responses, expected_status)
    if key is None:
        return MockedResponse(status, None, b"", ())
    reader = _Reader(load, source.version)
    found = reader.located(operation.home or source.document, responses[key])
    if found is None or not isinstance(found[1], Mapping):
        return MockedResponse(status, None, b"", ())
    document, response = found
    headers = reader.headers(document, response.get("headers"))
    if source.version == "2.0":
        media, content = reader.swagger_body(document, response, operation, source)
    else:
        media, content = reader.body(document, response.get("content"))
    if status in _NO_CONTENT or status < 200:
        media, content = None, b""
    if media is not None:
        headers = (*headers, ("Content-Type", media))
    return MockedResponse(status, media, content, headers)


class _Reader:
    """Reads one response of one description, following its ``$ref``s and never raising for broken ones."""

    def __init__(self, load: DocumentLoader, dialect: str) -> None:
        self.load = load
        self.dialect = dialect

    def located(self, document: SourceDocument, node: Any) -> tuple[SourceDocument, Any] | None:
        try:
            return follow(document, node, self.load)
        except (LoadError, ResolutionError):
            return None

    def example(self, document: SourceDocument, schema: Any) -> Any:
        return example_for(schema, document, self.load, dialect=self.dialect)

    def body(self, document: SourceDocument, content: Any) -> tuple[str | None, bytes]:
        if not isinstance(content, Mapping) or not content:
            return None, b""
        by_media = {str(m): node for m, node in content.items()}
        media = _preferred(list(by_media))
        found = self.located(document, by_media[media])
        if found is None or not isinstance(found[1], Mapping):
            return _concrete(media), b""
        media_document, media_object = found
        value = self.given(media_document, media_object)
        if value is _NONE and "schema" in media_object:
            value = self.example(media_document, media_object["schema"])
        if value is _NONE:
            return _concrete(media), b""
        root = self.xml_root(media_document, media_object.get("schema"))
        return _concrete(media), serialize(value, _concrete(media), xml_root=root)

    def given(self, document: SourceDocument, holder: Mapping[str, Any]) -> Any:
        """The ``example``, else the first ``examples`` entry's ``value``, of a media type or header object."""
        if "example" in holder:
            return holder["example"]
        examples = holder.get("examples")
        for entry in examples.values() if isinstance(examples, Mapping) else ():
            found = self.located(document, entry)
            if found is not None and isinstance(found[1], Mapping) and "value" in found[1]:
                return found[1]["value"]
        return _NONE

    def swagger_body(self, document: SourceDocument, response: Mapping[str, Any], operation: Operation,
                     source: OpenAPISource) -> tuple[str | None, bytes]:
        raw = response.get("examples")
        examples: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        produces = operation.raw.get("produces", source.document.data.get("produces"))
        offered = [m for m in produces if isinstance(m, str)] if isinstance(produces, list) else []
        offered = offered or [str(m) for m in examples] or ["application/json"]
        media = _concrete(_preferred(offered))
        if media in examples:
            value = examples[media]
        elif "schema" in response:
            value = self.example(document, response["schema"])
        else:
            return None, b""
        return media, serialize(value, media, xml_root=self.xml_root(document, response.get("schema")))

    def headers(self, document: SourceDocument, declared: Any) -> tuple[tuple[str, str], ...]:
        written: list[tuple[str, str]] = []
        for name, node in declared.items() if isinstance(declared, Mapping) else ():
            found = self.located(document, node)
            if header_key(str(name)) == "content-type" or found is None or not isinstance(found[1], Mapping):
                continue
            header_document, header = found
            written.append((str(name), _header_text(self.header_value(header_document, header))))
        return tuple(written)

    def header_value(self, document: SourceDocument, header: Mapping[str, Any]) -> Any:
        if self.dialect == "2.0":
            return self.example(document, header)  # a 2.0 header object is its own schema
        value = self.given(document, header)
        if value is not _NONE:
            return value
        if "schema" in header:
            return self.example(document, header["schema"])
        content = header.get("content")
        if isinstance(content, Mapping) and content:
            found = self.located(document, next(iter(content.values())))
            if found is not None and isinstance(found[1], Mapping):
                value = self.given(*found)
                return self.example(found[0], found[1].get("schema")) if value is _NONE else value
        return None

    def xml_root(self, document: SourceDocument, schema: Any) -> str | None:
        found = self.located(document, schema)
        xml = found[1].get("xml") if found is not None and isinstance(found[1], Mapping) else None
        name = xml.get("name") if isinstance(xml, Mapping) else None
        return name if isinstance(name, str) and name else None


class _None:
    pass


_NONE: Any = _None()


def _status_of(key: str) -> int:
    return int(key[0]) * 100 if _RANGE.fullmatch(key) else int(key)


def _preferred(media_types: list[str]) -> str:
    for media in media_types:
        if media_essence(media) == "application/json":
            return media
    return media_types[0]


def _concrete(media: str) -> str:
    essence = media_essence(media)
    if essence in _WILDCARDS:
        return _WILDCARDS[essence]
    return "application/octet-stream" if essence.endswith("/*") else media


def _header_text(value: Any) -> str:
    # A header value is one line; generated text never needs more, and a document's example may not inject one.
    return " ".join(to_text(value).splitlines())

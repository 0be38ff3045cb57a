"""The one ``$ref`` follower: chains of references within and across documents, bounded against cycles.

OpenAPI path items, parameters, request bodies, responses, media types and security schemes, and the
``$ref``s of Arazzo input schemas, are all followed here. ``load`` fetches another document by absolute URL
and decides what may be read from where (a document fetched over the network may not read local files).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlparse

from arazzo_runner import pointer
from arazzo_runner.errors import LoadError, ResolutionError
from arazzo_runner.loader import SourceDocument, resolve_reference

MAX_REF_HOPS = 64

DocumentLoader = Callable[[str, str], SourceDocument]
"""``load(url, referrer)``: the parsed document at absolute ``url``, asked for by the document at ``referrer``."""


def follow(document: SourceDocument, node: Any, load: DocumentLoader) -> tuple[SourceDocument, Any]:
    """The document and value a (chain of) ``{"$ref": ...}`` leads to; any other node is returned as it is."""
    found, _, value = follow_located(document, "", node, load)
    return found, value


def follow_located(document: SourceDocument, at: str, node: Any,
                   load: DocumentLoader) -> tuple[SourceDocument, str, Any]:
    """Like :func:`follow`, also telling the JSON Pointer of the value reached (``at`` is that of ``node``).

    Each reference resolves against the document that holds it. Raises :class:`ResolutionError` for a
    reference that points nowhere or a chain longer than :data:`MAX_REF_HOPS` (a cycle), and lets the
    :class:`LoadError` of a document that cannot be read through.
    """
    for _ in range(MAX_REF_HOPS):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            return document, at, node
        reference: str = node["$ref"]
        target, _, fragment = resolve_reference(document.url, reference).partition("#")
        if target != document.url.partition("#")[0]:
            document = load(target, document.url)
        at = pointer.join(pointer.parse(unquote(fragment)))
        node = pointer.get(document.data, at, reference)
    raise ResolutionError(f"$ref chain longer than {MAX_REF_HOPS} hops (circular?)", "unresolvable-ref")


def guard_remote(url: str, referrer: str) -> None:
    """Refuse a local file asked for by a document that was itself fetched over the network."""
    if urlparse(referrer).scheme in ("http", "https") and urlparse(url).scheme == "file":
        raise LoadError("a document fetched over the network may not read local files", rule="source-unavailable")

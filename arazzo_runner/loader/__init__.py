"""Read Arazzo and OpenAPI documents from paths or URLs into plain JSON data that remembers positions.

* :mod:`~arazzo_runner.loader.urls` — paths, URLs and RFC 3986 references;
* :mod:`~arazzo_runner.loader.retrieve` — fetching bytes (files, ``http(s)``) under limits;
* :mod:`~arazzo_runner.loader.yaml` — YAML 1.2 with JSON types only, budgets against hostile documents;
* :mod:`~arazzo_runner.loader.document` — :class:`SourceDocument`: data plus positions, from YAML or JSON.

JSON documents are parsed with the standard library (exact JSON semantics); their positions are computed only
when a diagnostic asks for one, so large OpenAPI files do not pay for it.
"""

from __future__ import annotations

from arazzo_runner.loader.document import SourceDocument, load_document, parse_document
from arazzo_runner.loader.retrieve import DEFAULT_TIMEOUT, MAX_DOCUMENT_BYTES, Retriever, default_retriever
from arazzo_runner.loader.urls import display_name, resolve_reference, to_url, url_to_path

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_DOCUMENT_BYTES",
    "Retriever",
    "SourceDocument",
    "default_retriever",
    "display_name",
    "load_document",
    "parse_document",
    "resolve_reference",
    "to_url",
    "url_to_path",
]

"""Source descriptions: OpenAPI descriptions indexed for planning, and bundles of Arazzo documents.

* :mod:`~arazzo_runner.sources.refs` — the one ``$ref`` follower;
* :mod:`~arazzo_runner.sources.openapi` — :class:`OpenAPISource` and its :class:`Operation` index;
* :mod:`~arazzo_runner.sources.bundle` — :class:`Workspace` (reading, caching) and the frozen :class:`Bundle`.
"""

from __future__ import annotations

from arazzo_runner.sources.bundle import BoundDocument, Bundle, Workspace
from arazzo_runner.sources.openapi import (
    HTTP_METHODS,
    OpenAPISource,
    Operation,
    OperationParameter,
    PropertyEncoding,
    Server,
    detect_openapi_version,
)

__all__ = [
    "HTTP_METHODS",
    "BoundDocument",
    "Bundle",
    "OpenAPISource",
    "Operation",
    "OperationParameter",
    "PropertyEncoding",
    "Server",
    "Workspace",
    "detect_openapi_version",
]

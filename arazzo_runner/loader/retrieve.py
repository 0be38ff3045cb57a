"""Retrievers: how the bytes of a document are fetched (local files, ``http(s)``), under limits."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from arazzo_runner.errors import LoadError
from arazzo_runner.loader.urls import display_name, url_to_path

Retriever = Callable[[str], bytes]
"""Fetches the bytes of an absolute ``http(s)`` or ``file`` URL; raises :class:`LoadError` on failure."""

DEFAULT_TIMEOUT = 10.0
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024


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

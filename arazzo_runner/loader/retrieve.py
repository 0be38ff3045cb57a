"""Retrievers: how the bytes of a document are fetched (local files, ``http(s)``), under limits.

A remote document is streamed, so a huge or endlessly compressed one is cut off at the size limit instead of
filling memory, and the whole fetch — connect, headers and every byte of the body — must finish within the fetch
timeout: a server that drips one byte a second is abandoned, not waited for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlparse

from arazzo_runner.errors import LoadError
from arazzo_runner.limits import DEFAULT_LIMITS, Limits
from arazzo_runner.loader.urls import display_name, url_to_path

Retriever = Callable[[str], bytes]
"""Fetches the bytes of an absolute ``http(s)`` or ``file`` URL; raises :class:`LoadError` on failure."""

DEFAULT_TIMEOUT = DEFAULT_LIMITS.fetch_timeout
MAX_DOCUMENT_BYTES = DEFAULT_LIMITS.max_document_bytes


def default_retriever(limits: Limits = DEFAULT_LIMITS) -> Retriever:
    """A retriever reading local files and fetching ``http(s)`` URLs with httpx, within ``limits``."""

    def retrieve(url: str) -> bytes:
        path = url_to_path(url)
        if path is not None:
            return _read_file(url, path, limits.max_document_bytes)
        try:
            scheme = urlparse(url).scheme
        except ValueError as exc:  # urlparse refuses e.g. an unclosed IPv6 bracket
            raise LoadError(f"malformed URL {url!r}: {exc}", rule="unsupported-url") from exc
        if scheme not in ("http", "https"):
            raise LoadError(f"unsupported URL scheme in {url!r}", rule="unsupported-url")
        return _fetch(url, limits)

    return retrieve


def _read_file(url: str, path: object, limit: int) -> bytes:
    from pathlib import Path

    assert isinstance(path, Path)
    try:
        if path.stat().st_size > limit:
            raise LoadError(f"{display_name(url)} is larger than {limit} bytes")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # a file that grew since stat() is still cut at the limit
    except FileNotFoundError as exc:
        raise LoadError(f"no such file: {display_name(url)}", rule="file-not-found") from exc
    except IsADirectoryError as exc:
        raise LoadError(f"{display_name(url)} is a directory, not a document") from exc
    except OSError as exc:
        raise LoadError(f"cannot read {display_name(url)}: {exc.strerror}") from exc
    if len(data) > limit:
        raise LoadError(f"{display_name(url)} is larger than {limit} bytes")
    return data


def _fetch(url: str, limits: Limits) -> bytes:
    import httpx  # imported here: most runs read local files only

    from arazzo_runner.deadline import deadline, http_transport
    from arazzo_runner.http.decoding import bounded, decoded

    started = time.monotonic()
    chunks: list[bytes] = []
    size = 0
    try:
        # The deadline bounds the headers too, and every redirect: each read's own timeout does not.
        with deadline(limits.fetch_timeout), httpx.Client(transport=http_transport(), timeout=limits.fetch_timeout,
                                                          follow_redirects=True) as client, \
                client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise LoadError(f"cannot fetch {url}: HTTP {response.status_code}", rule="unreachable-url")
            # Decoded: the limit applies to what would be kept (and inflated a bounded piece at a time).
            for chunk in decoded(response) if bounded(response) else response.iter_bytes():
                size += len(chunk)
                if size > limits.max_document_bytes:
                    raise LoadError(f"cannot fetch {url}: the document is larger than {limits.max_document_bytes} "
                                    "bytes", rule="unreachable-url")
                chunks.append(chunk)
    except httpx.TimeoutException as exc:
        if time.monotonic() - started >= limits.fetch_timeout:
            raise LoadError(f"cannot fetch {url}: it took longer than {limits.fetch_timeout:g} s",
                            rule="unreachable-url") from exc
        raise LoadError(f"cannot fetch {url}: {exc}", rule="unreachable-url") from exc
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        raise LoadError(f"cannot fetch {url}: {exc}", rule="unreachable-url") from exc
    return b"".join(chunks)

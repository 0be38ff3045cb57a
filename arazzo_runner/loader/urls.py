"""Document addresses: paths and URLs, RFC 3986 references, and the short names messages show."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse
from urllib.request import url2pathname

from arazzo_runner.errors import LoadError


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    """Return an absolute URL for a filesystem path or URL (``http``, ``https`` and ``file`` are kept)."""
    text = os.fspath(path_or_url)
    scheme = urlparse(text).scheme.lower()
    if scheme in ("http", "https", "file"):
        return text
    return Path(text).absolute().as_uri()


def resolve_reference(base_url: str, reference: str) -> str:
    """Resolve a URI-reference against the URL of the referring document (RFC 3986 §5).

    A reference that is not a URL at all (an unclosed IPv6 bracket, a port that is not a number) is a
    :class:`LoadError` naming it.
    """
    try:
        resolved = urljoin(base_url, reference)
        urlparse(resolved).port  # noqa: B018 - reading the port is what validates it
    except ValueError as exc:
        raise LoadError(f"malformed URL {reference!r}: {exc}", rule="malformed-url") from None
    return resolved


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

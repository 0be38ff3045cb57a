"""Server URLs, path templates and the final request URL.

Nothing here encodes: path values and query pairs arrive already percent-encoded from
:func:`arazzo_runner.http.params.serialize_parameters`, so joining is plain concatenation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from arazzo_runner.errors import ExecutionError

__all__ = ["build_url", "expand_path", "resolve_server_url"]

_TEMPLATE_VARIABLE = re.compile(r"\{([^{}]+)\}")


def expand_path(template: str, path_values: Mapping[str, str]) -> str:
    """Fill every ``{name}`` of an OpenAPI path template with its encoded value.

    Values are inserted verbatim (they are already encoded). Values for names the template does not use are
    ignored. A template variable without a value raises :class:`ExecutionError` naming every such variable.
    """
    parts = _template_parts(template)
    missing = [name for name in parts[1::2] if name not in path_values]
    if missing:
        names = ", ".join(f"'{name}'" for name in dict.fromkeys(missing))
        raise ExecutionError(f"path '{template}' needs a value for path parameter {names}")
    if len(parts) == 1:
        return template
    return "".join(part if index % 2 == 0 else path_values[part] for index, part in enumerate(parts))


@lru_cache(maxsize=1024)
def _template_parts(template: str) -> list[str]:
    """Literal text and variable names, alternating (``/a/{b}/c`` gives ``["/a/", "b", "/c"]``)."""
    return _TEMPLATE_VARIABLE.split(template)


def build_url(server_url: str, path: str, query: Sequence[tuple[str, str]], query_text: str = "") -> str:
    """Join a server URL, an expanded path and encoded query pairs into the request URL.

    The server URL's own path is kept (``https://mixpanel.com/api/query`` + ``/segmentation`` gives
    ``https://mixpanel.com/api/query/segmentation``), with exactly one ``/`` at the seam. A query already on
    the server URL is kept in front of the new pairs; a fragment is dropped since it is never sent.
    ``query_text`` is an encoded query string of its own (a querystring parameter), put before the pairs.
    """
    parts = _split(server_url)
    joined_path = parts.path
    if path:
        joined_path = parts.path.rstrip("/") + "/" + path.lstrip("/")
    pairs = [f"{name}={value}" for name, value in query]
    joined = "&".join([part for part in (parts.query, query_text) if part] + pairs)
    return urlunsplit((parts.scheme, parts.netloc, joined_path, joined, ""))


@lru_cache(maxsize=256)
def _split(url: str) -> SplitResult:
    return urlsplit(url)


def resolve_server_url(
    url: str,
    variables: Mapping[str, Mapping[str, Any]] | None,
    overrides: Mapping[str, str] | None = None,
    base: str | None = None,
) -> str:
    """Substitute the server variables of an OpenAPI Server Object and make the URL absolute.

    Each ``{name}`` takes ``overrides[name]`` when given, else the variable's ``default``; a value outside a
    declared ``enum`` is refused. Overrides for variables the URL does not use are ignored, so one set of
    overrides can serve many sources. A relative URL (``/v1``, ``v2/api``; an empty URL counts as ``/``, the
    OpenAPI default) is resolved against ``base``, the URL the OpenAPI document was read from; when that is a
    file path there is no host to resolve against, and that is an :class:`ExecutionError`.
    """
    declared = variables or {}
    chosen = overrides or {}

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        spec = declared.get(name)
        if name in chosen:
            value = str(chosen[name])
        elif spec is not None and "default" in spec:
            value = str(spec["default"])
        else:
            raise ExecutionError(
                f"server URL '{url}' uses variable '{name}', which has no default and no override"
            )
        allowed = spec.get("enum") if spec is not None else None
        if (
            isinstance(allowed, Sequence)
            and not isinstance(allowed, str)
            and value not in [str(a) for a in allowed]
        ):
            options = ", ".join(str(a) for a in allowed)
            raise ExecutionError(
                f"server variable '{name}' = '{value}' is not one of its enum values: {options}"
            )
        return value

    resolved = _TEMPLATE_VARIABLE.sub(substitute, url) or "/"
    if urlsplit(resolved).scheme:
        return resolved
    if base is None:
        raise ExecutionError(
            f"server URL '{resolved}' is relative and the OpenAPI document's URL is unknown, "
            "so the server has no host"
        )
    if urlsplit(base).scheme.lower() in ("http", "https"):
        return urljoin(base, resolved)
    raise ExecutionError(
        f"server URL '{resolved}' is relative, but the OpenAPI document was read from a file ({base}), "
        "so the server has no host; give an absolute server URL (for example with a server override)"
    )

"""The engine's limits: every size, depth, count and duration it will accept from documents, inputs and servers.

Documents and servers are untrusted, so nothing they control may take unbounded memory or time. Each limit has
a default that no legitimate workflow comes near; all of them can be changed: ``Runner(limits=Limits(...))``,
``arazzo-runner run --limit NAME=VALUE`` (and a few dedicated flags), the pytest plugin's ini options.
RELIABILITY.md lists what each one guards against and the test that pins it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on what documents, inputs and servers can make the engine do. Durations are seconds."""

    max_document_bytes: int = 32 * MIB
    """Largest document read (local or remote, after decompression)."""
    max_document_depth: int = 200
    """Deepest nesting of objects and arrays in a document, checked before any recursive parse."""
    max_document_nodes: int = 2_000_000
    """Most values in one document."""
    max_alias_nodes: int = 100_000
    """Most values a YAML document may reach through aliases (bounds "billion laughs" expansion)."""
    fetch_timeout: float = 10.0
    """Longest a remote document may take to arrive, whole (connect, headers and body)."""
    request_timeout: float = 30.0
    """Longest one request may take: connect and headers, then the whole body."""
    max_response_bytes: int = 16 * MIB
    """Largest response body read (after decompression); a larger one fails its step."""
    run_timeout: float = 600.0
    """Longest a whole run may take, waits included; ``0`` for none."""
    max_retry_wait: float = 300.0
    """Longest single wait before a retry (``retryAfter`` or ``Retry-After``)."""
    max_total_retry_wait: float = 600.0
    """Longest all the waits of one run may add up to."""
    max_steps: int = 1000
    """Most step attempts in one run (goto loops, retries)."""
    max_workflow_depth: int = 32
    """Deepest nesting of sub-workflows."""
    evaluation_timeout: float = 1.0
    """Longest one regex, JSONPath or XPath evaluation may take (criteria and schema patterns)."""

    def with_values(self, **values: Any) -> Limits:
        """A copy with some limits changed; a name that is not a limit, or a negative value, is a ``ValueError``."""
        known = {f.name: f.type for f in fields(self)}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown limit {name!r} (known: {', '.join(sorted(known))})")
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"limit {name} must be a number >= 0, got {value!r}")
        return replace(self, **values)

    def parsed(self, assignments: list[str]) -> Limits:
        """A copy with ``NAME=VALUE`` assignments applied (``max-steps=50`` and ``max_steps=50`` alike)."""
        values: dict[str, Any] = {}
        for assignment in assignments:
            name, sep, text = assignment.partition("=")
            if not sep:
                raise ValueError(f"a limit is NAME=VALUE, got {assignment!r}")
            key = name.strip().replace("-", "_")
            try:
                values[key] = float(text) if "." in text else int(text)
            except ValueError:
                raise ValueError(f"limit {name} must be a number, got {text!r}") from None
        return self.with_values(**values)


DEFAULT_LIMITS = Limits()

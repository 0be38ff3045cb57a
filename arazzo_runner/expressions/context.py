"""What a runtime expression is evaluated against: the current step's HTTP exchange and the run's state.

Every object here is a frozen dataclass, so the engine derives a new context per step with
:func:`dataclasses.replace` instead of mutating a shared one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from arazzo_runner.expressions.missing import MISSING

EMPTY: Mapping[str, Any] = MappingProxyType({})
"""A shared read-only empty mapping, the default of every mapping field."""


def _empty() -> Mapping[str, Any]:
    return EMPTY


@dataclass(frozen=True)
class RequestData:
    """The request the current step sent: ``$request.header.*``, ``.query.*``, ``.path.*``, ``.body``.

    Header names are looked up case-insensitively whatever the case of the keys given here; query and
    path names are case-sensitive. ``body`` is the parsed body (or the raw text for non-JSON media),
    ``MISSING`` when the request had none.
    """

    headers: Mapping[str, str] = field(default_factory=_empty)
    query: Mapping[str, Any] = field(default_factory=_empty)
    path: Mapping[str, Any] = field(default_factory=_empty)
    body: Any = MISSING


@dataclass(frozen=True)
class ResponseData:
    """The response the current step received: ``$response.header.*`` and ``$response.body``."""

    headers: Mapping[str, str] = field(default_factory=_empty)
    body: Any = MISSING


@dataclass(frozen=True)
class ExpressionContext:
    """Everything a runtime expression can reach.

    ``url``, ``method``, ``status_code``, ``request`` and ``response`` describe the current operation step and
    stay ``MISSING``/``None`` elsewhere (workflow outputs, sub-workflow steps). The mappings are keyed as the
    expressions read them:

    * ``steps``: stepId -> that step's outputs;
    * ``workflows``: workflowId -> ``{"inputs": {...}, "outputs": {...}}``;
    * ``source_descriptions``: name -> ``{"url": ..., "type": ..., <operationId or workflowId>: ...}`` (the
      engine puts operation/workflow ids in first so they win over the fields, as Arazzo 1.1 specifies);
    * ``components``: ``"parameters"``/``"successActions"``/``"failureActions"`` -> name -> object.
    """

    url: Any = MISSING
    method: Any = MISSING
    status_code: Any = MISSING
    request: RequestData | None = None
    response: ResponseData | None = None
    inputs: Mapping[str, Any] = field(default_factory=_empty)
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    steps: Mapping[str, Mapping[str, Any]] = field(default_factory=_empty)
    workflows: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=_empty)
    source_descriptions: Mapping[str, Mapping[str, Any]] = field(default_factory=_empty)
    components: Mapping[str, Mapping[str, Any]] = field(default_factory=_empty)
    self_uri: Any = MISSING
    """1.1 ``$self``: the document's base URI (its ``$self`` resolved, else where it was read from)."""

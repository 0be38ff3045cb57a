"""Immutable objects for every Arazzo 1.0.x object, each knowing where it came from.

:func:`build_document` (in :mod:`~arazzo_runner.model.build`) is tolerant: it never fails on a document that
violates the schema (wrong types become absent values), so that semantic validation can still run and report
everything in one pass. The JSON Schema check reports the structural problems themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal

from arazzo_runner.errors import Diagnostic, Fix, Location, Severity
from arazzo_runner.loader import SourceDocument
from arazzo_runner.pointer import child as child_pointer
from arazzo_runner.text import header_key

ActionKind = Literal["success", "failure"]
Field = str | tuple[str, ...] | None
"""A field of a node (``"stepId"``), a path below it (``("outputs", "a/b")``, unescaped), or the node itself."""


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Node:
    """Base of model objects: the document they were read from and their JSON Pointer in it."""

    document: SourceDocument = field(repr=False, compare=False)
    pointer: str

    @property
    def location(self) -> Location:
        """File, pointer and line:column of this object."""
        return self.document.location(self.pointer)

    @property
    def in_1_1(self) -> bool:
        """Whether this object is read as Arazzo 1.1 (its document says ``arazzo: 1.1.x``)."""
        data = self.document.data
        version = data.get("arazzo") if isinstance(data, dict) else None
        return isinstance(version, str) and version.startswith("1.1.")

    def field_location(self, *names: str) -> Location:
        """Location of a field of this object, or of a member below it (``"outputs", "petId"``)."""
        return self.document.location(child_pointer(self.pointer, *names))

    def diagnostic(self, where: Field, rule: str, message: str, severity: Severity = "error",
                   fix: tuple[str, str] | None = None) -> Diagnostic:
        """A problem of this object, located at the field ``where`` (or at the object itself for ``None``);
        ``fix`` is ``(old, new)`` text for that field."""
        names = (where,) if isinstance(where, str) else where or ()
        location = self.field_location(*names) if names else self.location
        found = None if fix is None else Fix(location.pointer, fix[0], fix[1])
        return Diagnostic(severity, rule, message, location, found)


def is_selector(value: object) -> bool:
    """An Arazzo 1.1 Selector Object: ``context``, ``selector`` and ``type`` (extensions aside), nothing else."""
    if not isinstance(value, Mapping):
        return False
    keys = {str(key) for key in value if not str(key).startswith("x-")}
    return keys == {"context", "selector", "type"} and isinstance(value.get("selector"), str)


@dataclass(frozen=True)
class Info(Node):
    """The Info Object."""

    title: str | None
    version: str | None
    summary: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class SourceDescription(Node):
    """A Source Description Object: an OpenAPI or Arazzo document the workflows use."""

    name: str
    url: str
    type: str | None


@dataclass(frozen=True)
class Parameter(Node):
    """A Parameter Object; ``in_`` is its ``in`` field (absent for sub-workflow inputs)."""

    name: str
    value: Any
    in_: str | None

    @property
    def identity(self) -> tuple[str, str | None]:
        """What makes two parameters the same: (name, in), header names compared case-insensitively."""
        return (header_key(self.name) if self.in_ == "header" else self.name, self.in_)


@dataclass(frozen=True)
class Reusable(Node):
    """A Reusable Object: ``reference`` to a component, with an optional ``value`` override (parameters)."""

    reference: str
    value: Any = None
    has_value: bool = False


@dataclass(frozen=True)
class Criterion(Node):
    """A Criterion Object. ``type`` is the plain type name; ``version`` comes from an Expression Type Object."""

    condition: str
    context: str | None
    type: str
    version: str | None = None
    type_given: bool = False
    """Whether the document wrote ``type`` (1.0.1: when it does, ``context`` MUST be given too)."""


@dataclass(frozen=True)
class Action(Node):
    """A Success or Failure Action Object (``kind`` says which)."""

    kind: ActionKind
    name: str
    type: str
    workflow_id: str | None = None
    step_id: str | None = None
    retry_after: float | None = None
    retry_limit: int | None = None
    criteria: tuple[Criterion, ...] = ()
    parameters: tuple[Parameter | Reusable, ...] = ()
    """1.1: the inputs of the ``goto``/``retry`` target workflow."""


@dataclass(frozen=True)
class PayloadReplacement(Node):
    """A Payload Replacement Object."""

    target: str
    value: Any
    target_type: str | None = None
    """1.1 ``targetSelectorType`` (``jsonpointer``, ``jsonpath`` or ``xpath``); ``None``: by the media type."""
    target_version: str | None = None


@dataclass(frozen=True)
class RequestBody(Node):
    """A Request Body Object; ``has_payload`` tells an absent payload from a JSON null one."""

    content_type: str | None
    payload: Any
    has_payload: bool
    replacements: tuple[PayloadReplacement, ...] = ()


@dataclass(frozen=True)
class Step(Node):
    """A Step Object. ``on_success``/``on_failure`` are ``None`` when absent, ``()`` when given empty."""

    step_id: str
    operation_id: str | None = None
    operation_path: str | None = None
    workflow_id: str | None = None
    description: str | None = None
    parameters: tuple[Parameter | Reusable, ...] = ()
    request_body: RequestBody | None = None
    success_criteria: tuple[Criterion, ...] = ()
    on_success: tuple[Action | Reusable, ...] | None = None
    on_failure: tuple[Action | Reusable, ...] | None = None
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    timeout: int | None = None
    """1.1: milliseconds the step may take before it is aborted and fails."""
    depends_on: tuple[str, ...] = ()
    """1.1: the steps that must have completed first (local ids, ``$workflows.<w>.steps.<s>``, ...)."""
    channel_path: str | None = None
    """1.1: an AsyncAPI channel (the engine does not run AsyncAPI steps yet)."""
    action: str | None = None
    """1.1: an AsyncAPI step's ``send`` or ``receive``."""


@dataclass(frozen=True)
class Workflow(Node):
    """A Workflow Object."""

    workflow_id: str
    summary: str | None = None
    description: str | None = None
    inputs: Any = None
    depends_on: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    success_actions: tuple[Action | Reusable, ...] = ()
    failure_actions: tuple[Action | Reusable, ...] = ()
    outputs: Mapping[str, Any] = field(default_factory=_empty)
    parameters: tuple[Parameter | Reusable, ...] = ()

    def step(self, step_id: str) -> Step | None:
        """The step with this id, if any (the first, should the id be repeated)."""
        position = self._positions.get(step_id)
        return None if position is None else self.steps[position]

    def position(self, step_id: str) -> int | None:
        """Where in :attr:`steps` the step with this id is (the first, should the id be repeated)."""
        return self._positions.get(step_id)

    @cached_property
    def _positions(self) -> Mapping[str, int]:
        # Built once: validation and planning look steps up by id for every reference, and a document may hold
        # thousands of steps.
        positions: dict[str, int] = {}
        for index, step in enumerate(self.steps):
            positions.setdefault(step.step_id, index)
        return positions


@dataclass(frozen=True)
class Components(Node):
    """The Components Object."""

    inputs: Mapping[str, Any] = field(default_factory=_empty)
    parameters: Mapping[str, Parameter] = field(default_factory=_empty)
    success_actions: Mapping[str, Action] = field(default_factory=_empty)
    failure_actions: Mapping[str, Action] = field(default_factory=_empty)


@dataclass(frozen=True)
class ArazzoDocument(Node):
    """The root Arazzo Object."""

    arazzo: str
    info: Info
    source_descriptions: tuple[SourceDescription, ...]
    workflows: tuple[Workflow, ...]
    components: Components
    self_uri: str | None = None
    """1.1 ``$self``: the document's own URI (its base URI when absolute, else resolved against where it was
    read from)."""

    @property
    def base_uri(self) -> str:
        """The base URI of the document (1.1): its ``$self`` resolved against where it was read from, else that
        retrieval URL (RFC 3986 §5.1). 1.0 documents have no ``$self``."""
        if self.self_uri and self.version == "1.1":
            from urllib.parse import urljoin

            return urljoin(self.document.url, self.self_uri)
        return self.document.url

    @property
    def version(self) -> str:
        """``"1.1"`` for an ``arazzo: 1.1.x`` document, else ``"1.0"`` (what the rules and the schema follow)."""
        return "1.1" if self.arazzo.startswith("1.1.") else "1.0"

    @property
    def url(self) -> str:
        """The absolute URL the document was read from."""
        return self.document.url

    def workflow(self, workflow_id: str) -> Workflow | None:
        """The workflow with this id, if any."""
        for workflow in self.workflows:
            if workflow.workflow_id == workflow_id:
                return workflow
        return None

    def source(self, name: str) -> SourceDescription | None:
        """The source description with this name, if any."""
        for source in self.source_descriptions:
            if source.name == name:
                return source
        return None

"""Immutable objects for every Arazzo 1.0.x object, each knowing where it came from.

The builder is tolerant: it never fails on a document that violates the schema (wrong types become absent
values), so that semantic validation can still run and report everything in one pass. The JSON Schema check
reports the structural problems themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from arazzo_runner.errors import Diagnostic, Location, Severity
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

    def field_location(self, *names: str) -> Location:
        """Location of a field of this object, or of a member below it (``"outputs", "petId"``)."""
        return self.document.location(child_pointer(self.pointer, *names))

    def diagnostic(self, where: Field, rule: str, message: str, severity: Severity = "error") -> Diagnostic:
        """A problem of this object, located at the field ``where`` (or at the object itself for ``None``)."""
        names = (where,) if isinstance(where, str) else where or ()
        return Diagnostic(severity, rule, message, self.field_location(*names) if names else self.location)


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


@dataclass(frozen=True)
class PayloadReplacement(Node):
    """A Payload Replacement Object."""

    target: str
    value: Any


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
        """The step with this id, if any."""
        for step in self.steps:
            if step.step_id == step_id:
                return step
        return None


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


# --- builder ---------------------------------------------------------------------------------------------


def build_document(document: SourceDocument) -> ArazzoDocument:
    """Build the model of an Arazzo document from parsed data, tolerating schema violations."""
    return _Builder(document).root()


class _Builder:
    def __init__(self, document: SourceDocument) -> None:
        self.doc = document

    def root(self) -> ArazzoDocument:
        data = _obj(self.doc.data)
        info = _obj(data.get("info"))
        components = _obj(data.get("components"))
        return ArazzoDocument(
            self.doc,
            "",
            arazzo=_str(data.get("arazzo")) or "",
            info=Info(self.doc, "/info", _str(info.get("title")), _str(info.get("version")),
                      _str(info.get("summary")), _str(info.get("description"))),
            source_descriptions=tuple(
                SourceDescription(self.doc, p, _str(s.get("name")) or "", _str(s.get("url")) or "",
                                  _str(s.get("type")))
                for p, s in _items(data.get("sourceDescriptions"), "/sourceDescriptions")
            ),
            workflows=tuple(self.workflow(p, w) for p, w in _items(data.get("workflows"), "/workflows")),
            components=Components(
                self.doc,
                "/components",
                inputs=MappingProxyType(_obj(components.get("inputs"))),
                parameters=self.named(components, "parameters", self.parameter),
                success_actions=self.named(components, "successActions",
                                           lambda p, a: self.action(p, a, "success")),
                failure_actions=self.named(components, "failureActions",
                                           lambda p, a: self.action(p, a, "failure")),
            ),
        )

    def named(self, components: dict[str, Any], key: str, make: Any) -> Mapping[str, Any]:
        entries = _obj(components.get(key))
        return MappingProxyType({
            name: make(child_pointer("/components", key, name), _obj(value)) for name, value in entries.items()
        })

    def workflow(self, pointer: str, data: dict[str, Any]) -> Workflow:
        return Workflow(
            self.doc,
            pointer,
            workflow_id=_str(data.get("workflowId")) or "",
            summary=_str(data.get("summary")),
            description=_str(data.get("description")),
            inputs=data.get("inputs"),
            depends_on=tuple(d for d in _list(data.get("dependsOn")) if isinstance(d, str)),
            steps=tuple(self.step(p, s) for p, s in _items(data.get("steps"), f"{pointer}/steps")),
            success_actions=self.actions(data.get("successActions"), f"{pointer}/successActions", "success"),
            failure_actions=self.actions(data.get("failureActions"), f"{pointer}/failureActions", "failure"),
            outputs=MappingProxyType(_obj(data.get("outputs"))),
            parameters=self.parameters(data.get("parameters"), f"{pointer}/parameters"),
        )

    def step(self, pointer: str, data: dict[str, Any]) -> Step:
        body = data.get("requestBody")
        return Step(
            self.doc,
            pointer,
            step_id=_str(data.get("stepId")) or "",
            operation_id=_str(data.get("operationId")),
            operation_path=_str(data.get("operationPath")),
            workflow_id=_str(data.get("workflowId")),
            description=_str(data.get("description")),
            parameters=self.parameters(data.get("parameters"), f"{pointer}/parameters"),
            request_body=self.request_body(f"{pointer}/requestBody", body) if isinstance(body, dict) else None,
            success_criteria=self.criteria(data.get("successCriteria"), f"{pointer}/successCriteria"),
            on_success=self.actions(data.get("onSuccess"), f"{pointer}/onSuccess", "success")
            if "onSuccess" in data else None,
            on_failure=self.actions(data.get("onFailure"), f"{pointer}/onFailure", "failure")
            if "onFailure" in data else None,
            outputs=MappingProxyType(_obj(data.get("outputs"))),
        )

    def request_body(self, pointer: str, data: dict[str, Any]) -> RequestBody:
        return RequestBody(
            self.doc,
            pointer,
            content_type=_str(data.get("contentType")),
            payload=data.get("payload"),
            has_payload="payload" in data,
            replacements=tuple(
                PayloadReplacement(self.doc, p, _str(r.get("target")) or "", r.get("value"))
                for p, r in _items(data.get("replacements"), f"{pointer}/replacements")
            ),
        )

    def parameters(self, value: Any, pointer: str) -> tuple[Parameter | Reusable, ...]:
        return tuple(self.reusable(p, d) if "reference" in d else self.parameter(p, d)
                     for p, d in _items(value, pointer))

    def parameter(self, pointer: str, data: dict[str, Any]) -> Parameter:
        return Parameter(self.doc, pointer, _str(data.get("name")) or "", data.get("value"), _str(data.get("in")))

    def reusable(self, pointer: str, data: dict[str, Any]) -> Reusable:
        return Reusable(self.doc, pointer, _str(data.get("reference")) or "", data.get("value"), "value" in data)

    def actions(self, value: Any, pointer: str, kind: ActionKind) -> tuple[Action | Reusable, ...]:
        return tuple(self.reusable(p, d) if "reference" in d else self.action(p, d, kind)
                     for p, d in _items(value, pointer))

    def action(self, pointer: str, data: dict[str, Any], kind: ActionKind) -> Action:
        retry_after = data.get("retryAfter")
        retry_limit = data.get("retryLimit")
        return Action(
            self.doc,
            pointer,
            kind=kind,
            name=_str(data.get("name")) or "",
            type=_str(data.get("type")) or "",
            workflow_id=_str(data.get("workflowId")),
            step_id=_str(data.get("stepId")),
            retry_after=float(retry_after) if isinstance(retry_after, int | float) and not isinstance(
                retry_after, bool) else None,
            retry_limit=retry_limit if isinstance(retry_limit, int) and not isinstance(retry_limit, bool) else None,
            criteria=self.criteria(data.get("criteria"), f"{pointer}/criteria"),
        )

    def criteria(self, value: Any, pointer: str) -> tuple[Criterion, ...]:
        result = []
        for p, data in _items(value, pointer):
            kind = data.get("type")
            version = None
            if isinstance(kind, dict):
                version = _str(kind.get("version"))
                kind = kind.get("type")
            result.append(Criterion(self.doc, p, _str(data.get("condition")) or "", _str(data.get("context")),
                                    _str(kind) or "simple", version))
        return tuple(result)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _items(value: Any, pointer: str) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{pointer}/{i}", item) for i, item in enumerate(_list(value)) if isinstance(item, dict)]

"""Build the model of an Arazzo document from parsed data, tolerating schema violations."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from arazzo_runner.loader import SourceDocument
from arazzo_runner.model import (
    Action,
    ActionKind,
    ArazzoDocument,
    Components,
    Criterion,
    Info,
    Parameter,
    PayloadReplacement,
    RequestBody,
    Reusable,
    SourceDescription,
    Step,
    Workflow,
)
from arazzo_runner.pointer import child as child_pointer


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
            self_uri=_str(data.get("$self")),
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
            timeout=_int(data.get("timeout")),
            depends_on=tuple(d for d in _list(data.get("dependsOn")) if isinstance(d, str)),
            channel_path=_str(data.get("channelPath")),
            action=_str(data.get("action")),
        )

    def request_body(self, pointer: str, data: dict[str, Any]) -> RequestBody:
        return RequestBody(
            self.doc,
            pointer,
            content_type=_str(data.get("contentType")),
            payload=data.get("payload"),
            has_payload="payload" in data,
            replacements=tuple(
                PayloadReplacement(self.doc, p, _str(r.get("target")) or "", r.get("value"),
                                   *_selector_type(r.get("targetSelectorType")))
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
            parameters=self.parameters(data.get("parameters"), f"{pointer}/parameters"),
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
                                    _str(kind) or "simple", version, "type" in data))
        return tuple(result)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _selector_type(value: Any) -> tuple[str | None, str | None]:
    """A 1.1 selector type: a name, or an Expression Type Object (type and version)."""
    if isinstance(value, dict):
        return _str(value.get("type")), _str(value.get("version"))
    return _str(value), None


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _items(value: Any, pointer: str) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{pointer}/{i}", item) for i, item in enumerate(_list(value)) if isinstance(item, dict)]

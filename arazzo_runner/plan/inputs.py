"""Workflow inputs: the compiled ``inputs`` schema of a workflow, its defaults, and the check of a run's inputs."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import Diagnostic, InputError, InputProblem, LoadError, ResolutionError
from arazzo_runner.model import Workflow
from arazzo_runner.plan.schemas import SchemaCompiler, SchemaValidator
from arazzo_runner.pointer import child as child_pointer
from arazzo_runner.redaction import MASK, Redactor
from arazzo_runner.sources.refs import DocumentLoader, follow
from arazzo_runner.text import to_text


@dataclass(frozen=True)
class InputsPlan:
    """What a workflow accepts as inputs."""

    workflow_id: str
    declared: frozenset[str] | None = None
    """The input names the schema declares (``None``: it declares no properties, so any name is offered)."""
    defaults: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    validator: SchemaValidator | None = None
    problem: Diagnostic | None = None
    """Why the schema cannot be used (a run of this workflow is refused before any request)."""
    secret: frozenset[str] = frozenset()
    """Inputs whose schema says ``format: password`` or ``writeOnly: true``: their values are never shown."""
    types: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """The JSON types each declared input's schema names (``type``), for typing text such as CSV cells."""

    def secrets(self, inputs: Mapping[str, Any]) -> list[str]:
        """The values of the secret inputs in ``inputs``, as text, for a redactor."""
        return [to_text(inputs[name]) for name in self.secret if name in inputs and inputs[name] not in (None, "")]

    def shown(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """``inputs`` as they may be shown: secret ones as ``***``."""
        return {name: MASK if name in self.secret else value for name, value in inputs.items()}

    def prepare(self, supplied: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs a run uses: ``supplied`` plus schema defaults, validated.

        Every violation is reported at once in an :class:`InputError`, each named by the input it concerns.
        """
        # A shallow copy: the engine never changes an input value, and defaults are copied from the plan.
        inputs = dict(supplied)
        for name, value in self.defaults.items():
            if name not in inputs:
                inputs[name] = copy.deepcopy(value)
        if self.validator is None:
            return inputs
        problems = sorted(self.validator.problems(inputs), key=lambda p: [str(part) for part in p.path])
        if problems:
            # A schema message quotes the value it refuses: never a password's.
            redact = Redactor(self.secrets(inputs))
            raise InputError(self.workflow_id, [
                InputProblem(".".join(str(p) for p in problem.path) or problem.missing or "",
                             "is required but was not supplied" if problem.missing is not None and not problem.path
                             else redact(problem.message))
                for problem in problems])
        return inputs

    def offered(self, available: Mapping[str, Any]) -> dict[str, Any]:
        """The part of ``available`` this workflow declares (all of it when it declares no names)."""
        return {k: v for k, v in available.items() if self.declared is None or k in self.declared}


def plan_inputs(workflow: Workflow, compiler: SchemaCompiler, load: DocumentLoader) -> InputsPlan:
    """Compile the ``inputs`` schema of ``workflow`` (``$ref``s resolve in and from the Arazzo document)."""
    schema = workflow.inputs
    if not isinstance(schema, dict):
        return InputsPlan(workflow.workflow_id)
    document = workflow.document
    try:
        _, resolved = follow(document, schema, load)
        properties = resolved.get("properties") if isinstance(resolved, dict) else None
        defaults: dict[str, Any] = {}
        secret: set[str] = set()
        types: dict[str, tuple[str, ...]] = {}
        for name, spec in (properties or {}).items() if isinstance(properties, dict) else ():
            _, spec = follow(document, spec, load)
            declared_type = spec.get("type") if isinstance(spec, dict) else None
            if isinstance(declared_type, str):
                types[name] = (declared_type,)
            elif isinstance(declared_type, list):
                types[name] = tuple(t for t in declared_type if isinstance(t, str))
            if isinstance(spec, dict) and "default" in spec:
                defaults[name] = spec["default"]
            if isinstance(spec, dict) and (spec.get("format") == "password" or spec.get("writeOnly") is True):
                secret.add(name)
        validator = compiler.validator(document, child_pointer(workflow.pointer, "inputs"))
    except (ResolutionError, LoadError) as exc:
        problem = workflow.diagnostic("inputs", "invalid-inputs-schema",
                                      f"the inputs schema of workflow '{workflow.workflow_id}' cannot be used: "
                                      f"{exc.message}")
        return InputsPlan(workflow.workflow_id, problem=problem)
    declared = frozenset(properties) if isinstance(properties, dict) else None
    return InputsPlan(workflow.workflow_id, declared, MappingProxyType(defaults), validator, secret=frozenset(secret),
                      types=MappingProxyType(types))

"""The one resolver: a single pass over a bundle that resolves every reference and says what does not resolve.

Operations, sub-workflows, Reusable components, ``goto``/``retry`` targets and ``dependsOn`` entries of
every workflow in every document of the bundle are resolved once, here. The result carries both what was
found (planning keeps it) and every problem (validation reports it), so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from arazzo_runner.errors import Diagnostic, ResolutionError
from arazzo_runner.model import Action, Field, Node, Parameter, Reusable, Step, Workflow
from arazzo_runner.resolve import targets
from arazzo_runner.resolve.dependencies import StepReference, execution_order, read_reference, read_steps
from arazzo_runner.resolve.graph import Edge, EdgeKind, WorkflowGraph, WorkflowKey
from arazzo_runner.sources import BoundDocument, Bundle, Operation

COMPONENT_KINDS = {"parameters": "parameter", "successActions": "success action",
                   "failureActions": "failure action"}


@dataclass(frozen=True)
class ResolvedAction:
    """An action as it applies to a step: the component's definition when ``written`` is a Reusable."""

    action: Action
    written: Action | Reusable
    workflow: WorkflowKey | None = None
    """The ``goto``/``retry`` target workflow, resolved."""
    parameters: tuple[Parameter, ...] = ()
    """1.1: the action's parameters (the target workflow's inputs), Reusable references replaced."""


@dataclass(frozen=True)
class ResolvedStep:
    """A step with its target found and its effective parameters and actions merged."""

    step: Step
    operation: Operation | None
    workflow: WorkflowKey | None
    parameters: tuple[Parameter, ...]
    """The effective parameters: the step's own, then the workflow's that the step does not override."""
    success_actions: tuple[ResolvedAction, ...]
    """The effective success actions: the step's own, then the workflow's (merged by name)."""
    failure_actions: tuple[ResolvedAction, ...]
    own_parameters: tuple[Parameter, ...]
    own_success: tuple[ResolvedAction, ...]
    own_failure: tuple[ResolvedAction, ...]
    complete: bool
    after: frozenset[str] = frozenset()
    """1.1: the steps of this workflow that must have completed first (``dependsOn`` and output references)."""
    waits_for: tuple[tuple[WorkflowKey, str], ...] = ()
    """1.1: steps of other workflows that ``dependsOn`` names, by workflow and step id."""
    """Whether everything the step names resolved (a run refuses an incomplete step before any request)."""


@dataclass(frozen=True)
class ResolvedWorkflow:
    """A workflow of a bundle with every reference it makes resolved."""

    key: WorkflowKey
    bound: BoundDocument
    workflow: Workflow
    parameters: tuple[Parameter, ...]
    success_actions: tuple[ResolvedAction, ...]
    failure_actions: tuple[ResolvedAction, ...]
    depends_on: tuple[WorkflowKey, ...]
    steps: tuple[ResolvedStep, ...]
    order: tuple[int, ...] = ()
    """The order the steps run in (indices into ``steps``): list order unless 1.1 dependencies move a step."""


@dataclass(frozen=True)
class Resolution:
    """Everything resolved in a bundle, the workflow graph, and every problem found on the way."""

    bundle: Bundle
    workflows: Mapping[WorkflowKey, ResolvedWorkflow]
    graph: WorkflowGraph
    problems: Mapping[str, tuple[Diagnostic, ...]]
    """The problems found, by the URL of the document they are in."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every problem found, document by document."""
        return tuple(d for found in self.problems.values() for d in found)

    def of(self, bound: BoundDocument) -> list[ResolvedWorkflow]:
        """The resolved workflows of one document, in document order."""
        return [w for w in self.workflows.values() if w.bound.url == bound.url]


def resolve(bundle: Bundle) -> Resolution:
    """Resolve every reference of every workflow in ``bundle``.

    A bundle read without its sources (``sources_loaded`` false) resolves only what lives in the documents
    themselves: components, step ids and local workflowIds.
    """
    resolver = _Resolver(bundle)
    workflows: dict[WorkflowKey, ResolvedWorkflow] = {}
    for bound in bundle.documents.values():
        for workflow in bound.document.workflows:
            key = (bound.url, workflow.workflow_id)
            resolved = resolver.workflow(bound, workflow)
            workflows.setdefault(key, resolved)  # a duplicate workflowId is reported by validation
    problems = MappingProxyType({url: tuple(found) for url, found in resolver.problems.items()})
    return Resolution(bundle, MappingProxyType(workflows), WorkflowGraph(resolver.edges), problems)


class _Resolver:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.problems: dict[str, list[Diagnostic]] = {}
        self.edges: list[Edge] = []

    def report(self, node: Node, where: Field, rule: str, message: str, severity: str = "error",
               fix: tuple[str, str] | None = None) -> None:
        diagnostic = node.diagnostic(where, rule, message, "warning" if severity == "warning" else "error", fix)
        self.problems.setdefault(node.document.url, []).append(diagnostic)

    # --- workflows and steps ----------------------------------------------------------------------------

    def workflow(self, bound: BoundDocument, workflow: Workflow) -> ResolvedWorkflow:
        key = (bound.url, workflow.workflow_id)
        parameters, parameters_complete = self.parameters(bound, workflow.parameters)
        success, success_complete = self.actions(bound, key, workflow, workflow.success_actions, "successActions")
        failure, failure_complete = self.actions(bound, key, workflow, workflow.failure_actions, "failureActions")
        inherited_complete = parameters_complete and success_complete and failure_complete
        depends_on = []
        for index, reference in enumerate(workflow.depends_on):
            target = self.workflow_reference(bound, key, workflow, ("dependsOn", str(index)), reference,
                                             "unknown-depends-on", "dependsOn")
            if target is not None:
                depends_on.append(target)
        steps = tuple(self.step(bound, key, workflow, step, parameters, success, failure, inherited_complete)
                      for step in workflow.steps)
        order = list(range(len(steps)))
        if any(step.depends_on for step in workflow.steps):
            order, cycle = execution_order([s.step.step_id for s in steps], [set(s.after) for s in steps])
            if cycle is not None:
                first = next(s.step for s in steps if s.step.step_id in cycle)
                self.report(first, "dependsOn", "step-dependency-cycle",
                            f"steps {', '.join(repr(c) for c in cycle)} depend on each other: no order runs them")
        return ResolvedWorkflow(key, bound, workflow, parameters, success, failure, tuple(depends_on), steps,
                                tuple(order))

    def step(self, bound: BoundDocument, key: WorkflowKey, workflow: Workflow, step: Step,
             inherited: Sequence[Parameter], success: Sequence[ResolvedAction],
             failure: Sequence[ResolvedAction], complete: bool) -> ResolvedStep:
        operation, target = None, None
        fields = [("operationId", step.operation_id), ("operationPath", step.operation_path),
                  ("workflowId", step.workflow_id)]
        if bound.document.version == "1.1":
            fields.insert(2, ("channelPath", step.channel_path))
        named = [f for f, v in fields if v is not None]
        choices = ", ".join(f for f, _ in fields[:-1]) + f" or {fields[-1][0]}"
        if len(named) != 1:
            message = (f"a step needs exactly one of {choices}"
                       if not named else f"a step may name only one target, found {' and '.join(named)}")
            self.report(step, None, "step-target", f"step '{step.step_id}': {message}")
            complete = False
        elif step.channel_path is not None or step.action is not None:
            # Room for AsyncAPI: the step is recognised, said to be unsupported, and never planned.
            self.report(step, None, "asyncapi-not-supported",
                        f"step '{step.step_id}' is an AsyncAPI step ({step.action or 'channelPath'}); this engine "
                        "runs HTTP (OpenAPI) and workflow steps only", "warning")
            complete = False
        elif step.workflow_id is not None:
            target = self.workflow_reference(bound, key, step, "workflowId", step.workflow_id, "unknown-workflow-id",
                                             "step", prefix=f"step '{step.step_id}': ")
            complete = complete and target is not None
        elif self.bundle.sources_loaded:
            operation = self.operation(bound, step, named[0])
            complete = complete and operation is not None
        own, own_complete = self.parameters(bound, step.parameters)
        # A sub-workflow's parameters are its inputs, keyed by bare name: a step's own `petId` beats an
        # inherited `petId` whatever `in` either declares.
        def identity(p: Parameter) -> object:
            return p.name if step.workflow_id is not None else p.identity

        overridden = {identity(p) for p in own}
        parameters = (*own, *(p for p in inherited if identity(p) not in overridden))
        on_success, success_complete = self.actions(bound, key, workflow, step.on_success or (), "successActions")
        on_failure, failure_complete = self.actions(bound, key, workflow, step.on_failure or (), "failureActions")
        after, waits_for = self.step_dependencies(bound, workflow, step)
        return ResolvedStep(step, operation, target, parameters, _merge(on_success, success),
                            _merge(on_failure, failure), own, on_success, on_failure,
                            complete and own_complete and success_complete and failure_complete,
                            after, waits_for)

    def step_dependencies(self, bound: BoundDocument, workflow: Workflow,
                          step: Step) -> tuple[frozenset[str], tuple[tuple[WorkflowKey, str], ...]]:
        """A 1.1 step's dependencies: local steps (``dependsOn`` and the outputs it reads, when the workflow
        orders steps by ``dependsOn``), and steps of other workflows."""
        if not step.depends_on:
            local = read_steps(step) if any(s.depends_on for s in workflow.steps) else set()
            return frozenset(local & {s.step_id for s in workflow.steps}), ()
        local = set(read_steps(step)) & {s.step_id for s in workflow.steps}
        waits: list[tuple[WorkflowKey, str]] = []
        for index, written in enumerate(step.depends_on):
            field = ("dependsOn", str(index))
            reference = read_reference(written)
            if reference is None:
                self.report(step, field, "unknown-step-dependency",
                            f"step '{step.step_id}': dependsOn '{written}' is neither a stepId, "
                            "'$workflows.<workflowId>.steps.<stepId>' nor "
                            "'$sourceDescriptions.<name>.<workflowId>.steps.<stepId>'")
            elif reference.local:
                if reference.step_id == step.step_id or workflow.step(reference.step_id) is None:
                    what = "itself" if reference.step_id == step.step_id else "no step of this workflow"
                    self.report(step, field, "unknown-step-dependency",
                                f"step '{step.step_id}': dependsOn '{written}' names {what}")
                else:
                    local.add(reference.step_id)
            else:
                found = self.foreign_step(bound, reference)
                if isinstance(found, str):
                    self.report(step, field, "unknown-step-dependency",
                                f"step '{step.step_id}': dependsOn '{written}': {found}")
                elif found is not None:
                    waits.append(found)
        return frozenset(local - {step.step_id}), tuple(waits)

    def foreign_step(self, bound: BoundDocument, reference: StepReference) -> tuple[WorkflowKey, str] | str | None:
        """The workflow and step a cross-workflow ``dependsOn`` names, or why it names none (``None``: its
        document was not loaded, which is reported at the source description)."""
        target = bound
        if reference.source is not None:
            if not self.bundle.sources_loaded:
                return None
            found = self.bundle.arazzo_source(bound, reference.source)
            if found is None:
                if bound.document.source(reference.source) is None:
                    return f"no source description '{reference.source}'"
                return None
            target = found
        assert reference.workflow_id is not None
        workflow = target.document.workflow(reference.workflow_id)
        if workflow is None:
            return f"no workflow '{reference.workflow_id}'"
        if workflow.step(reference.step_id) is None:
            return f"workflow '{reference.workflow_id}' has no step '{reference.step_id}'"
        return (target.url, workflow.workflow_id), reference.step_id

    def operation(self, bound: BoundDocument, step: Step, field: str) -> Operation | None:
        try:
            if field == "operationId":
                written = step.operation_id or ""
                found = targets.operation_by_id(self.bundle, bound, written)
                if len(bound.openapi) > 1 and not written.startswith(targets.SOURCE_PREFIX):
                    qualified = f"{targets.SOURCE_PREFIX}{found.source_name}.{written}"
                    self.report(step, field, "unqualified-operation-id",
                                f"step '{step.step_id}': operationId '{written}' is not qualified although the "
                                f"document has {len(bound.openapi)} OpenAPI source descriptions (Arazzo: it "
                                f"MUST be); it was found in '{found.source_name}'", "warning", (written, qualified))
                return found
            return targets.operation_by_path(self.bundle, bound, step.operation_path or "")
        except ResolutionError as exc:
            if exc.rule != "source-unavailable":  # reported once, at the source description
                self.report(step, field, exc.rule, f"step '{step.step_id}': {exc.message}")
            return None

    def workflow_reference(self, bound: BoundDocument, key: WorkflowKey, node: Node, where: Field, reference: str,
                           rule: str, kind: EdgeKind, prefix: str = "") -> WorkflowKey | None:
        if not self.bundle.sources_loaded and reference.startswith(targets.SOURCE_PREFIX):
            return None  # a schema-only check resolves local references only
        try:
            target_bound, target = targets.workflow(self.bundle, bound, reference)
        except ResolutionError as exc:
            if exc.rule != "source-unavailable":
                shown = rule if exc.rule == "unknown-workflow-id" else exc.rule
                self.report(node, where, shown, prefix + exc.message)
            return None
        target_key = (target_bound.url, target.workflow_id)
        self.edges.append(Edge(kind, key, target_key, node, where))
        return target_key

    # --- components ----------------------------------------------------------------------------------

    def parameters(self, bound: BoundDocument, items: Sequence[Parameter | Reusable]) -> tuple[
            tuple[Parameter, ...], bool]:
        """Reusable references replaced by the component (its ``value`` overridden if the reference has one)."""
        resolved: list[Parameter] = []
        complete = True
        for item in items:
            if isinstance(item, Reusable):
                target = self.component(bound, item, "parameters")
                if isinstance(target, Parameter):
                    resolved.append(Parameter(item.document, item.pointer, target.name,
                                              item.value if item.has_value else target.value, target.in_))
                else:
                    complete = False
            else:
                resolved.append(item)
        return tuple(resolved), complete

    def actions(self, bound: BoundDocument, key: WorkflowKey, workflow: Workflow,
                items: Sequence[Action | Reusable], kind: str) -> tuple[tuple[ResolvedAction, ...], bool]:
        resolved: list[ResolvedAction] = []
        complete = True
        for item in items:
            action = self.component(bound, item, kind) if isinstance(item, Reusable) else item
            if not isinstance(action, Action):
                complete = False
                continue
            if action.step_id is not None and workflow.step(action.step_id) is None:
                at_reference = item is not action
                self.report(item, "reference" if at_reference else "stepId", "unknown-step",
                            f"{action.type} action '{action.name}' targets step '{action.step_id}', which is not a "
                            f"step of workflow '{workflow.workflow_id}'")
                complete = False
            target = None
            if action.workflow_id is not None:
                kind_of_edge: EdgeKind = "retry" if action.type == "retry" else "goto"
                target = self.workflow_reference(bound, key, action, "workflowId", action.workflow_id,
                                                 "unknown-workflow-id", kind_of_edge)
                complete = complete and target is not None
            parameters, parameters_complete = self.parameters(bound, action.parameters)
            resolved.append(ResolvedAction(action, item, target, parameters))
            complete = complete and parameters_complete
        return tuple(resolved), complete

    def component(self, bound: BoundDocument, ref: Reusable, kind: str) -> Node | None:
        prefix = f"$components.{kind}."
        if not ref.reference.startswith("$components."):
            self.report(ref, "reference", "invalid-reference", f"reference '{ref.reference}' must be '{prefix}<name>'")
            return None
        section, _, name = ref.reference[len("$components."):].partition(".")
        if section != kind:
            expected = COMPONENT_KINDS.get(kind, kind)
            self.report(ref, "reference", "invalid-reference",
                        f"reference '{ref.reference}' must point at a {expected} ('{prefix}<name>')")
            return None
        components = bound.document.components
        table: Mapping[str, Node] = {"parameters": components.parameters, "successActions": components.success_actions,
                                     "failureActions": components.failure_actions}[kind]
        target = table.get(name)
        if target is None:
            known = ", ".join(sorted(table)) or "none defined"
            self.report(ref, "reference", "unknown-component", f"no component {kind}.{name} (known: {known})")
            return None
        if ref.has_value and kind != "parameters":
            self.report(ref, "value", "invalid-reference", "'value' only overrides referenced parameters", "warning")
        return target


def _merge(step_actions: Sequence[ResolvedAction], workflow_actions: Sequence[ResolvedAction]) -> tuple[
        ResolvedAction, ...]:
    """Step actions first, then the workflow's, a same-named workflow action being replaced by the step's.

    The spec says workflow actions "can be overridden at the step level but cannot be removed"
    (ENGINE-CHECKLIST §7, recommended merge by name), so an empty step list does not suppress them.
    """
    names = {resolved.action.name for resolved in step_actions}
    return (*step_actions, *(a for a in workflow_actions if a.action.name not in names))

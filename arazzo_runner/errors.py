"""The one exception tree of arazzo_runner, and the location every problem carries.

Every error the package raises derives from :class:`ArazzoError`. Errors of the libraries underneath
(ruamel.yaml, jsonschema, openapi-core, httpx) are translated at the boundary with ``raise X(...) from exc``
so callers never have to catch a third-party type.

Tree::

    ArazzoError
    ├── LoadError                 a document could not be read or parsed (file, URL, YAML/JSON syntax)
    ├── DocumentError             a document is invalid; carries every Diagnostic
    ├── ExpressionError           the runtime-expression language
    │   ├── ExpressionSyntaxError     text that does not parse (with the offending column and a caret)
    │   └── ExpressionEvaluationError a parsed expression that cannot be evaluated in its context
    ├── ResolutionError           a reference (operation, workflow, source, component) that does not resolve
    ├── InputError                workflow inputs that are missing or violate the inputs schema
    ├── UsageError                a caller asked for something that does not exist (unknown workflow, bad flag)
    └── ExecutionError            a run could not go on (budget exhausted, cycle, transport failure)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where something stands: the document (path or URL), a JSON Pointer into it, and 1-based line:column."""

    source: str
    pointer: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.source
        return f"{self.source}:{self.line}:{self.column or 1}"


@dataclass(frozen=True, slots=True)
class Hint:
    """What the caller can supply to fix a problem, for a front end to phrase in its own terms.

    ``option`` is one of ``server`` (a base URL for source description ``subject``), ``auth`` (a credential
    for ``subject`` = ``SOURCE.SCHEME``) or ``workflow`` (which workflow to run; ``subject`` lists the ids).
    The engine's messages never name command-line flags; the CLI and the pytest plugin add their own.
    """

    option: Literal["server", "auth", "workflow"]
    subject: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical correction: at JSON Pointer ``pointer``, the value ``old`` (a string, as written) becomes
    ``new``; with ``action == "add"`` the member at ``pointer`` is added (``old`` is empty), with ``"remove"`` it is
    removed (``new`` is empty). ``certain`` is false
    when the meaning of the new text is only the likely one."""

    pointer: str
    old: str
    new: str
    certain: bool = True
    action: str = "replace"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a document, with a stable kebab-case rule id, and a :class:`Fix` when one is known."""

    severity: Severity
    rule: str
    message: str
    location: Location
    fix: Fix | None = None

    def __str__(self) -> str:
        fix = self.fix
        if fix is None:
            suffix = ""
        elif fix.action == "remove":
            suffix = f" (fix: remove {fix.pointer.rsplit('/', 1)[-1]})"
        elif fix.action == "add":
            suffix = f" (fix: add {fix.pointer.rsplit('/', 1)[-1].replace('~1', '/').replace('~0', '~')}: {fix.new!r})"
        else:
            suffix = f" (fix: write {fix.new!r})"
        return f"{self.location}: {self.severity}: {self.message} [{self.rule}]{suffix}"


class ArazzoError(Exception):
    """Root of every error raised by arazzo_runner; ``hint`` says what the caller could supply to fix it."""

    def __init__(self, message: str, location: Location | None = None, hint: Hint | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class LoadError(ArazzoError):
    """A document could not be retrieved or parsed."""

    def __init__(self, message: str, location: Location | None = None, rule: str = "load-error") -> None:
        super().__init__(message, location)
        self.rule = rule

    def diagnostic(self) -> Diagnostic | None:
        """The problem as a diagnostic when it lies *in* a document that was read (malformed text), else ``None``
        (the document could not be read at all: a usage problem, not a finding)."""
        if self.rule != "malformed-document" or self.location is None:
            return None
        return Diagnostic("error", self.rule, self.message, self.location)


class DocumentError(ArazzoError):
    """A document failed validation; ``diagnostics`` holds every problem found, not only the first."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        summary = f"{len(errors)} problem(s) found"
        if first is not None:
            summary += f"; first: {first}"
        super().__init__(summary)  # the first diagnostic already names its location


class ResolutionError(ArazzoError):
    """A reference that does not resolve; ``rule`` is the diagnostic rule id it maps to."""

    def __init__(self, message: str, rule: str, location: Location | None = None) -> None:
        super().__init__(message, location)
        self.rule = rule


class ExpressionError(ArazzoError):
    """Base of the runtime-expression and condition errors."""


class ExpressionSyntaxError(ExpressionError):
    """Text that is not a valid expression or condition.

    ``column`` is the 0-based offset of the offending character in ``text``; the message shows the text with a
    caret under that character.
    """

    def __init__(self, reason: str, text: str, column: int, location: Location | None = None) -> None:
        self.reason = reason
        self.text = text
        self.column = column
        caret = " " * column + "^"
        super().__init__(f"{reason} at column {column + 1}\n  {text}\n  {caret}", location)


class ExpressionEvaluationError(ExpressionError):
    """A parsed expression that cannot be evaluated against the given context."""


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem with a workflow input, named by the input (``""`` for the whole object)."""

    name: str
    message: str


class InputError(ArazzoError):
    """Workflow inputs that are missing or do not satisfy the workflow's ``inputs`` schema."""

    def __init__(self, workflow_id: str, problems: Sequence[InputProblem]) -> None:
        self.workflow_id = workflow_id
        self.problems = tuple(problems)
        lines = "; ".join(f"{p.name or '(inputs)'}: {p.message}" for p in self.problems)
        super().__init__(f"invalid inputs for workflow '{workflow_id}': {lines}")


class UsageError(ArazzoError):
    """The caller asked for something that does not exist or cannot be combined."""


class ExecutionError(ArazzoError):
    """A run could not go on: a budget ran out, a cycle was found, or a target could not be reached."""

    def __init__(self, message: str, location: Location | None = None, rule: str = "execution-error",
                 hint: Hint | None = None) -> None:
        super().__init__(message, location, hint)
        self.rule = rule

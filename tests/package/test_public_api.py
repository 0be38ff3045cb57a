"""The public surface is small and deliberate; these tests pin it and the direction of imports."""

from __future__ import annotations

import ast
from pathlib import Path

import arazzo_runner

PACKAGE = Path(arazzo_runner.__file__).resolve().parent

# Each module may import only modules on earlier layers (or its own layer's pure helpers). Subpackages count as
# one module: their insides may import each other.
LAYERS: list[set[str]] = [
    {"errors"},
    {"text", "pointer", "redaction", "events", "limits", "budget", "deadline"},
    {"datasets"},
    {"expressions", "loader", "http"},
    {"criteria_engines"},
    {"criteria", "model", "payload_targets"},
    {"sources"},
    {"resolve"},
    {"dialect"},
    {"validate"},
    {"documents"},
    {"plan", "mock"},
    {"execute"},
    {"runner", "reports"},
    {"cli", "pytest_plugin", "__main__", "__init__"},
]


def test_exported_members_are_exactly_the_documented_ones() -> None:
    assert sorted(arazzo_runner.__all__) == sorted([
        "ArazzoError", "Diagnostic", "DocumentError", "ExecutionError", "ExpressionError", "ExpressionSyntaxError",
        "InputError", "LoadError", "Location", "ResolutionError", "RunResult", "Runner", "StepResult",
        "UsageError", "arun", "load", "run", "validate",
    ])
    for name in arazzo_runner.__all__:
        assert getattr(arazzo_runner, name).__doc__, f"{name} has no docstring"


def test_every_error_derives_from_one_base() -> None:
    from arazzo_runner import errors

    classes = [obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, Exception)]
    assert classes and all(issubclass(cls, errors.ArazzoError) for cls in classes)


def _layer(module: str) -> int:
    for index, names in enumerate(LAYERS):
        if module in names:
            return index
    raise AssertionError(f"module {module} is not placed in LAYERS")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "arazzo_runner":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("arazzo_runner."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("arazzo_runner."))
    return found


def test_modules_import_only_modules_above_them_in_the_data_flow() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        top = relative.parts[0].removesuffix(".py")
        own = _layer(top)
        for imported in _imports(path) - {top}:
            if _layer(imported) > own:
                offenders.append(f"{relative} imports {imported}")
    assert offenders == []


def test_the_expression_language_is_pure() -> None:
    for path in (PACKAGE / "expressions").rglob("*.py"):
        assert _imports(path) <= {"errors", "pointer", "text", "expressions"}, path
        assert "httpx" not in path.read_text("utf-8")


def test_reports_read_only_events_redaction_and_the_shared_helpers() -> None:
    for path in (PACKAGE / "reports").rglob("*.py"):
        assert _imports(path) <= {"events", "redaction", "errors", "text", "reports"}, path


def test_validate_stays_the_function_once_the_validate_subpackage_is_imported() -> None:
    # A fresh interpreter: this one imported everything long ago. Using Runner first imports the subpackage
    # arazzo_runner.validate, which must not replace the public function of the same name.
    import subprocess
    import sys

    script = ("import arazzo_runner, arazzo_runner.validate\n"
              "arazzo_runner.Runner\n"
              "print(callable(arazzo_runner.validate), arazzo_runner.validate.__module__)\n")
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert completed.stdout.split() == ["True", "arazzo_runner.documents"]

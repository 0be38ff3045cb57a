"""The shape of the package: public surface, purity of the subpackage, no dynamic code execution."""

from __future__ import annotations

import ast
import copy
import pickle
import re
import sys
from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

import arazzo_runner
import arazzo_runner.expressions as expressions
from arazzo_runner.expressions import MISSING, ExpressionContext, Missing, RequestData, parse_expression

PACKAGE = Path(arazzo_runner.__file__).resolve().parent
EXPRESSIONS = PACKAGE / "expressions"


def test_public_names_are_pinned() -> None:
    assert sorted(expressions.__all__) == [
        "Condition",
        "ExpressionContext",
        "MISSING",
        "Missing",
        "RequestData",
        "ResponseData",
        "RuntimeExpression",
        "Template",
        "evaluate_value",
        "is_runtime_expression",
        "iter_value_expressions",
        "parse_condition",
        "parse_expression",
        "parse_template",
    ]
    for name in expressions.__all__:
        assert getattr(expressions, name).__doc__, name


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "arazzo_runner":
            names.update(f"arazzo_runner.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


# The engine's bottom layer: the error tree, and the one rule for pointers and for values as text.
BOTTOM_LAYER = {"arazzo_runner.errors", "arazzo_runner.pointer", "arazzo_runner.text"}


@pytest.mark.parametrize("path", sorted(EXPRESSIONS.glob("*.py")), ids=lambda path: path.name)
def test_expressions_subpackage_imports_only_stdlib_and_the_bottom_layer(path: Path) -> None:
    for name in _imports(path):
        top = name.split(".")[0]
        allowed = (
            top in sys.stdlib_module_names
            or name in BOTTOM_LAYER
            or name.startswith("arazzo_runner.expressions")
        )
        assert allowed, f"{path.name} imports {name}"


# A call of the builtin itself, not an attribute such as re.compile or jsonpath_rfc9535.compile.
DYNAMIC_CODE = re.compile(r"(?<![\w.])(eval|exec|compile)\s*\(")


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_package_never_executes_document_text_as_python(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert not DYNAMIC_CODE.search(line), f"{path.name}:{number}: {line.strip()}"


def test_dynamic_code_pattern_catches_builtins_but_not_library_compiles() -> None:
    assert DYNAMIC_CODE.search("value = eval(text)")
    assert DYNAMIC_CODE.search("exec (code)")
    assert DYNAMIC_CODE.search("code = compile(src, 'x', 'eval')")
    assert not DYNAMIC_CODE.search("re.compile(pattern)")
    assert not DYNAMIC_CODE.search("node.evaluate(context)")


def test_missing_is_a_falsy_singleton_distinct_from_null() -> None:
    assert Missing() is MISSING
    assert repr(MISSING) == "MISSING"
    assert not MISSING
    assert MISSING is not None and MISSING != None  # noqa: E711 - comparing with null on purpose
    assert copy.copy(MISSING) is MISSING and copy.deepcopy(MISSING) is MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING


def test_context_is_frozen_and_derived_with_replace() -> None:
    base = ExpressionContext(inputs={"a": 1})
    with pytest.raises(FrozenInstanceError):
        base.url = "x"  # type: ignore[misc]
    step = replace(base, status_code=201, request=RequestData(headers={"ACCEPT": "application/json"}))
    assert parse_expression("$statusCode").evaluate(step) == 201
    assert parse_expression("$statusCode").evaluate(base) is MISSING
    assert parse_expression("$request.header.accept").evaluate(step) == "application/json"
    assert parse_expression("$inputs.a").evaluate(step) == 1
    assert dict(ExpressionContext().inputs) == {} and RequestData().body is MISSING

"""The public surface of arazzo_runner.http, pinned so that changing it is a deliberate act."""

from __future__ import annotations

import ast
import pathlib

import arazzo_runner.http as http_package

PACKAGE_DIR = pathlib.Path(http_package.__file__).parent


def test_exported_members() -> None:
    assert sorted(http_package.__all__) == [
        "AuthChoice",
        "AuthPlan",
        "CredentialStore",
        "OAuth2TokenCache",
        "ParameterSpec",
        "PartEncoding",
        "SecurityScheme",
        "SerializedParameters",
        "TokenRequest",
        "apply_auth",
        "apply_replacements",
        "build_url",
        "choose_requirement",
        "credential_env_var",
        "decode_body",
        "decode_body_with_note",
        "encode_body",
        "expand_path",
        "format_cookie_header",
        "media_essence",
        "media_kind",
        "plan_auth",
        "resolve_server_url",
        "serialize_parameters",
        "split_querystring",
    ]
    for name in http_package.__all__:
        member = getattr(http_package, name)
        assert member.__doc__, f"{name} has no docstring"


BOTTOM_LAYER = {"arazzo_runner.errors", "arazzo_runner.text", "arazzo_runner.pointer", "arazzo_runner.redaction"}


def test_modules_import_only_the_stdlib_httpx_and_the_bottom_layer() -> None:
    allowed_roots = {"__future__", "httpx"}
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "arazzo_runner":
                for alias in node.names:
                    assert f"arazzo_runner.{alias.name}" in BOTTOM_LAYER, f"{path.name} imports {alias.name}"
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("arazzo_runner"):
                assert node.module in BOTTOM_LAYER or node.module.startswith(
                    "arazzo_runner.http"
                ), f"{path.name} imports {node.module}"
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module]
                )
                for name in names:
                    root = (name or "").split(".")[0]
                    assert root in allowed_roots or root in __import__("sys").stdlib_module_names, (
                        f"{path.name} imports {name}"
                    )

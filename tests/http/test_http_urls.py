"""Path templates, URL joins and OpenAPI server URLs."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http.params import build_url, expand_path, resolve_server_url


def test_expand_path_fills_every_variable_verbatim() -> None:
    result = expand_path("/users/{id}/posts/{postId}", {"id": "a%2Fb", "postId": ";x=1", "unused": "z"})
    assert result == "/users/a%2Fb/posts/;x=1"


def test_expand_path_without_variables_is_unchanged() -> None:
    assert expand_path("/health", {}) == "/health"


def test_expand_path_names_every_missing_variable() -> None:
    with pytest.raises(ExecutionError) as caught:
        expand_path("/orgs/{org}/repos/{repo}/{org}", {"repo": "r"})
    assert str(caught.value) == "path '/orgs/{org}/repos/{repo}/{org}' needs a value for path parameter 'org'"
    with pytest.raises(ExecutionError) as caught:
        expand_path("/{a}/{b}", {})
    assert str(caught.value) == "path '/{a}/{b}' needs a value for path parameter 'a', 'b'"


@pytest.mark.parametrize(
    ("server", "path", "query", "expected"),
    [
        (
            "https://mixpanel.com/api/query",
            "/segmentation",
            [],
            "https://mixpanel.com/api/query/segmentation",
        ),
        (
            "https://mixpanel.com/api/query/",
            "/segmentation",
            [],
            "https://mixpanel.com/api/query/segmentation",
        ),
        ("https://mixpanel.com/api/query", "segmentation", [], "https://mixpanel.com/api/query/segmentation"),
        ("https://api.test", "/pets", [("a", "1")], "https://api.test/pets?a=1"),
        ("https://api.test/", "/pets", [], "https://api.test/pets"),
        ("https://api.test/v1", "", [("a", "1")], "https://api.test/v1?a=1"),
        ("https://api.test/v1", "/", [], "https://api.test/v1/"),
        (
            "https://api.test:8443/v1",
            "/p",
            [("a", "x%20y"), ("a", "")],
            "https://api.test:8443/v1/p?a=x%20y&a=",
        ),
        ("https://api.test/v1?key=k", "/p", [("a", "1")], "https://api.test/v1/p?key=k&a=1"),
        ("https://api.test/v1#frag", "/p", [], "https://api.test/v1/p"),
        ("http://127.0.0.1:8765", "/track", [("ip", "1")], "http://127.0.0.1:8765/track?ip=1"),
    ],
)
def test_build_url_keeps_both_path_parts_and_appends_the_query(
    server: str, path: str, query: list[tuple[str, str]], expected: str
) -> None:
    assert build_url(server, path, query) == expected


def test_build_url_does_not_re_encode() -> None:
    assert build_url("https://a.test/x", "/p%2Fq", [("k", "%7C")]) == "https://a.test/x/p%2Fq?k=%7C"


REGIONAL: dict[str, dict[str, Any]] = {
    "region": {"default": "us", "enum": ["us", "eu"]},
    "version": {"default": "v2"},
}


@pytest.mark.parametrize(
    ("url", "overrides", "expected"),
    [
        ("https://{region}.api.test/{version}", None, "https://us.api.test/v2"),
        ("https://{region}.api.test/{version}", {"region": "eu"}, "https://eu.api.test/v2"),
        (
            "https://{region}.api.test/{version}",
            {"version": "v3", "other": "ignored"},
            "https://us.api.test/v3",
        ),
        ("https://api.test", {"region": "eu"}, "https://api.test"),
    ],
)
def test_server_variables_take_defaults_unless_overridden(
    url: str, overrides: dict[str, str] | None, expected: str
) -> None:
    assert resolve_server_url(url, REGIONAL, overrides) == expected


def test_override_outside_the_enum_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        resolve_server_url("https://{region}.api.test", REGIONAL, {"region": "ap"})
    assert str(caught.value) == "server variable 'region' = 'ap' is not one of its enum values: us, eu"


def test_undeclared_server_variable_without_override_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        resolve_server_url("https://{tenant}.api.test", None)
    assert str(caught.value) == (
        "server URL 'https://{tenant}.api.test' uses variable 'tenant', which has no default and no override"
    )
    assert (
        resolve_server_url("https://{tenant}.api.test", None, {"tenant": "acme"}) == "https://acme.api.test"
    )


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/v1", "https://specs.test/apis/openapi.yaml", "https://specs.test/v1"),
        ("v1/", "https://specs.test/apis/openapi.yaml", "https://specs.test/apis/v1/"),
        ("", "https://specs.test/apis/openapi.yaml", "https://specs.test/"),
        ("//cdn.test/x", "https://specs.test/openapi.yaml", "https://cdn.test/x"),
        ("https://abs.test/v1", "/tmp/openapi.yaml", "https://abs.test/v1"),
        ("https://abs.test/v1", None, "https://abs.test/v1"),
    ],
)
def test_relative_server_urls_resolve_against_the_document_url(
    url: str, base: str | None, expected: str
) -> None:
    assert resolve_server_url(url, None, base=base) == expected


@pytest.mark.parametrize(
    "base", ["/work/specs/openapi.yaml", "specs/openapi.yaml", "file:///work/openapi.yaml"]
)
def test_relative_server_url_of_a_file_document_has_no_host(base: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        resolve_server_url("/v1", None, base=base)
    assert str(caught.value) == (
        f"server URL '/v1' is relative, but the OpenAPI document was read from a file ({base}), "
        "so the server has no host; give an absolute server URL (for example with a server override)"
    )


def test_relative_server_url_without_a_base_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        resolve_server_url("/v1", None)
    assert "is relative and the OpenAPI document's URL is unknown" in str(caught.value)


def test_server_variables_then_relative_resolution() -> None:
    url = resolve_server_url("/{version}", REGIONAL, base="http://127.0.0.1:9000/openapi.json")
    assert url == "http://127.0.0.1:9000/v2"

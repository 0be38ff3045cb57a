"""Arazzo 1.1 querystring parameters: the whole query string, written in the parameter's media type."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http import ParameterSpec, build_url, split_querystring
from arazzo_runner.http.querystring import DEFAULT_QUERYSTRING_MEDIA, quote_query_text, serialize_querystring

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def querystring(media: str | None = None) -> ParameterSpec:
    return ParameterSpec("q", "querystring", content_type=media)


CASES = [
    pytest.param(None, "filter=active&sort=desc&limit=50", "filter=active&sort=desc&limit=50",
                 id="spec-example-string-is-the-query-string"),
    pytest.param(FORM, "a=%20b&c=d%26e", "a=%20b&c=d%26e", id="already-encoded-string-kept"),
    pytest.param(FORM, "q=a b#c|d", "q=a%20b%23c%7Cd", id="characters-a-query-cannot-hold-encoded"),
    pytest.param(FORM, "name=café", "name=caf%C3%A9", id="non-ascii-as-utf8"),
    pytest.param(FORM, "k=v:/?@!$'()*,;", "k=v:/?@!$'()*,;", id="query-characters-kept"),
    pytest.param(FORM, "50%", "50%25", id="lone-percent-encoded"),
    pytest.param(FORM, {"a": 1, "b": "x y", "tags": ["p", "q"], "on": True, "none": None},
                 "a=1&b=x+y&tags=p&tags=q&on=true&none=", id="object-as-a-form-body"),
    pytest.param(FORM, {"filter": {"k": "v"}}, "filter=%7B%22k%22%3A%22v%22%7D", id="nested-object-as-json-text"),
    pytest.param(FORM, {}, "", id="empty-object-no-query"),
    pytest.param(FORM, None, "", id="null-no-query"),
    pytest.param(JSON, '{"filter":"active","sort":"desc","limit":50}',
                 "%7B%22filter%22%3A%22active%22%2C%22sort%22%3A%22desc%22%2C%22limit%22%3A50%7D",
                 id="spec-example-json-text-percent-encoded"),
    pytest.param(JSON, {"numbers": [1, 2], "flag": None}, "%7B%22numbers%22%3A%5B1%2C2%5D%2C%22flag%22%3Anull%7D",
                 id="openapi-3.2-example-object-as-json"),
    pytest.param("application/problem+json", [1, "a"], "%5B1%2C%22a%22%5D", id="json-suffix-array"),
    pytest.param(JSON, 7, "7", id="json-number"),
    pytest.param("text/plain", "hello world&x", "hello%20world%26x", id="other-media-percent-encoded-whole"),
]


@pytest.mark.parametrize(("media", "value", "expected"), CASES)
def test_querystring_value_is_written_in_its_media_type(media: str | None, value: Any, expected: str) -> None:
    assert serialize_querystring(querystring(media), value) == expected


ERRORS = [
    pytest.param(JSON, "filter=active", "querystring parameter 'q': the value is not JSON text, which its "
                 "application/json content requires (Expecting value: line 1 column 1 (char 0))", id="json-not-json"),
    pytest.param(FORM, ["a", "b"], "querystring parameter 'q': an application/x-www-form-urlencoded query string "
                 "is written from a string or an object, not an array", id="form-array"),
    pytest.param(None, 42, "querystring parameter 'q': an application/x-www-form-urlencoded query string is "
                 "written from a string or an object, not a number", id="form-number"),
    pytest.param(FORM, False, "not a boolean", id="form-boolean"),
]


@pytest.mark.parametrize(("media", "value", "message"), ERRORS)
def test_querystring_value_the_media_type_cannot_hold_is_refused(media: str | None, value: Any, message: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        serialize_querystring(querystring(media), value)
    assert message in caught.value.message


def test_a_querystring_parameter_without_content_is_form_urlencoded() -> None:
    assert DEFAULT_QUERYSTRING_MEDIA == FORM
    assert serialize_querystring(querystring(), {"a": "b c"}) == "a=b+c"


def test_split_keeps_the_other_parameters_and_serializes_the_query_string() -> None:
    header = ParameterSpec("X-Mode", "header")
    rest, text = split_querystring([(header, "fast"), (querystring(), {"a": 1})])
    assert rest == [(header, "fast")]
    assert text == "a=1"
    assert split_querystring([(header, "fast")]) == ([(header, "fast")], None)


@pytest.mark.parametrize(("values", "message"), [
    pytest.param([(querystring(), "a=1"), (ParameterSpec("limit", "query"), 5)],
                 "querystring parameter 'q' is the whole query string; it cannot be sent with query parameter "
                 "'limit'", id="with-query"),
    pytest.param([(querystring(), "a=1"), (ParameterSpec("r", "querystring"), "b=2")],
                 "querystring parameters 'q' and 'r': a request has one query string", id="two"),
])
def test_split_refuses_what_would_make_two_query_strings(values: list[tuple[ParameterSpec, Any]],
                                                          message: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        split_querystring(values)
    assert caught.value.message == message


@pytest.mark.parametrize(("server", "text", "pairs", "expected"), [
    pytest.param("https://a.test", "a=1&b=2", [], "https://a.test/p?a=1&b=2", id="alone"),
    pytest.param("https://a.test?v=2", "a=1", [], "https://a.test/p?v=2&a=1", id="after-the-server-query"),
    pytest.param("https://a.test", "a=1", [("key", "s")], "https://a.test/p?a=1&key=s", id="before-credentials"),
    pytest.param("https://a.test", "", [("key", "s")], "https://a.test/p?key=s", id="empty"),
])
def test_build_url_puts_the_query_string_before_the_pairs(server: str, text: str, pairs: list[tuple[str, str]],
                                                          expected: str) -> None:
    assert build_url(server, "/p", pairs, text) == expected


def test_quote_query_text_is_idempotent_on_a_query() -> None:
    once = quote_query_text("a=b c&d=é#")
    assert quote_query_text(once) == once == "a=b%20c&d=%C3%A9%23"

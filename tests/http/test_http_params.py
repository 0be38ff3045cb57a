"""Parameter serialization, pinned to the OpenAPI Style Examples table and the encoding decisions."""

from __future__ import annotations

from typing import Any

import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http.params import (
    ParameterSpec,
    SerializedParameters,
    format_cookie_header,
    serialize_parameters,
)

VALUES: dict[str, Any] = {
    "undefined": None,
    "string": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"R": 100, "G": 200, "B": 150},
}
NA = None

# The "Style Examples" table for a parameter named `color`, as corrected in OpenAPI 3.1.1 / 3.0.4 (3.1.0
# printed dots for label without explode, a raw `|` for pipeDelimited and raw brackets for deepObject). Query
# and cookie cells are written without the table's leading `?`. n/a cells are left out here, pinned below.
STYLE_TABLE: list[tuple[str, bool, str | None, str | None, str | None, str | None]] = [
    # style, explode, undefined, string, array, object
    ("matrix", False, ";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"),
    ("matrix", True, ";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"),
    ("label", False, ".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"),
    ("label", True, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"),
    ("simple", False, "", "blue", "blue,black,brown", "R,100,G,200,B,150"),
    ("simple", True, "", "blue", "blue,black,brown", "R=100,G=200,B=150"),
    ("form", False, "color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"),
    ("form", True, "color=", "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"),
    ("spaceDelimited", False, NA, NA, "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, NA, NA, "color=blue%7Cblack%7Cbrown", "color=R%7C100%7CG%7C200%7CB%7C150"),
    ("deepObject", True, NA, NA, NA, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
]
LOCATIONS = {
    "matrix": ("path",),
    "label": ("path",),
    "simple": ("path", "header"),
    "form": ("query", "cookie"),
    "spaceDelimited": ("query",),
    "pipeDelimited": ("query",),
    "deepObject": ("query",),
}


def _cells() -> list[Any]:
    cases = []
    for style, explode, *cells in STYLE_TABLE:
        for kind, expected in zip(VALUES, cells, strict=True):
            if expected is None:
                continue
            for location in LOCATIONS[style]:
                case_id = f"{style}-explode={str(explode).lower()}-{kind}-{location}"
                cases.append(pytest.param(style, explode, kind, location, expected, id=case_id))
    return cases


def _serialize(spec: ParameterSpec, value: Any) -> SerializedParameters:
    return serialize_parameters([(spec, value)])


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, _, value in (pair.partition("=") for pair in text.split("&")))


@pytest.mark.parametrize(("style", "explode", "kind", "location", "expected"), _cells())
def test_style_examples_table(style: str, explode: bool, kind: str, location: Any, expected: str) -> None:
    result = _serialize(ParameterSpec("color", location, style, explode), VALUES[kind])
    if location == "path":
        assert result.path == {"color": expected}
    elif location == "header":
        assert result.headers == (("color", expected),)
    elif location == "query":
        assert result.query == _pairs(expected)
    else:
        assert result.cookies == _pairs(expected)


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"),
    [
        pytest.param("spaceDelimited", False, "blue", "color=blue", id="space-primitive-as-form"),
        pytest.param("pipeDelimited", False, "blue", "color=blue", id="pipe-primitive-as-form"),
        pytest.param("spaceDelimited", True, ["a", "b"], "color=a&color=b", id="space-exploded-as-form"),
        pytest.param("pipeDelimited", True, ["a", "b"], "color=a&color=b", id="pipe-exploded-as-form"),
        pytest.param("deepObject", True, "blue", "color=blue", id="deep-primitive-as-form"),
        pytest.param("deepObject", True, ["a", "b"], "color=a&color=b", id="deep-array-as-form"),
        pytest.param("deepObject", False, {"R": 1}, "color%5BR%5D=1", id="deep-ignores-explode"),
        pytest.param(
            "deepObject",
            True,
            {"a": {"b": 1}, "t": ["x", "y"]},
            "color%5Ba%5D%5Bb%5D=1&color%5Bt%5D=x&color%5Bt%5D=y",
            id="deep-nested-and-arrays",
        ),
    ],
)
def test_not_applicable_cells_are_written_leniently(
    style: str, explode: bool, value: Any, expected: str
) -> None:
    assert _serialize(ParameterSpec("color", "query", style, explode), value).query == _pairs(expected)


@pytest.mark.parametrize(
    ("location", "value", "expected"),
    [
        ("query", ["a", "b"], ("query", (("p", "a"), ("p", "b")))),
        ("cookie", {"x": 1}, ("cookies", (("x", "1"),))),
        ("path", ["a", "b"], ("path", {"p": "a,b"})),
        ("header", {"x": 1}, ("headers", (("p", "x,1"),))),
    ],
)
def test_defaults_are_form_exploded_for_query_and_cookie_and_simple_otherwise(
    location: Any, value: Any, expected: tuple[str, Any]
) -> None:
    result = _serialize(ParameterSpec("p", location), value)
    assert getattr(result, expected[0]) == expected[1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "true"), (False, "false"), (None, ""), (0, "0"), (1.5, "1.5"), ([True, None], "true,")],
)
def test_booleans_and_null_use_json_spellings(value: Any, expected: str) -> None:
    assert _serialize(ParameterSpec("p", "header"), value).headers == (("p", expected),)


def test_nested_containers_are_written_as_json_text() -> None:
    result = _serialize(ParameterSpec("p", "header"), [{"a": 1}, [2]])
    assert result.headers == (("p", '{"a":1},[2]'),)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a/b c", "a%2Fb%20c"),
        ("-._~", "-._~"),
        ("?#[]@!$&'()*+,;=:", "%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%3A"),
        ("€ü", "%E2%82%AC%C3%BC"),
        ("100%", "100%25"),
    ],
)
def test_path_values_keep_only_unreserved_characters(value: str, expected: str) -> None:
    spec = ParameterSpec("id", "path", allow_reserved=True)  # allowReserved never applies to paths
    assert _serialize(spec, value).path == {"id": expected}


def test_path_style_delimiters_stay_literal_while_values_are_encoded() -> None:
    result = _serialize(ParameterSpec("c", "path", "matrix", True), {"a b": "x,y"})
    assert result.path == {"c": ";a%20b=x%2Cy"}


@pytest.mark.parametrize(
    ("allow_reserved", "value", "expected"),
    [
        (False, "a/b:c?d", "a%2Fb%3Ac%3Fd"),
        (False, "x&y=z+w#v", "x%26y%3Dz%2Bw%23v"),
        (False, "%2F", "%252F"),
        (False, "a b", "a%20b"),
        (True, "a/b:c?d@e!$'()*,;", "a/b:c?d@e!$'()*,;"),
        (True, "x&y=z+w#v[0]", "x%26y%3Dz%2Bw%23v%5B0%5D"),
        (True, "%2F and 100%", "%2F%20and%20100%25"),
        (True, "ü", "%C3%BC"),
    ],
)
def test_query_values_are_percent_encoded_and_allow_reserved_keeps_reserved(
    allow_reserved: bool, value: str, expected: str
) -> None:
    spec = ParameterSpec("q", "query", allow_reserved=allow_reserved)
    assert _serialize(spec, value).query == (("q", expected),)


def test_query_names_are_always_strictly_encoded() -> None:
    spec = ParameterSpec("a b/c", "query", allow_reserved=True)
    assert _serialize(spec, "v").query == (("a%20b%2Fc", "v"),)


def test_form_array_items_encode_their_own_commas() -> None:
    spec = ParameterSpec("q", "query", "form", False)
    assert _serialize(spec, ["a,b", "c"]).query == (("q", "a%2Cb,c"),)


def test_cookie_values_are_encoded_and_join_into_a_cookie_header() -> None:
    result = serialize_parameters(
        [
            (ParameterSpec("session", "cookie"), "a b;c"),
            (ParameterSpec("ids", "cookie", explode=False), [1, 2]),
        ]
    )
    assert result.cookies == (("session", "a%20b%3Bc"), ("ids", "1,2"))
    assert format_cookie_header(result.cookies) == "session=a%20b%3Bc; ids=1,2"


def test_header_values_are_plain_text() -> None:
    result = _serialize(ParameterSpec("X-Note", "header"), "a b/c?d")
    assert result.headers == (("X-Note", "a b/c?d"),)


@pytest.mark.parametrize(
    ("location", "attribute", "expected"),
    [
        ("query", "query", (("coords", "%7B%22lat%22%3A1.5%2C%22tags%22%3A%5B%22a%22%5D%7D"),)),
        ("header", "headers", (("coords", '{"lat":1.5,"tags":["a"]}'),)),
        ("path", "path", {"coords": "%7B%22lat%22%3A1.5%2C%22tags%22%3A%5B%22a%22%5D%7D"}),
        ("cookie", "cookies", (("coords", "%7B%22lat%22%3A1.5%2C%22tags%22%3A%5B%22a%22%5D%7D"),)),
    ],
)
def test_content_parameters_with_a_json_media_type_are_json_text(
    location: Any, attribute: str, expected: Any
) -> None:
    spec = ParameterSpec("coords", location, content_type="application/json")
    result = _serialize(spec, {"lat": 1.5, "tags": ["a"]})
    assert getattr(result, attribute) == expected


def test_content_parameters_with_a_text_media_type_send_strings_as_is() -> None:
    spec = ParameterSpec("note", "header", content_type="text/plain")
    assert _serialize(spec, "hello, world").headers == (("note", "hello, world"),)
    assert _serialize(spec, "5").headers == (("note", "5"),)


def test_json_content_parameter_quotes_a_string_value() -> None:
    spec = ParameterSpec("s", "header", content_type="application/vnd.api+json")
    assert _serialize(spec, "5").headers == (("s", '"5"'),)


def test_parameters_keep_their_order_and_group_by_location() -> None:
    result = serialize_parameters(
        [
            (ParameterSpec("b", "query"), 2),
            (ParameterSpec("id", "path"), 7),
            (ParameterSpec("a", "query"), 1),
            (ParameterSpec("X-A", "header"), "h"),
        ]
    )
    assert result.query == (("b", "2"), ("a", "1"))
    assert result.path == {"id": "7"}
    assert result.headers == (("X-A", "h"),)
    assert result.cookies == ()


def test_unknown_style_is_an_error_naming_the_parameter() -> None:
    with pytest.raises(ExecutionError) as caught:
        _serialize(ParameterSpec("color", "query", "tabDelimited"), ["a"])
    assert str(caught.value) == (
        "parameter 'color': unknown style 'tabDelimited' (known styles: matrix, label, simple, form, "
        "spaceDelimited, pipeDelimited, deepObject)"
    )


@pytest.mark.parametrize(
    ("location", "style", "allowed"),
    [
        ("query", "matrix", "path"),
        ("header", "form", "cookie, query"),
        ("path", "deepObject", "query"),
        ("cookie", "simple", "header, path"),
    ],
)
def test_style_outside_its_locations_is_an_error(location: Any, style: str, allowed: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        _serialize(ParameterSpec("p", location, style), "v")
    assert (
        str(caught.value)
        == f"parameter 'p': style '{style}' is not allowed in {location} (allowed in: {allowed})"
    )


def test_unknown_location_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        _serialize(ParameterSpec("p", "body"), "v")  # type: ignore[arg-type]
    assert (
        str(caught.value) == "parameter 'p': unknown location 'body' (expected path, query, header or cookie)"
    )


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\x00b"])
def test_header_value_with_a_line_break_is_an_error(value: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        _serialize(ParameterSpec("X-Note", "header"), value)
    assert str(caught.value) == "header parameter 'X-Note' contains a line break or NUL character"


def test_spec_defaults_are_exposed() -> None:
    assert ParameterSpec("p", "query").effective_style == "form"
    assert ParameterSpec("p", "query").effective_explode is True
    assert ParameterSpec("p", "cookie").effective_explode is True
    assert ParameterSpec("p", "path").effective_style == "simple"
    assert ParameterSpec("p", "header").effective_explode is False
    assert ParameterSpec("p", "query", "pipeDelimited").effective_explode is False
    assert ParameterSpec("p", "query", "form", False).effective_explode is False

"""Request body encoding and response decoding, one media type family at a time."""

from __future__ import annotations

import email.parser
import email.policy
import json
from typing import Any

import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http.bodies import decode_body, decode_body_with_note, encode_body, media_kind


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("application/json", "json"),
        ("Application/JSON; charset=utf-8", "json"),
        ("application/problem+json", "json"),
        ("application/vnd.api+json", "json"),
        ("application/x-www-form-urlencoded", "form"),
        ("multipart/form-data; boundary=x", "multipart"),
        ("application/xml", "xml"),
        ("text/xml", "xml"),
        ("application/atom+xml", "xml"),
        ("text/plain", "text"),
        ("text/csv; charset=latin-1", "text"),
        ("application/octet-stream", "binary"),
        ("image/png", "other"),
        (None, "other"),
    ],
)
def test_media_kind_dispatches_on_the_media_type_essence(content_type: str | None, kind: str) -> None:
    assert media_kind(content_type) == kind


@pytest.mark.parametrize("content_type", ["application/json", "application/problem+json"])
@pytest.mark.parametrize("payload", [{"a": [1, 2.5, None, True], "ü": "€"}, [1, "x"], "just text", 3, None])
def test_json_round_trip(content_type: str, payload: Any) -> None:
    body, header = encode_body(payload if not isinstance(payload, str) else json.dumps(payload), content_type)
    assert header == content_type
    assert decode_body(body, content_type) == payload


def test_json_is_compact_utf8() -> None:
    assert encode_body({"a": "é", "b": [1, 2]}, "application/json") == (
        '{"a":"é","b":[1,2]}'.encode(),
        "application/json",
    )


def test_json_string_payload_is_sent_as_ready_json_text() -> None:
    text = '{\n  "petId": "42"\n}'
    assert encode_body(text, "application/json") == (text.encode(), "application/json")
    assert encode_body(b'{"x":1}', "application/json")[0] == b'{"x":1}'


def test_json_payload_that_json_cannot_hold_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        encode_body({"x": float("nan")}, "application/json")
    assert str(caught.value).startswith("value cannot be written as JSON: Out of range float values")
    with pytest.raises(ExecutionError) as caught:
        encode_body({"x": object()}, "application/json")
    assert str(caught.value) == "value cannot be written as JSON: object is not JSON serializable"


def test_invalid_json_response_gives_the_text_and_a_note() -> None:
    value, note = decode_body_with_note(b"<html>oops</html>", "application/json")
    assert value == "<html>oops</html>"
    assert (
        note == "response declared application/json but is not valid JSON: Expecting value at line 1 column 1"
    )
    assert decode_body(b"<html>oops</html>", "application/json") == "<html>oops</html>"


def test_invalid_json_note_points_at_the_problem() -> None:
    _, note = decode_body_with_note(b'{"a": 1,\n "b": }', "application/problem+json")
    assert note == (
        "response declared application/problem+json but is not valid JSON: Expecting value at line 2 column 7"
    )


def test_json_response_honours_a_declared_charset() -> None:
    body = '{"name": "café"}'.encode("latin-1")
    assert decode_body(body, "application/json; charset=latin-1") == {"name": "café"}


UNDECODABLE = [
    pytest.param(b'{"a": "caf\xc3\xa9"}', "application/json; charset=idna", "it cannot be decoded as text",
                 id="json-idna"),
    pytest.param(b"caf\xc3\xa9", "text/plain; charset=idna", "charset 'idna' cannot decode the body", id="text-idna"),
    pytest.param(b"abc", "text/plain; charset=undefined", "charset 'undefined' cannot decode the body",
                 id="text-undefined"),
    pytest.param(b'"\xc3\xa9"', "application/json; charset=punycode", "it cannot be decoded as text",
                 id="json-punycode"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", "it nests too deeply to decode",
                 id="json-100000-deep"),
    pytest.param(b'{"n": ' + b"7" * 5000 + b"}", "application/json", "a number is longer than this engine reads",
                 id="json-5000-digits"),
]


@pytest.mark.parametrize(("content", "content_type", "note"), UNDECODABLE)
def test_a_body_that_cannot_be_decoded_is_text_with_a_note(content: bytes, content_type: str, note: str) -> None:
    body, found = decode_body_with_note(content, content_type)

    assert isinstance(body, str)
    assert found is not None and note in found


def test_valid_json_has_no_note() -> None:
    assert decode_body_with_note(b'{"ok":true}', "application/json") == ({"ok": True}, None)


FORM = "application/x-www-form-urlencoded"


def test_form_object_becomes_pairs_with_repeated_keys_and_json_objects() -> None:
    payload = {"name": "a b&c", "tags": ["x", "y"], "meta": {"k": 1}, "on": True, "none": None, "n": 2}
    body, header = encode_body(payload, FORM)
    assert header == FORM
    assert body == b"name=a+b%26c&tags=x&tags=y&meta=%7B%22k%22%3A1%7D&on=true&none=&n=2"
    assert decode_body(body, FORM) == {
        "name": "a b&c",
        "tags": ["x", "y"],
        "meta": '{"k":1}',
        "on": "true",
        "none": "",
        "n": "2",
    }


def test_form_string_payload_is_sent_as_is() -> None:
    assert encode_body("a=1&b=2", FORM) == (b"a=1&b=2", FORM)


def test_form_decode_collects_three_repeats_into_one_list() -> None:
    assert decode_body(b"a=1&a=2&a=3&b=", FORM) == {"a": ["1", "2", "3"], "b": ""}


def test_form_payload_that_is_not_an_object_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        encode_body([1, 2], FORM)
    assert str(caught.value) == (
        "an application/x-www-form-urlencoded body needs an object or a string payload, not list"
    )


def _parts(body: bytes, header: str) -> list[Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {header}\r\n\r\n".encode() + body
    )
    return list(message.iter_parts())


def test_multipart_object_becomes_parts_with_the_boundary_in_the_header() -> None:
    payload = {
        "title": "Hello ü",
        "count": 3,
        "flag": False,
        "photo": b"\x89PNG\x00\x01",
        "meta": {"a": 1},
        "tags": ["x", "y"],
        "items": [{"k": 1}, b"\x00"],
    }
    body, header = encode_body(payload, "multipart/form-data", boundary="b0und4ry")
    assert header == "multipart/form-data; boundary=b0und4ry"
    parts = _parts(body, header)
    summary = [
        (
            p.get_param("name", header="content-disposition"),
            p.get_filename(),
            p.get_content_type(),
            p.get_payload(decode=True),
        )
        for p in parts
    ]
    assert summary == [
        ("title", None, "text/plain", "Hello ü".encode()),
        ("count", None, "text/plain", b"3"),
        ("flag", None, "text/plain", b"false"),
        ("photo", "photo", "application/octet-stream", b"\x89PNG\x00\x01"),
        ("meta", None, "application/json", b'{"a":1}'),
        ("tags", None, "text/plain", b"x"),
        ("tags", None, "text/plain", b"y"),
        ("items", None, "application/json", b'{"k":1}'),
        ("items", "items", "application/octet-stream", b"\x00"),
    ]


def test_multipart_boundary_is_random_when_not_given_and_kept_when_declared() -> None:
    _, first = encode_body({"a": "1"}, "multipart/form-data")
    _, second = encode_body({"a": "1"}, "multipart/form-data")
    assert first != second and first.startswith("multipart/form-data; boundary=")
    body, header = encode_body({"a": "1"}, 'multipart/form-data; boundary="given"')
    assert header == 'multipart/form-data; boundary="given"'
    assert body.startswith(b"--given\r\n") and body.endswith(b"--given--\r\n")


def test_multipart_field_names_escape_quotes_and_line_breaks() -> None:
    body, _ = encode_body({'a"b\r\nc': "v"}, "multipart/form-data", boundary="x")
    assert b'name="a%22b%0D%0Ac"' in body


def test_multipart_payload_errors() -> None:
    with pytest.raises(ExecutionError) as caught:
        encode_body([1], "multipart/form-data")
    assert str(caught.value) == "a multipart/form-data body needs an object payload, not list"
    with pytest.raises(ExecutionError) as caught:
        encode_body("--x\r\n", "multipart/form-data")
    assert str(caught.value) == "a ready-made multipart payload needs a boundary in its Content-Type"
    assert encode_body("--x--\r\n", "multipart/form-data; boundary=x") == (
        b"--x--\r\n",
        "multipart/form-data; boundary=x",
    )


def test_multipart_response_is_left_as_bytes() -> None:
    assert decode_body(b"--x--\r\n", "multipart/form-data; boundary=x") == b"--x--\r\n"


@pytest.mark.parametrize(
    ("content_type", "text", "wire"),
    [
        ("text/plain", "héllo", "héllo".encode()),
        ("text/plain; charset=latin-1", "héllo", "héllo".encode("latin-1")),
        ("text/csv", "a,b\n1,2", b"a,b\n1,2"),
        ("application/xml", "<a>é</a>", "<a>é</a>".encode()),
        ("text/xml; charset=iso-8859-1", "<a>é</a>", "<a>é</a>".encode("latin-1")),
        ("application/soap+xml", "<e/>", b"<e/>"),
    ],
)
def test_text_and_xml_round_trip_in_their_charset(content_type: str, text: str, wire: bytes) -> None:
    assert encode_body(text, content_type) == (wire, content_type)
    assert decode_body(wire, content_type) == text


def test_text_payload_that_is_not_a_string_is_json_text() -> None:
    assert encode_body({"a": 1}, "text/plain")[0] == b'{"a":1}'
    assert encode_body(5, "text/plain")[0] == b"5"


def test_text_response_replaces_undecodable_bytes() -> None:
    assert decode_body(b"ok \xff", "text/plain") == "ok \ufffd"


def test_text_that_the_charset_cannot_hold_is_an_error() -> None:
    with pytest.raises(ExecutionError) as caught:
        encode_body("€", "text/plain; charset=latin-1")
    assert str(caught.value) == "request body cannot be encoded as latin-1: ordinal not in range(256)"


def test_unknown_charset() -> None:
    with pytest.raises(ExecutionError) as caught:
        encode_body("x", "text/plain; charset=nope")
    assert str(caught.value) == "request Content-Type 'text/plain; charset=nope' names an unknown charset"
    assert decode_body_with_note(b"x", "text/plain; charset=nope") == (
        "x",
        "unknown charset 'nope'; decoded as utf-8",
    )


@pytest.mark.parametrize("content_type", ["application/xml", "text/xml", "application/rss+xml"])
def test_xml_body_needs_a_string(content_type: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        encode_body({"a": 1}, content_type)
    assert str(caught.value) == f"an XML body ({content_type}) needs a string payload, not dict"


def test_octet_stream_takes_bytes_or_a_string() -> None:
    assert encode_body(b"\x00\x01", "application/octet-stream") == (b"\x00\x01", "application/octet-stream")
    assert encode_body(bytearray(b"\x02"), "application/octet-stream")[0] == b"\x02"
    assert encode_body("é", "application/octet-stream")[0] == "é".encode()
    assert decode_body(b"\x00\x01", "application/octet-stream") == b"\x00\x01"
    with pytest.raises(ExecutionError) as caught:
        encode_body({"a": 1}, "application/octet-stream")
    assert str(caught.value) == "an application/octet-stream body needs bytes or a string payload, not dict"


def test_unknown_media_types_send_str_and_bytes_as_is_and_json_otherwise() -> None:
    assert encode_body(b"\x89PNG", "image/png") == (b"\x89PNG", "image/png")
    assert encode_body("raw", "application/x-custom") == (b"raw", "application/x-custom")
    assert encode_body({"a": 1}, "application/x-custom") == (b'{"a":1}', "application/x-custom")
    assert decode_body(b"\x89PNG", "image/png") == b"\x89PNG"


def test_response_without_content_type_is_bytes() -> None:
    assert decode_body(b'{"a":1}', None) == b'{"a":1}'


@pytest.mark.parametrize(
    "content_type", ["application/json", FORM, "text/plain", "application/xml", "image/png", None]
)
def test_empty_body_decodes_to_none(content_type: str | None) -> None:
    assert decode_body_with_note(b"", content_type) == (None, None)

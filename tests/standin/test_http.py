"""The small HTTP layer: Basic credentials in both documented forms and request parsing."""

from __future__ import annotations

import base64
import gzip

import pytest
from mixpanel_standin.http import Request, parse_basic_auth


def encoded(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(encoded("user:secret"), ("user", "secret"), id="base64"),
        pytest.param("Basic user:secret", ("user", "secret"), id="plain-text"),
        pytest.param(encoded("token:"), ("token", ""), id="empty-password"),
        pytest.param("basic " + base64.b64encode(b"u:p:q").decode(), ("u", "p:q"), id="colon-in-secret"),
        pytest.param(None, None, id="absent"),
        pytest.param("Bearer abc", None, id="bearer"),
        pytest.param("Basic ", None, id="empty"),
        pytest.param(encoded("no-colon"), None, id="no-colon"),
    ],
)
def test_parse_basic_auth(header: str | None, expected: tuple[str, str] | None) -> None:
    assert parse_basic_auth(header) == expected


def test_query_keeps_blank_values_apart_from_absent_ones() -> None:
    request = Request("GET", "/x", raw_query="on=&event=A")
    assert request.param("on") == ""
    assert request.param("where") is None
    assert request.target == "/x?on=&event=A"


def test_form_only_for_urlencoded_bodies() -> None:
    form = Request("POST", "/x", headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
                   body=b"data=%7B%7D&verbose=1")
    assert form.form() == {"data": "{}", "verbose": "1"}
    assert Request("POST", "/x", headers={"content-type": "application/json"}, body=b"data=1").form() == {}


def test_gzip_bodies_are_decoded_and_bad_gzip_is_reported() -> None:
    good = Request("POST", "/x", headers={"content-encoding": "gzip"}, body=gzip.compress(b"[]"))
    assert good.decoded_body() == b"[]"
    with pytest.raises(ValueError, match="body is not valid gzip"):
        Request("POST", "/x", headers={"content-encoding": "gzip"}, body=b"plain").decoded_body()

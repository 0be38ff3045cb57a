"""Masking: the one helper every writer masks with."""

from __future__ import annotations

import json

import pytest

from arazzo_runner.events import HttpMessage
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import Masking

SECRET = 'k3y/"s3cr3t\\+=&x'


@pytest.fixture
def mask() -> Masking:
    return Masking(Redactor([SECRET]))


def test_credential_headers_are_masked_whatever_the_redactor_knows() -> None:
    headers = [("Authorization", "Basic abc"), ("proxy-authorization", "x"), ("Cookie", "a=b"),
               ("SET-COOKIE", "s=1"), ("X-Other", "visible")]

    assert Masking(Redactor()).headers(headers) == [("Authorization", "***"), ("proxy-authorization", "***"),
                                                    ("Cookie", "***"), ("SET-COOKIE", "***"), ("X-Other", "visible")]


@pytest.mark.parametrize(("url", "shown"), [
    ("https://api.test/a?apiKey=k3y%2F%22s3cr3t%5C%2B%3D%26x&q=1", "https://api.test/a?apiKey=***&q=1"),
    # "/" left as it is, "+" for the space-less quote_plus form: spellings the redactor does not derive
    ("https://api.test/a?apiKey=k3y/%22s3cr3t%5c%2b%3d%26x", "https://api.test/a?apiKey=***"),
    ("https://api.test/keys/k3y%2F%22s3cr3t%5C%2B%3D%26x/info", "https://api.test/keys/***/info"),
    ("https://user:pw@api.test/a", "https://***@api.test/a"),
    ("https://api.test/a?plain=yes", "https://api.test/a?plain=yes"),
])
def test_urls_are_masked_part_by_part_after_decoding(mask: Masking, url: str, shown: str) -> None:
    assert mask.url(url) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ("see https://api.test/next?key=k3y/%22s3cr3t%5c%2b%3d%26x&page=2 for more",
     "see https://api.test/next?key=***&page=2 for more"),
    ('{"next": "/a?k=k3y%2F%22s3cr3t%5C%2B%3D%26x"}', '{"next": "/a?k=***"}'),
    ("100% sure, 50%25 off", "100% sure, 50%25 off"),
])
def test_percent_encoded_secrets_in_free_text_are_masked_in_any_spelling(mask: Masking, text: str,
                                                                        shown: str) -> None:
    assert mask.text(text) == shown


def test_query_parameters_are_decoded_then_masked(mask: Masking) -> None:
    assert mask.query("https://api.test/a?apiKey=k3y/%22s3cr3t%5c%2b%3d%26x&q=a+b") == [("apiKey", "***"),
                                                                                      ("q", "a b")]


@pytest.mark.parametrize(("text", "shown"), [
    ('HTTP 401: {"token": "xxk3y/"', 'HTTP 401: {"token": "xx***'),  # cut at the end of a message
    ("'k3y/\"s3cr...' == 'a'", "'***...' == 'a'"),  # a value cut by the condition explainer
    ("ends in k3y", "ends in k3y"),  # three characters are not enough to tell
    ("nothing to hide", "nothing to hide"),
])
def test_the_start_of_a_secret_left_by_a_cut_is_masked(mask: Masking, text: str, shown: str) -> None:
    assert mask.text(text) == shown


def test_values_are_masked_all_the_way_down(mask: Masking) -> None:
    numeric = Masking(Redactor(["424242"]))

    assert mask.value({"a": [SECRET, {"b": f"x{SECRET}"}], SECRET: (1, None, True)}) == {
        "a": ["***", {"b": "x***"}], "***": [1, None, True]}
    assert numeric.value({"pin": 424242, "other": 7}) == {"pin": "***", "other": 7}


def test_bodies_are_masked_as_bytes_and_as_text(mask: Masking) -> None:
    body = mask.body(HttpMessage(body=f'{{"echo": "{SECRET}"}}'.encode(), body_size=27,
                                 content_type="application/json"))

    assert (body.text, body.encoding) == ('{"echo": "***"}', None)


def test_a_secret_escaped_twice_in_nested_json_is_masked(mask: Masking) -> None:
    nested = json.dumps({"inner": json.dumps({"key": SECRET})})

    assert mask.text(nested) == '{"inner": "{\\"key\\": \\"***\\"}"}'


def test_a_body_that_is_not_text_is_base64(mask: Masking) -> None:
    body = mask.body(HttpMessage(body=b"\x00\xff\xfe", body_size=3, content_type=None))

    assert (body.text, body.encoding) == ("AP/+", "base64")


def test_an_excerpt_is_cut_after_masking_and_tells_the_whole_size(mask: Masking) -> None:
    data = ("a" * 8 + SECRET + "b" * 20).encode()

    excerpt = mask.excerpt(HttpMessage(body=data, body_size=len(data), content_type="text/plain"), limit=12)

    assert excerpt == f"aaaaaaaa***b... ({len(data)} bytes)"


def test_tokens_obtained_during_a_run_are_masked_too() -> None:
    from arazzo_runner.events import CredentialObtained, RunResult
    from arazzo_runner.reports import Recorder

    recorder = Recorder()
    recorder(CredentialObtained("flow", "login", "fresh-token-123"))
    record = recorder.record("a.yaml", "flow", "", {}, RunResult("flow", "succeeded", {}, ()))

    assert Masking(Redactor(), [record]).text("Bearer fresh-token-123") == "Bearer ***"

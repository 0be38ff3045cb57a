"""The one redactor: every form a secret takes on its way out is masked."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

import pytest

from arazzo_runner.redaction import Redactor, secret_fields

SECRET = 'p@ss "w/rd"\\ +1'
PAIR = f"client-7:{SECRET}"

FORMS = [
    pytest.param(SECRET, id="plain"),
    pytest.param(quote(SECRET, safe=""), id="percent-encoded"),
    pytest.param(quote_plus(SECRET), id="form-encoded"),
    pytest.param(json.dumps(SECRET)[1:-1], id="json-escaped"),
    pytest.param(base64.b64encode(PAIR.encode()).decode(), id="basic-auth-base64"),
    pytest.param(base64.b64encode(f"client-7:{quote_plus(SECRET)}".encode()).decode(), id="oauth2-client-basic"),
    pytest.param(PAIR, id="whole-pair"),
]


@pytest.mark.parametrize("form", FORMS)
def test_every_form_of_a_pair_secret_is_masked(form: str) -> None:
    assert Redactor([PAIR])(f"before {form} after") == "before *** after"


def test_a_longer_secret_containing_a_shorter_one_is_masked_whole() -> None:
    assert Redactor(["", "abc", "abcdef"])("abcdef") == "***"


def test_nothing_to_mask_leaves_the_text_alone() -> None:
    assert Redactor([])("nothing here") == "nothing here"


def test_adding_returns_a_new_redactor_and_leaves_the_old_one_unchanged() -> None:
    first = Redactor(["one"])
    second = first.adding("token-2")

    assert first("one token-2") == "*** token-2"
    assert second("one token-2") == "*** ***"
    assert first.adding("one") is first


def test_repr_shows_no_secret() -> None:
    assert repr(Redactor([PAIR])) == "Redactor(1 secret(s))"


SECRET_FIELDS = [
    pytest.param({"access_token": "tok-1", "token_type": "bearer", "expires_in": 3600}, ["tok-1"], id="oauth-reply"),
    pytest.param({"data": {"user": {"refreshToken": "rt-2", "name": "Ann"}}}, ["rt-2"], id="nested-camel-case"),
    pytest.param([{"client_secret": "cs-3"}, {"new-password": "pw-4"}], ["pw-4", "cs-3"], id="in-an-array"),
    pytest.param({"X_API_KEY": "key-5", "id_token": "jwt-6", "session_id": "sess-7"}, ["key-5", "jwt-6", "sess-7"],
                 id="upper-and-other-spellings"),
    pytest.param({"password": "ab", "token": 42, "secret": None}, [], id="short-or-non-text-values-are-not-learned"),
    pytest.param({"tokenType": "bearer", "passwords_changed": "yes"}, [], id="names-that-only-start-alike"),
    pytest.param("access_token=abc", [], id="not-a-decoded-object"),
]


@pytest.mark.parametrize(("body", "secrets"), SECRET_FIELDS)
def test_secret_named_fields_of_a_body_are_found(body: object, secrets: list[str]) -> None:
    assert sorted(secret_fields(body)) == sorted(secrets)


def test_a_huge_body_is_searched_only_so_far() -> None:
    body = [{"n": i} for i in range(100_000)] + [{"access_token": "far-away"}]

    assert secret_fields(body) == []


MASK_TEXT = "***"
CUTS = [
    pytest.param(f"body: {SECRET[:6]}", f"body: {MASK_TEXT}", id="at-the-end"),
    pytest.param(f"a {SECRET[:5]}... b", f"a {MASK_TEXT}... b", id="before-an-ellipsis"),
    pytest.param(f"a {SECRET[:5]}\u2026", f"a {MASK_TEXT}\u2026", id="before-a-unicode-ellipsis"),
    pytest.param(f"{SECRET[:4]}...{SECRET[:7]}...", f"{MASK_TEXT}...{MASK_TEXT}...", id="two-cuts"),
    pytest.param(f"a {SECRET[:3]}...", f"a {SECRET[:3]}...", id="too-short-to-tell"),
    pytest.param(f"a {SECRET[:5]} b", f"a {SECRET[:5]} b", id="not-at-a-cut"),
]


@pytest.mark.parametrize(("text", "masked"), CUTS)
def test_the_start_of_a_secret_left_at_a_cut_is_masked(text: str, masked: str) -> None:
    assert Redactor([SECRET])(text) == masked


@pytest.mark.parametrize("flood", [
    pytest.param("..." * 1_000_000, id="ellipses"),
    pytest.param("a%41 " * 600_000, id="percent-escapes"),
    pytest.param(f"{SECRET[:6]}..." * 200_000, id="starts-of-the-secret-at-cuts"),
])
def test_a_flood_a_server_chose_is_masked_in_time_that_grows_with_it(flood: str) -> None:
    # A hang guard, not a speed test: these took minutes when every ellipsis and every escaped run cost a loop.
    import time

    started = time.monotonic()
    masked = Redactor([SECRET, PAIR])(flood)
    assert time.monotonic() - started < 10
    assert SECRET[:6] not in masked


EVERY_BYTE_ESCAPED = "".join(f"%{byte:02x}" for byte in SECRET.encode())


@pytest.mark.parametrize("offset", [0, 65_536 - 20, 65_536 - 1, 65_536, 3 * 65_536 - 7])
def test_a_secret_escaped_in_an_unusual_way_is_masked_wherever_it_falls_in_a_large_text(offset: int) -> None:
    filler = "a%20b " * (5 * 65_536 // 6)
    text = filler[:offset] + " " + EVERY_BYTE_ESCAPED + " " + filler[offset:]

    masked = Redactor([SECRET])(text)

    assert EVERY_BYTE_ESCAPED not in masked
    assert masked == filler[:offset] + " *** " + filler[offset:]

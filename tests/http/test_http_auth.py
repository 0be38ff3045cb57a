"""Security schemes, credential lookup, auth planning and secret hygiene."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http.auth import (
    AuthPlan,
    CredentialStore,
    SecurityScheme,
    credential_env_var,
    plan_auth,
)

COMPONENTS: dict[str, dict[str, Any]] = {
    "headerKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "queryKey": {"type": "apiKey", "in": "query", "name": "api key"},
    "cookieKey": {"type": "apiKey", "in": "cookie", "name": "session"},
    "basic": {"type": "http", "scheme": "Basic"},
    "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "digest": {"type": "http", "scheme": "digest"},
    "cc": {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {"tokenUrl": "https://auth.test/token", "scopes": {"read": "", "write": ""}},
            "implicit": {"authorizationUrl": "https://auth.test/authorize", "scopes": {}},
        },
    },
    "implicit": {
        "type": "oauth2",
        "flows": {"implicit": {"authorizationUrl": "https://a.test", "scopes": {}}},
    },
    "oidc": {
        "type": "openIdConnect",
        "openIdConnectUrl": "https://auth.test/.well-known/openid-configuration",
    },
    "mtls": {"type": "mutualTLS"},
    "keyWithoutName": {"type": "apiKey", "in": "header"},
}
SCHEMES = {name: SecurityScheme.from_openapi(name, obj) for name, obj in COMPONENTS.items()}
SECRET = "s3cr3t-Value"


class RecordingProvider:
    """A token provider that records its calls and hands out numbered tokens."""

    def __init__(self) -> None:
        self.calls: list[tuple[SecurityScheme, str, str]] = []

    def __call__(self, scheme: SecurityScheme, client_id: str, client_secret: str) -> str:
        self.calls.append((scheme, client_id, client_secret))
        return f"token-{len(self.calls)}"


def _plan(
    requirements: Sequence[Mapping[str, Sequence[str]]],
    explicit: Mapping[str, str],
    provider: RecordingProvider | None = None,
) -> AuthPlan:
    store = CredentialStore(explicit, environ={})
    return plan_auth("petstore", requirements, SCHEMES, store, provider or RecordingProvider())


def test_from_openapi_reads_every_field() -> None:
    assert SCHEMES["headerKey"] == SecurityScheme(
        "headerKey", "apiKey", location="header", parameter_name="X-API-Key"
    )
    assert SCHEMES["basic"].scheme == "basic"
    assert SCHEMES["cc"] == SecurityScheme(
        "cc", "oauth2", token_url="https://auth.test/token", scopes=("read", "write")
    )
    assert SCHEMES["implicit"].token_url is None
    assert SCHEMES["oidc"].type == "openIdConnect"


@pytest.mark.parametrize("obj", [{"in": "header"}, "apiKey", {"type": 3}])
def test_from_openapi_refuses_an_object_without_type(obj: Any) -> None:
    with pytest.raises(ExecutionError) as caught:
        SecurityScheme.from_openapi("broken", obj)
    assert str(caught.value) == "security scheme 'broken' is not an object with a 'type'"


@pytest.mark.parametrize(
    ("scheme", "value", "headers", "query", "cookies"),
    [
        pytest.param("headerKey", SECRET, (("X-API-Key", SECRET),), (), (), id="apiKey-header"),
        pytest.param("queryKey", "a&b c", (), (("api%20key", "a%26b%20c"),), (), id="apiKey-query-encoded"),
        pytest.param("cookieKey", SECRET, (), (), (("session", SECRET),), id="apiKey-cookie"),
        pytest.param(
            "basic",
            "alice:pa:ss",
            (("Authorization", "Basic " + base64.b64encode(b"alice:pa:ss").decode()),),
            (),
            (),
            id="http-basic",
        ),
        pytest.param("bearer", SECRET, (("Authorization", f"Bearer {SECRET}"),), (), (), id="http-bearer"),
        pytest.param(
            "implicit", "ready-token", (("Authorization", "Bearer ready-token"),), (), (), id="oauth2-token"
        ),
    ],
)
def test_each_scheme_puts_its_credential_in_its_place(
    scheme: str, value: str, headers: Any, query: Any, cookies: Any
) -> None:
    plan = _plan([{scheme: []}], {f"petstore.{scheme}": value})
    assert (plan.headers, plan.query, plan.cookies, plan.missing) == (headers, query, cookies, ())


def test_oauth2_client_credentials_uses_the_token_provider_with_the_requirement_scopes() -> None:
    provider = RecordingProvider()
    plan = _plan([{"cc": ["write"]}], {"petstore.cc": "client-1:sec:ret"}, provider)
    assert plan.headers == (("Authorization", "Bearer token-1"),)
    [(scheme, client_id, client_secret)] = provider.calls
    assert (scheme.token_url, scheme.scopes, client_id, client_secret) == (
        "https://auth.test/token",
        ("write",),
        "client-1",
        "sec:ret",
    )


@pytest.mark.parametrize(("scheme", "shape"), [("basic", "user:password"), ("cc", "client_id:client_secret")])
def test_pair_credentials_without_a_colon_are_an_error_that_hides_the_value(scheme: str, shape: str) -> None:
    with pytest.raises(ExecutionError) as caught:
        _plan([{scheme: []}], {f"petstore.{scheme}": SECRET})
    assert str(caught.value) == f"the credential for petstore.{scheme} must have the form {shape}"
    assert SECRET not in str(caught.value)


def test_a_requirement_with_several_schemes_needs_all_of_them() -> None:
    plan = _plan([{"headerKey": [], "queryKey": []}], {"petstore.headerKey": "h", "petstore.queryKey": "q"})
    assert plan.headers == (("X-API-Key", "h"),) and plan.query == (("api%20key", "q"),)


def test_alternatives_pick_the_first_satisfiable_requirement() -> None:
    provider = RecordingProvider()
    requirements: list[dict[str, list[str]]] = [{"cc": [], "headerKey": []}, {"bearer": []}, {"basic": []}]
    plan = _plan(
        requirements, {"petstore.cc": "id:secret", "petstore.bearer": "b", "petstore.basic": "u:p"}, provider
    )
    assert plan.headers == (("Authorization", "Bearer b"),)
    assert plan.missing == ()
    assert provider.calls == []  # no token is fetched for an alternative that cannot be completed


def test_when_nothing_is_satisfiable_the_plan_is_empty_and_names_what_is_missing() -> None:
    plan = _plan(
        [{"headerKey": [], "basic": []}, {"bearer": []}, {"headerKey": []}], {"petstore.basic": "u:p"}
    )
    assert (plan.headers, plan.query, plan.cookies) == ((), (), ())
    assert plan.missing == ("petstore.headerKey", "petstore.bearer")
    assert plan.notes == ()


def test_empty_requirement_allows_anonymous_calls_but_credentials_are_preferred() -> None:
    assert _plan([{}, {"headerKey": []}], {}) == AuthPlan((), (), (), ())
    assert _plan([{}, {"headerKey": []}], {"petstore.headerKey": "k"}).headers == (("X-API-Key", "k"),)


def test_no_security_requirements_means_nothing_to_send() -> None:
    assert _plan([], {"petstore.headerKey": "k"}) == AuthPlan((), (), (), ())


@pytest.mark.parametrize(
    ("scheme", "note"),
    [
        ("oidc", "petstore.oidc: security scheme type 'openIdConnect' is not supported"),
        ("mtls", "petstore.mtls: security scheme type 'mutualTLS' is not supported"),
        ("digest", "petstore.digest: HTTP auth scheme 'digest' is not supported (only basic and bearer)"),
        (
            "keyWithoutName",
            "petstore.keyWithoutName: apiKey scheme needs 'in' (header, query or cookie) and 'name'",
        ),
        ("undeclared", "petstore.undeclared: not defined in components.securitySchemes"),
    ],
)
def test_unusable_schemes_are_missing_with_a_reason_even_with_a_credential(scheme: str, note: str) -> None:
    plan = _plan([{scheme: []}], {f"petstore.{scheme}": "value"})
    assert plan.missing == (f"petstore.{scheme}",)
    assert plan.notes == (note,)
    assert plan.headers == ()


def test_environment_variable_name_rule() -> None:
    assert credential_env_var("petStore", "api-key") == "ARAZZO_AUTH_PETSTORE_API_KEY"
    assert credential_env_var("mixpanel", "service.account") == "ARAZZO_AUTH_MIXPANEL_SERVICE_ACCOUNT"
    assert credential_env_var("src", "ключ") == "ARAZZO_AUTH_SRC_____"


def test_explicit_credentials_win_over_the_environment() -> None:
    environ = {"ARAZZO_AUTH_PETSTORE_HEADERKEY": "from-env", "ARAZZO_AUTH_PETSTORE_BEARER": "env-bearer"}
    store = CredentialStore({"petstore.headerKey": "explicit"}, environ=environ)
    assert store.get("petstore", "headerKey") == "explicit"
    assert store.get("petstore", "bearer") == "env-bearer"
    assert store.get("petstore", "basic") is None


def test_environment_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARAZZO_AUTH_SHOP_KEY", "k")
    assert CredentialStore().get("shop", "key") == "k"


def test_repr_and_str_never_show_secrets() -> None:
    store = CredentialStore(
        {"shop.basic": f"user:{SECRET}"}, environ={"ARAZZO_AUTH_SHOP_KEY": SECRET, "HOME": "/"}
    )
    for text in (repr(store), str(store), f"{store}", repr([store])):
        assert SECRET not in text
    assert repr(store) == "CredentialStore(explicit=['shop.basic'], environment=1 ARAZZO_AUTH_* variable(s))"


def test_auth_plan_repr_hides_values() -> None:
    plan = _plan(
        [{"basic": [], "queryKey": []}], {"petstore.basic": f"u:{SECRET}", "petstore.queryKey": SECRET}
    )
    text = repr(plan)
    assert SECRET not in text and base64.b64encode(f"u:{SECRET}".encode()).decode() not in text
    assert (
        text == "AuthPlan(headers=['Authorization'], query=['api%20key'], cookies=[], missing=[], notes=[])"
    )


def test_secrets_are_the_values_given_and_the_redactor_masks_what_they_become_on_the_wire() -> None:
    store = CredentialStore({"shop.basic": f"alice:{SECRET}"}, environ={"ARAZZO_AUTH_SHOP_KEY": "envkey",
                                                                         "UNRELATED": "visible"})
    basic = base64.b64encode(f"alice:{SECRET}".encode()).decode()
    assert set(store.secrets()) == {f"alice:{SECRET}", "envkey"}
    line = f"GET /?k=envkey&u=alice%3A{SECRET} Authorization: Basic {basic} password={SECRET} visible"
    assert store.redactor()(line) == "GET /?k=***&u=*** Authorization: Basic *** password=*** visible"

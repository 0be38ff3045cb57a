"""OAuth2 client-credentials tokens against a real token endpoint on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx
import pytest

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http.auth import CredentialStore, SecurityScheme, plan_auth
from arazzo_runner.http.oauth2 import OAuth2TokenCache

SECRET = "s3cr3t/with:chars"
Route = Callable[[int], tuple[int, str, bytes]]


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    form: dict[str, list[str]]


@dataclass
class TokenServer:
    """The state of the loopback token endpoint: routes by path, and every request it received."""

    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


def _json(status: int, body: object) -> Route:
    return lambda _: (status, "application/json", json.dumps(body).encode())


def _numbered(expires_in: object = None) -> Route:
    def route(number: int) -> tuple[int, str, bytes]:
        body: dict[str, object] = {"access_token": f"token-{number}", "token_type": "Bearer"}
        if expires_in is not None:
            body["expires_in"] = expires_in
        return 200, "application/json", json.dumps(body).encode()

    return route


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    state = TokenServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = parse_qs(self.rfile.read(length).decode("ascii"), keep_blank_values=True)
            state.requests.append(Recorded(self.path, dict(self.headers.items()), form))
            route = state.routes.get(self.path, _json(404, {"error": "not_found"}))
            status, content_type, payload = route(len(state.requests))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http_client:
        yield http_client


def test_token_request_is_a_form_post_with_basic_client_auth(
    token_server: TokenServer, client: httpx.Client
) -> None:
    token_server.routes["/token"] = _numbered(3600)
    cache = OAuth2TokenCache(client)
    assert cache.fetch(token_server.url("/token"), "svc client", SECRET, ["write", "read"]) == "token-1"
    [request] = token_server.requests
    assert request.form == {"grant_type": ["client_credentials"], "scope": ["read write"]}
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Accept"] == "application/json"
    scheme, _, credentials = request.headers["Authorization"].partition(" ")
    # RFC 6749 section 2.3.1: id and secret are form-encoded before HTTP basic.
    assert (scheme, base64.b64decode(credentials).decode()) == ("Basic", "svc+client:s3cr3t%2Fwith%3Achars")


def test_without_scopes_no_scope_parameter_is_sent(token_server: TokenServer, client: httpx.Client) -> None:
    token_server.routes["/token"] = _numbered()
    OAuth2TokenCache(client).fetch(token_server.url("/token"), "id", SECRET)
    assert token_server.requests[0].form == {"grant_type": ["client_credentials"]}


def test_tokens_are_cached_per_url_client_and_scope_set(
    token_server: TokenServer, client: httpx.Client
) -> None:
    token_server.routes["/token"] = _numbered(3600)
    token_server.routes["/other"] = _numbered(3600)
    cache = OAuth2TokenCache(client)
    url = token_server.url("/token")
    assert cache.fetch(url, "id", SECRET, ["a", "b"]) == "token-1"
    assert cache.fetch(url, "id", SECRET, ["b", "a"]) == "token-1"
    assert cache.fetch(url, "id", SECRET, ["a"]) == "token-2"
    assert cache.fetch(url, "other-id", SECRET, ["a"]) == "token-3"
    assert cache.fetch(token_server.url("/other"), "id", SECRET, ["a"]) == "token-4"
    assert len(token_server.requests) == 4
    cache.clear()
    assert cache.fetch(url, "id", SECRET, ["a", "b"]) == "token-5"


@pytest.mark.parametrize("expires_in", [60, "60", 60.0])
def test_expires_in_is_honoured_with_leeway_on_the_injected_clock(
    token_server: TokenServer, client: httpx.Client, expires_in: object
) -> None:
    token_server.routes["/token"] = _numbered(expires_in)
    clock = FakeClock()
    cache = OAuth2TokenCache(client, clock=clock, leeway=5.0)
    url = token_server.url("/token")
    assert cache.fetch(url, "id", SECRET) == "token-1"
    clock.now += 54.9
    assert cache.fetch(url, "id", SECRET) == "token-1"
    clock.now += 0.1
    assert cache.fetch(url, "id", SECRET) == "token-2"
    assert len(token_server.requests) == 2


@pytest.mark.parametrize("expires_in", [None, "soon", 0, True])
def test_a_token_without_usable_expiry_lasts_for_the_run(
    token_server: TokenServer, client: httpx.Client, expires_in: object
) -> None:
    token_server.routes["/token"] = _numbered(expires_in)
    clock = FakeClock()
    cache = OAuth2TokenCache(client, clock=clock)
    url = token_server.url("/token")
    assert cache.fetch(url, "id", SECRET) == "token-1"
    clock.now += 10**9
    assert cache.fetch(url, "id", SECRET) == "token-1"


def test_cache_is_a_token_provider_for_plan_auth(token_server: TokenServer, client: httpx.Client) -> None:
    token_server.routes["/token"] = _numbered(3600)
    scheme = SecurityScheme.from_openapi(
        "cc",
        {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": token_server.url("/token"), "scopes": {}}},
        },
    )
    store = CredentialStore({"shop.cc": f"id:{SECRET}"}, environ={})
    cache = OAuth2TokenCache(client)
    for _ in range(2):
        plan = plan_auth("shop", [{"cc": ["orders:read"]}], {"cc": scheme}, store, cache)
        assert plan.headers == (("Authorization", "Bearer token-1"),)
    assert [r.form.get("scope") for r in token_server.requests] == [["orders:read"]]


def test_provider_call_needs_a_token_url() -> None:
    with pytest.raises(ExecutionError) as caught:
        OAuth2TokenCache()(SecurityScheme("implicit", "oauth2"), "id", SECRET)
    assert str(caught.value) == "security scheme 'implicit' has no clientCredentials tokenUrl"


def test_default_client_is_built_on_first_use_and_closed(token_server: TokenServer) -> None:
    token_server.routes["/token"] = _numbered()
    cache = OAuth2TokenCache()
    assert cache.fetch(token_server.url("/token"), "id", SECRET) == "token-1"
    cache.close()
    cache.close()


def test_async_fetch_shares_the_cache(token_server: TokenServer, client: httpx.Client) -> None:
    token_server.routes["/token"] = _numbered(3600)
    cache = OAuth2TokenCache(client)
    url = token_server.url("/token")

    async def run() -> list[str]:
        async with httpx.AsyncClient(timeout=5.0) as async_client:
            first = await cache.fetch_async(url, "id", SECRET, ["x"], client=async_client)
            second = await cache.fetch_async(url, "id", SECRET, ["x"], client=async_client)
        other = OAuth2TokenCache()
        third = await other.fetch_async(url, "id", SECRET)
        await other.aclose()
        return [first, second, third, cache.fetch(url, "id", SECRET, ["x"])]

    assert asyncio.run(run()) == ["token-1", "token-1", "token-2", "token-1"]


@pytest.mark.parametrize(
    ("route", "message"),
    [
        pytest.param(
            _json(401, {"error": "invalid_client", "error_description": f"secret {SECRET} is wrong"}),
            "token request to {url} failed with HTTP 401: invalid_client (secret *** is wrong)",
            id="rejected-with-oauth-error",
        ),
        pytest.param(
            lambda _: (500, "text/plain", f"boom {SECRET}".encode()),
            "token request to {url} failed with HTTP 500",
            id="server-error-not-json",
        ),
        pytest.param(
            _json(201, {"access_token": "t"}),
            "token request to {url} failed with HTTP 201",
            id="non-200-success",
        ),
        pytest.param(
            lambda _: (200, "text/html", b"<html>login</html>"),
            "token endpoint {url} did not return JSON (text/html)",
            id="not-json",
        ),
        pytest.param(
            _json(200, {"token_type": "Bearer"}),
            "token endpoint {url} returned no access_token",
            id="no-access-token",
        ),
        pytest.param(
            _json(200, ["access_token"]),
            "token endpoint {url} returned no access_token",
            id="json-not-an-object",
        ),
    ],
)
def test_token_endpoint_errors(
    token_server: TokenServer, client: httpx.Client, route: Route, message: str
) -> None:
    token_server.routes["/token"] = route
    url = token_server.url("/token")
    with pytest.raises(ExecutionError) as caught:
        OAuth2TokenCache(client).fetch(url, "id", SECRET)
    assert str(caught.value) == message.format(url=url)
    assert caught.value.rule == "oauth2-token"
    assert SECRET not in str(caught.value)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_transport_errors_become_execution_errors(client: httpx.Client) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/token"
    with pytest.raises(ExecutionError) as caught:
        OAuth2TokenCache(client).fetch(url, "id", SECRET)
    assert str(caught.value).startswith(f"token request to {url} failed: ConnectError: ")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert SECRET not in str(caught.value)


def test_relative_token_url_is_an_execution_error(client: httpx.Client) -> None:
    with pytest.raises(ExecutionError) as caught:
        OAuth2TokenCache(client).fetch("/token", "id", SECRET)
    assert str(caught.value).startswith("token request to /token failed: UnsupportedProtocol: ")


def test_async_transport_errors_become_execution_errors() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/token"

    async def run() -> None:
        async with httpx.AsyncClient() as async_client:
            await OAuth2TokenCache(async_client=async_client).fetch_async(url, "id", SECRET)

    with pytest.raises(ExecutionError) as caught:
        asyncio.run(run())
    assert str(caught.value).startswith(f"token request to {url} failed: ConnectError: ")


def test_repr_shows_no_tokens(token_server: TokenServer, client: httpx.Client) -> None:
    token_server.routes["/token"] = _numbered()
    cache = OAuth2TokenCache(client)
    cache.fetch(token_server.url("/token"), "id", SECRET)
    assert repr(cache) == "OAuth2TokenCache(1 cached token(s))"

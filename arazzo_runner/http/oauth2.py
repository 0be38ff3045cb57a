"""OAuth 2.0 client-credentials tokens (RFC 6749 section 4.4), fetched once and reused for a run."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote_plus

import httpx

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http.decoding import adecoded, bounded, decoded
from arazzo_runner.redaction import Redactor

__all__ = ["OAuth2TokenCache"]

_RULE = "oauth2-token"
MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024
"""Largest token response read by default: a token endpoint is a server like any other."""


class _TokenScheme(Protocol):
    """What the cache reads from a security scheme (``SecurityScheme`` satisfies it)."""

    @property
    def name(self) -> str: ...

    @property
    def token_url(self) -> str | None: ...

    @property
    def scopes(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float | None


class OAuth2TokenCache:
    """Fetches client-credentials access tokens and caches them per (token URL, client id, scopes).

    The token request is a form POST of ``grant_type=client_credentials`` (and ``scope``, space-separated,
    when scopes are asked for) with the client authenticated by HTTP basic, id and secret form-encoded first
    as RFC 6749 section 2.3.1 says. A token is reused until ``expires_in`` minus ``leeway`` seconds have
    passed on ``clock``; without ``expires_in`` it lasts for the life of the cache (one run).

    ``client`` / ``async_client`` are used as given and never closed here; when one is not given a default
    client is built on first use and closed by :meth:`close` / :meth:`aclose`. Every failure (transport
    error, non-200 status, non-JSON body, no ``access_token``) is an :class:`ExecutionError` whose message
    never contains the client secret.

    An instance is a token provider for :func:`arazzo_runner.http.auth.plan_auth`: call it with
    ``(scheme, client_id, client_secret)``.
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        async_client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] | None = None,
        leeway: float = 5.0,
    ) -> None:
        self._client = client
        self._async_client = async_client
        self._own_client: httpx.Client | None = None
        self._own_async_client: httpx.AsyncClient | None = None
        self._clock = clock or time.monotonic
        self._leeway = leeway
        self._tokens: dict[tuple[str, str, tuple[str, ...]], _Token] = {}
        self._lock = threading.Lock()

    def __call__(self, scheme: _TokenScheme, client_id: str, client_secret: str) -> str:
        """Token provider form: fetch (or reuse) a token for ``scheme``'s token URL and scopes."""
        if not scheme.token_url:
            raise ExecutionError(
                f"security scheme '{scheme.name}' has no clientCredentials tokenUrl", rule=_RULE
            )
        return self.fetch(scheme.token_url, client_id, client_secret, scheme.scopes)

    def fetch(self, token_url: str, client_id: str, client_secret: str, scopes: Sequence[str] = (), *,
              max_bytes: int = MAX_TOKEN_RESPONSE_BYTES) -> str:
        """Return a valid access token, requesting a new one only when none is cached or it has expired.

        The response is streamed and refused past ``max_bytes`` of (decompressed) body."""
        key = _key(token_url, client_id, scopes)
        with self._lock:
            cached = self._valid(key)
            if cached is not None:
                return cached
            data, headers = _request_parts(client_id, client_secret, key[2])
            try:
                with self._sync_client().stream("POST", token_url, data=data, headers=headers) as response:
                    content = _bounded(decoded(response) if bounded(response) else response.iter_bytes(),
                                       token_url, max_bytes)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise _transport_error(token_url, exc, client_secret) from exc
            return self._store(key, response, content, client_secret)

    async def fetch_async(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: Sequence[str] = (),
        client: httpx.AsyncClient | None = None,
        *,
        max_bytes: int = MAX_TOKEN_RESPONSE_BYTES,
    ) -> str:
        """The async twin of :meth:`fetch`, sharing its cache; ``client`` overrides the async client."""
        key = _key(token_url, client_id, scopes)
        cached = self._valid(key)
        if cached is not None:
            return cached
        data, headers = _request_parts(client_id, client_secret, key[2])
        try:
            async with (client or self._default_async_client()).stream(
                "POST", token_url, data=data, headers=headers
            ) as response:
                content = await _abounded(adecoded(response) if bounded(response) else response.aiter_bytes(),
                                          token_url, max_bytes)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise _transport_error(token_url, exc, client_secret) from exc
        return self._store(key, response, content, client_secret)

    def clear(self) -> None:
        """Forget every cached token."""
        self._tokens.clear()

    def close(self) -> None:
        """Close the sync client this cache built itself, if any."""
        if self._own_client is not None:
            self._own_client.close()
            self._own_client = None

    async def aclose(self) -> None:
        """Close the async client this cache built itself, if any."""
        if self._own_async_client is not None:
            await self._own_async_client.aclose()
            self._own_async_client = None

    def __repr__(self) -> str:
        return f"OAuth2TokenCache({len(self._tokens)} cached token(s))"

    def _valid(self, key: tuple[str, str, tuple[str, ...]]) -> str | None:
        token = self._tokens.get(key)
        if token is None or (token.expires_at is not None and self._clock() >= token.expires_at):
            return None
        return token.value

    def _store(self, key: tuple[str, str, tuple[str, ...]], response: httpx.Response, content: bytes,
               secret: str) -> str:
        value, expires_in = _parse(key[0], response, content, secret)
        expires_at = None if expires_in is None else self._clock() + expires_in - self._leeway
        self._tokens[key] = _Token(value, expires_at)
        return value

    def _sync_client(self) -> httpx.Client:
        if self._client is not None:
            return self._client
        if self._own_client is None:
            self._own_client = httpx.Client(timeout=30.0)
        return self._own_client

    def _default_async_client(self) -> httpx.AsyncClient:
        if self._async_client is not None:
            return self._async_client
        if self._own_async_client is None:
            self._own_async_client = httpx.AsyncClient(timeout=30.0)
        return self._own_async_client


def _key(token_url: str, client_id: str, scopes: Sequence[str]) -> tuple[str, str, tuple[str, ...]]:
    # Scope order does not change what a token grants, so it must not split the cache.
    return token_url, client_id, tuple(sorted(set(scopes)))


def _request_parts(
    client_id: str, secret: str, scopes: tuple[str, ...]
) -> tuple[dict[str, str], dict[str, str]]:
    basic = base64.b64encode(f"{quote_plus(client_id)}:{quote_plus(secret)}".encode("ascii")).decode("ascii")
    data = {"grant_type": "client_credentials"}
    if scopes:
        data["scope"] = " ".join(scopes)
    return data, {"Authorization": f"Basic {basic}", "Accept": "application/json"}


def _bounded(chunks: Iterator[bytes], url: str, max_bytes: int) -> bytes:
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            raise _too_large(url, max_bytes)
    return bytes(body)


async def _abounded(chunks: AsyncIterator[bytes], url: str, max_bytes: int) -> bytes:
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            raise _too_large(url, max_bytes)
    return bytes(body)


def _too_large(url: str, max_bytes: int) -> ExecutionError:
    return ExecutionError(f"token endpoint {url} answered with more than {max_bytes} bytes", rule=_RULE)


def _parse(url: str, response: httpx.Response, content: bytes, secret: str) -> tuple[str, float | None]:
    redact = Redactor([secret])
    body: Any = None
    try:
        body = json.loads(content)
    except (ValueError, RecursionError):  # not JSON, an integer past the int-string limit, or nested too deep
        if response.status_code == 200:
            kind = response.headers.get("content-type", "no Content-Type")
            raise ExecutionError(f"token endpoint {url} did not return JSON ({kind})", rule=_RULE) from None
    if response.status_code != 200:
        detail = ""
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            described = body.get("error_description")
            detail = f": {body['error']}" + (f" ({described})" if isinstance(described, str) else "")
        message = f"token request to {url} failed with HTTP {response.status_code}{detail}"
        raise ExecutionError(redact(message), rule=_RULE)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise ExecutionError(f"token endpoint {url} returned no access_token", rule=_RULE)
    return token, _seconds(body.get("expires_in"))


def _seconds(value: Any) -> float | None:
    # Some servers send expires_in as a string; anything unusable means "no stated expiry".
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


def _transport_error(url: str, exc: Exception, secret: str) -> ExecutionError:
    message = f"token request to {url} failed: {type(exc).__name__}: {exc}"
    return ExecutionError(Redactor([secret])(message), rule=_RULE)

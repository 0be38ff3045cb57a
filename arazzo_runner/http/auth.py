"""Security schemes, the credentials the user gave, and the plan that puts them on a request.

Credentials are keyed ``SOURCE.SCHEME``: the Arazzo source description name, a dot, and the key of the scheme
in the OpenAPI ``components.securitySchemes`` (split at the first dot, since source names have none). What
the value holds depends on the scheme:

==============================  ===========================================================================
scheme                          credential value
==============================  ===========================================================================
``apiKey``                      the key, sent in the header, query parameter or cookie the scheme names
``http`` ``basic``              ``user:password``, sent as ``Authorization: Basic base64(user:password)``
``http`` ``bearer``             the token, sent as ``Authorization: Bearer TOKEN``
``oauth2`` clientCredentials    ``client_id:client_secret``, exchanged for a token by the token provider
``oauth2`` other flows          a ready access token, sent as a bearer token
``openIdConnect``, others       not supported: reported as missing with a note
==============================  ===========================================================================

Where credentials come from (explicit values, the environment) is :mod:`arazzo_runner.http.credentials`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from arazzo_runner.errors import ExecutionError
from arazzo_runner.http._encoding import quote_strict
from arazzo_runner.http.credentials import CredentialStore, credential_env_var
from arazzo_runner.http.oauth2 import OAuth2TokenCache

__all__ = [
    "AuthPlan",
    "CredentialStore",
    "OAuth2TokenCache",
    "SecurityScheme",
    "credential_env_var",
    "plan_auth",
]

TokenProvider = Callable[["SecurityScheme", str, str], str]


@dataclass(frozen=True)
class SecurityScheme:
    """One entry of ``components.securitySchemes``, reduced to what sending a request needs.

    ``scheme`` is the lower-cased HTTP auth scheme (``basic``, ``bearer``); ``location`` and
    ``parameter_name`` are the apiKey's ``in`` and ``name``; ``token_url`` and ``scopes`` come from the
    oauth2 ``clientCredentials`` flow (``scopes`` are the declared ones; a plan asks only for the scopes the
    security requirement lists).
    """

    name: str
    type: str
    scheme: str | None = None
    location: str | None = None
    parameter_name: str | None = None
    token_url: str | None = None
    scopes: tuple[str, ...] = ()

    @classmethod
    def from_openapi(cls, name: str, obj: Mapping[str, Any]) -> SecurityScheme:
        """Read an OpenAPI Security Scheme Object; a non-object or one without ``type`` is an error."""
        if not isinstance(obj, Mapping) or not isinstance(obj.get("type"), str):
            raise ExecutionError(f"security scheme '{name}' is not an object with a 'type'")
        flows = obj.get("flows")
        flow = flows.get("clientCredentials") if isinstance(flows, Mapping) else None
        flow = flow if isinstance(flow, Mapping) else {}
        scheme = obj.get("scheme")
        token_url = flow.get("tokenUrl")
        scopes = flow.get("scopes")
        return cls(
            name=name,
            type=obj["type"],
            scheme=scheme.lower() if isinstance(scheme, str) else None,
            location=obj.get("in") if isinstance(obj.get("in"), str) else None,
            parameter_name=obj.get("name") if isinstance(obj.get("name"), str) else None,
            token_url=token_url if isinstance(token_url, str) else None,
            scopes=tuple(scopes) if isinstance(scopes, Mapping) else (),
        )


@dataclass(frozen=True, repr=False)
class AuthPlan:
    """What to add to one request: headers, encoded query pairs and cookies carrying credentials.

    ``missing`` names (``SOURCE.SCHEME``) the schemes that lacked credentials when no alternative could be
    satisfied; ``notes`` says why for schemes that cannot be used at all. The repr hides every value.
    """

    headers: tuple[tuple[str, str], ...]
    query: tuple[tuple[str, str], ...]
    cookies: tuple[tuple[str, str], ...]
    missing: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        def names(pairs: tuple[tuple[str, str], ...]) -> list[str]:
            return [name for name, _ in pairs]

        return (
            f"AuthPlan(headers={names(self.headers)}, query={names(self.query)}, "
            f"cookies={names(self.cookies)}, missing={list(self.missing)}, notes={list(self.notes)})"
        )


_NOTHING_TO_SEND = AuthPlan((), (), (), ())


@dataclass(frozen=True, repr=False)
class TokenRequest:
    """An OAuth2 client-credentials token a request needs; ``key`` identifies the token (never the secret)."""

    token_url: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """What a fetched token is cached by: token URL, client id and the (sorted) scopes."""
        return self.token_url, self.client_id, tuple(sorted(set(self.scopes)))

    def __repr__(self) -> str:
        return f"TokenRequest({self.token_url!r}, client_id={self.client_id!r}, scopes={list(self.scopes)})"


@dataclass(frozen=True)
class AuthChoice:
    """The security requirement a request satisfies (``None``: none, the request goes without credentials).

    ``tokens`` lists the OAuth2 tokens it needs, to be fetched before the request is built.
    """

    source: str
    requirement: Mapping[str, Sequence[str]] | None
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    tokens: tuple[TokenRequest, ...] = ()
    token_of: Mapping[str, tuple[str, str, tuple[str, ...]]] = field(default_factory=lambda: MappingProxyType({}))
    """For each oauth2 scheme of the requirement, the :attr:`TokenRequest.key` of the token it sends."""


@dataclass
class _Draft:
    headers: list[tuple[str, str]]
    query: list[tuple[str, str]]
    cookies: list[tuple[str, str]]


Tokens = Mapping[tuple[str, str, tuple[str, ...]], str]
"""Fetched tokens by :attr:`TokenRequest.key`."""


def choose_requirement(
    source: str,
    requirements: Sequence[Mapping[str, Sequence[str]]],
    schemes: Mapping[str, SecurityScheme],
    credentials: CredentialStore,
) -> AuthChoice:
    """Choose the security requirement to satisfy, with OpenAPI semantics.

    Requirements are alternatives: the first whose schemes all have credentials is used (tokens are needed
    only for the chosen one). An empty requirement ``{}`` allows an anonymous call; it is used only when no
    other alternative can be satisfied, so optional auth still sends credentials when there are some. When
    nothing can be satisfied the request goes without credentials and ``missing`` lists every
    ``SOURCE.SCHEME`` that lacked one.
    """
    missing: list[str] = []
    notes: list[str] = []
    anonymous = not requirements
    for requirement in requirements:
        if not requirement:
            anonymous = True
            continue
        lacking: list[str] = []
        for name in requirement:
            reason = _unusable_reason(schemes.get(name))
            if reason is not None:
                notes.append(f"{source}.{name}: {reason}")
            if reason is not None or credentials.get(source, name) is None:
                lacking.append(f"{source}.{name}")
        if not lacking:
            tokens = _tokens(source, requirement, schemes, credentials)
            return AuthChoice(source, requirement, tokens=tuple(tokens.values()),
                              token_of=MappingProxyType({name: request.key for name, request in tokens.items()}))
        missing += lacking
    if anonymous:
        return AuthChoice(source, None)
    return AuthChoice(source, None, tuple(dict.fromkeys(missing)), tuple(dict.fromkeys(notes)))


def apply_auth(choice: AuthChoice, schemes: Mapping[str, SecurityScheme], credentials: CredentialStore,
               tokens: Tokens) -> AuthPlan:
    """What to send for ``choice``, with the OAuth2 ``tokens`` it needed already fetched."""
    if choice.requirement is None:
        return _NOTHING_TO_SEND if not choice.missing and not choice.notes else AuthPlan(
            (), (), (), choice.missing, choice.notes)
    draft = _Draft([], [], [])
    for name in choice.requirement:
        scheme = schemes[name]
        value = credentials.get(choice.source, name) or ""
        token = tokens[choice.token_of[name]] if name in choice.token_of else None
        _APPLIERS[scheme.type](draft, scheme, value, f"{choice.source}.{name}", token)
    return AuthPlan(tuple(draft.headers), tuple(draft.query), tuple(draft.cookies), ())


def plan_auth(
    source: str,
    requirements: Sequence[Mapping[str, Sequence[str]]],
    schemes: Mapping[str, SecurityScheme],
    credentials: CredentialStore,
    token_provider: TokenProvider,
) -> AuthPlan:
    """Choose and apply in one call, fetching tokens synchronously with ``token_provider``.

    Errors of the token provider propagate.
    """
    choice = choose_requirement(source, requirements, schemes, credentials)
    fetched = {}
    for name, key in choice.token_of.items():
        request = next(r for r in choice.tokens if r.key == key)
        scheme = replace(schemes[name], scopes=request.scopes)
        fetched[key] = token_provider(scheme, request.client_id, request.client_secret)
    return apply_auth(choice, schemes, credentials, fetched)


def _tokens(source: str, requirement: Mapping[str, Sequence[str]], schemes: Mapping[str, SecurityScheme],
            credentials: CredentialStore) -> dict[str, TokenRequest]:
    found = {}
    for name, scopes in requirement.items():
        scheme = schemes[name]
        if scheme.type == "oauth2" and scheme.token_url:
            value = credentials.get(source, name) or ""
            client_id, client_secret = _split_pair(value, f"{source}.{name}", "client_id:client_secret")
            found[name] = TokenRequest(scheme.token_url, client_id, client_secret, tuple(scopes))
    return found


def _unusable_reason(scheme: SecurityScheme | None) -> str | None:
    if scheme is None:
        return "not defined in components.securitySchemes"
    if scheme.type not in _APPLIERS:
        return f"security scheme type '{scheme.type}' is not supported"
    if scheme.type == "http" and scheme.scheme not in ("basic", "bearer"):
        return f"HTTP auth scheme '{scheme.scheme}' is not supported (only basic and bearer)"
    if scheme.type == "apiKey" and (
        scheme.location not in ("header", "query", "cookie") or not scheme.parameter_name
    ):
        return "apiKey scheme needs 'in' (header, query or cookie) and 'name'"
    return None


def _split_pair(value: str, key: str, shape: str) -> tuple[str, str]:
    first, sep, second = value.partition(":")
    if not sep:
        raise ExecutionError(f"the credential for {key} must have the form {shape}")
    return first, second


def _api_key(draft: _Draft, scheme: SecurityScheme, value: str, key: str, token: str | None) -> None:
    name = scheme.parameter_name or ""
    if scheme.location == "header":
        draft.headers.append((name, _header_safe(value, key)))
    elif scheme.location == "query":
        draft.query.append((quote_strict(name), quote_strict(value)))
    else:
        # Encoded like cookie parameters, so a credential holding `;` cannot add cookies of its own.
        draft.cookies.append((name, quote_strict(value)))


def _header_safe(value: str, key: str) -> str:
    if not value.isascii() or any(ch in value for ch in "\r\n\x00"):
        raise ExecutionError(f"the credential for {key} cannot be sent in a header: it has non-ASCII or "
                             "control characters")
    return value


def _http(draft: _Draft, scheme: SecurityScheme, value: str, key: str, token: str | None) -> None:
    if scheme.scheme == "basic":
        _split_pair(value, key, "user:password")
        encoded = base64.b64encode(value.encode("utf-8")).decode("ascii")
        draft.headers.append(("Authorization", f"Basic {encoded}"))
    else:
        draft.headers.append(("Authorization", f"Bearer {_header_safe(value, key)}"))


def _oauth2(draft: _Draft, scheme: SecurityScheme, value: str, key: str, token: str | None) -> None:
    # A client-credentials scheme sends the token fetched for it; any other flow takes a ready token as value.
    draft.headers.append(("Authorization", f"Bearer {_header_safe(value if token is None else token, key)}"))


# Keyed by the Security Scheme Object's own `type` words; a type absent here is reported as unsupported.
_APPLIERS: Mapping[str, Callable[[_Draft, SecurityScheme, str, str, str | None], None]] = {
    "apiKey": _api_key,
    "http": _http,
    "oauth2": _oauth2,
}

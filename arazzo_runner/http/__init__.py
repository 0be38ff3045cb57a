"""Building HTTP requests from OpenAPI descriptions: parameters, URLs, bodies and credentials.

Pure and model-free: these modules import only the standard library, ``httpx`` and the engine's bottom layer
(:mod:`~arazzo_runner.errors`, :mod:`~arazzo_runner.text`, :mod:`~arazzo_runner.pointer`,
:mod:`~arazzo_runner.redaction`), take plain values, and raise :class:`~arazzo_runner.errors.ExecutionError` for
anything that cannot be put on the wire. ``params`` serializes parameters and joins URLs, ``querystring`` writes
an Arazzo 1.1 querystring parameter, ``bodies`` encodes payloads and decodes responses, ``replacements`` edits
payloads at JSON Pointer / XPath targets, ``auth`` plans credentials and ``oauth2`` fetches client-credentials
tokens.
"""

from __future__ import annotations

from arazzo_runner.http._encoding import media_essence
from arazzo_runner.http.auth import (
    AuthChoice,
    AuthPlan,
    CredentialStore,
    SecurityScheme,
    TokenRequest,
    apply_auth,
    choose_requirement,
    credential_env_var,
    plan_auth,
)
from arazzo_runner.http.bodies import PartEncoding, decode_body, decode_body_with_note, encode_body, media_kind
from arazzo_runner.http.oauth2 import OAuth2TokenCache
from arazzo_runner.http.params import (
    ParameterSpec,
    SerializedParameters,
    format_cookie_header,
    serialize_parameters,
)
from arazzo_runner.http.querystring import split_querystring
from arazzo_runner.http.replacements import apply_replacements
from arazzo_runner.http.urls import build_url, expand_path, resolve_server_url

__all__ = [
    "AuthChoice",
    "AuthPlan",
    "CredentialStore",
    "OAuth2TokenCache",
    "ParameterSpec",
    "PartEncoding",
    "SecurityScheme",
    "SerializedParameters",
    "TokenRequest",
    "apply_auth",
    "apply_replacements",
    "build_url",
    "choose_requirement",
    "credential_env_var",
    "decode_body",
    "decode_body_with_note",
    "encode_body",
    "expand_path",
    "format_cookie_header",
    "media_essence",
    "media_kind",
    "plan_auth",
    "resolve_server_url",
    "serialize_parameters",
    "split_querystring",
]

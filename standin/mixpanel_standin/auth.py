"""Service-account HTTP Basic checks and the error bodies Mixpanel sends when they fail."""

from __future__ import annotations

import enum

from mixpanel_standin.config import StandinConfig
from mixpanel_standin.http import Request, Response, json_response, parse_basic_auth

__all__ = ["AuthOutcome", "authenticate", "unauthorized"]

_CHALLENGE = (("www-authenticate", 'Basic realm="Mixpanel"'),)


class AuthOutcome(enum.Enum):
    """How a request authenticated: as the service account, with the project token, or not at all."""

    SERVICE_ACCOUNT = "service-account"
    PROJECT_TOKEN = "project-token"


def authenticate(request: Request, config: StandinConfig, *, allow_token: bool = False) -> AuthOutcome:
    """Check the Basic credentials of ``request``.

    ``allow_token`` admits the project token as username with an empty password, which ``/import``
    accepts (then without ``project_id``).

    Returns:
        Which kind of credentials were presented.

    Raises:
        PermissionError: With Mixpanel's message when the credentials are missing or wrong.
    """
    credentials = parse_basic_auth(request.headers.get("authorization"))
    if credentials is None:
        raise PermissionError("Invalid credentials")
    username, secret = credentials
    if allow_token and username == config.project_token and secret == "":
        return AuthOutcome.PROJECT_TOKEN
    expected_user, expected_secret = config.service_account
    if username != expected_user:
        raise PermissionError("Not a valid service account username")
    if secret != expected_secret:
        raise PermissionError("Invalid credentials")
    return AuthOutcome.SERVICE_ACCOUNT


def unauthorized(message: str) -> Response:
    """The 401 answer, in the ``{"code", "error", "status"}`` shape of Mixpanel's strict endpoints."""
    return json_response({"code": 401, "error": message, "status": "Unauthorized"}, 401, _CHALLENGE)

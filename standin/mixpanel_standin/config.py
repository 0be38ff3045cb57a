"""Configuration of the Mixpanel stand-in, from code or from ``STANDIN_*`` environment variables."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["DEFAULT_PROJECT_ID", "DEFAULT_PROJECT_TOKEN", "DEFAULT_SERVICE_ACCOUNT", "StandinConfig"]

DEFAULT_SERVICE_ACCOUNT = ("demo-sa", "demo-secret")
DEFAULT_PROJECT_ID = 123456
DEFAULT_PROJECT_TOKEN = "demo-token"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class StandinConfig:
    """Everything the stand-in needs to know about the one project it pretends to host.

    Attributes:
        service_account: ``(username, secret)`` accepted as HTTP Basic credentials by the Query API,
            ``/import``, ``/identity/merge`` and the raw export.
        project_id: The only ``project_id`` the Query API answers for; others get 403.
        project_token: The project token. Ingestion accepts any token unless ``strict_token`` is set,
            because real Mixpanel does not validate tokens at ingest.
        database: SQLite database path, or ``":memory:"`` (the default) for a throw-away store.
        strict_token: Refuse events whose token differs from ``project_token`` (for negative tests).
        require_uuid_anon_id: Merge on ``$identify`` only when ``$anon_id`` is a UUIDv4, as Mixpanel's
            Original ID Merge does; off by default because example data rarely uses real UUIDs.
        clock: Returns the current time in seconds since the epoch; injectable so tests can pin dates.
    """

    service_account: tuple[str, str] = DEFAULT_SERVICE_ACCOUNT
    project_id: int = DEFAULT_PROJECT_ID
    project_token: str = DEFAULT_PROJECT_TOKEN
    database: str = ":memory:"
    strict_token: bool = False
    require_uuid_anon_id: bool = False
    clock: Callable[[], float] = field(default=time.time, compare=False, repr=False)

    def now_ms(self) -> int:
        """The injected clock's current time in whole milliseconds."""
        return int(self.clock() * 1000)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StandinConfig:
        """Build a configuration from environment variables, falling back to the defaults.

        Recognised variables: ``STANDIN_SERVICE_ACCOUNT`` (``user:secret``), ``STANDIN_PROJECT_ID``,
        ``STANDIN_PROJECT_TOKEN``, ``STANDIN_DATABASE``, ``STANDIN_STRICT_TOKEN`` and
        ``STANDIN_REQUIRE_UUID_ANON_ID`` (booleans: 1/0, true/false, yes/no, on/off).

        Raises:
            ValueError: When a variable is present but malformed; the message names the variable.
        """
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            service_account=_service_account(env.get("STANDIN_SERVICE_ACCOUNT"), defaults.service_account),
            project_id=_integer(env, "STANDIN_PROJECT_ID", defaults.project_id),
            project_token=env.get("STANDIN_PROJECT_TOKEN") or defaults.project_token,
            database=env.get("STANDIN_DATABASE") or defaults.database,
            strict_token=_boolean(env, "STANDIN_STRICT_TOKEN", defaults.strict_token),
            require_uuid_anon_id=_boolean(env, "STANDIN_REQUIRE_UUID_ANON_ID", defaults.require_uuid_anon_id),
        )


def _service_account(raw: str | None, default: tuple[str, str]) -> tuple[str, str]:
    if raw is None or raw == "":
        return default
    username, colon, secret = raw.partition(":")
    if not colon or not username or not secret:
        raise ValueError("STANDIN_SERVICE_ACCOUNT must look like 'username:secret'")
    return (username, secret)


def _integer(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def _boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{name} must be a boolean (1/0, true/false), got {raw!r}")

"""Credentials by ``SOURCE.SCHEME``: the values the caller gave, then the environment.

The environment supplies a credential as ``ARAZZO_AUTH_<SOURCE>_<SCHEME>``: source and scheme upper-cased,
every character that is not an ASCII letter or digit replaced by ``_`` (so ``petStore.api-key`` reads
``ARAZZO_AUTH_PETSTORE_API_KEY``). An explicit credential wins over the environment. A store is immutable, and
neither its ``repr`` nor its ``str`` shows a value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from arazzo_runner.redaction import Redactor

ENV_PREFIX = "ARAZZO_AUTH_"


def credential_env_var(source: str, scheme: str) -> str:
    """The environment variable that holds the credential for ``source.scheme``."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", f"{source}_{scheme}").upper()


class CredentialStore:
    """Credentials by ``SOURCE.SCHEME``, from explicit values first and then the environment.

    ``environ`` defaults to ``os.environ``. Neither ``repr`` nor ``str`` ever shows a value.
    """

    def __init__(
        self, explicit: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
    ) -> None:
        self._explicit = dict(explicit or {})
        self._environ: Mapping[str, str] = os.environ if environ is None else environ

    def get(self, source: str, scheme: str) -> str | None:
        """The credential for ``source.scheme``, or ``None`` when neither mapping has one."""
        value = self._explicit.get(f"{source}.{scheme}")
        return value if value is not None else self._environ.get(credential_env_var(source, scheme))

    def secrets(self) -> tuple[str, ...]:
        """Every credential value this store holds (explicit and ``ARAZZO_AUTH_*``), for a redactor."""
        values = [*self._explicit.values(),
                  *(value for name, value in self._environ.items() if name.startswith(ENV_PREFIX))]
        return tuple(dict.fromkeys(value for value in values if value))

    def redactor(self) -> Redactor:
        """A :class:`~arazzo_runner.redaction.Redactor` of every form of every credential held here."""
        return Redactor(self.secrets())

    def __repr__(self) -> str:
        count = sum(1 for name in self._environ if name.startswith(ENV_PREFIX))
        explicit = sorted(self._explicit)
        return f"CredentialStore(explicit={explicit}, environment={count} {ENV_PREFIX}* variable(s))"

    __str__ = __repr__

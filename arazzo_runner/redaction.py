"""The one redactor: every secret the engine knows, in every form it can take on its way out, becomes ``***``.

A credential is written into requests in several shapes (a basic-auth header is the base64 of
``user:password``, a query or cookie value is percent-encoded, a JSON body escapes quotes and backslashes),
and any of those shapes can come back in a message, an echoed body or a report. :class:`Redactor` derives them
all from the plain values, once, and every output path (terminal, reports, error messages, the pytest
plugin) goes through it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"


class Redactor:
    """Masks a fixed set of secrets; :meth:`adding` returns a new redactor that also masks more."""

    __slots__ = ("_plain", "_forms")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._plain = tuple(dict.fromkeys(s for s in secrets if s))
        forms = {form for secret in self._plain for form in _forms(secret) if form}
        # Longest first, so a secret that contains another is masked whole.
        self._forms = tuple(sorted(forms, key=len, reverse=True))

    def adding(self, *secrets: str) -> Redactor:
        """A redactor for these secrets as well (a token fetched during a run)."""
        fresh = [s for s in secrets if s and s not in self._plain]
        return self if not fresh else Redactor((*self._plain, *fresh))

    @property
    def forms(self) -> tuple[str, ...]:
        """Every text that is masked, longest first."""
        return self._forms

    def __call__(self, text: str) -> str:
        """``text`` with every form of every secret replaced by ``***``."""
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def __repr__(self) -> str:
        return f"Redactor({len(self._plain)} secret(s))"


def _forms(secret: str) -> set[str]:
    """A secret as it may appear: plain, its password part, base64, percent-encoded, JSON-escaped."""
    parts = {secret}
    user, colon, password = secret.partition(":")
    if colon and password:
        parts.add(password)
    forms = set()
    for part in parts:
        forms |= {part, quote(part, safe=""), quote_plus(part), json.dumps(part)[1:-1],
                  json.dumps(part, ensure_ascii=False)[1:-1]}
    forms.add(base64.b64encode(secret.encode("utf-8")).decode("ascii"))
    if colon:  # what HTTP basic sends, and what an OAuth2 client's basic authentication sends
        forms.add(base64.b64encode(f"{quote_plus(user)}:{quote_plus(password)}".encode()).decode("ascii"))
    return forms

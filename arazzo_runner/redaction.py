"""The one redactor: every secret the engine knows, in every form it can take on its way out, becomes ``***``.

A credential is written into requests in several shapes (a basic-auth header is the base64 of
``user:password``, a query or cookie value is percent-encoded, a JSON body escapes quotes and backslashes),
and any of those shapes can come back in a message, an echoed body or a report. :class:`Redactor` derives them
all from the plain values, once, and every output path (terminal, reports, error messages, API results, the
pytest plugin) goes through it. Beyond the derived forms it catches:

* percent-encoded runs anywhere in a text (a URL, a query, a form body) that *decode* to a secret, whatever the
  encoder left as it was (``/`` in a query value, lower-case hex);
* a secret JSON-escaped twice (a JSON document carried inside a JSON string);
* the start of a secret (four characters or more) left where a text was cut before it was masked: at the very
  end of the text or before an ellipsis.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import islice
from urllib.parse import quote, quote_plus, unquote, unquote_plus

MASK = "***"
MIN_CUT = 4
"""The shortest start of a secret that is masked where a text was cut."""

SECRET_FIELD_SUFFIXES = ("token", "secret", "password", "passwd", "apikey", "privatekey", "sessionid")
"""Body fields whose values are secrets, matched on the name lower-cased without ``_``/``-`` and by ending
(``access_token``, ``refreshToken``, ``client_secret``, ``new-password``, ``x_api_key``)."""

MIN_SECRET_FIELD = 3
"""Shorter values of secret fields are not learned: masking every ``a`` or ``42`` would ruin every output."""

_FIELD_SCAN_NODES = 2_000

_RUN = re.compile(r"[^\s\"'<>\\{}|^`\[\]]+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DELIMITERS = re.compile(r"([&=?])")
_WINDOW = 1 << 16


class Redactor:
    """Masks a fixed set of secrets; :meth:`adding` returns a new redactor that also masks more."""

    __slots__ = ("_plain", "_forms", "_cuts", "_cut_at")

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._plain = tuple(dict.fromkeys(s for s in secrets if s))
        forms = {form for secret in self._plain for form in _forms(secret) if form}
        # Longest first, so a secret that contains another is masked whole.
        self._forms = tuple(sorted(forms, key=len, reverse=True))
        # Texts may be megabytes a hostile server chose (a flood of '...' or of percent escapes): the places
        # where a cut secret may end are found by a compiled pattern (a cut after a character some start of a
        # form ends in), so the Python work grows with those places, not with the text. `_cuts` lists, by its
        # last MIN_CUT characters, every start of a form long enough to be masked.
        cuts: dict[str, list[str]] = {}
        for form in self._forms:
            for size in range(MIN_CUT, len(form)):
                cuts.setdefault(form[size - MIN_CUT : size], []).append(form[:size])
        self._cuts = {tail: sorted(set(starts), key=len, reverse=True) for tail, starts in cuts.items()}
        last = "".join(sorted({re.escape(tail[-1]) for tail in cuts}))
        self._cut_at = re.compile(f"(?<=[{last}])(?=\\.\\.\\.|\u2026|\\Z)") if cuts else None

    def adding(self, *secrets: str) -> Redactor:
        """A redactor for these secrets as well (a token fetched during a run, a password input)."""
        fresh = [s for s in secrets if s and s not in self._plain]
        return self if not fresh else _redactor_for((*self._plain, *dict.fromkeys(fresh)))

    @property
    def forms(self) -> tuple[str, ...]:
        """Every derived text that is masked, longest first."""
        return self._forms

    def __bool__(self) -> bool:
        return bool(self._forms)

    def __call__(self, text: str) -> str:
        """``text`` with every form of every secret masked (see the module docstring)."""
        if not self._forms:
            return text
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        # Percent-decoding is local to each escape, so a run can only decode to a secret if the whole text does.
        if "%" in text and self._holds_decoded(text):
            text = _RUN.sub(self._masked_run, text)
        return self._cut_secrets(text)

    def __repr__(self) -> str:
        return f"Redactor({len(self._plain)} secret(s))"

    def knows(self, secret: str) -> bool:
        """Whether ``secret`` is one of the secrets this redactor masks."""
        return secret in self._plain

    def hides(self, raw: str) -> bool:
        """Whether ``raw``, as it is or percent-decoded (``+`` as a space or as a plus), holds a secret."""
        return any(self._plainly(form) != form for form in {raw, unquote(raw), unquote_plus(raw)})

    def _holds(self, text: str) -> bool:
        return any(form in text for form in self._forms)

    def _holds_decoded(self, text: str) -> bool:
        """Whether ``text`` percent-decoded (``+`` as a space or as a plus) holds a secret. Decoded a window at a
        time: ``unquote`` of a whole megabyte-sized flood of escapes builds a list of millions of pieces (an
        8 MiB body took 400 MiB). Windows overlap by the longest encoded form, so none is missed at a seam."""
        overlap = 3 * len(self._forms[0]) + 2
        for start in range(0, len(text), _WINDOW):
            piece = text[max(0, start - overlap) : start + _WINDOW]
            if self._holds(unquote(piece)) or self._holds(unquote_plus(piece)):
                return True
        return False

    def _plainly(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def _masked_run(self, match: re.Match[str]) -> str:
        run = match.group(0)
        if "%" not in run or not _ESCAPE.search(run) or not self.hides(run):
            return run
        parts = _DELIMITERS.split(run)
        masked = "".join(MASK if index % 2 == 0 and self.hides(part) else part for index, part in enumerate(parts))
        return masked if masked != run else MASK

    def _cut_secrets(self, text: str) -> str:
        """``text`` with the start of a secret masked where it ends at the end of the text or before an ellipsis
        (the marks of a text cut before it was masked)."""
        if self._cut_at is None:
            return text
        spans: list[list[int]] = []
        for found in self._cut_at.finditer(text):
            end = found.start()
            starts = self._cuts.get(text[end - MIN_CUT : end], ())
            size = next((len(start) for start in starts if text.startswith(start, end - len(start))), 0)
            if not size:
                continue
            if spans and end - size <= spans[-1][1]:
                spans[-1][1] = end  # overlapping starts of secrets: masked as one
            else:
                spans.append([end - size, end])
        if not spans:
            return text
        pieces, kept = [], 0
        for start, end in spans:
            pieces += [text[kept:start], MASK]
            kept = end
        return "".join([*pieces, text[kept:]])


@lru_cache(maxsize=64)
def _redactor_for(secrets: tuple[str, ...]) -> Redactor:
    # Every run learns the same credentials again (a configured key, the same OAuth2 token while it is valid);
    # building the redactor's tables each time cost more per run than the engine's own work on a step.
    return Redactor(secrets)


class Unmasked(Redactor):
    """The redactor of ``--no-mask`` / ``Runner(mask=False)``: it learns nothing and masks nothing."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__()

    def adding(self, *secrets: str) -> Redactor:
        return self

    def knows(self, secret: str) -> bool:
        return True  # nothing to learn, so nothing is announced either

    def __call__(self, text: str) -> str:
        return text

    def __repr__(self) -> str:
        return "Unmasked()"


def secret_fields(value: object) -> list[str]:
    """The string values of secret-named fields (:data:`SECRET_FIELD_SUFFIXES`) in a decoded body, looked for
    in at most a few thousand values so a huge body costs no more than a small one."""
    found: list[str] = []
    pending = [value]
    budget = _FIELD_SCAN_NODES
    while pending and budget > 0:
        node = pending.pop()
        if isinstance(node, dict):
            for key, item in islice(node.items(), budget):
                budget -= 1
                if isinstance(item, str):
                    if len(item) >= MIN_SECRET_FIELD and _secret_name(key):
                        found.append(item)
                elif isinstance(item, dict | list):
                    pending.append(item)
        elif isinstance(node, list):
            for item in islice(node, budget):
                budget -= 1
                if isinstance(item, dict | list):
                    pending.append(item)
    return found


def _secret_name(key: object) -> bool:
    if not isinstance(key, str):
        return False
    name = key.lower().replace("_", "").replace("-", "")
    return name.endswith(SECRET_FIELD_SUFFIXES)


def _forms(secret: str) -> set[str]:
    """A secret as it may appear: plain, its password part, base64, percent-encoded, JSON-escaped (twice)."""
    parts = {secret}
    user, colon, password = secret.partition(":")
    if colon and password:
        parts.add(password)
    forms = set()
    for part in parts:
        escaped = json.dumps(part)[1:-1]
        forms |= {part, quote(part, safe=""), quote_plus(part), escaped, json.dumps(escaped)[1:-1],
                  json.dumps(part, ensure_ascii=False)[1:-1]}
    forms.add(base64.b64encode(secret.encode("utf-8")).decode("ascii"))
    if colon:  # what HTTP basic sends, and what an OAuth2 client's basic authentication sends
        forms.add(base64.b64encode(f"{quote_plus(user)}:{quote_plus(password)}".encode()).decode("ascii"))
    return forms

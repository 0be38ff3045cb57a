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
from urllib.parse import quote, quote_plus, unquote, unquote_plus

MASK = "***"
MIN_CUT = 4
"""The shortest start of a secret that is masked where a text was cut."""

_RUN = re.compile(r"[^\s\"'<>\\{}|^`\[\]]+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DELIMITERS = re.compile(r"([&=?])")


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
        return self if not fresh else Redactor((*self._plain, *fresh))

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
        if "%" in text and (self._holds(unquote(text)) or self._holds(unquote_plus(text))):
            text = _RUN.sub(self._masked_run, text)
        return self._cut_secrets(text)

    def __repr__(self) -> str:
        return f"Redactor({len(self._plain)} secret(s))"

    def hides(self, raw: str) -> bool:
        """Whether ``raw``, as it is or percent-decoded (``+`` as a space or as a plus), holds a secret."""
        return any(self._plainly(form) != form for form in {raw, unquote(raw), unquote_plus(raw)})

    def _holds(self, text: str) -> bool:
        return any(form in text for form in self._forms)

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

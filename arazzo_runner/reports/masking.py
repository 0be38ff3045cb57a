"""The one way report writers mask: every string that leaves a writer goes through a :class:`Masking`.

It wraps the caller's :class:`~arazzo_runner.redaction.Redactor` (plus the tokens the runs obtained, told by
:class:`~arazzo_runner.events.CredentialObtained`), which masks text in every spelling it knows, and adds what
only reports need:

* headers that always carry secrets (:data:`ALWAYS_MASKED`) are shown as ``***`` whatever the redactor knows;
* URLs are masked part by part after decoding (userinfo, path segments, query names and values);
* bodies are masked as bytes before they are decoded or base64-encoded, and again as text;
* excerpts are cut only after masking, so no prefix of a secret survives the cut.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from arazzo_runner.events import CredentialObtained, HttpMessage
from arazzo_runner.redaction import MASK, Redactor, Unmasked
from arazzo_runner.reports.record import RunRecord

ALWAYS_MASKED = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
"""Header names (lower case) whose values are never shown."""

MIN_CUT = 4
"""The shortest start of a secret that :meth:`Masking.cut_secrets` masks."""

EXCERPT = 500
"""How many characters of a body an excerpt keeps."""

_RUN = re.compile(r"[^\s\"'<>\\{}|^`\[\]]+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DELIMITERS = re.compile(r"([&=?])")
_ELLIPSIS = re.compile(r"\.\.\.|\u2026")
_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/octet-stream", "application/pdf",
                 "application/zip", "application/gzip", "application/x-protobuf", "application/protobuf")


@dataclass(frozen=True)
class Body:
    """A body ready to show: ``text`` is masked, base64 when ``encoding`` says so; ``truncated`` when the
    recording kept only the first bytes of ``size``."""

    text: str
    encoding: str | None
    size: int
    truncated: bool
    mime_type: str


class Masking:
    """Masks strings, values, URLs, headers and bodies for the writers of one report."""

    __slots__ = ("redact",)

    def __init__(self, redact: Redactor, records: Iterable[RunRecord] = ()) -> None:
        obtained = [e.secret for r in records for e in r.events if isinstance(e, CredentialObtained)]
        self.redact = redact.adding(*obtained)

    def text(self, text: str) -> str:
        """``text`` with every known secret masked, in every spelling the redactor catches."""
        return self.redact(text)

    def value(self, value: Any) -> Any:
        """A JSON-like value with every string (keys too) masked; a number that spells a secret is masked."""
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value if self.text(repr(value)) == repr(value) else MASK
        if isinstance(value, Mapping):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.value(item) for item in value]
        if isinstance(value, bytes | bytearray):
            return self.text(self.bytes(bytes(value)).decode("utf-8", errors="replace"))
        return self.text(str(value))

    def url(self, url: str) -> str:
        """``url`` with userinfo, and every path segment or query name/value that decodes to text containing a
        secret, replaced by ``***``."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return self.text(url)
        netloc = parts.netloc
        if "@" in netloc:
            netloc = MASK + "@" + netloc.rpartition("@")[2]
        path = "/".join(self._part(segment) for segment in parts.path.split("/"))
        query = "&".join(self._pair(pair) for pair in parts.query.split("&")) if parts.query else ""
        fragment = self._part(parts.fragment)
        return self.text(urlunsplit((parts.scheme, netloc, path, query, fragment)))

    def query(self, url: str) -> list[tuple[str, str]]:
        """The query parameters of ``url``, decoded and masked."""
        try:
            query = urlsplit(url).query
        except ValueError:
            return []
        pairs = []
        for pair in query.split("&") if query else ():
            name, _, value = pair.partition("=")
            pairs.append((self.text(unquote_plus(name)), self.text(unquote_plus(value))))
        return pairs

    def header(self, name: str, value: str) -> str:
        """A header's value as shown: ``***`` for :data:`ALWAYS_MASKED` names, else masked text."""
        if name.lower() in ALWAYS_MASKED and not isinstance(self.redact, Unmasked):  # Unmasked: --no-mask
            return MASK
        return self.text(value)

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Headers in order, names and values masked."""
        return [(self.text(name), self.header(name, value)) for name, value in headers]

    def bytes(self, data: bytes) -> bytes:
        """``data`` with the UTF-8 bytes of every form of every secret replaced by ``***``."""
        for form in self.redact.forms:
            encoded = form.encode("utf-8", errors="ignore")
            if encoded and encoded in data:
                data = data.replace(encoded, MASK.encode())
        return data

    def body(self, message: HttpMessage) -> Body:
        """The recorded body of ``message``, masked: text when it decodes as such, else base64."""
        data = self.bytes(message.body)
        truncated = message.body_size > len(message.body)
        mime = message.content_type or ""
        decoded = _decode(data, mime, truncated)
        if decoded is None:
            return Body(self.redact(base64.b64encode(data).decode("ascii")), "base64", message.body_size, truncated,
                        mime)
        return Body(self.text(decoded), None, message.body_size, truncated, mime)

    def excerpt(self, message: HttpMessage, limit: int = EXCERPT) -> str:
        """The start of a body for people to read, masked before it is cut."""
        body = self.body(message)
        if body.encoding is not None:
            return f"({body.size} bytes of {body.mime_type or 'binary data'})"
        text = body.text
        if len(text) > limit:
            return text[:limit] + f"... ({body.size} bytes)"
        return text + (f"... ({body.size} bytes)" if body.truncated else "")

    def _part(self, raw: str) -> str:
        return MASK if self.redact.hides(raw) else raw

    def _pair(self, pair: str) -> str:
        name, equals, value = pair.partition("=")
        return self._part(name) + equals + self._part(value)


def _decode(data: bytes, mime_type: str, truncated: bool) -> str | None:
    """``data`` as text, or ``None`` when it is not text (by its media type, or because it does not decode)."""
    media, _, parameters = mime_type.partition(";")
    media = media.strip().lower()
    if media.startswith(_BINARY_TYPES):
        return None
    charset = "utf-8"
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        text = data.decode(charset)
    except LookupError:
        return _decode(data, "", truncated)
    except UnicodeDecodeError as exc:
        # A recording cut inside a multi-byte character: drop the broken tail.
        if not (truncated and exc.start >= len(data) - 3):
            return None
        text = data[: exc.start].decode(charset, errors="replace")
    if not media and "\x00" in text:
        return None
    return text

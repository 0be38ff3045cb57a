"""HAR 1.2 (HTTP Archive) of workflow runs: one page per run, one entry per HTTP exchange.

Browsers' developer tools, proxies and HAR viewers open the result. What the engine cannot know is written
the way HAR 1.2 says to when a value is unknown, or as follows:

* ``httpVersion`` is ``HTTP/1.1`` (what httpx speaks unless HTTP/2 is switched on; the version is not
  recorded); ``headersSize`` is -1 (the header bytes on the wire are not recorded);
* ``timings``: the engine measures one span, from handing the request to the client until the response body
  has been read. All of it is ``wait``; ``send`` and ``receive`` are 0, and ``time`` equals ``wait``;
* a body cut to the recording limit keeps ``size``/``bodySize`` of the whole body and says so in a
  ``comment``; a body that is not text is given base64-encoded (``encoding: base64`` in responses;
  ``_encoding: base64`` in ``postData``, which HAR 1.2 gives no encoding field);
* an exchange without a response (a transport error) has ``status`` 0 and the error in the response's
  ``_error`` (where Chrome's exports put it); a mocked exchange has ``_mocked: true``; every entry names
  its step in ``_workflowId``, ``_stepId`` and ``_attempt``.

Header values, cookies, URLs and their query strings, and bodies are masked; ``Authorization``,
``Proxy-Authorization``, ``Cookie`` and ``Set-Cookie`` are always ``***``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import metadata
from typing import Any
from urllib.parse import unquote_plus

from arazzo_runner.events import ExchangeRecorded, HttpMessage
from arazzo_runner.redaction import MASK, Redactor
from arazzo_runner.reports.masking import Masking
from arazzo_runner.reports.record import RunRecord
from arazzo_runner.reports.timeline import iso_date, reason_phrase

HTTP_VERSION = "HTTP/1.1"
FORM = "application/x-www-form-urlencoded"


def har(records: Iterable[RunRecord], redact: Redactor) -> dict[str, Any]:
    """A HAR 1.2 document (``{"log": ...}``) of ``records``, ready for ``json.dump``."""
    records = list(records)
    mask = Masking(redact, records)
    pages = []
    entries: list[dict[str, Any]] = []
    for index, record in enumerate(records, start=1):
        page_id = f"run_{index}"
        pages.append({
            "startedDateTime": iso_date(record.started),
            "id": page_id,
            "title": mask.text(record.title),
            "pageTimings": {"onContentLoad": -1, "onLoad": _ms(record.result.duration_ms)},
            "comment": mask.text(f"{record.document}: {record.result.settled_status}"),
        })
        entries.extend(_entry(event, page_id, mask) for event in record.events if isinstance(event, ExchangeRecorded))
    return {"log": {"version": "1.2", "creator": {"name": "arazzo-runner", "version": creator_version()},
                    "pages": pages, "entries": entries}}


@cache
def creator_version() -> str:
    """The installed arazzo-runner's version (``0+unknown`` when it runs from an uninstalled tree)."""
    try:
        return metadata.version("arazzo-runner")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _entry(exchange: ExchangeRecorded, page_id: str, mask: Masking) -> dict[str, Any]:
    elapsed = _ms(exchange.elapsed_ms)
    entry: dict[str, Any] = {
        "pageref": page_id,
        "startedDateTime": iso_date(exchange.started),
        "time": elapsed,
        "request": _request(exchange, mask),
        "response": _response(exchange, mask),
        "cache": {},
        "timings": {"send": 0, "wait": elapsed, "receive": 0},
        "_workflowId": mask.text(exchange.workflow_id),
        "_stepId": mask.text(exchange.step_id),
        "_attempt": exchange.attempt,
    }
    if exchange.mocked:
        entry["_mocked"] = True
    return entry


def _request(exchange: ExchangeRecorded, mask: Masking) -> dict[str, Any]:
    message = exchange.request
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": mask.url(exchange.url),
        "httpVersion": HTTP_VERSION,
        "cookies": _cookies(message, "cookie", mask),
        "headers": _headers(message, mask),
        "queryString": [{"name": name, "value": value} for name, value in mask.query(exchange.url)],
        "headersSize": -1,
        "bodySize": message.body_size,
    }
    if message.body_size or message.body:
        body = mask.body(message)
        post: dict[str, Any] = {"mimeType": body.mime_type, "text": body.text, "params": []}
        if body.encoding is None and body.mime_type.split(";")[0].strip().lower() == FORM:
            post["params"] = [{"name": name, "value": value} for name, value in _form(body.text, mask)]
        if body.encoding is not None:
            post["_encoding"] = body.encoding
        if body.truncated:
            post["comment"] = f"body cut to its first {len(message.body)} of {body.size} bytes"
        request["postData"] = post
    return request


def _response(exchange: ExchangeRecorded, mask: Masking) -> dict[str, Any]:
    message = exchange.response
    if message is None:
        return {"status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
                "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "", "headersSize": -1,
                "bodySize": -1, "_error": mask.text(exchange.error or "no response")}
    status = exchange.status_code or 0
    content: dict[str, Any] = {"size": message.body_size, "mimeType": mask.text(message.content_type or "")}
    if message.body:
        body = mask.body(message)
        content["text"] = body.text
        if body.encoding is not None:
            content["encoding"] = body.encoding
        if body.truncated:
            content["comment"] = f"body cut to its first {len(message.body)} of {body.size} bytes"
    location = next((value for name, value in message.headers if name.lower() == "location"), "")
    return {
        "status": status,
        "statusText": reason_phrase(status),
        "httpVersion": HTTP_VERSION,
        "cookies": _cookies(message, "set-cookie", mask),
        "headers": _headers(message, mask),
        "content": content,
        "redirectURL": mask.url(location) if location else "",
        "headersSize": -1,
        "bodySize": message.body_size,
    }


def _headers(message: HttpMessage, mask: Masking) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in mask.headers(message.headers)]


def _cookies(message: HttpMessage, header: str, mask: Masking) -> list[dict[str, str]]:
    """The cookies of ``Cookie`` (request) or ``Set-Cookie`` (response) headers: names only, values ``***``."""
    cookies = []
    for name, value in message.headers:
        if name.lower() != header:
            continue
        pairs = value.split(";") if header == "cookie" else [value.split(";", 1)[0]]
        for pair in pairs:
            cookie_name = pair.partition("=")[0].strip()
            if cookie_name:
                cookies.append({"name": mask.text(cookie_name), "value": MASK})
    return cookies


def _form(text: str, mask: Masking) -> list[tuple[str, str]]:
    pairs = []
    for pair in text.split("&") if text else ():
        name, _, value = pair.partition("=")
        pairs.append((mask.text(unquote_plus(name)), mask.text(unquote_plus(value))))
    return pairs


def _ms(value: float) -> float:
    return round(max(value, 0.0), 3)

"""Real runs for the report tests: documents written into a test's directory, answers from an
``httpx.MockTransport`` handler, events collected by a :class:`Recorder` — and the format checkers.

:class:`Api` states an OpenAPI description of a few operations (``getA``, ``getB``, ``getC`` on ``/a``,
``/b``, ``/c``, two that post a body; optionally guarded by an API key in the query and a bearer token),
writes the workflows a test gives it and runs them. The checkers assert the structure JUnit readers and
HAR 1.2 require (see :func:`check_junit` and :func:`check_har`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, fromstring

import httpx

from arazzo_runner import Runner
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import Recorder, RunRecord
from tests.integration.doc_builder import Documents, json_body, operation

Handler = Callable[[httpx.Request], httpx.Response]
SERVER = "https://api.test"
SECRET = 'k3y/"s3cr3t\\+=&x'
"""A credential whose percent-encoded, base64 and JSON-escaped forms all differ from it."""
FORM = "application/x-www-form-urlencoded"
SCHEMES = {"key": {"type": "apiKey", "in": "query", "name": "apiKey"},
           "bearer": {"type": "http", "scheme": "bearer"}}


def step(step_id: str, operation_id: str = "getA", **fields: Any) -> dict[str, Any]:
    """A step that succeeds on HTTP 200 (``successCriteria`` may be replaced)."""
    return {"stepId": step_id, "operationId": operation_id,
            "successCriteria": [{"condition": "$statusCode == 200"}], **fields}


def workflow(workflow_id: str, steps: Sequence[Mapping[str, Any]], **fields: Any) -> dict[str, Any]:
    """An Arazzo Workflow Object."""
    return {"workflowId": workflow_id, **fields, "steps": list(steps)}


@dataclass
class Api:
    """Writes documents into ``directory`` and runs their workflows against ``handler``."""

    directory: Path
    secured: bool = False
    recorder: Recorder = field(default_factory=Recorder)
    document: Path | None = None

    def write(self, workflows: Sequence[Mapping[str, Any]], name: str = "flows.arazzo.yaml") -> Path:
        """The documents for ``workflows`` over the operations ``getA``/``getB``/``getC`` (``GET /a`` ...),
        ``postD`` (a JSON body to ``/d``) and ``postF`` (a form to ``/f``)."""
        docs = Documents(self.directory, SERVER)
        components = {"securitySchemes": SCHEMES} if self.secured else None
        security: list[dict[str, list[str]]] | None = [{"key": [], "bearer": []}] if self.secured else None
        paths: dict[str, Any] = {f"/{x}": {"get": operation(f"get{x.upper()}")} for x in "abc"}
        paths["/d"] = {"post": operation("postD", requestBody=json_body())}
        paths["/f"] = {"post": operation("postF", requestBody=json_body(FORM))}
        docs.openapi(paths, components=components, security=security)
        self.document = docs.arazzo(workflows, name=name)
        return self.document

    def run(self, handler: Handler, workflow_id: str = "flow", *, label: str = "",
            inputs: Mapping[str, Any] | None = None, **options: Any) -> RunRecord:
        """Run one workflow of the written document and close its record."""
        assert self.document is not None, "write() the documents first"
        auth = {"api.key": SECRET, "api.bearer": SECRET} if self.secured else {}
        runner = Runner(transport=httpx.MockTransport(handler), listeners=[self.recorder], auth=auth, environ={},
                        sleep=lambda seconds: None, **options)
        result = runner.run(self.document, workflow_id, inputs)
        return self.recorder.record(str(self.document), workflow_id, label, inputs or {}, result)

    @property
    def redactor(self) -> Redactor:
        """The redactor of the credentials the runs use."""
        return Redactor([SECRET] if self.secured else [])


def answers(*responses: httpx.Response | Exception) -> Handler:
    """Answer the n-th request with the n-th response (raise it when it is an exception); repeat the last."""
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle


def routes(**by_path: Sequence[httpx.Response | Exception]) -> Handler:
    """Answer each path (``a`` for ``/a``) from its own list, as :func:`answers` does."""
    handlers = {f"/{path}": answers(*responses) for path, responses in by_path.items()}
    return lambda request: handlers[request.url.path](request)


# --- JUnit -----------------------------------------------------------------------------------------------

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_DECIMAL = re.compile(r"\d+(\.\d+)?")
_SUITES_ATTRS = {"name", "tests", "failures", "errors", "skipped", "time"}
_SUITE_ATTRS = {"name", "tests", "failures", "errors", "skipped", "time", "timestamp", "id", "hostname", "package"}
_CASE_ATTRS = {"name", "classname", "time"}
_OUTCOMES = ("failure", "error", "skipped")


def check_junit(text: str) -> Element:
    """Parse a JUnit document and assert the structure Jenkins' and GitLab's readers rely on (and that the
    Ant schema also asks for): ``<testsuites>`` of ``<testsuite>`` with name, counts that match its test
    cases, a decimal time and a timestamp; test cases with name, classname and time and at most one of
    failure/error/skipped, each with a message and a type; output elements only where they are read."""
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    _junit_schema().validate(text)  # raises, naming the element and the rule, when the structure is wrong
    root = fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert set(root.attrib) <= _SUITES_ATTRS
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        assert suite.tag == "testsuite", suite.tag
        assert set(suite.attrib) <= _SUITE_ATTRS and _SUITE_ATTRS - {"id", "hostname", "package"} <= set(suite.attrib)
        assert suite.get("name"), "a testsuite needs a name"
        assert _TIMESTAMP.fullmatch(suite.get("timestamp", "")), suite.get("timestamp")
        assert _DECIMAL.fullmatch(suite.get("time", "")), suite.get("time")
        order = [child.tag for child in suite]
        expected = (["properties"] if order[:1] == ["properties"] else []) + ["testcase"] * order.count("testcase")
        expected += [tag for tag in ("system-out", "system-err") if tag in order]
        assert order == expected, order
        cases = suite.findall("testcase")
        counts = {"tests": len(cases), **{f"{tag}s" if tag != "skipped" else tag: 0 for tag in _OUTCOMES}}
        for case in cases:
            _check_case(case)
            for tag in _OUTCOMES:
                counts[f"{tag}s" if tag != "skipped" else tag] += case.find(tag) is not None
        for key, count in counts.items():
            assert suite.get(key) == str(count), (key, suite.get(key), count)
            totals[key] += count
        for prop in suite.iter("property"):
            assert set(prop.attrib) == {"name", "value"} and prop.get("name")
    for key, count in totals.items():
        assert root.get(key) == str(count), (key, root.get(key), count)
    return root


@lru_cache(maxsize=1)
def _junit_schema() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(Path(__file__).with_name("junit-readers.xsd")))


def _check_case(case: Element) -> None:
    assert set(case.attrib) == _CASE_ATTRS, case.attrib
    assert case.get("name") and case.get("classname")
    assert _DECIMAL.fullmatch(case.get("time", ""))
    tags = [child.tag for child in case]
    outcomes = [tag for tag in tags if tag in _OUTCOMES]
    assert len(outcomes) <= 1, tags
    assert tags == outcomes + [tag for tag in ("system-out", "system-err") if tag in tags], tags
    for child in case:
        if child.tag in ("failure", "error"):
            assert set(child.attrib) == {"message", "type"} and child.get("type"), child.attrib
        else:
            assert not child.attrib
        assert len(child) == 0


# --- HAR 1.2 ---------------------------------------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}([+-]\d{2}:\d{2}|Z)")
_NAME_VALUE = {"name": str, "value": str}
_REQUEST = {"method": str, "url": str, "httpVersion": str, "cookies": list, "headers": list, "queryString": list,
            "headersSize": int, "bodySize": int}
_RESPONSE = {"status": int, "statusText": str, "httpVersion": str, "cookies": list, "headers": list,
             "content": dict, "redirectURL": str, "headersSize": int, "bodySize": int}
_ENTRY = {"startedDateTime": str, "time": (int, float), "request": dict, "response": dict, "cache": dict,
          "timings": dict}
_PAGE = {"startedDateTime": str, "id": str, "title": str, "pageTimings": dict}


def _fields(obj: Any, required: Mapping[str, Any], where: str, optional: Sequence[str] = ()) -> None:
    """``obj`` has every required field with its type, and no field HAR 1.2 does not define (custom fields
    start with ``_``; every object may have a ``comment``)."""
    assert isinstance(obj, dict), where
    for name, kind in required.items():
        assert name in obj, f"{where}.{name} is required"
        assert isinstance(obj[name], kind) and not isinstance(obj[name], bool), f"{where}.{name}: {obj[name]!r}"
    unknown = [name for name in obj if name not in required and name not in optional and name != "comment"
               and not name.startswith("_")]
    assert not unknown, f"{where}: not HAR 1.2 fields: {unknown}"


def check_har(document: Any) -> dict[str, Any]:
    """Assert the fields HAR 1.2 requires, with their types, and the rules between them (every pageref names
    a page, ``time`` is the sum of the timings, ``send``/``wait``/``receive`` are not negative)."""
    assert set(document) == {"log"}
    log: dict[str, Any] = document["log"]
    _fields(log, {"version": str, "creator": dict, "entries": list}, "log", ("browser", "pages"))
    assert log["version"] == "1.2"
    _fields(log["creator"], {"name": str, "version": str}, "creator")
    pages = log.get("pages", [])
    for index, page in enumerate(pages):
        _fields(page, _PAGE, f"pages[{index}]")
        assert _DATE.fullmatch(page["startedDateTime"]), page["startedDateTime"]
        _fields(page["pageTimings"], {}, "pageTimings", ("onContentLoad", "onLoad"))
    ids = [page["id"] for page in pages]
    assert len(ids) == len(set(ids)), "page ids must be unique"
    for index, entry in enumerate(log["entries"]):
        where = f"entries[{index}]"
        _fields(entry, _ENTRY, where, ("pageref", "serverIPAddress", "connection"))
        assert _DATE.fullmatch(entry["startedDateTime"]), entry["startedDateTime"]
        if "pageref" in entry:
            assert entry["pageref"] in ids, entry["pageref"]
        _fields(entry["request"], _REQUEST, "request", ("postData",))
        _fields(entry["response"], _RESPONSE, "response")
        for part in ("request", "response"):
            for key in ("headers", "cookies") + (("queryString",) if part == "request" else ()):
                for item in entry[part][key]:
                    _fields(item, _NAME_VALUE, key,
                            ("path", "domain", "expires", "httpOnly", "secure") if key == "cookies" else ())
        if "postData" in entry["request"]:
            post = entry["request"]["postData"]
            _fields(post, {"mimeType": str}, "postData", ("params", "text"))
            assert "params" in post or "text" in post, "postData needs params or text"
        _fields(entry["response"]["content"], {"size": int, "mimeType": str}, "content",
                ("compression", "text", "encoding"))
        timings = entry["timings"]
        _fields(timings, {"send": (int, float), "wait": (int, float), "receive": (int, float)}, "timings",
                ("blocked", "dns", "connect", "ssl"))
        assert min(timings["send"], timings["wait"], timings["receive"]) >= 0
        total = sum(value for key, value in timings.items() if key != "comment" and value != -1)
        assert abs(entry["time"] - total) < 1e-6, (entry["time"], timings)
    return log

"""HAR 1.2: one page per run, one entry per exchange, everything a HAR viewer needs and nothing secret."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from arazzo_runner.events import ExchangeRecorded
from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import RunRecord, har
from tests.reports import scenarios
from tests.reports.support import FORM, Api, answers, check_har, step, workflow


def entries(api: Api, *records: RunRecord, redact: Redactor | None = None) -> list[dict[str, Any]]:
    log = check_har(json.loads(json.dumps(har(records, api.redactor if redact is None else redact))))
    result: list[dict[str, Any]] = log["entries"]
    return result


@pytest.mark.parametrize("scenario", scenarios.ALL, ids=lambda s: s.__name__)
def test_every_kind_of_run_gives_a_valid_har_1_2_log(api: Api, scenario: Callable[[Api], RunRecord]) -> None:
    check_har(json.loads(json.dumps(har([scenario(api)], api.redactor))))


def test_an_entry_holds_the_request_the_response_and_the_time_it_took(api: Api) -> None:
    api.write([workflow("flow", [step("fetch", "getA", parameters=[
        {"name": "q", "in": "query", "value": "a b"}, {"name": "X-Trace", "in": "header", "value": "t-1"}])])])
    record = api.run(answers(httpx.Response(201, json={"id": 7}, headers={"location": "https://api.test/a/7"})))

    [entry] = entries(api, record)

    request, response = entry["request"], entry["response"]
    assert (request["method"], request["url"]) == ("GET", "https://api.test/a?q=a%20b")
    assert request["queryString"] == [{"name": "q", "value": "a b"}]
    assert {"name": "x-trace", "value": "t-1"} in request["headers"]
    assert "postData" not in request and request["bodySize"] == 0
    assert (response["status"], response["statusText"], response["redirectURL"]) == (201, "Created",
                                                                                     "https://api.test/a/7")
    assert response["content"] == {"size": 8, "mimeType": "application/json", "text": '{"id":7}'}
    assert response["bodySize"] == response["content"]["size"]
    assert entry["timings"] == {"send": 0, "wait": entry["time"], "receive": 0}
    assert (entry["_workflowId"], entry["_stepId"], entry["_attempt"]) == ("flow", "fetch", 1)
    assert "_mocked" not in entry


def test_each_run_is_a_page_and_its_exchanges_point_at_it(api: Api) -> None:
    api.write([workflow("flow", [step("first", "getA"), step("second", "getB")])])
    records = [api.run(answers(httpx.Response(200)), label=f"row {n}") for n in (1, 2, 3)]

    document = har(records, api.redactor)

    pages = document["log"]["pages"]
    assert [(p["id"], p["title"]) for p in pages] == [("run_1", "flow [row 1]"), ("run_2", "flow [row 2]"),
                                                      ("run_3", "flow [row 3]")]
    assert [e["pageref"] for e in document["log"]["entries"]] == ["run_1", "run_1", "run_2", "run_2", "run_3",
                                                                  "run_3"]
    assert document["log"]["creator"]["name"] == "arazzo-runner"


def test_every_attempt_of_a_retried_step_is_an_entry(api: Api) -> None:
    found = entries(api, scenarios.retry_then_success(api))

    assert [(e["_stepId"], e["_attempt"], e["response"]["status"]) for e in found] == [
        ("poll", 1, 503), ("poll", 2, 503), ("poll", 3, 200)]


def test_an_exchange_without_a_response_has_status_0_and_the_error(api: Api) -> None:
    [entry] = entries(api, scenarios.transport_error(api))

    assert entry["response"]["status"] == 0
    assert entry["response"]["_error"] == "GET https://api.test/a: cannot connect: connection refused"


def test_sub_workflow_and_transfer_exchanges_are_entries_of_the_run(api: Api) -> None:
    assert [e["_stepId"] for e in entries(api, scenarios.sub_workflow(api))] == ["inner", "after"]
    assert [e["_workflowId"] for e in entries(api, scenarios.transferred(api))] == ["flow", "other"]


def test_a_json_body_is_post_data_with_its_media_type(api: Api) -> None:
    api.write([workflow("flow", [step("send", "postD", requestBody={"payload": {"name": "Rex", "tags": [1]}})])])
    [entry] = entries(api, api.run(answers(httpx.Response(200))))

    post = entry["request"]["postData"]
    assert post["mimeType"] == "application/json"
    assert json.loads(post["text"]) == {"name": "Rex", "tags": [1]}
    assert entry["request"]["bodySize"] == len(post["text"].encode())


def test_a_form_body_lists_its_parameters(api: Api) -> None:
    api.write([workflow("flow", [step("send", "postF", requestBody={"contentType": FORM,
                                                                     "payload": {"name": "Rex Q", "n": "1"}})])])
    [entry] = entries(api, api.run(answers(httpx.Response(200))))

    assert entry["request"]["postData"]["params"] == [{"name": "name", "value": "Rex Q"}, {"name": "n", "value": "1"}]


def test_a_binary_body_is_base64_of_the_masked_bytes(api: Api) -> None:
    secret = "binary-secret-42"
    api.write([workflow("flow", [step("fetch", "getA")])])
    image = b"\x89PNG\r\n\x1a\n\x00\xff" + secret.encode() + b"\x00"
    record = api.run(answers(httpx.Response(200, content=image, headers={"content-type": "image/png"})))

    [entry] = entries(api, record, redact=Redactor([secret]))

    content = entry["response"]["content"]
    assert (content["encoding"], content["mimeType"], content["size"]) == ("base64", "image/png", len(image))
    assert base64.b64decode(content["text"]) == image.replace(secret.encode(), b"***")


def test_a_body_cut_to_the_recording_limit_keeps_its_size_and_says_so(api: Api) -> None:
    api.write([workflow("flow", [step("fetch", "getA")])])
    body = "a" * 65535 + "ü" + "b" * 5000  # the limit (64 KiB) falls inside the two bytes of the ü
    record = api.run(answers(httpx.Response(200, text=body, headers={"content-type": "text/plain; charset=utf-8"})))

    [entry] = entries(api, record)

    content = entry["response"]["content"]
    assert content["size"] == len(body.encode()) == entry["response"]["bodySize"]
    assert content["text"] == "a" * 65535 and "encoding" not in content
    assert content["comment"] == f"body cut to its first 65536 of {len(body.encode())} bytes"


def test_a_mocked_exchange_is_marked(api: Api) -> None:
    api.write([workflow("flow", [step("fetch", "getA")])])
    record = api.run(answers(httpx.Response(200)))
    mocked = replace(record, events=tuple(replace(e, mocked=True) if isinstance(e, ExchangeRecorded) else e
                                          for e in record.events))

    [entry] = entries(api, mocked)

    assert entry["_mocked"] is True


def test_credential_headers_and_cookies_are_masked_even_by_a_redactor_that_knows_nothing(tmp_path: Any) -> None:
    api = Api(tmp_path, secured=True)
    api.write([workflow("flow", [step("fetch", "getA", parameters=[
        {"name": "session", "in": "cookie", "value": "cookie-value"}])])])
    record = api.run(answers(httpx.Response(200, headers={"set-cookie": "token=set-value; Path=/"})))

    [entry] = entries(api, record, redact=Redactor())

    request, response = entry["request"], entry["response"]
    shown = {h["name"]: h["value"] for h in request["headers"] + response["headers"]}
    assert (shown["authorization"], shown["cookie"], shown["set-cookie"]) == ("***", "***", "***")
    assert request["cookies"] == [{"name": "session", "value": "***"}]
    assert response["cookies"] == [{"name": "token", "value": "***"}]
    assert "cookie-value" not in json.dumps(entry) and "set-value" not in json.dumps(entry)

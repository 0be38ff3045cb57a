"""JUnit XML: one suite per run, one case per step execution, failures that explain themselves."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from xml.etree.ElementTree import Element

import httpx
import pytest

from arazzo_runner.redaction import Redactor
from arazzo_runner.reports import Recorder, RunRecord, junit_xml
from arazzo_runner.reports.junit import document_stem
from tests.reports import scenarios
from tests.reports.support import Api, answers, check_junit, step, workflow


def junit(api: Api, *records: RunRecord) -> Element:
    return check_junit(junit_xml(records, api.redactor))


def cases(root: Element) -> list[tuple[str, str]]:
    return [(case.get("name", ""), case.get("classname", "")) for case in root.iter("testcase")]


@pytest.mark.parametrize("scenario", scenarios.ALL, ids=lambda s: s.__name__)
def test_every_kind_of_run_gives_a_document_junit_readers_accept(api: Api,
                                                                 scenario: Callable[[Api], RunRecord]) -> None:
    check_junit(junit_xml([scenario(api)], api.redactor))


def test_passing_run_is_a_suite_of_passing_step_cases_with_the_outputs(tmp_path: Path) -> None:
    api = Api(tmp_path, recorder=Recorder(clock=lambda: 1_800_000_000.25))
    root = junit(api, scenarios.passing(api))

    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("name") == "flow"
    assert suite.get("timestamp") == "2027-01-15T08:00:00"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("2", "0", "0",
                                                                                                     "0")
    assert cases(root) == [("first", "flows.flow"), ("second", "flows.flow")]
    assert json.loads(suite.findtext("system-out") or "") == {"id": 7}
    assert [p.get("name") for p in suite.iter("property")] == ["document"]


def test_failing_criterion_shows_the_actual_values_the_request_the_status_and_the_body(api: Api) -> None:
    root = junit(api, scenarios.failing_criterion(api))

    failure = root.find(".//testcase[@name='login']/failure")
    assert failure is not None
    assert failure.get("type") == "criterion"
    assert failure.get("message") == "success criterion not met: $statusCode == 200; actual: 401 == 200"
    assert (failure.text or "").splitlines() == [
        "criterion: $statusCode == 200", "actual: 401 == 200", "request: GET https://api.test/a",
        "status: 401 Unauthorized", 'response: {"error":"bad credentials"}']
    assert cases(root) == [("login", "flows.flow")]  # the step after it never ran


def test_each_attempt_of_a_retried_step_is_a_case_and_only_the_outcome_counts(api: Api) -> None:
    root = junit(api, scenarios.retry_then_success(api))

    assert [name for name, _ in cases(root)] == ["poll", "poll (2)", "poll (3)"]
    assert root.get("failures") == "0" and root.get("errors") == "0"
    first = root.findtext(".//testcase[@name='poll']/system-out") or ""
    assert first.splitlines()[:2] == ["attempt 1 was retried (action 'again')", "not met: 503 == 200"]
    assert root.find(".//testcase[@name='poll (3)']/system-out") is None


def test_a_goto_loop_lists_every_execution_in_the_order_it_ran(api: Api) -> None:
    root = junit(api, scenarios.goto_loop(api))

    assert [name for name, _ in cases(root)] == ["fetch", "check", "fetch (2)", "check (2)"]


def test_a_transferred_run_includes_the_target_workflows_steps_and_outputs(api: Api) -> None:
    root = junit(api, scenarios.transferred(api))

    assert cases(root) == [("start", "flows.flow"), ("finish", "flows.other")]
    assert json.loads(root.findtext("testsuite/system-out") or "") == {"id": 7}


def test_sub_workflow_steps_follow_their_step_under_a_nested_classname(api: Api) -> None:
    root = junit(api, scenarios.sub_workflow(api))

    assert cases(root) == [("call", "flows.flow"), ("inner", "flows.flow.child"), ("after", "flows.flow")]


def test_a_prerequisite_workflows_steps_come_first_under_a_nested_classname(api: Api) -> None:
    root = junit(api, scenarios.prerequisite(api))

    assert cases(root) == [("prepare", "flows.flow.setup"), ("main", "flows.flow")]


def test_a_transport_error_is_a_failure_that_says_no_response_came(api: Api) -> None:
    root = junit(api, scenarios.transport_error(api))

    failure = root.find(".//testcase[@name='fetch']/failure")
    assert failure is not None
    assert failure.get("type") == "transport"
    assert failure.get("message") == "GET https://api.test/a: cannot connect: connection refused"
    assert "no response: GET https://api.test/a: cannot connect: connection refused" in (failure.text or "")


def test_an_exhausted_step_budget_is_an_error_case_of_the_workflow(api: Api) -> None:
    root = junit(api, scenarios.step_budget(api))

    assert (root.get("failures"), root.get("errors")) == ("0", "1")
    assert [name for name, _ in cases(root)] == ["spin", "spin (2)", "(workflow)"]
    error = root.find(".//testcase[@name='(workflow)']/error")
    assert error is not None and error.get("type") == "engine"
    assert (error.get("message") or "").startswith("step budget of 2 exhausted at step 'spin'")


def test_a_step_the_run_stopped_during_is_an_error_case(api: Api) -> None:
    root = junit(api, scenarios.depth_limit(api))

    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "1")
    error = root.find(".//testcase[@name='call']/error")
    assert error is not None and error.get("type") == "interrupted"
    assert error.get("message") == "the run stopped during this step: workflows nest deeper than 0 levels at 'child'"


def test_a_failure_that_ends_the_workflow_is_a_failure(api: Api) -> None:
    root = junit(api, scenarios.ended(api))

    assert root.find(".//testcase[@name='fetch']/failure") is not None


def test_a_failure_an_action_took_over_passes_and_says_so(api: Api) -> None:
    root = junit(api, scenarios.handled_failure(api))

    assert root.get("failures") == "0" and root.get("errors") == "0"
    assert [name for name, _ in cases(root)] == ["fetch", "fallback"]
    note = root.findtext(".//testcase[@name='fetch']/system-out") or ""
    assert note.startswith("failed: success criterion not met: $statusCode == 200; actual: 404 == 200 and was "
                           "handled by goto 'recover'")


def test_runs_of_several_input_sets_are_suites_of_one_document(api: Api) -> None:
    api.write([workflow("flow", [step("first", "getA")],
                        inputs={"type": "object", "properties": {"n": {"type": "integer"}}})])
    records = [api.run(answers(httpx.Response(200 if n != 2 else 500)), label=f"row {n}", inputs={"n": n})
               for n in (1, 2, 3)]

    root = junit(api, *records)

    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["flow [row 1]", "flow [row 2]", "flow [row 3]"]
    assert [s.get("id") for s in suites] == ["0", "1", "2"]
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    assert [(p.get("name"), p.get("value")) for p in suites[1].iter("property")] == [
        ("document", records[1].document), ("label", "row 2"), ("input.n", "2")]


def test_the_response_excerpt_is_cut_after_masking(api: Api) -> None:
    secret = "abcdef-secret-123456"
    api.write([workflow("flow", [step("fetch", "getA")])])
    record = api.run(answers(httpx.Response(500, text="x" * 490 + secret + "y" * 600)))

    text = junit_xml([record], Redactor([secret]))

    assert "response: " + "x" * 490 + "***" + "y" * 7 + "... (1110 bytes)" in text
    assert "abcd" not in text


def test_characters_xml_cannot_hold_are_removed(api: Api) -> None:
    api.write([workflow("flow", [step("fetch", "getA", outputs={"text": "$response.body"})],
                        outputs={"text": "$steps.fetch.outputs.text"})])
    body = httpx.Response(500, text="bad\x00\x1b\ufffe chars", headers={"content-type": "text/plain"})
    record = api.run(answers(body))

    text = junit_xml([record], api.redactor)

    root = check_junit(text)
    assert "response: bad chars" in (root.findtext(".//failure") or "")
    # JSON writes control characters as escapes, which XML holds; the raw characters are gone.
    assert json.loads(root.findtext("testsuite/system-out") or "") == {"text": "bad\x00\x1b chars"}
    assert not {"\x00", "\x1b", "\ufffe"} & set(text)


@pytest.mark.parametrize(("document", "stem"), [
    ("flows.arazzo.yaml", "flows"),
    ("dir/sub/checkout.arazzo.json", "checkout"),
    ("https://docs.test/a/orders.arazzo.yaml?ref=main", "orders"),
    ("C:\\work\\pay.yml", "pay"),
    ("plain", "plain"),
])
def test_the_classname_starts_with_the_documents_stem(document: str, stem: str) -> None:
    assert document_stem(document) == stem


SUITE = ('<testsuite name="s" tests="1" failures="0" errors="0" skipped="0" time="0.1" '
         'timestamp="2026-01-01T00:00:00">{cases}</testsuite>')
NOT_READABLE = [
    pytest.param('<testcase name="a" classname="b" time="1"><failure type="x"/></testcase>', id="failure-no-message"),
    pytest.param('<testcase name="a" time="1"/>', id="case-without-classname"),
    pytest.param('<testcase name="a" classname="b" time="-1"/>', id="negative-time"),
    pytest.param('<testcase name="a" classname="b" time="1"><failure message="m" type="t"/><error message="m" '
                 'type="t"/></testcase>', id="two-outcomes"),
    pytest.param('<system-out/><testcase name="a" classname="b" time="1"/>', id="output-before-the-cases"),
]


@pytest.mark.parametrize("cases", NOT_READABLE)
def test_the_reader_schema_refuses_what_ci_readers_cannot_read(cases: str) -> None:
    import xmlschema

    document = f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>{SUITE.format(cases=cases)}</testsuites>'

    with pytest.raises(xmlschema.XMLSchemaValidationError):
        check_junit(document)

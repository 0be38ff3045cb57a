"""Arazzo documents collected as tests: child pytest sessions (pytester) whose runs go over real HTTP to a
loopback API (see :mod:`support`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pytest_plugin.support import LEAK, OPENAPI, PING, SECRET, STATUS, TOKEN, USER, document, forms


def write(project: pytest.Pytester, name: str, text: str) -> Path:
    path = Path(project.path, name)
    path.write_text(text, "utf-8")
    return path


def test_each_workflow_of_a_matched_document_is_an_item_and_a_passing_run_prints_nothing(
        suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(PING, STATUS))

    result = suite.runpytest("-v")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["flows.arazzo.yaml::ping PASSED*", "flows.arazzo.yaml::status PASSED*"])
    assert "workflow" not in result.stdout.str().split("collected")[1].split("PASSED")[-1]


def test_only_files_the_globs_match_are_collected_and_never_a_sidecar(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(PING))
    write(suite, "other.yaml", document(PING))
    write(suite, "flows.inputs.yaml", "ping: {}\n")

    from_ini = suite.runpytest("--collect-only", "-q")
    widened = suite.runpytest("--collect-only", "-q", "-o", "arazzo_files=f*.yaml", "--arazzo-files", "other.*")

    from_ini.stdout.fnmatch_lines(["flows.arazzo.yaml::ping", "1 test collected*"])
    widened.stdout.fnmatch_lines(["flows.arazzo.yaml::ping", "other.yaml::ping", "2 tests collected*"])


def test_a_sidecar_list_gives_one_item_per_set_labelled_by_position(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(PING, USER))
    write(suite, "flows.inputs.json", '{"user": [{"id": 1}, {"id": 2}], "ping": {}}')

    result = suite.runpytest("-v")

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*::ping PASSED*", "*::user[[]set-1] PASSED*", "*::user[[]set-2] PASSED*"])


def test_a_data_file_of_three_rows_gives_three_items_and_k_selects_one(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(USER))
    write(suite, "flows.inputs.yaml", "user: data/users.csv\n")
    Path(suite.path, "data").mkdir()
    write(suite, "data/users.csv", "id\n1\n2\n3\n")

    every = suite.runpytest("-v")
    selected = suite.runpytest("-v", "-k", "row-2")

    every.assert_outcomes(passed=3)
    every.stdout.fnmatch_lines([f"*::user[[]row-{n}] PASSED*" for n in (1, 2, 3)])
    selected.assert_outcomes(passed=1, deselected=2)
    selected.stdout.fnmatch_lines(["*::user[[]row-2] PASSED*"])


@pytest.mark.parametrize(("sidecar", "data", "message"), [
    pytest.param("user: {id: 1}\nnope: {}\n", None,
                 "flows.inputs.yaml:2:1: flows.arazzo.yaml has no workflow 'nope' (its workflows: user)",
                 id="unknown-workflow"),
    pytest.param("user:\n  - {id: 1}\n  - 7\n", None,
                 "flows.inputs.yaml:3:5: an input set is an object of input names to values", id="set-not-object"),
    pytest.param("user: [}\n", None, "flows.inputs.yaml:1:8: malformed YAML*", id="syntax"),
    pytest.param("user: rows.csv\n", "id\n1\nx\n",
                 "rows.csv:3: column 'id': 'x' is not an integer (the data file named at flows.inputs.yaml:1:1)",
                 id="bad-row"),
    pytest.param("user: rows.txt\n", None, "*rows.txt*(the data file named at flows.inputs.yaml:1:1)",
                 id="missing-data-file"),
])
def test_a_bad_sidecar_is_a_collection_error_naming_the_file_and_line(
        suite: pytest.Pytester, sidecar: str, data: str | None, message: str) -> None:
    write(suite, "flows.arazzo.yaml", document(USER))
    write(suite, "flows.inputs.yaml", sidecar)
    if data is not None:
        write(suite, "rows.csv", data)

    result = suite.runpytest()

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ERROR collecting flows.arazzo.yaml*", message])
    assert "Traceback" not in result.stdout.str()


def test_an_invalid_document_fails_its_items_with_every_diagnostic(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(PING, PING.replace("ping", "pong").replace(
        "operationId: pong", "operationId: missing")))
    write(suite, "broken.arazzo.yaml", "arazzo: [\n")
    write(suite, "empty.arazzo.yaml", "arazzo: 1.0.1\n")

    result = suite.runpytest("-v", "--continue-on-collection-errors")

    result.assert_outcomes(passed=1, failed=2, errors=1)
    result.stdout.fnmatch_lines([
        "*ERROR collecting broken.arazzo.yaml*", "broken.arazzo.yaml:2:1: error: malformed YAML*",
        "*_ (document) _*", "document empty.arazzo.yaml was not run: the document has * problem(s)",
        "E   empty.arazzo.yaml:1:1: error: *",
        "*_ pong _*", "workflow pong was not run: the document has 1 problem(s)",
        "E   flows.arazzo.yaml:13:5: error: step 'pong': operationId 'missing' not found*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_a_failure_reads_like_an_assertion_and_shows_no_secret_in_any_encoding(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(LEAK))

    result = suite.runpytest("--arazzo-auth", f"api.key={SECRET}")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*_ leak _*",
        "workflow leak failed at step echo",
        "flows.arazzo.yaml:11:5: step echo",
        ">   $statusCode == 200",
        "E   assert 401 == 200",
        "    request:  GET http://127.0.0.1:*/echo?key=[*][*][*]",
        "    response: 401 Unauthorized",
        '              {"message": "rejected", "key": "[*][*][*]", *"token": "[*][*][*]"*',
        "FAILED flows.arazzo.yaml::leak - workflow leak failed at step echo",
    ])
    shown = result.stdout.str() + result.stderr.str()
    assert [form for secret in (SECRET, TOKEN) for form in forms(secret) if form in shown] == []


def test_invalid_inputs_fail_the_item_naming_the_input_and_its_origin(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(USER))
    write(suite, "flows.inputs.yaml", 'user: {id: "seven"}\n')

    result = suite.runpytest()

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["workflow user was not run: invalid inputs", "inputs from flows.inputs.yaml:1:1",
                                 "E   input 'id': *seven* is not of type *integer*"])


def test_a_source_without_a_server_fails_with_the_option_that_gives_one(suite: pytest.Pytester) -> None:
    write(suite, "openapi.yaml", OPENAPI.replace('servers: [{url: "http://never.invalid"}]\n', ""))
    write(suite, "flows.arazzo.yaml", document(PING))

    result = suite.runpytest("-o", "arazzo_servers=")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*api*", "*(pass --arazzo-server api=URL or add it to arazzo_servers)*"])


def test_a_server_name_no_collected_document_uses_is_warned_about(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(PING))

    result = suite.runpytest("--arazzo-server", "apii=http://127.0.0.1:9")

    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*PytestConfigWarning: arazzo_servers / --arazzo-server name no source description "
                                 "of the collected documents: apii (their sources: api)"])


def test_limits_and_strictness_from_the_options_apply_to_collected_runs(suite: pytest.Pytester) -> None:
    write(suite, "flows.arazzo.yaml", document(STATUS, LEAK))

    lenient = suite.runpytest("-k", "status")
    strict = suite.runpytest("-k", "status", "-o", "arazzo_strict=true")
    limited = suite.runpytest("-k", "leak", "--arazzo-limit", "max_steps=1")

    lenient.assert_outcomes(passed=1, deselected=1)
    strict.assert_outcomes(failed=1, deselected=1)
    strict.stdout.fnmatch_lines(["workflow status failed at step status", "E   *status 200 is not declared*"])
    limited.assert_outcomes(failed=1, deselected=1)
    limited.stdout.fnmatch_lines(["workflow leak failed", "E   *step budget*"])


def test_x_stops_at_the_first_failure_and_lf_reruns_only_the_failures(suite: pytest.Pytester) -> None:
    write(suite, "a.arazzo.yaml", document(LEAK, PING))
    write(suite, "b.arazzo.yaml", document(LEAK))

    first = suite.runpytest()
    again = suite.runpytest("--lf", "-v")
    stopped = suite.runpytest("--lf", "-x")

    first.assert_outcomes(failed=2, passed=1)
    again.assert_outcomes(failed=2)
    again.stdout.fnmatch_lines(["a.arazzo.yaml::leak FAILED*", "b.arazzo.yaml::leak FAILED*"])
    stopped.assert_outcomes(failed=1)
    stopped.stdout.fnmatch_lines(["*stopping after 1 failures*"])


def test_a_malformed_option_stops_the_session_without_repeating_a_credential(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--arazzo-auth", "api.key", "--arazzo-auth", f"{SECRET}")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --arazzo-auth argument #1 is not of the form SOURCE.SCHEME=VALUE"])
    assert SECRET not in result.stderr.str() + result.stdout.str()

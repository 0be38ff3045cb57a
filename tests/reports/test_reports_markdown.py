"""Markdown: a summary table, and a Mermaid flowchart of the path each run took."""

from __future__ import annotations

import re

import httpx

from arazzo_runner.reports import RunRecord, markdown
from tests.reports import scenarios
from tests.reports.support import Api, answers, step, workflow

NODE = re.compile(r'^  (\w+)(\["|\(\[")(.*)("\]|"\]\))$')
EDGE = re.compile(r'^  (\w+) (-->|-->\|"([^"]*)"\|) (\w+)$')


def summary(api: Api, *records: RunRecord) -> str:
    return markdown(records, api.redactor)


def rows(text: str) -> list[list[str]]:
    table = [line for line in text.splitlines() if line.startswith("| ")][2:]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in table]


def chart(text: str) -> list[str]:
    """The lines of the (only) Mermaid block, each checked to be a node, an edge or a style line."""
    blocks: list[str] = re.findall(r"```mermaid\n(.*?)\n```", text, flags=re.S)
    assert len(blocks) == 1
    lines = blocks[0].splitlines()
    assert lines[0] == "flowchart TD"
    for line in lines[1:]:
        assert NODE.match(line) or EDGE.match(line) or line.startswith(("  classDef ", "  class ")), line
    return lines


def edges(text: str) -> list[tuple[str, str, str]]:
    found = []
    for line in chart(text):
        match = EDGE.match(line)
        if match:
            found.append((match.group(1), match.group(3) or "", match.group(4)))
    return found


def labels(text: str) -> dict[str, str]:
    return {m.group(1): m.group(3) for m in map(NODE.match, chart(text)) if m}


def test_the_table_has_a_row_per_run_with_status_steps_and_the_reason_of_a_failure(api: Api) -> None:
    api.write([workflow("flow", [step("first", "getA")])])
    records = [api.run(answers(httpx.Response(code, json={})), label=f"row {n}")
               for n, code in ((1, 200), (2, 401), (3, 200))]

    text = summary(api, *records)

    assert text.startswith("## Arazzo workflow runs\n\n| workflow | input set | status | steps | duration | failed "
                           "step | reason |\n")
    assert [row[:4] + row[5:] for row in rows(text)] == [
        ["flow", "row 1", "✅ succeeded", "1", "", ""],
        ["flow", "row 2", "❌ failed", "1", "first",
         "success criterion not met: $statusCode == 200; actual: 401 == 200"],
        ["flow", "row 3", "✅ succeeded", "1", "", ""]]
    assert all(row[4].endswith(" ms") for row in rows(text))
    assert text.count("```mermaid") == 3
    assert "### 2. flow [row 2]: ❌ failed" in text


def test_the_chart_follows_the_steps_in_order_to_how_the_run_ended(api: Api) -> None:
    text = summary(api, scenarios.passing(api))

    assert edges(text) == [("w0_start", "", "w0_s1_first"), ("w0_s1_first", "", "w0_s2_second"),
                           ("w0_s2_second", "", "done")]
    assert labels(text)["w0_s1_first"] == "first<br/>✅ succeeded · HTTP 200"
    assert labels(text)["done"] == "✅ succeeded"


def test_retries_are_a_self_loop_with_their_count(api: Api) -> None:
    text = summary(api, scenarios.retry_then_success(api))

    assert ("w0_s1_poll", "retry ×2", "w0_s1_poll") in edges(text)
    assert rows(text)[0][3] == "1 (3 attempts)"


def test_a_goto_is_a_labelled_edge_back_and_the_revisited_steps_count_their_visits(api: Api) -> None:
    text = summary(api, scenarios.goto_loop(api))

    assert edges(text) == [("w0_start", "", "w0_s1_fetch"), ("w0_s1_fetch", "×2", "w0_s2_check"),
                           ("w0_s2_check", "goto", "w0_s1_fetch"), ("w0_s2_check", "", "done")]
    assert labels(text)["w0_s2_check"].endswith(" · ×2")


def test_a_transfer_continues_in_the_target_workflow(api: Api) -> None:
    text = summary(api, scenarios.transferred(api))

    assert ("w0_s1_start", "goto", "w1_start") in edges(text)
    assert ("w1_start", "", "w1_s2_finish") in edges(text)
    assert labels(text)["w1_start"] == "↪ other"
    assert rows(text)[0][2] == "↪️ transferred to other: ✅ succeeded"


def test_an_end_action_labels_the_last_edge(api: Api) -> None:
    text = summary(api, scenarios.ended(api))

    assert edges(text)[-1] == ("w0_s1_fetch", "end", "done")
    assert labels(text)["done"] == "⏹️ ended"


def test_an_engine_error_is_the_end_of_the_path(api: Api) -> None:
    text = summary(api, scenarios.step_budget(api))

    assert labels(text)["done"].startswith("⛔ stopped: step budget of 2 exhausted at step 'spin'")
    assert rows(text)[0][6].startswith("step budget of 2 exhausted")


def test_node_ids_are_sanitized_and_labels_escaped(api: Api) -> None:
    api.write([workflow("flow", [step('get "pet" <b>|#`x`', "getA")])])
    text = summary(api, api.run(answers(httpx.Response(200))))

    assert labels(text)["w0_s1_get__pet___b____x_"] == (
        "get #quot;pet#quot; #lt;b#gt;#124;#35;#96;x#96;<br/>✅ succeeded · HTTP 200")


def test_table_cells_escape_pipes_and_html(api: Api) -> None:
    api.write([workflow("flow", [step("fetch", "getA")])])
    record = api.run(answers(httpx.ConnectError("refused | <b>now</b>")))

    text = summary(api, record)

    assert rows(text)[0][6] == "GET https://api.test/a: cannot connect: refused \\| &lt;b&gt;now&lt;/b&gt;"


def test_a_step_the_run_stopped_during_is_shown_interrupted(api: Api) -> None:
    text = summary(api, scenarios.depth_limit(api))

    assert labels(text)["w0_s1_call"] == "call<br/>⛔ interrupted"
    assert rows(text)[0][3] == "0 (1 attempt)"

"""The specification's own documents, run as data: schema tests, examples and the runner fixtures.

Where a published document is itself wrong, a table entry says what is wrong with it and lists the exact
diagnostics (rule and line) it must produce, so the table goes stale — and fails — the moment either the
document or the validator changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from arazzo_runner.documents import validate
from arazzo_runner.errors import Diagnostic
from tests.reference import reference_path
from tests.validate.support import brief, file_url, local_only

ARAZZO = reference_path("arazzo")
SCHEMA_TESTS = ARAZZO / "schema-tests"
EXAMPLES = ARAZZO / "examples" / "1.0.0"
FIXTURES = ARAZZO / "conformance" / "runner" / "packages" / "runner" / "test" / "fixtures"

PETSTORE_URL = "https://raw.githubusercontent.com/swagger-api/swagger-petstore/master/src/main/resources/openapi.yaml"
BNPL_OPENAPI_URL = "https://raw.githubusercontent.com/OAI/Arazzo-Specification/main/examples/1.0.0/bnpl-openapi.yaml"
LOCAL_COPIES = {
    # petstore.openapi.json is the Swagger Petstore 3.0 description the URL names, in JSON (its info links to it).
    PETSTORE_URL: FIXTURES / "petstore.openapi.json",
    BNPL_OPENAPI_URL: EXAMPLES / "bnpl-openapi.yaml",
}


def _ids(paths: list[Path], root: Path) -> list[str]:
    return [str(path.relative_to(root)) for path in paths]


def _rule_lines(diagnostics: list[Diagnostic]) -> list[tuple[str, int | None]]:
    return sorted((d.rule, d.location.line) for d in diagnostics)


# --- schema-tests/v1.0 -----------------------------------------------------------------------------------------

KNOWN_WRONG_EXAMPLES: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "bnpl-example.yaml": (
        "Step outputs navigate the body with dots ($response.body.redirectAuthToken, $response.body.links.self), "
        "which the 1.0.1 ABNF does not allow (examples/1.0.0/bnpl-arazzo.yaml fixes them with '#/' pointers), and "
        "read '$response.headers.Location' where the ABNF says 'header'. Three parameters read step outputs "
        "that were never declared: authenticateCustomerAndAuthorizeLoan reads its own 'redirectAuthToken' "
        "(declared by initiateBnplTransaction), and two steps read initiateBnplTransaction's "
        "'loanTransactionId' (it declares 'loanTransactionResourceUrl').",
        [
            ("dialect-body-navigation", 214),  # redirectAuthToken: $response.body.redirectAuthToken
            ("dialect-body-navigation", 215),  # loanTransactionResourceUrl: $response.body.links.self
            ("unknown-step-output", 230),  # $steps.authenticateCustomerAndAuthorizeLoan.outputs.redirectAuthToken
            ("dialect-header-plural", 234),  # redirectUrl: $response.headers.Location
            ("unknown-step-output", 241),  # $steps.initiateBnplTransaction.outputs.loanTransactionId
            ("unknown-step-output", 252),  # same, in updateOrderStatus
        ],
    ),
    "oauth-example.yaml": (
        "a sub-workflow step's output reads '$outputs.refresh_token', this workflow's own output (not computed "
        "yet), meaning the called workflow's",
        [("dialect-sub-workflow-output", 49)],
    ),
    "pet-coupons-example.yaml": (
        "both place-order steps call a workflow yet test '$statusCode == 200' (no response there, so it can never "
        "pass) and read '$outputs.workflow_order_id' meaning the called workflow's output",
        [("response-in-workflow-step", 54), ("dialect-sub-workflow-output", 56),
         ("response-in-workflow-step", 87), ("dialect-sub-workflow-output", 89)],
    ),
}

V10_PASS = sorted((SCHEMA_TESTS / "v1.0" / "pass").glob("*.yaml"))


@pytest.mark.parametrize("path", V10_PASS, ids=_ids(V10_PASS, SCHEMA_TESTS))
def test_schema_pass_document_has_no_schema_errors(path: Path) -> None:
    diagnostics = validate(path, schema_only=True)

    assert [d for d in diagnostics if d.rule.startswith("schema-")] == []
    _, expected = KNOWN_WRONG_EXAMPLES.get(path.name, ("", []))
    assert _rule_lines(diagnostics) == sorted(expected)


def test_known_wrong_examples_table_names_only_existing_documents() -> None:
    assert set(KNOWN_WRONG_EXAMPLES) <= {path.name for path in V10_PASS}


V10_FAIL: dict[str, tuple[str, list[tuple[str, int, int]]]] = {
    "invalid-arazzo-version.yaml": (
        "'arazzo: 2' is a number, not a version string; its only step also names no operation or workflow",
        [("schema-type", 1, 1), ("unsupported-version", 1, 1), ("step-target", 11, 5)],
    ),
    "not-an-object.yaml": (
        "the root is a YAML sequence, so there is no 'arazzo' field either",
        [("schema-type", 1, 1), ("unsupported-version", 1, 1)],
    ),
}


@pytest.mark.parametrize("name", sorted(V10_FAIL))
def test_schema_fail_document_is_rejected_with_its_rule(name: str) -> None:
    diagnostics = validate(SCHEMA_TESTS / "v1.0" / "fail" / name, schema_only=True)

    _, expected = V10_FAIL[name]
    assert sorted(brief(diagnostics)) == sorted(expected)
    assert all(d.severity == "error" for d in diagnostics)


def test_schema_fail_table_covers_every_document() -> None:
    assert sorted(V10_FAIL) == sorted(p.name for p in (SCHEMA_TESTS / "v1.0" / "fail").glob("*.yaml"))


def test_non_string_version_message_says_the_field_is_not_a_version() -> None:
    diagnostics = validate(SCHEMA_TESTS / "v1.0" / "fail" / "invalid-arazzo-version.yaml", schema_only=True)

    [version] = [d for d in diagnostics if d.rule == "unsupported-version"]
    [schema] = [d for d in diagnostics if d.rule == "schema-type"]
    assert version.message == "the document has no valid 'arazzo' version field"
    assert schema.message == "2 is not of type 'string' (at arazzo)"
    assert version.location.pointer == "/arazzo"


def test_non_object_root_message_names_the_root() -> None:
    [schema] = [d for d in validate(SCHEMA_TESTS / "v1.0" / "fail" / "not-an-object.yaml", schema_only=True)
                if d.rule == "schema-type"]

    assert "is not of type 'object' (at the document root)" in schema.message
    assert schema.location.pointer == ""


# --- schema-tests/v1.1-dev: the 1.1 schema and rules ------------------------------------------------------------

V11_PASS = sorted((SCHEMA_TESTS / "v1.1-dev" / "pass").glob("*.yaml"))
V11_FAIL_DIR = SCHEMA_TESTS / "v1.1-dev" / "fail"

# Pass documents that the schema accepts but the semantic rules do not: their errata are dialect forms.
KNOWN_WRONG_V11: dict[str, list[tuple[str, int]]] = {
    "async-depends-on.arazzo.yaml": [("dialect-body-navigation", 21)],  # $message.payload.userId
    "async-depends-on-cross-workflow.arazzo.yaml": [("dialect-body-navigation", 21)],
    "openapi-and-asyncapi.arazzo.yaml": [("dialect-body-navigation", 92)],  # $message.payload.orderId
    "openapi-operation-path.arazzo.yaml": [("dialect-operation-path", 13)],  # $sourceDescriptions.userAPI#/paths/..
    # The Selector Object's context '$steps.previous.outputs' names no output (the grammar needs one).
    "payload-replacement-using-selector.arazzo.yaml": [("invalid-expression", 18)],
    "bnpl-example.yaml": [("dialect-body-navigation", 226), ("dialect-body-navigation", 227),
                          ("dialect-header-plural", 246), ("unknown-step-output", 242),
                          ("unknown-step-output", 253), ("unknown-step-output", 264)],  # as its 1.0 twin
}


@pytest.mark.parametrize("path", V11_PASS, ids=_ids(V11_PASS, SCHEMA_TESTS / "v1.1-dev"))
def test_v1_1_schema_pass_document_validates(path: Path) -> None:
    diagnostics = validate(path, schema_only=True)

    errors = [d for d in diagnostics if d.severity == "error"]
    assert [d for d in errors if d.rule.startswith("schema-")] == []
    assert sorted((d.rule, d.location.line) for d in errors) == sorted(KNOWN_WRONG_V11.get(path.name, []))


# The rules each fail document is refused with, and their lines.
V11_FAIL: dict[str, list[tuple[str, int]]] = {
    "async-both-operationId-and-channelPath.arazzo.yaml": [('step-target', 12)],
    "async-channelPath-without-action.arazzo.yaml": [('schema-required', 12)],
    "async-depends-on-duplicate-values.arazzo.yaml": [('schema-uniqueitems', 20)],
    "async-depends-on-empty.arazzo.yaml": [('schema-minitems', 18)],
    "async-depends-on-invalid-reference.arazzo.yaml": [('schema-pattern', 22), ('unknown-step-dependency', 22)],
    "channel-path-is-invalid-for-openapi.arazzo.yaml": [('schema-required', 12)],
    "invalid-arazzo-version.yaml": [('schema-type', 1), ('step-target', 11), ('unsupported-version', 1)],
    "invalid-async-correlation-id-non-receive-action.arazzo.yaml": [('schema-const', 14)],
    "invalid-async-parameter-without-in.arazzo.yaml": [('parameter-in-required', 16), ('schema-required', 16)],
    "invalid-async.arazzo.yaml": [('schema-enum', 14)],
    "invalid-expression-type-object.arazzo.yaml": [
        ('schema-enum', 18), ('schema-enum', 20), ('schema-required', 15), ('schema-type', 15), ('schema-type', 18),
        ('schema-unevaluatedproperties', 15)],
    "invalid-openapi-parameter-without-in.arazzo.yaml": [('parameter-in-required', 15), ('schema-required', 15)],
    "invalid-openapi-success-criteria.arazzo.yaml": [('schema-minitems', 14)],
    "invalid-querystring-without-value.arazzo.yaml": [('schema-required', 15)],
    "invalid-selector-object.arazzo.yaml": [
        ('schema-required', 15), ('schema-type', 15), ('schema-unevaluatedproperties', 15)],
    "invalid-self-fragment.arazzo.yaml": [('schema-pattern', 2)],
    "invalid-targetSelectorType.arazzo.yaml": [('schema-enum', 18), ('schema-type', 18)],
    "invalid-workflow-step-with-operationId.arazzo.yaml": [('schema-unevaluatedproperties', 12), ('step-target', 12)],
    "invalid-workflow-success-criteria.arazzo.yaml": [('schema-minitems', 14)],
    "not-an-object.yaml": [('schema-type', 1), ('unsupported-version', 1)],
    "openapi-both-operationId-and-operationPath.arazzo.yaml": [('dialect-operation-path', 14), ('step-target', 12)],
    "openapi-duplicate-parameters.arazzo.yaml": [('duplicate-parameter', 18), ('schema-uniqueitems', 18)],
    "openapi-missing-operation-target.arazzo.yaml": [('step-target', 12)],
    "workflow-duplicate-parameters.arazzo.yaml": [('duplicate-parameter', 17), ('schema-uniqueitems', 17)],
    "workflow-missing-workflowId.arazzo.yaml": [('step-target', 12)],
    "workflow-step-with-action.arazzo.yaml": [('schema-unevaluatedproperties', 12)],
    "workflow-step-with-channelPath.arazzo.yaml": [('schema-unevaluatedproperties', 12), ('step-target', 12)],
}


@pytest.mark.parametrize("name", sorted(V11_FAIL))
def test_v1_1_schema_fail_document_is_refused_with_its_rule(name: str) -> None:
    diagnostics = validate(V11_FAIL_DIR / name, schema_only=True)

    assert sorted({(d.rule, d.location.line) for d in diagnostics if d.severity == "error"}) == V11_FAIL[name]


def test_v1_1_fail_table_covers_every_document() -> None:
    assert sorted(V11_FAIL) == sorted(p.name for p in V11_FAIL_DIR.glob("*.yaml"))


def test_a_document_of_an_unknown_version_is_refused_without_reading_its_sources(tmp_path: Path) -> None:
    original = (SCHEMA_TESTS / "v1.1-dev" / "pass" / "openapi-operation-path.arazzo.yaml").read_text("utf-8")
    path = tmp_path / "future.arazzo.yaml"
    path.write_text(original.replace("arazzo: 1.1.0", "arazzo: 1.2.0"), "utf-8")
    requested: list[str] = []
    files = local_only()

    def recording(url: str) -> bytes:
        requested.append(url)
        return files(url)

    diagnostics = validate(path, retriever=recording)

    assert brief(diagnostics) == [("unsupported-version", 1, 1)]
    assert requested == [file_url(path)]


# --- examples/1.0.0 with their sources -------------------------------------------------------------------------

EXAMPLE_DOCUMENTS = sorted(EXAMPLES.glob("*.arazzo.yaml")) + [EXAMPLES / "bnpl-arazzo.yaml"]

WRONG_SPEC_EXAMPLES: dict[str, tuple[str, list[tuple[str, int, int]]]] = {
    "ExtendedParametersExample.arazzo.yaml": (
        "its only source, ./animals.yaml, is not shipped with the examples; the qualified operationIds that "
        "use it are not reported again",
        [("source-unavailable", 8, 5)],
    ),
    "FAPI-PAR.arazzo.yaml": (
        "the step asks for operationId 'PAR' but FAPI-PAR.openapi.yaml declares 'Par'; operationIds are "
        "case-sensitive",
        [("unknown-operation-id", 102, 9)],
    ),
    "LoginAndRetrievePets.arazzo.yaml": (
        "getPetStep's operationPath ends at the Path Item '/pet/findByStatus' instead of its 'get' operation "
        "(a known spec erratum); the remote source is served from the local Swagger Petstore copy",
        [("unknown-operation-path", 46, 5)],
    ),
    "bnpl-arazzo.yaml": (
        "the workflow output reads '$steps.retrieveFinalizedPaymentPlan.finalizedPaymentPlan' without "
        "'.outputs.'; three parameters read step outputs that were never declared (see the schema-test "
        "bnpl-example.yaml); the remote source is served from the local bnpl-openapi.yaml",
        [
            ("unknown-step-output", 231, 9),
            ("unknown-step-output", 242, 9),
            ("unknown-step-output", 253, 9),
            ("dialect-step-outputs", 260, 5),
        ],
    ),
    "oauth.arazzo.yaml": (
        "refresh-token-flow's sub-workflow step outputs '$outputs.refresh_token', its own workflow's output, "
        "meaning the called workflow's",
        [("dialect-sub-workflow-output", 51, 11)],
    ),
    "pet-coupons.arazzo.yaml": (
        "both place-order sub-workflow steps test '$statusCode == 200', which can never hold there, and read "
        "'$outputs.workflow_order_id' meaning the called workflow's output",
        [("response-in-workflow-step", 56, 13), ("dialect-sub-workflow-output", 58, 11),
         ("response-in-workflow-step", 91, 13), ("dialect-sub-workflow-output", 93, 11)],
    ),
}


@pytest.mark.parametrize("path", EXAMPLE_DOCUMENTS, ids=_ids(EXAMPLE_DOCUMENTS, EXAMPLES))
def test_spec_example_validates_with_its_sources(path: Path) -> None:
    diagnostics = validate(path, retriever=local_only(LOCAL_COPIES))

    _, expected = WRONG_SPEC_EXAMPLES.get(path.name, ("", []))
    assert brief(diagnostics) == expected
    assert all(d.location.source.endswith(path.name) for d in diagnostics)


def test_wrong_spec_examples_table_names_only_existing_documents() -> None:
    assert set(WRONG_SPEC_EXAMPLES) <= {path.name for path in EXAMPLE_DOCUMENTS}


def test_fapi_par_openapi_really_declares_par_in_another_case() -> None:
    openapi = (EXAMPLES / "FAPI-PAR.openapi.yaml").read_text(encoding="utf-8")
    declared = re.findall(r"operationId:\s*(\S+)", openapi)

    assert "Par" in declared
    assert "PAR" not in declared
    [diagnostic] = validate(EXAMPLES / "FAPI-PAR.arazzo.yaml")
    assert "operationId 'PAR' not found in source description 'auth-api'" in diagnostic.message


def test_login_example_reports_the_path_item_erratum() -> None:
    [diagnostic] = validate(EXAMPLES / "LoginAndRetrievePets.arazzo.yaml", retriever=local_only(LOCAL_COPIES))

    assert "points at a Path Item, not an Operation" in diagnostic.message
    assert diagnostic.location.pointer == "/workflows/0/steps/1/operationPath"


def test_login_example_with_its_remote_source_refused_reports_only_the_source() -> None:
    [diagnostic] = validate(EXAMPLES / "LoginAndRetrievePets.arazzo.yaml", retriever=local_only())

    assert (diagnostic.rule, diagnostic.location.line, diagnostic.location.column) == ("source-unavailable", 10, 3)
    assert "network access refused in tests" in diagnostic.message


def test_bnpl_output_without_outputs_segment_is_reported_at_the_output() -> None:
    diagnostics = validate(EXAMPLES / "bnpl-arazzo.yaml", retriever=local_only(LOCAL_COPIES))

    [output] = [d for d in diagnostics if d.rule == "dialect-step-outputs"]
    assert output.location.pointer == "/workflows/0/outputs/finalizedPaymentPlan"
    assert "reads a step without '.outputs.'" in output.message
    assert output.fix is not None
    assert output.fix.new == "$steps.retrieveFinalizedPaymentPlan.outputs.finalizedPaymentPlan"


# --- conformance/runner fixtures meant to be valid ---------------------------------------------------------------

VALID_FIXTURES = [
    "petstore-order-workflow.arazzo.yaml",
    "petstore-order-workflow-2-0.arazzo.yaml",
    "petstore-order-workflow-3-1.arazzo.yaml",
    "external-pathitem/workflow.arazzo.yaml",
    "circular-refs/workflow.arazzo.yaml",
    "circular-refs/workflow-2-0.arazzo.yaml",
    "circular-refs/workflow-3-1.arazzo.yaml",
    "arazzo-with-components/workflow.arazzo.yaml",
    "dual-location-workflow.arazzo.yaml",
]

_CONTEXT_RESPONSE = (
    "two simple criteria give 'context: response', which is not a runtime expression (the author meant "
    "'$response.body'; a simple criterion needs no context at all)"
)
FIXTURE_EXCEPTIONS: dict[str, tuple[str, list[tuple[str, int, int]]]] = {
    "petstore-order-workflow.arazzo.yaml": (
        _CONTEXT_RESPONSE, [("dialect-context-word", 75, 13), ("dialect-context-word", 98, 13)]),
    "petstore-order-workflow-3-1.arazzo.yaml": (
        _CONTEXT_RESPONSE, [("dialect-context-word", 75, 13), ("dialect-context-word", 98, 13)]),
}


@pytest.mark.parametrize("name", VALID_FIXTURES)
def test_runner_fixture_meant_to_be_valid_validates(name: str) -> None:
    diagnostics = validate(FIXTURES / name, retriever=local_only())

    _, expected = FIXTURE_EXCEPTIONS.get(name, ("", []))
    assert brief(diagnostics) == expected
    for diagnostic in diagnostics:
        assert "'response' is a word, not a runtime expression" in diagnostic.message

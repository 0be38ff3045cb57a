"""Untrusted documents: whatever the text or the structure, validation answers with diagnostics, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arazzo_runner.documents import open_model
from arazzo_runner.errors import LoadError
from arazzo_runner.loader import parse_document
from arazzo_runner.model.build import build_document
from arazzo_runner.sources import Workspace

YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@`, \n\t0129.~$") + ["\u00e9", "\x00"]),
                  max_size=120)

KEYS = st.sampled_from(["arazzo", "info", "title", "version", "sourceDescriptions", "name", "url", "type",
                        "workflows", "workflowId", "steps", "stepId", "operationId", "operationPath", "parameters",
                        "in", "value", "successCriteria", "condition", "context", "onSuccess", "onFailure",
                        "outputs", "dependsOn", "components", "reference", "requestBody", "payload", "x-a"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(
    ["1.0.1", "$statusCode == 200", "$inputs.a", "$steps.s.outputs.o", "goto", "retry", "end", "query", "s", "",
     "$components.parameters.p", "{$inputs.a}", "$sourceDescriptions.api.op", "openapi", "arazzo"]))
DOCUMENTS = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(KEYS, children, max_size=5)), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_any_text_either_parses_or_raises_a_located_load_error(text: str) -> None:
    try:
        parse_document(text, "file:///fuzz.yaml")
    except LoadError as error:
        assert error.rule == "malformed-document"
        assert error.location is not None and error.location.source.endswith("fuzz.yaml")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(KEYS, DOCUMENTS, max_size=6), st.booleans())
def test_any_structure_is_validated_into_diagnostics(tmp_path: Path, data: dict[str, Any], schema_only: bool) -> None:
    document = parse_document(json.dumps(data), (tmp_path / "fuzz.json").as_uri())

    diagnostics = open_model(build_document(document), workspace=Workspace(), schema_only=schema_only).diagnostics

    for diagnostic in diagnostics:
        assert diagnostic.rule and diagnostic.message
        assert diagnostic.location.line is not None

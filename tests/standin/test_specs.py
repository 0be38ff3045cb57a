"""The Mixpanel descriptions in ``specs/`` are valid OpenAPI 3.1 and fit the two seed workflows."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from ruamel.yaml import YAML

from tests.reference import reference_path

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
WORKFLOWS = ROOT / "workflows"
SEEDS = reference_path("seeds")
SPEC_NAMES = ["identity", "ingestion", "query"]
WORKFLOW_NAMES = ["track-and-segment", "identity-resolve-and-track"]


@cache
def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def spec(name: str) -> Any:
    return load(SPECS / f"mixpanel-{name}-openapi.yml")


def operation(name: str, operation_id: str) -> tuple[Any, dict[str, Any]]:
    """The operation object and its parameters (path-level and operation-level, refs resolved) by name."""
    document = spec(name)
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                raw = [*item.get("parameters", []), *op.get("parameters", [])]
                return op, {p["name"]: p for p in (resolve(document, r) for r in raw)}
    raise AssertionError(f"{operation_id} not in {name}")


def resolve(document: Any, node: Any) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return target
    return node


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_spec_is_valid_openapi_3_1(name: str) -> None:
    document = spec(name)
    assert document["openapi"] == "3.1.0"
    validate(document)


@pytest.mark.parametrize("name", SPEC_NAMES)
def test_operation_ids_are_unique(name: str) -> None:
    ids = [op["operationId"] for item in spec(name)["paths"].values() for op in item.values()
           if isinstance(op, dict) and "operationId" in op]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("name", "operation_id", "parameters"),
    [
        ("ingestion", "trackEvent", {"token", "verbose", "ip", "strict"}),
        ("ingestion", "importEvents", {"project_id", "strict"}),
        ("ingestion", "updateUserProfile", {"verbose"}),
        ("query", "querySegmentation",
         {"project_id", "event", "from_date", "to_date", "on", "type", "unit", "where", "limit"}),
        ("query", "queryEvents", {"project_id", "event", "type", "unit", "from_date", "to_date"}),
        ("query", "queryFunnels", {"project_id", "funnel_id", "from_date", "to_date"}),
        ("query", "queryRetention", {"project_id", "from_date", "to_date", "born_event", "event"}),
        ("query", "exportRawEvents", {"project_id", "from_date", "to_date", "event", "where", "limit"}),
        ("identity", "createIdentity", set()),
    ],
)
def test_operations_declare_their_parameters(name: str, operation_id: str, parameters: set[str]) -> None:
    _, declared = operation(name, operation_id)
    assert parameters <= set(declared)


def test_segmentation_requires_what_mixpanel_requires() -> None:
    _, declared = operation("query", "querySegmentation")
    required = {name for name, p in declared.items() if p.get("required")}
    assert required == {"project_id", "event", "from_date", "to_date"}
    assert declared["type"]["schema"] == {"$ref": "#/components/schemas/AnalysisType"}
    assert spec("query")["components"]["schemas"]["AnalysisType"]["enum"] == ["general", "unique", "average"]


def test_segmentation_response_has_series_values_and_legend_size() -> None:
    schema = spec("query")["components"]["schemas"]["SegmentationResponse"]
    assert schema["required"] == ["data", "legend_size"]
    assert schema["properties"]["data"]["required"] == ["series", "values"]


def test_servers_cover_three_residencies() -> None:
    assert [s["url"] for s in spec("ingestion")["servers"]] == [
        "https://api.mixpanel.com", "https://api-eu.mixpanel.com", "https://api-in.mixpanel.com"]
    assert [s["url"] for s in spec("query")["servers"]] == [
        "https://mixpanel.com/api/query", "https://eu.mixpanel.com/api/query", "https://in.mixpanel.com/api/query"]


def test_track_needs_no_credentials_and_query_needs_basic() -> None:
    track, _ = operation("ingestion", "trackEvent")
    assert track["security"] == []
    imported, _ = operation("ingestion", "importEvents")
    assert imported["security"] == [{"serviceAccount": []}]
    assert spec("query")["security"] == [{"serviceAccount": []}]
    for name in ("ingestion", "query"):
        scheme = spec(name)["components"]["securitySchemes"]["serviceAccount"]
        assert (scheme["type"], scheme["scheme"]) == ("http", "basic")


def test_track_accepts_the_seed_json_shape_and_form_data() -> None:
    track, _ = operation("ingestion", "trackEvent")
    content = track["requestBody"]["content"]
    assert set(content) == {"application/json", "application/x-www-form-urlencoded"}
    refs = [option["$ref"] for option in content["application/json"]["schema"]["oneOf"]]
    assert refs == ["#/components/schemas/TrackEnvelope", "#/components/schemas/EventBatch"]


def test_identity_spec_is_the_seed_minus_its_unparseable_email_line() -> None:
    seed = (SEEDS / "mixpanel-identity-openapi.yml").read_text(encoding="utf-8").splitlines()
    ours = (SPECS / "mixpanel-identity-openapi.yml").read_text(encoding="utf-8").splitlines()
    removed = [line for line in seed if line not in ours]
    # Cloudflare's e-mail obfuscation left `[email protected]`, which YAML reads as a list.
    assert removed == ["    email: [email\xa0protected]"]
    assert [line for line in seed if line in ours] == ours


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_workflow_is_the_seed_with_source_urls_repointed(name: str) -> None:
    seed = (SEEDS / f"mixpanel-{name}-workflow.yml").read_text(encoding="utf-8")
    ours = (WORKFLOWS / f"mixpanel-{name}.arazzo.yaml").read_text(encoding="utf-8")
    assert ours == seed.replace("url: ../openapi/", "url: ../specs/")
    for source in load(WORKFLOWS / f"mixpanel-{name}.arazzo.yaml")["sourceDescriptions"]:
        assert (WORKFLOWS / source["url"]).resolve().is_file()


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_workflow_step_matches_an_operation_and_its_parameters(name: str) -> None:
    workflow = load(WORKFLOWS / f"mixpanel-{name}.arazzo.yaml")
    sources = {s["name"]: s["url"].split("mixpanel-")[1].split("-openapi")[0] for s in workflow["sourceDescriptions"]}
    for step in workflow["workflows"][0]["steps"]:
        matches = [src for src in sources.values() if _has(src, step["operationId"])]
        assert len(matches) == 1, step["operationId"]
        _, declared = operation(matches[0], step["operationId"])
        for parameter in step.get("parameters", []):
            assert parameter["name"] in declared, (step["stepId"], parameter["name"])
            assert declared[parameter["name"]]["in"] == parameter["in"]


def _has(name: str, operation_id: str) -> bool:
    try:
        operation(name, operation_id)
    except AssertionError:
        return False
    return True


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_example_inputs_fit_the_workflow_and_the_standin_defaults(name: str) -> None:
    inputs = json.loads((WORKFLOWS / f"mixpanel-{name}.inputs.json").read_text(encoding="utf-8"))
    schema = load(WORKFLOWS / f"mixpanel-{name}.arazzo.yaml")["workflows"][0]["inputs"]
    assert set(schema["required"]) <= set(inputs) <= set(schema["properties"])
    assert (inputs["projectToken"], inputs["projectId"]) == ("demo-token", 123456)

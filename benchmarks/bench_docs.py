"""Documents the suite runs: the 3-step seed workflow (as it is, and as a copy whose OpenAPI ``servers`` are the
stub, for engines without a server override), and the generated scale descriptions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

__all__ = ["FLOW", "FLOW_ID", "INPUTS", "ROOT", "SERVERS_PATHS", "SEEDS", "auth_environ", "by_hand_requests",
           "scale_description", "scale_workflow", "servers_for", "workspace_copy"]

ROOT = Path(__file__).resolve().parents[1]
FLOW = ROOT / "workflows" / "mixpanel-identity-resolve-and-track.arazzo.yaml"
FLOW_ID = "identity-resolve-and-track"
INPUTS: dict[str, Any] = json.loads(FLOW.with_name("mixpanel-identity-resolve-and-track.inputs.json").read_text())
SEEDS = (FLOW, ROOT / "workflows" / "mixpanel-track-and-segment.arazzo.yaml")
SERVICE_ACCOUNT = ("demo-sa", "demo-secret")
# Where each source description's requests go, relative to the stub's base URL.
SERVERS_PATHS = {"identityApi": "", "ingestionApi": "", "queryApi": "/api/query"}


def servers_for(base: str) -> dict[str, str]:
    """``--server`` values (and ``Runner(servers=...)``) sending every source of the workflow to ``base``."""
    return {name: base + suffix for name, suffix in SERVERS_PATHS.items()}


def auth_environ() -> dict[str, str]:
    """The service account of the query API, as each engine reads it from the environment (ours by
    ``ARAZZO_AUTH_<SOURCE>_<SCHEME>``, Jentic's by the scheme's name)."""
    user, secret = SERVICE_ACCOUNT
    return {"ARAZZO_AUTH_QUERYAPI_SERVICEACCOUNT": f"{user}:{secret}",
            "MIXPANEL_SERVICEACCOUNT_USERNAME": user, "MIXPANEL_SERVICEACCOUNT_PASSWORD": secret}


def workspace_copy(base: str, into: Path) -> Path:
    """Copies of the seed specs whose first ``servers`` entry is the stub, and of the workflows beside them; the
    copied 3-step workflow's path."""
    (into / "specs").mkdir(parents=True, exist_ok=True)
    (into / "workflows").mkdir(parents=True, exist_ok=True)
    for name, suffix in (("identity", ""), ("ingestion", ""), ("query", "/api/query")):
        text = (ROOT / "specs" / f"mixpanel-{name}-openapi.yml").read_text("utf-8")
        # Only the top-level list (two-space indented entries right after `servers:` at column 0) is replaced.
        text = re.sub(r"^servers:\n(?:  .*\n)+", f"servers:\n  - url: {base}{suffix}\n", text, count=1,
                      flags=re.M)
        (into / "specs" / f"mixpanel-{name}-openapi.yml").write_text(text, "utf-8")
    for path in (ROOT / "workflows").iterdir():
        (into / "workflows" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    return into / "workflows" / FLOW.name


def by_hand_requests(base: str) -> list[tuple[str, str, dict[str, Any]]]:
    """The three requests of the workflow as (method, URL, httpx keyword arguments), built the way a developer
    writing them by hand would: ``params=``, ``json=``, a Basic ``auth=``."""
    user, secret = SERVICE_ACCOUNT
    return [
        ("POST", f"{base}/identity/create", {"json": {
            "$identified_id": INPUTS["identifiedId"], "$anon_id": INPUTS["anonId"], "$token": INPUTS["projectToken"]}}),
        ("POST", f"{base}/track", {"params": {"token": INPUTS["projectToken"], "verbose": 1}, "json": {
            "data": {"event": INPUTS["eventName"], "properties": {"distinct_id": INPUTS["identifiedId"],
                                                                  "token": INPUTS["projectToken"]}}}}),
        ("GET", f"{base}/api/query/segmentation", {"params": {
            "project_id": INPUTS["projectId"], "event": INPUTS["eventName"], "from_date": INPUTS["fromDate"],
            "to_date": INPUTS["toDate"], "type": "unique"}, "auth": (user, secret)}),
    ]


def scale_description(operations: int, base: str) -> dict[str, Any]:
    """An OpenAPI 3.1 description with ``operations`` GET operations ``/ops/{i}`` (``op{i}``), each with one
    query parameter and a small JSON response schema — the shape a large real API has, minus prose."""
    answer = {"type": "object", "required": ["ok"], "properties": {"ok": {"type": "boolean"}}}
    paths = {
        f"/ops/{index}": {"get": {
            "operationId": f"op{index}",
            "parameters": [{"name": "n", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": answer}}}},
        }}
        for index in range(operations)
    }
    return {"openapi": "3.1.0", "info": {"title": "scale", "version": "1"}, "servers": [{"url": base}],
            "paths": paths}


def scale_workflow(steps: int, operations: int) -> dict[str, Any]:
    """An Arazzo 1.0.1 workflow of ``steps`` steps spread over the description's operations; each step after the
    first reads the previous one's output, so the plan has a real chain of references to check."""
    items = []
    for index in range(steps):
        value: Any = index if index == 0 else f"$steps.s{index - 1}.outputs.n"
        items.append({
            "stepId": f"s{index}",
            "operationId": f"op{(index * 7919) % operations}",  # a prime stride: steps spread over the paths
            "parameters": [{"name": "n", "in": "query", "value": value}],
            "successCriteria": [{"condition": "$statusCode == 200"}],
            "outputs": {"n": "$statusCode", "ok": "$response.body#/ok"},
        })
    return {"arazzo": "1.0.1", "info": {"title": f"scale {steps}", "version": "1"},
            "sourceDescriptions": [{"name": "api", "url": "./scale-openapi.json", "type": "openapi"}],
            "workflows": [{"workflowId": "scale", "steps": items,
                           "outputs": {"last": f"$steps.s{steps - 1}.outputs.ok"}}]}

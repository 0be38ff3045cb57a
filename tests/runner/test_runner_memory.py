"""A dropped Runner leaves nothing behind: its plans, their compiled response checks and the descriptions they
were compiled from are freed (a reference cycle through a native registry once kept them all)."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import httpx

from arazzo_runner import Runner
from arazzo_runner.plan.responses import ResponseCheck
from arazzo_runner.plan.schemas import SchemaCompiler

OPENAPI = {
    "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "servers": [{"url": "http://api.invalid"}],
    "components": {"schemas": {"Item": {"type": "object", "properties": {"id": {"type": "integer"}}}}},
    "paths": {"/items": {"get": {"operationId": "list", "responses": {"200": {
        "description": "ok", "content": {"application/json": {"schema": {
            "type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}}}}}},
}
ARAZZO = {
    "arazzo": "1.0.1", "info": {"title": "t", "version": "1"},
    "sourceDescriptions": [{"name": "api", "url": "openapi.json"}],
    "workflows": [{"workflowId": "w", "steps": [{"stepId": "list", "operationId": "list",
                                                 "successCriteria": [{"condition": "$statusCode == 200"}]}]}],
}


def _alive(kind: type) -> int:
    gc.collect()
    return sum(1 for item in gc.get_objects() if isinstance(item, kind))


def test_dropped_runners_free_their_plans_and_response_checks(tmp_path: Path) -> None:
    (tmp_path / "openapi.json").write_text(json.dumps(OPENAPI), "utf-8")
    (tmp_path / "flow.arazzo.json").write_text(json.dumps(ARAZZO), "utf-8")
    before = (_alive(SchemaCompiler), _alive(ResponseCheck))
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[{"id": 1}]))

    for _ in range(5):
        runner = Runner(transport=transport)
        assert runner.run(tmp_path / "flow.arazzo.json", "w").succeeded
        del runner

    after = (_alive(SchemaCompiler), _alive(ResponseCheck))
    assert after[0] <= before[0] and after[1] <= before[1]  # (other tests' objects may be freed meanwhile)

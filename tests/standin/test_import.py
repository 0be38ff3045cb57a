"""``/import``: Basic auth, strict per-record validation with partial ingestion, body forms, limits."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from .support import NOW, PROJECT, SA, TODAY, Client


def record(name: str = "Purchased", distinct_id: str = "u1", insert_id: str = "ins-1", **extra: Any) -> dict[str, Any]:
    return {"event": name,
            "properties": {"time": int(NOW) - 30 * 86400, "distinct_id": distinct_id, "$insert_id": insert_id, **extra}}


def test_import_with_service_account_and_project(client: Client) -> None:
    response = client.post("/import", params={**PROJECT, "strict": 1}, json=[record(), record(insert_id="ins-2")],
                           auth=SA)
    assert response.status_code == 200
    assert response.json() == {"code": 200, "num_records_imported": 2, "status": "OK"}
    assert client.app.store.count_events() == 2


def test_import_keeps_old_events_that_track_refuses(client: Client) -> None:
    client.post("/import", params=PROJECT, json=[record()], auth=SA)
    (stored,) = client.app.store.events_between(0, 2**62)
    assert stored.time_ms == (int(NOW) - 30 * 86400) * 1000


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        pytest.param(None, "Invalid credentials", id="missing"),
        pytest.param(("stranger", "demo-secret"), "Not a valid service account username", id="unknown-user"),
        pytest.param(("demo-sa", "wrong"), "Invalid credentials", id="wrong-secret"),
    ],
)
def test_import_refuses_bad_credentials(client: Client, auth: Any, message: str) -> None:
    response = client.post("/import", params=PROJECT, json=[record()], auth=auth)
    assert response.status_code == 401
    assert response.json() == {"code": 401, "error": message, "status": "Unauthorized"}
    assert client.app.store.count_events() == 0


def test_service_account_without_project_id_is_unauthorized(client: Client) -> None:
    response = client.post("/import", json=[record()], auth=SA)
    assert response.status_code == 401
    assert response.json()["error"].startswith("Unauthorized, invalid project secret")


def test_other_project_is_forbidden(client: Client) -> None:
    response = client.post("/import", params={"project_id": "999"}, json=[record()], auth=SA)
    assert response.status_code == 403
    assert response.json() == {"code": 403, "error": "service account has no access to project 999",
                               "status": "Forbidden"}


def test_project_token_as_username_needs_no_project_id(client: Client) -> None:
    response = client.post("/import", json=[record()], auth=("demo-token", ""))
    assert response.json()["num_records_imported"] == 1


def test_strict_reports_failed_records_and_keeps_the_valid_ones(client: Client) -> None:
    no_time = record(insert_id="ins-2")
    del no_time["properties"]["time"]
    bad_insert = record(insert_id="has spaces!")
    refused_id = record(distinct_id="undefined", insert_id="ins-4")
    response = client.post("/import", params=PROJECT, json=[record(), no_time, bad_insert, refused_id], auth=SA)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400
    assert body["status"] == "Bad Request"
    assert body["error"] == "some data points in the request failed validation"
    assert body["num_records_imported"] == 1
    assert [(f["index"], f["field"]) for f in body["failed_records"]] == [
        (1, "properties.time"), (2, "properties.$insert_id"), (3, "properties.distinct_id"),
    ]
    assert body["failed_records"][0] == {"index": 1, "$insert_id": "ins-2", "field": "properties.time",
                                         "message": "'properties.time' is required"}
    assert client.app.store.count_events() == 1


def test_strict_0_skips_validation(client: Client) -> None:
    loose = {"event": "Purchased", "properties": {"distinct_id": "u1"}}
    response = client.post("/import", params={**PROJECT, "strict": 0}, json=[loose], auth=SA)
    assert response.json() == {"code": 200, "num_records_imported": 1, "status": "OK"}


def test_ndjson_and_gzip_bodies(client: Client) -> None:
    text = "\n".join(json.dumps(r) for r in (record(), record(insert_id="ins-2"))) + "\n"
    response = client.post("/import", params=PROJECT, content=gzip.compress(text.encode()), auth=SA,
                           headers={"content-type": "application/x-ndjson", "content-encoding": "gzip"})
    assert response.json()["num_records_imported"] == 2


def test_malformed_body_is_a_400(client: Client) -> None:
    response = client.post("/import", params=PROJECT, content=b"{nope", auth=SA,
                           headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["status"] == "Bad Request"


def test_more_than_2000_events_is_a_413(client: Client) -> None:
    response = client.post("/import", params=PROJECT, json=[record()] * 2001, auth=SA)
    assert response.status_code == 413
    assert response.json() == {"code": 413, "error": "request exceeds max limit of 2000 events",
                               "status": "Request Entity Too Large"}


def test_merge_event_via_import_merges(client: Client) -> None:
    merge = {"event": "$merge", "properties": {"time": int(NOW), "distinct_id": "a", "$insert_id": "m-1",
                                               "$distinct_ids": ["a", "b"]}}
    client.post("/import", params=PROJECT, json=[merge], auth=SA)
    client.post("/track", json=[{"event": "Seen", "properties": {"token": "t", "distinct_id": d}} for d in "ab"])
    response = client.segmentation(event="Seen", type="unique")
    assert response.json()["data"]["values"] == {"Seen": {TODAY: 1}}

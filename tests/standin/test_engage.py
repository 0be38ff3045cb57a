"""``/engage``: profile operations and the ``/track``-style answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mixpanel_standin.payloads import PayloadError
from mixpanel_standin.profiles import apply_update

from .support import Client


def update(**operations: Any) -> dict[str, Any]:
    return {"$token": "demo-token", "$distinct_id": "u1", **operations}


def test_set_then_read_back(client: Client) -> None:
    response = client.post("/engage", params={"verbose": 1}, json=[update(**{"$set": {"plan": "pro"}})])
    assert response.json() == {"error": None, "status": 1}
    assert client.app.store.profile("u1") == {"plan": "pro"}


def test_form_data_and_plain_answer(client: Client) -> None:
    response = client.post("/engage", data={"data": json.dumps(update(**{"$set": {"a": 1}}))})
    assert (response.status_code, response.text) == (200, "1")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"$distinct_id": "u1", "$set": {}}, "$token, missing or empty", id="no-token"),
        pytest.param({"$token": "t", "$set": {}}, "Engage API error: $distinct_id, missing or empty", id="no-id"),
        pytest.param({"$token": "t", "$distinct_id": "u1"}, "Engage API error: no profile operation given",
                     id="no-operation"),
        pytest.param({"$token": "t", "$distinct_id": "u1", "$frobnicate": {}},
                     "Engage API error: unknown operation '$frobnicate'", id="unknown-operation"),
    ],
)
def test_refused_updates_answer_status_0(client: Client, body: dict[str, Any], message: str) -> None:
    response = client.post("/engage", params={"verbose": 1}, json=[body])
    assert (response.status_code, response.json()) == (200, {"error": message, "status": 0})


@pytest.mark.parametrize(
    ("before", "operations", "after"),
    [
        pytest.param(None, {"$set": {"a": 1}}, {"a": 1}, id="set"),
        pytest.param({"a": 1}, {"$set_once": {"a": 2, "b": 3}}, {"a": 1, "b": 3}, id="set-once"),
        pytest.param({"n": 1}, {"$add": {"n": 2, "m": 1.5}}, {"n": 3, "m": 1.5}, id="add"),
        pytest.param({"l": ["x"]}, {"$append": {"l": "y"}}, {"l": ["x", "y"]}, id="append"),
        pytest.param({"l": ["x"]}, {"$union": {"l": ["x", "z"]}}, {"l": ["x", "z"]}, id="union"),
        pytest.param({"l": ["x", "y"]}, {"$remove": {"l": "x"}}, {"l": ["y"]}, id="remove"),
        pytest.param({"a": 1, "b": 2}, {"$unset": ["a"]}, {"b": 2}, id="unset"),
        pytest.param({"a": 1}, {"$delete": ""}, None, id="delete"),
    ],
)
def test_profile_operations(before: Any, operations: dict[str, Any], after: Any) -> None:
    assert apply_update(before, update(**operations)) == after


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        ({"$add": {"n": "one"}}, "$add, value of 'n' must be a number"),
        ({"$unset": "a"}, "$unset, must be an array of property names"),
        ({"$set": ["a"]}, "$set, must be a JSON object"),
    ],
)
def test_malformed_operands_are_refused(operations: dict[str, Any], message: str) -> None:
    with pytest.raises(PayloadError, match=message.replace("$", r"\$")):
        apply_update({}, update(**operations))

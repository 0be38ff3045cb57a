"""``/track``: every body form real clients send, the ``1``/``0`` and verbose answers, and refusals."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from mixpanel_standin import StandinApp

from .support import NOW, TODAY, Client, event


def stored_names(app: StandinApp) -> list[str]:
    return [e.name for e in app.store.events_between(0, 2**62)]


def test_seed_shape_with_verbose_answers_json_status_1(client: Client) -> None:
    response = client.track(event("Signed Up", "user-42"), token="demo-token", verbose=1)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": None, "status": 1}
    assert stored_names(client.app) == ["Signed Up"]


def test_without_verbose_answers_plain_1(client: Client) -> None:
    response = client.track(event("Signed Up", "user-42"))
    assert (response.status_code, response.text) == (200, "1")
    assert response.headers["content-type"].startswith("text/plain")


def _form_json(records: Any) -> dict[str, str]:
    return {"data": json.dumps(records)}


def _form_base64(records: Any) -> dict[str, str]:
    return {"data": base64.b64encode(json.dumps(records).encode()).decode()}


@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda c, r: c.post("/track", data=_form_json(r)), id="form-json"),
        pytest.param(lambda c, r: c.post("/track", data=_form_base64(r)), id="form-base64"),
        pytest.param(lambda c, r: c.post("/track", data=_form_json([r])), id="form-json-array"),
        pytest.param(lambda c, r: c.post("/track", json=[r]), id="json-array"),
        pytest.param(lambda c, r: c.post("/track", json={"data": [r]}), id="json-data-array"),
        pytest.param(lambda c, r: c.post("/track", json=r), id="json-bare-object"),
        pytest.param(lambda c, r: c.get("/track", params=_form_base64(r)), id="get-base64"),
        pytest.param(lambda c, r: c.get("/track", params=_form_json(r)), id="get-json"),
    ],
)
def test_every_real_body_form_is_accepted(client: Client, send: Any) -> None:
    response = send(client, event("Played", "user-1"))
    assert (response.status_code, response.text) == (200, "1")
    assert stored_names(client.app) == ["Played"]


def test_base64_whose_plus_signs_became_spaces_still_decodes(client: Client) -> None:
    record = event("Played", "user-1", note="~~~>>>???")
    encoded = base64.b64encode(json.dumps(record).encode()).decode()
    assert "+" in encoded or "/" in encoded
    response = client.post("/track", content=f"data={encoded}".encode(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.text == "1"


def test_verbose_may_come_as_a_form_field(client: Client) -> None:
    response = client.post("/track", data={"data": json.dumps(event("Played", "u")), "verbose": "1"})
    assert response.json() == {"error": None, "status": 1}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        pytest.param({"event": "Played", "properties": {"distinct_id": "u"}}, "token, missing or empty", id="no-token"),
        pytest.param({"properties": {"token": "demo-token"}}, "event, missing", id="no-event"),
        pytest.param({"event": "", "properties": {"token": "demo-token"}}, "event, missing", id="empty-event"),
        pytest.param(42, "data, every record must be a JSON object", id="not-object"),
    ],
)
def test_refused_record_answers_status_0_with_http_200(client: Client, record: Any, message: str) -> None:
    verbose = client.post("/track", params={"verbose": 1}, json={"data": record})
    assert verbose.status_code == 200
    assert verbose.json() == {"error": message, "status": 0}
    plain = client.post("/track", json={"data": record})
    assert (plain.status_code, plain.text) == (200, "0")
    assert stored_names(client.app) == []


def test_missing_data_answers_status_0(client: Client) -> None:
    response = client.post("/track", params={"verbose": 1})
    assert response.json() == {"error": "data, missing or empty", "status": 0}


def test_undecodable_data_answers_status_0(client: Client) -> None:
    response = client.post("/track", params={"verbose": 1}, data={"data": "%%% not json %%%"})
    assert response.json() == {"error": "data, could not be decoded as JSON or base64-encoded JSON", "status": 0}


def test_token_query_parameter_is_a_fallback_for_properties_token(client: Client) -> None:
    record = {"event": "Played", "properties": {"distinct_id": "u"}}
    response = client.post("/track", params={"verbose": 1, "token": "demo-token"}, json={"data": record})
    assert response.json() == {"error": None, "status": 1}


def test_unknown_token_is_accepted_like_real_mixpanel(client: Client) -> None:
    response = client.track(event("Played", "u", token="someone-elses"), verbose=1)
    assert response.json()["status"] == 1


def test_strict_token_mode_refuses_other_tokens(make_app: Any) -> None:
    client = Client(make_app(strict_token=True))
    response = client.track(event("Played", "u", token="someone-elses"), verbose=1)
    assert response.json() == {"error": "token, not the token of this project", "status": 0}
    assert client.track(event("Played", "u"), verbose=1).json()["status"] == 1


def test_one_valid_record_makes_the_batch_a_success(client: Client) -> None:
    response = client.track({"event": "Bad", "properties": {}}, event("Good", "u"), verbose=1)
    assert response.json() == {"error": None, "status": 1}
    assert stored_names(client.app) == ["Good"]


@pytest.mark.parametrize(
    ("time", "expected_ms"),
    [
        pytest.param(NOW - 3600, int((NOW - 3600) * 1000), id="seconds"),
        pytest.param(int((NOW - 60) * 1000), int((NOW - 60) * 1000), id="milliseconds"),
        pytest.param(NOW + 86400, int(NOW * 1000), id="future-clamped-to-now"),
        pytest.param(None, int(NOW * 1000), id="absent-means-arrival"),
    ],
)
def test_event_time_in_seconds_or_ms_or_arrival(client: Client, time: float | None, expected_ms: int) -> None:
    extra = {} if time is None else {"time": time}
    client.track(event("Played", "u", **extra))
    (stored,) = client.app.store.events_between(0, 2**62)
    assert stored.time_ms == expected_ms


def test_events_older_than_five_days_are_refused(client: Client) -> None:
    response = client.track(event("Played", "u", time=NOW - 6 * 86400), verbose=1)
    assert response.json() == {
        "error": "time, more than 5 days in the past; send historical events to /import",
        "status": 0,
    }


def test_same_insert_id_counts_once(client: Client) -> None:
    record = event("Played", "u", time=NOW - 10, **{"$insert_id": "abc-1"})
    client.track(record)
    client.track(record)
    assert client.segmentation(event="Played").json()["data"]["values"] == {"Played": {TODAY: 1}}


def test_ip_1_derives_a_distinct_id_from_the_caller(client: Client) -> None:
    client.post("/track", params={"ip": 1}, json=[{"event": "Played", "properties": {"token": "demo-token"}}])
    (stored,) = client.app.store.events_between(0, 2**62)
    assert len(stored.distinct_id) == 32


def test_too_many_records_are_refused(client: Client) -> None:
    response = client.post("/track", params={"verbose": 1}, json=[event("Played", "u")] * 2001)
    assert response.json() == {"error": "data, more than 2000 records in one request", "status": 0}

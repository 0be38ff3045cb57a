"""Query API: segmentation computed from stored events, ``/events``, ``/export`` and the error bodies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .support import NOW, PROJECT, SA, TODAY, Client, event

DAY = 86400


def values(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]["values"]


def test_general_counts_every_event_with_real_shape(client: Client) -> None:
    client.track(event("Signed Up", "u1"), event("Signed Up", "u1"), event("Other", "u2"))
    response = client.segmentation(event="Signed Up")
    assert response.json() == {"data": {"series": [TODAY], "values": {"Signed Up": {TODAY: 2}}}, "legend_size": 1}


@pytest.mark.parametrize("prefix", ["/api/query", "/api/2.0", ""])
def test_segmentation_is_served_under_every_prefix(client: Client, prefix: str) -> None:
    client.track(event("Signed Up", "u1"))
    query = {**PROJECT, "event": "Signed Up", "from_date": TODAY, "to_date": TODAY}
    response = client.get(f"{prefix}/segmentation", params=query, auth=SA)
    assert values(response) == {"Signed Up": {TODAY: 1}}


def test_dates_are_zero_filled_across_the_range(client: Client) -> None:
    client.track(event("Signed Up", "u1", time=NOW - 2 * DAY))
    response = client.segmentation(event="Signed Up", from_date="2025-01-12", to_date="2025-01-16")
    body = response.json()
    assert body["data"]["series"] == ["2025-01-12", "2025-01-13", "2025-01-14", "2025-01-15", "2025-01-16"]
    assert body["data"]["values"]["Signed Up"] == {
        "2025-01-12": 0, "2025-01-13": 1, "2025-01-14": 0, "2025-01-15": 0, "2025-01-16": 0,
    }


def test_no_events_still_gives_the_event_series_of_zeros(client: Client) -> None:
    response = client.segmentation(event="Never Happened")
    assert response.json() == {"data": {"series": [TODAY], "values": {"Never Happened": {TODAY: 0}}},
                               "legend_size": 1}


def test_unique_and_average(client: Client) -> None:
    client.track(event("Played", "u1"), event("Played", "u1"), event("Played", "u1"), event("Played", "u2"))
    assert values(client.segmentation(event="Played", type="unique")) == {"Played": {TODAY: 2}}
    assert values(client.segmentation(event="Played", type="average")) == {"Played": {TODAY: 2.0}}


def test_unknown_type_falls_back_to_general_like_the_real_api(client: Client) -> None:
    client.track(event("Played", "u1"), event("Played", "u1"))
    assert values(client.segmentation(event="Played", type="bogus")) == {"Played": {TODAY: 2}}


@pytest.mark.parametrize("on", ['properties["country"]', "properties['country']", "country"])
def test_on_segments_by_property_and_missing_goes_to_undefined(client: Client, on: str) -> None:
    client.track(event("Played", "u1", country="US"), event("Played", "u2", country="US"),
                 event("Played", "u3", country="CA"), event("Played", "u4"))
    response = client.segmentation(event="Played", on=on)
    assert response.json()["legend_size"] == 3
    assert values(response) == {"US": {TODAY: 2}, "CA": {TODAY: 1}, "undefined": {TODAY: 1}}


def test_on_renders_non_string_values_as_json(client: Client) -> None:
    client.track(event("Played", "u1", paid=True), event("Played", "u2", level=3))
    assert set(values(client.segmentation(event="Played", on="paid"))) == {"true", "undefined"}
    assert set(values(client.segmentation(event="Played", on="level"))) == {"3", "undefined"}


def test_empty_on_means_no_segmentation(client: Client) -> None:
    client.track(event("Played", "u1", country="US"))
    assert values(client.segmentation(event="Played", on="")) == {"Played": {TODAY: 1}}


def test_limit_keeps_the_top_segments(client: Client) -> None:
    client.track(*[event("Played", "u", country=c) for c in ["US", "US", "US", "CA", "CA", "FR"]])
    assert set(values(client.segmentation(event="Played", on="country", limit=2))) == {"US", "CA"}


def test_where_filters_events(client: Client) -> None:
    client.track(event("Played", "u1", plan="pro"), event("Played", "u2", plan="free"), event("Played", "u3"))
    assert values(client.segmentation(event="Played", where='properties["plan"] == "pro"')) == {
        "Played": {TODAY: 1}
    }
    assert values(client.segmentation(event="Played", where='not defined(properties["plan"])')) == {
        "Played": {TODAY: 1}
    }


def test_unsupported_where_is_a_400_naming_the_column(client: Client) -> None:
    response = client.segmentation(event="Played", where='properties["n"] > 3')
    assert response.status_code == 400
    assert response.json()["error"].startswith("unsupported 'where' expression at column 17")


@pytest.mark.parametrize(
    ("unit", "series"),
    [
        ("week", ["2025-01-13"]),
        ("month", ["2025-01-01"]),
        ("hour", [f"2025-01-15 {h:02d}:00:00" for h in range(24)]),
    ],
)
def test_other_units(client: Client, unit: str, series: list[str]) -> None:
    client.track(event("Played", "u1"))
    body = client.segmentation(event="Played", unit=unit).json()
    assert body["data"]["series"] == series
    assert sum(body["data"]["values"]["Played"].values()) == 1


def test_hourly_uniques_are_refused(client: Client) -> None:
    response = client.segmentation(event="Played", unit="hour", type="unique")
    assert response.status_code == 400
    assert response.json()["error"] == "unique counts are not available per hour; use unit=day or coarser"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({"event": None}, "event is required", id="no-event"),
        pytest.param({"from_date": None}, "from_date is required (yyyy-mm-dd)", id="no-from"),
        pytest.param({"to_date": "15/01/2025"}, "to_date must be a date in yyyy-mm-dd format, got '15/01/2025'",
                     id="bad-to"),
        pytest.param({"from_date": "2025-01-16"}, "from_date must not be after to_date", id="reversed"),
        pytest.param({"unit": "fortnight"}, "unit must be one of minute, hour, day, week, month, got 'fortnight'",
                     id="bad-unit"),
        pytest.param({"limit": "0"}, "limit must be an integer from 1 to 10000, got '0'", id="bad-limit"),
        pytest.param({"on": 'number(properties["x"])'},
                     "unsupported 'on' expression 'number(properties[\"x\"])': the stand-in accepts "
                     'properties["name"] or a bare name', id="bad-on"),
        pytest.param({"format": "csv"}, "format=csv is not supported by the stand-in; omit format for JSON",
                     id="csv"),
    ],
)
def test_bad_parameters_are_400_with_request_and_error(client: Client, params: dict[str, Any], message: str) -> None:
    query: dict[str, Any] = {**PROJECT, "event": "Played", "from_date": TODAY, "to_date": TODAY, **params}
    query = {key: value for key, value in query.items() if value is not None}
    response = client.get("/api/query/segmentation", params=query, auth=SA)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == message
    assert body["request"].startswith("/api/query/segmentation?")


def test_missing_project_id_is_400(client: Client) -> None:
    response = client.get("/api/2.0/segmentation", params={"event": "Played"}, auth=SA)
    assert response.status_code == 400
    assert response.json() == {"request": "/api/2.0/segmentation?event=Played",
                               "error": "project_id is required when authenticating with a service account"}


def test_other_project_is_403(client: Client) -> None:
    response = client.segmentation(event="Played", project_id="42")
    assert response.status_code == 403
    assert response.json()["error"] == "service account has no access to project 42"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        pytest.param({}, "Invalid credentials", id="missing"),
        pytest.param({"authorization": "Bearer abc"}, "Invalid credentials", id="not-basic"),
        pytest.param({"authorization": "Basic c3RyYW5nZXI6eA=="}, "Not a valid service account username",
                     id="unknown-user"),
        pytest.param({"authorization": "Basic demo-sa:nope"}, "Invalid credentials", id="wrong-secret-plain"),
    ],
)
def test_bad_credentials_are_401(client: Client, headers: dict[str, str], message: str) -> None:
    query = {**PROJECT, "event": "Played", "from_date": TODAY, "to_date": TODAY}
    response = client.get("/api/query/segmentation", params=query, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": 401, "error": message, "status": "Unauthorized"}
    assert response.headers["www-authenticate"] == 'Basic realm="Mixpanel"'


def test_plain_text_basic_credentials_are_accepted(client: Client) -> None:
    query = {**PROJECT, "event": "Played", "from_date": TODAY, "to_date": TODAY}
    response = client.get("/api/query/segmentation", params=query,
                          headers={"authorization": "Basic demo-sa:demo-secret"})
    assert response.status_code == 200


def test_events_endpoint_gives_one_series_per_event(client: Client) -> None:
    client.track(event("A", "u1"), event("A", "u2"), event("B", "u1"))
    query = {**PROJECT, "event": json.dumps(["A", "B", "C"]), "type": "general", "unit": "day",
             "from_date": TODAY, "to_date": TODAY}
    response = client.get("/api/query/events", params=query, auth=SA)
    assert response.json() == {"data": {"series": [TODAY], "values": {"A": {TODAY: 2}, "B": {TODAY: 1},
                                                                     "C": {TODAY: 0}}}, "legend_size": 3}


def test_export_returns_jsonl_of_the_range(client: Client) -> None:
    client.track(event("A", "u1", time=NOW - 60, plan="pro"), event("B", "u2", time=NOW - 2 * DAY))
    query = {**PROJECT, "from_date": TODAY, "to_date": TODAY}
    response = client.get("/api/2.0/export", params=query, auth=SA)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [(line["event"], line["properties"]["time"]) for line in lines] == [("A", int(NOW) - 60)]
    assert lines[0]["properties"]["plan"] == "pro"
    assert "token" not in lines[0]["properties"]


def test_export_filters_by_event_array_or_bare_name(client: Client) -> None:
    client.track(event("A", "u1"), event("B", "u2"))
    for selector in (json.dumps(["B"]), "B"):
        query = {**PROJECT, "from_date": TODAY, "to_date": TODAY, "event": selector}
        response = client.get("/api/2.0/export", params=query, auth=SA)
        assert [json.loads(line)["event"] for line in response.text.splitlines()] == ["B"]


def test_export_requires_credentials(client: Client) -> None:
    response = client.get("/api/2.0/export", params={**PROJECT, "from_date": TODAY, "to_date": TODAY})
    assert response.status_code == 401

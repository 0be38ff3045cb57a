"""Identity merging: the seed's ``/identity/*`` shims, real ``$identify``/``$create_alias``/``$merge`` events,
and unique counting over merged identities."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mixpanel_standin.identity import canonical_ids
from mixpanel_standin.store import IdentityLink

from .support import SA, TODAY, Client, event

ANON = "3f1c2e9a-5b7d-4c1e-9f0a-2b6d8e4c7a15"


def create_identity(client: Client, anon: str = ANON, user: str = "user-42", **extra: Any) -> Any:
    body = {"$identified_id": user, "$anon_id": anon, "$token": "demo-token", **extra}
    return client.post("/identity/create", json=body)


def unique_today(client: Client, name: str = "Logged In") -> Any:
    return client.segmentation(event=name, type="unique").json()["data"]["values"][name][TODAY]


def test_create_identity_answers_status_1_in_the_seed_schema(client: Client) -> None:
    response = create_identity(client)
    assert response.status_code == 200
    # The seed's IdentityResponse types `error` as a string, so success leaves it out.
    assert response.json() == {"status": 1}
    assert [(link.kind, link.source_id, link.target_id) for link in client.app.store.links()] == [
        ("identify", ANON, "user-42")
    ]


def test_create_identity_records_an_identify_event(client: Client) -> None:
    create_identity(client)
    (stored,) = client.app.store.events_between(0, 2**62)
    assert (stored.name, stored.distinct_id) == ("$identify", "user-42")
    assert stored.properties["$anon_id"] == ANON


def test_create_identity_ignores_basic_credentials(client: Client) -> None:
    body = {"$identified_id": "user-42", "$anon_id": ANON, "$token": "demo-token"}
    response = client.post("/identity/create", json=body, auth=("nobody", "wrong"))
    assert response.json() == {"status": 1}


def test_create_identity_accepts_form_data(client: Client) -> None:
    body = {"$identified_id": "user-42", "$anon_id": ANON, "$token": "demo-token"}
    assert client.post("/identity/create", data={"data": json.dumps(body)}).json() == {"status": 1}


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("$identified_id", "$identified_id, missing or empty"),
        ("$anon_id", "$anon_id, missing or empty"),
        ("$token", "$token, missing or empty"),
    ],
)
def test_create_identity_without_a_field_answers_status_0(client: Client, missing: str, message: str) -> None:
    body = {"$identified_id": "user-42", "$anon_id": ANON, "$token": "demo-token"}
    del body[missing]
    response = client.post("/identity/create", json=body)
    assert (response.status_code, response.json()) == (200, {"status": 0, "error": message})
    assert client.app.store.links() == []


def test_create_identity_with_a_non_object_body_answers_status_0(client: Client) -> None:
    response = client.post("/identity/create", json=["not", "an", "object"])
    assert response.json() == {"status": 0, "error": "body, must be a JSON object"}


def test_unique_counts_a_merged_identity_once(client: Client) -> None:
    client.track(event("Logged In", ANON), event("Logged In", "user-42"))
    assert unique_today(client) == 2
    create_identity(client)
    assert unique_today(client) == 1
    general = client.segmentation(event="Logged In").json()["data"]["values"]["Logged In"][TODAY]
    assert general == 2


def test_identify_event_on_track_merges_like_the_shim(client: Client) -> None:
    identify = {"event": "$identify",
                "properties": {"$identified_id": "user-42", "$anon_id": ANON, "token": "demo-token"}}
    client.track(identify, event("Logged In", ANON), event("Logged In", "user-42"))
    assert unique_today(client) == 1


def test_an_anon_id_merges_into_one_user_only(client: Client) -> None:
    create_identity(client, user="user-42")
    create_identity(client, user="user-99")
    client.track(event("Logged In", "user-42"), event("Logged In", "user-99"))
    assert unique_today(client) == 2


def test_uuid_rule_when_configured(make_app: Any) -> None:
    client = Client(make_app(require_uuid_anon_id=True))
    create_identity(client, anon="not-a-uuid")
    assert client.app.store.links() == []
    create_identity(client, anon=ANON)
    assert len(client.app.store.links()) == 1


def test_create_alias_links_the_alias(client: Client) -> None:
    response = client.post("/identity/create-alias",
                           json={"alias": "a@example.com", "distinct_id": "user-42", "$token": "demo-token"})
    assert response.json() == {"status": 1}
    client.track(event("Logged In", "a@example.com"), event("Logged In", "user-42"))
    assert unique_today(client) == 1


def test_merge_shim_requires_service_account(client: Client) -> None:
    body = {"$distinct_ids": ["a", "b"], "$token": "demo-token"}
    refused = client.post("/identity/merge", json=body)
    assert refused.status_code == 401
    assert refused.json() == {"code": 401, "error": "Invalid credentials", "status": "Unauthorized"}
    assert client.post("/identity/merge", json=body, auth=SA).json() == {"status": 1}
    client.track(event("Logged In", "a"), event("Logged In", "b"))
    assert unique_today(client) == 1


def test_merge_event_on_track_does_not_merge(client: Client) -> None:
    merge = {"event": "$merge", "properties": {"$distinct_ids": ["a", "b"], "token": "demo-token"}}
    client.track(merge, event("Logged In", "a"), event("Logged In", "b"))
    assert unique_today(client) == 2


def test_canonical_ids_joins_chains_into_one_cluster() -> None:
    links = [IdentityLink("identify", "a", "b"), IdentityLink("alias", "c", "b"), IdentityLink("merge", "d", "c")]
    mapping = canonical_ids(links)
    assert len(set(mapping.values())) == 1
    assert mapping["a"] == "b"

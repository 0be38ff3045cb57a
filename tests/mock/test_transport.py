"""The mock transport: routing by method and path template, the 404 for unmatched requests, sync and async,
byte-identical answers, the mock marks, and no socket ever."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httpx
import pytest

from arazzo_runner.loader import SourceDocument, parse_document
from arazzo_runner.mock import EXPECTED_STATUS, MOCK_HEADER, MOCK_MARK, MockTransport
from arazzo_runner.sources import OpenAPISource
from arazzo_runner.sources.openapi import build_openapi_source


def no_loading(url: str, referrer: str) -> SourceDocument:
    raise AssertionError(f"{referrer} should not need {url}")


def labelled(label: str, **extra: Any) -> dict[str, Any]:
    """An operation that answers its own label, so a test can tell which one was routed to."""
    return {"operationId": label, "responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string", "const": label}}}},
        "404": {"description": "missing", "content": {"application/json": {"example": {"missing": label}}}},
        **extra}}


def source_of(name: str, paths: dict[str, Any], servers: list[str] | None = None) -> OpenAPISource:
    data = {"openapi": "3.1.0", "info": {"title": name, "version": "1"}, "paths": paths,
            "servers": [{"url": url} for url in servers or []]}
    return build_openapi_source(name, parse_document(json.dumps(data), f"http://docs.test/{name}.json"), no_loading)


PETS = source_of("pets", {
    "/pets": {"get": labelled("listPets"), "post": labelled("createPet")},
    "/pets/{id}": {"get": labelled("getPet"), "head": labelled("headPet")},
    "/pets/mine": {"get": labelled("myPets")},
    "/pets/{id}/photos/{photo}": {"get": labelled("getPhoto")},
    "/owners/{owner}/pets": {"get": labelled("ownerPets")},
    "/files/{name}.json": {"get": labelled("getFile")},
    "/": {"get": labelled("root")},
})


@pytest.fixture
def client() -> httpx.Client:
    return httpx.Client(transport=MockTransport([PETS], no_loading))


@pytest.mark.parametrize(("method", "url", "label"), [
    pytest.param("GET", "https://api.test/pets", "listPets", id="literal"),
    pytest.param("POST", "https://api.test/pets", "createPet", id="method-chooses"),
    pytest.param("GET", "https://api.test/pets/7", "getPet", id="one-variable"),
    pytest.param("GET", "https://api.test/pets/mine", "myPets", id="fewest-variables-wins"),
    pytest.param("GET", "https://api.test/pets/7/photos/2", "getPhoto", id="two-variables"),
    pytest.param("GET", "https://api.test/v1/api/pets/7", "getPet", id="server-base-path-ignored"),
    pytest.param("GET", "https://api.test/owners/ann/pets", "ownerPets", id="longest-literal-match-wins"),
    pytest.param("GET", "https://api.test/files/report.json", "getFile", id="mixed-segment"),
    pytest.param("GET", "https://api.test/pets/a%2Fb", "getPet", id="encoded-slash-stays-in-its-segment"),
    pytest.param("GET", "https://api.test/pets/7?fields=name", "getPet", id="query-ignored"),
    pytest.param("GET", "https://api.test/pets/", "listPets", id="trailing-slash"),
    pytest.param("GET", "https://api.test/", "root", id="root"),
])
def test_requests_are_routed_to_the_most_specific_operation(client: httpx.Client, method: str, url: str,
                                                            label: str) -> None:
    response = client.request(method, url)
    assert (response.status_code, response.json()) == (200, label)


@pytest.mark.parametrize(("method", "url"), [
    pytest.param("DELETE", "https://api.test/pets", id="undeclared-method"),
    pytest.param("GET", "https://api.test/unknown", id="unknown-path"),
    pytest.param("GET", "https://api.test/files/report.xml", id="mixed-segment-mismatch"),
    pytest.param("GET", "https://api.test/pets/7/photos", id="too-short-for-the-longer-template"),
])
def test_unmatched_requests_get_a_404_problem(client: httpx.Client, method: str, url: str) -> None:
    response = client.request(method, url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    path = httpx.URL(url).path
    assert response.json() == {"type": "about:blank", "title": "No operation matched", "status": 404,
                               "detail": f"no operation of the mocked descriptions matches {method} {path}"}
    assert response.extensions[MOCK_MARK] is True
    assert response.headers[MOCK_HEADER] == "1"


def test_mocked_responses_carry_the_marks(client: httpx.Client) -> None:
    response = client.get("https://api.test/pets/7")
    assert response.extensions[MOCK_MARK] is True
    assert response.extensions["arazzo_mock"] is True
    assert response.headers["X-Arazzo-Mock"] == "1"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(b'"getPet"'))


def test_the_expected_status_extension_selects_the_response(client: httpx.Client) -> None:
    request = client.build_request("GET", "https://api.test/pets/7", extensions={EXPECTED_STATUS: 404})
    response = client.send(request)
    assert (response.status_code, response.json()) == (404, {"missing": "getPet"})
    undeclared = client.send(client.build_request("GET", "https://api.test/pets/7",
                                                  extensions={"arazzo_expected_status": 500}))
    assert undeclared.status_code == 200
    not_an_int = client.send(client.build_request("GET", "https://api.test/pets/7",
                                                  extensions={"arazzo_expected_status": "404"}))
    assert not_an_int.status_code == 200


def test_head_requests_get_headers_without_body(client: httpx.Client) -> None:
    response = client.head("https://api.test/pets/7")
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-type"] == "application/json"


def test_two_identical_requests_get_byte_identical_responses() -> None:
    def exchange() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        with httpx.Client(transport=MockTransport([PETS], no_loading)) as fresh:
            response = fresh.get("https://api.test/pets/7/photos/1")
            return response.status_code, response.headers.raw, response.content

    first, second = exchange(), exchange()
    assert first == second
    client = httpx.Client(transport=MockTransport([PETS], no_loading))
    assert client.get("https://api.test/pets").content == client.get("https://api.test/pets").content


def test_async_client() -> None:
    async def exchange() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=MockTransport([PETS], no_loading)) as client:
            return [await client.get("https://api.test/pets/7"), await client.get("https://api.test/nothing"),
                    await client.send(client.build_request("GET", "https://api.test/pets/mine",
                                                           extensions={EXPECTED_STATUS: 404}))]

    found, missing, expected = asyncio.run(exchange())
    assert (found.status_code, found.json(), found.extensions[MOCK_MARK]) == (200, "getPet", True)
    assert (missing.status_code, missing.headers[MOCK_HEADER]) == (404, "1")
    assert (expected.status_code, expected.json()) == (404, {"missing": "myPets"})


def test_the_same_template_in_two_descriptions_goes_by_server_base_path() -> None:
    ingestion = source_of("ingestion", {"/engage": {"post": labelled("ingest")}}, ["https://api.test"])
    query = source_of("query", {"/engage": {"post": labelled("query")}}, ["https://api.test/api/query"])
    client = httpx.Client(transport=MockTransport([ingestion, query], no_loading))
    assert client.post("http://127.0.0.1:9/api/query/engage").json() == "query"
    assert client.post("http://127.0.0.1:9/engage").json() == "ingest"
    assert client.post("http://127.0.0.1:9/elsewhere/engage").json() == "ingest"  # a tie: the first declared


def test_server_variables_take_their_defaults_for_the_base_path() -> None:
    data = {"openapi": "3.1.0", "info": {"title": "v", "version": "1"},
            "servers": [{"url": "https://{host}/{version}", "variables": {
                "host": {"default": "api.test"}, "version": {"default": "v2"}}}],
            "paths": {"/items": {"get": labelled("versioned")}}}
    versioned = build_openapi_source("v", parse_document(json.dumps(data), "http://docs.test/v.json"), no_loading)
    plain = source_of("plain", {"/items": {"get": labelled("plain")}}, ["https://api.test/v1"])
    transport = MockTransport([plain, versioned], no_loading)
    assert httpx.Client(transport=transport).get("https://x.test/v2/items").json() == "versioned"
    assert transport.match("GET", "/v1/items") is plain.operations[0]
    assert transport.match("PATCH", "/v1/items") is None


def test_no_socket_is_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        opened.append(repr(args))
        raise AssertionError("the mock transport opened a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with httpx.Client(transport=MockTransport([PETS], no_loading)) as client:
        statuses = [client.get(f"https://api.test{path}").status_code
                    for path in ("/pets", "/pets/1", "/pets/mine", "/owners/a/pets", "/nothing")]
        statuses.append(client.post("https://api.test/pets", json={"name": "Rex"}).status_code)
    assert statuses == [200, 200, 200, 200, 404, 200]
    assert opened == []
    with pytest.raises(AssertionError, match="opened a connection"):
        socket.create_connection(("127.0.0.1", 9))  # the guard itself works

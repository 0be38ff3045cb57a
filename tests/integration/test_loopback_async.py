"""The same small workflow through ``run``, ``arun``, an in-process ASGI app and an in-process WSGI app."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from doc_builder import WORKFLOW, Documents, json_body, operation, param, step
from recording_server import Received, RecordingServer, Reply

from arazzo_runner.events import Event, RunResult
from arazzo_runner.runner import Runner, arun, run

CREATED = {"id": 7}
FETCHED = {"id": 7, "name": "Rex"}
INPUTS = {"name": "Rex", "trace": "t-1"}


def answer(path: str) -> dict[str, Any]:
    """What every backend answers: the created id for ``/pets``, the pet for ``/pets/7``."""
    return CREATED if path == "/pets" else FETCHED


def pets_workflow(docs: Documents, server_url: str | None = None) -> Path:
    """``create`` (POST /pets, JSON body) then ``fetch`` (GET /pets/{id} with the created id and a header)."""
    paths = {
        "/pets": {"post": operation("createPet", requestBody=json_body())},
        "/pets/{id}": {"get": operation("getPet", parameters=[param("id", "path", schema={"type": "integer"}),
                                                              param("X-Trace", "header")])},
    }
    steps = [
        step("create", "createPet", requestBody={"payload": {"name": "$inputs.name", "tags": ["new"]}},
             successCriteria=[{"condition": "$statusCode == 200"}], outputs={"id": "$response.body#/id"}),
        step("fetch", "getPet", parameters=[{"name": "id", "in": "path", "value": "$steps.create.outputs.id"},
                                            {"name": "X-Trace", "in": "header", "value": "$inputs.trace"}],
             successCriteria=[{"condition": "$response.body.name == 'rex'"}],
             outputs={"name": "$response.body#/name"}),
    ]
    return docs.flow(paths, steps, outputs={"id": "$steps.create.outputs.id", "name": "$steps.fetch.outputs.name"},
                     servers=None if server_url is None else [{"url": server_url}])


def assert_pets_traffic(result: RunResult, received: list[Received]) -> None:
    """The run succeeded and the backend saw exactly the two expected requests."""
    assert result.status == "succeeded", result.error
    assert result.outputs == {"id": 7, "name": "Rex"}
    create, fetch = received
    assert (create.method, create.target, create.header("content-type")) == ("POST", "/pets", "application/json")
    assert json.loads(create.body) == {"name": "Rex", "tags": ["new"]}
    assert (fetch.method, fetch.target, fetch.header("x-trace"), fetch.body) == ("GET", "/pets/7", "t-1", b"")


def routed(server: RecordingServer) -> None:
    server.reply(Reply(body=CREATED), path="/pets")
    server.reply(Reply(body=FETCHED), path="/pets/7")


def test_sync_run_over_loopback(docs: Documents, server: RecordingServer) -> None:
    routed(server)

    result = Runner().run(pets_workflow(docs), WORKFLOW, INPUTS)

    assert_pets_traffic(result, server.requests)


def test_async_run_over_loopback(docs: Documents, server: RecordingServer) -> None:
    routed(server)

    result = asyncio.run(Runner().arun(pets_workflow(docs), WORKFLOW, INPUTS))

    assert_pets_traffic(result, server.requests)


def test_module_level_arun_over_loopback(docs: Documents, server: RecordingServer) -> None:
    routed(server)

    result = asyncio.run(arun(pets_workflow(docs), WORKFLOW, INPUTS, timeout=5))

    assert_pets_traffic(result, server.requests)


def test_sync_and_async_runs_emit_the_same_events(docs: Documents, server: RecordingServer) -> None:
    routed(server)
    document = pets_workflow(docs)
    sync_events: list[Event] = []
    async_events: list[Event] = []

    run(document, WORKFLOW, INPUTS, listeners=[sync_events.append])
    asyncio.run(arun(document, WORKFLOW, INPUTS, listeners=[async_events.append]))

    def shape(events: Iterable[Event]) -> list[tuple[str, str]]:
        return [(type(e).__name__, getattr(e, "step_id", "")) for e in events]

    assert shape(sync_events) == shape(async_events)
    assert ("RequestSent", "fetch") in shape(sync_events)
    assert len(server.requests) == 4


def test_async_retry_uses_the_injected_async_sleep(docs: Documents, server: RecordingServer) -> None:
    server.reply(Reply(status=503, headers={"Retry-After": "3"}), Reply(body={"ok": True}))
    document = docs.flow({"/items": {"get": operation("list")}},
                         [step("list", "list", successCriteria=[{"condition": "$statusCode == 200"}],
                               onFailure=[{"name": "again", "type": "retry", "retryLimit": 2}])])
    waited: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)

    result = asyncio.run(Runner(async_sleep=fake_sleep).arun(document, WORKFLOW, {}))

    assert result.status == "succeeded", result.error
    assert waited == [3.0]
    assert len(server.requests) == 2


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class RecordingASGIApp:
    """A minimal ASGI application: records each request and answers with :func:`answer` as JSON."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope["query_string"].decode("ascii")
        target = scope["raw_path"].decode("ascii") + (f"?{query}" if query else "")
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
        self.received.append(Received(scope["method"], target, headers, body))
        content = json.dumps(answer(scope["path"])).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"x-served-by", b"asgi")]})
        await send({"type": "http.response.body", "body": content})


class RecordingWSGIApp:
    """A minimal WSGI application: records each request and answers with :func:`answer` as JSON."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        query = environ.get("QUERY_STRING", "")
        target = environ["PATH_INFO"] + (f"?{query}" if query else "")
        headers = [(k[5:].replace("_", "-").title(), v) for k, v in environ.items() if k.startswith("HTTP_")]
        if environ.get("CONTENT_TYPE"):
            headers.append(("Content-Type", environ["CONTENT_TYPE"]))
        self.received.append(Received(environ["REQUEST_METHOD"], target, tuple(headers), body))
        start_response("200 OK", [("Content-Type", "application/json"), ("X-Served-By", "wsgi")])
        return [json.dumps(answer(environ["PATH_INFO"])).encode()]


def test_async_run_against_an_in_process_asgi_app(docs: Documents) -> None:
    app = RecordingASGIApp()
    document = pets_workflow(docs, "http://asgi.test")

    result = asyncio.run(Runner(transport=httpx.ASGITransport(app=app)).arun(document, WORKFLOW, INPUTS))

    assert_pets_traffic(result, app.received)
    assert result.steps[1].request is not None and result.steps[1].request.url == "http://asgi.test/pets/7"


def test_sync_run_against_an_in_process_wsgi_app(docs: Documents) -> None:
    app = RecordingWSGIApp()
    document = pets_workflow(docs, "http://wsgi.test/base")

    result = Runner(transport=httpx.WSGITransport(app=app)).run(document, WORKFLOW, INPUTS)

    assert result.status == "succeeded", result.error
    assert [(r.method, r.target) for r in app.received] == [("POST", "/base/pets"), ("GET", "/base/pets/7")]
    assert app.received[1].header("x-trace") == "t-1"


@pytest.mark.parametrize("kind", ["asgi", "wsgi"])
def test_server_override_routes_in_process_apps(docs: Documents, kind: str) -> None:
    document = pets_workflow(docs, "http://127.0.0.1:9")
    if kind == "asgi":
        asgi = RecordingASGIApp()
        runner = Runner(transport=httpx.ASGITransport(app=asgi), servers={"api": "http://app.test"})
        result = asyncio.run(runner.arun(document, WORKFLOW, INPUTS))
        received = asgi.received
    else:
        wsgi = RecordingWSGIApp()
        runner = Runner(transport=httpx.WSGITransport(app=wsgi), servers={"api": "http://app.test"})
        result = runner.run(document, WORKFLOW, INPUTS)
        received = wsgi.received

    assert_pets_traffic(result, received)

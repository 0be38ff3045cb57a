"""A loopback API and the documents the plugin's tests collect, as text a test can read line by line.

:class:`LoopbackApi` is the standard library's ``ThreadingHTTPServer`` on an ephemeral 127.0.0.1 port. The
child pytest sessions (in-process, or xdist workers in their own processes) reach it over real HTTP through
``--arazzo-server api=URL``; the description's own server never resolves. Its routes:

* ``GET /ping`` — 200 ``{"pong": true}``; ``GET /status`` the same, though the description declares only 204;
* ``GET /users/{id}`` — 200 ``{"id": <id>}`` for a number, else 404;
* ``POST /token`` — 200 with an ``access_token`` (:data:`TOKEN`), which the engine learns as a secret;
* ``GET /echo`` — 401 with a body that repeats the API key it was sent and the token of its ``X-Token`` header,
  plain, percent-encoded, base64 and JSON-escaped.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

SECRET = 'k3y/"s3cr3t\\+=&x'
"""The API key given with ``--arazzo-auth``: its encoded forms all differ from it."""
TOKEN = "tok_Zx9/q+W8&v"
"""The token ``POST /token`` hands out."""

OPENAPI = """\
openapi: 3.1.0
info: {title: loopback, version: "1"}
servers: [{url: "http://never.invalid"}]
components:
  securitySchemes:
    key: {type: apiKey, in: query, name: key}
paths:
  /ping:
    get: {operationId: ping, responses: {default: {description: any}}}
  /status:
    get: {operationId: status, responses: {"204": {description: none}}}
  /users/{id}:
    get:
      operationId: getUser
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {default: {description: any}}
  /token:
    post: {operationId: token, responses: {default: {description: any}}}
  /echo:
    get:
      operationId: echo
      security: [{key: []}]
      parameters: [{name: X-Token, in: header, schema: {type: string}}]
      responses: {default: {description: any}}
"""

HEAD = """\
arazzo: 1.0.1
info: {title: flows, version: "1"}
sourceDescriptions: [{name: api, url: openapi.yaml, type: openapi}]
workflows:
"""

PING = """\
- workflowId: ping
  steps:
  - stepId: ping
    operationId: ping
    successCriteria: [{condition: $statusCode == 200}]
"""

STATUS = """\
- workflowId: status
  steps:
  - stepId: status
    operationId: status
    successCriteria: [{condition: $statusCode == 200}]
"""

USER = """\
- workflowId: user
  inputs:
    type: object
    properties: {id: {type: integer}}
    required: [id]
  steps:
  - stepId: fetch
    operationId: getUser
    parameters: [{name: id, in: path, value: $inputs.id}]
    successCriteria: [{condition: $statusCode == 200}]
"""

LEAK = """\
- workflowId: leak
  steps:
  - stepId: login
    operationId: token
    successCriteria: [{condition: $statusCode == 200}]
    outputs: {token: $response.body#/access_token}
  - stepId: echo
    operationId: echo
    parameters: [{name: X-Token, in: header, value: $steps.login.outputs.token}]
    successCriteria: [{condition: $statusCode == 200}]
"""

PIN = """\
- workflowId: pin
  inputs:
    type: object
    properties: {pin: {type: string, format: password}}
  steps:
  - stepId: echo
    operationId: echo
    parameters: [{name: X-Token, in: header, value: $inputs.pin}]
    successCriteria: [{condition: $statusCode == 200}]
"""


def document(*workflows: str) -> str:
    """An Arazzo document of these workflows (their text as in :data:`PING`, ...)."""
    return HEAD + "".join(workflows)


def forms(secret: str) -> list[str]:
    """The spellings of ``secret`` that must never be shown."""
    return [secret, quote(secret, safe=""), quote_plus(secret), base64.b64encode(secret.encode()).decode(),
            json.dumps(secret)[1:-1]]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        parts = urlsplit(self.path)
        if parts.path in ("/ping", "/status"):
            self._answer(200, {"pong": True})
        elif match := re.fullmatch(r"/users/(\d+)", parts.path):
            self._answer(200, {"id": int(match.group(1))})
        elif parts.path == "/echo":
            key = parse_qs(parts.query).get("key", [""])[0]
            token = self.headers.get("X-Token", "")
            self._answer(401, {"message": "rejected", "key": key, "quoted": quote(key, safe=""),
                               "b64": base64.b64encode(key.encode()).decode(), "token": token,
                               "token64": base64.b64encode(token.encode()).decode()})
        else:
            self._answer(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(200 if self.path == "/token" else 404, {"access_token": TOKEN})

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        return


class LoopbackApi:
    """The API above, served in a background thread for the life of a ``with`` block."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        # A short poll interval: shutdown() waits for the next poll, once per test.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="plugin-test-api",
                                        daemon=True)

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> LoopbackApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


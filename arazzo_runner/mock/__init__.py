"""Answer any operation in-process from its OpenAPI description: a mock server without a server.

* :mod:`~arazzo_runner.mock.examples` — :func:`example_for`, a deterministic value for a 3.0/3.1/2.0 schema;
* :mod:`~arazzo_runner.mock.responses` — :func:`mock_response`: the status, media type, body and headers an
  operation answers with (:func:`choose_status` picks the status);
* :mod:`~arazzo_runner.mock.serialize` — :func:`serialize`: a value to bytes by media type;
* :mod:`~arazzo_runner.mock.transport` — :class:`MockTransport`, an ``httpx`` transport (sync and async) that
  routes each request to an operation by method and path template and answers with its mocked response.

Everything is deterministic (no randomness, no clock) and nothing opens a socket.
"""

from __future__ import annotations

from arazzo_runner.events import EXPECTED_STATUS, MOCK_MARK
from arazzo_runner.mock.examples import MAX_DEPTH, MAX_ITEMS, MAX_VALUES, example_for
from arazzo_runner.mock.responses import MockedResponse, choose_status, mock_response
from arazzo_runner.mock.serialize import serialize
from arazzo_runner.mock.transport import MOCK_HEADER, MockTransport

__all__ = [
    "EXPECTED_STATUS",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "MAX_VALUES",
    "MOCK_HEADER",
    "MOCK_MARK",
    "MockTransport",
    "MockedResponse",
    "choose_status",
    "example_for",
    "mock_response",
    "serialize",
]

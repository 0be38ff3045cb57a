"""What the executor asks its driver to do: the only three ways a run touches the world, and doing several of
them at once (:class:`Together`).

The executor is a generator. It yields events for observers and these commands for the driver, which carries
each one out and sends back the answer: an ``httpx.Response`` for :class:`Send`, the token text for
:class:`FetchToken`, ``None`` for :class:`Sleep` — or the exception that the I/O raised instead.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import httpx

from arazzo_runner.events import Event
from arazzo_runner.http import TokenRequest


@dataclass(frozen=True)
class Send:
    """Send this request and read its whole response within ``timeout`` seconds and ``max_bytes`` of body;
    answered with an ``httpx.Response`` (its body read) or the error (``httpx``'s, or an :class:`ExecutionError`
    for a limit)."""

    request: httpx.Request
    timeout: float = 30.0
    max_bytes: int = 16 * 1024 * 1024


@dataclass(frozen=True)
class Sleep:
    """Wait this many seconds."""

    seconds: float


@dataclass(frozen=True)
class FetchToken:
    """Fetch an OAuth2 client-credentials token within ``timeout`` seconds and ``max_bytes`` of response body;
    answered with the token text or the error."""

    request: TokenRequest
    timeout: float = 30.0
    max_bytes: int = 16 * 1024 * 1024


@dataclass(frozen=True)
class Together:
    """Carry out these commands at the same time (steps running concurrently); answered with their answers,
    in the same order."""

    commands: tuple[Send | Sleep | FetchToken, ...]


Command = Send | Sleep | FetchToken | Together
Execution = Generator[Event | Command, Any, Any]
"""The executor's generators: they yield events and commands and return their result."""

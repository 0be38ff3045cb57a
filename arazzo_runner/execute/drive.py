"""Driving the executor: one loop that hands events to listeners and commands to an I/O adapter.

:class:`Drive` steps the generator; :class:`SyncIO` and :class:`AsyncIO` carry commands out with an
``httpx.Client`` or an ``httpx.AsyncClient``. An adapter never raises for the I/O itself: the exception is the
answer, and the executor turns it into a failed step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpx

from arazzo_runner.errors import ExecutionError
from arazzo_runner.events import Event, RunResult, StepFinished
from arazzo_runner.execute.commands import Command, Execution, FetchToken, Send, Sleep
from arazzo_runner.http import OAuth2TokenCache

Listener = Callable[[Event], None]

_IO_ERRORS = (httpx.HTTPError, httpx.InvalidURL, ExecutionError)


class Drive:
    """Steps an execution: events go to ``listeners``, each command is returned for the I/O loop."""

    def __init__(self, workflow_id: str, execution: Execution, listeners: Iterable[Listener]) -> None:
        self.workflow_id = workflow_id
        self.execution = execution
        self.listeners = tuple(listeners)
        self.collected: list[StepFinished] = []
        self.result = RunResult(workflow_id, "failed", {}, (), "not run")

    def advance(self, answer: Any) -> Command | None:
        """Send ``answer`` in; return the next command, or ``None`` once :attr:`result` is final."""
        try:
            while True:
                item = self.execution.send(answer)
                if not isinstance(item, Event):
                    return item
                answer = None
                if isinstance(item, StepFinished):
                    self.collected.append(item)
                for listener in self.listeners:
                    listener(item)
        except StopIteration as stop:
            self.result = stop.value
        except ExecutionError as exc:
            self.result = self._aborted(exc)
        return None

    def run(self, io: SyncIO) -> RunResult:
        """Drive to the end, carrying out each command synchronously."""
        answer: Any = None
        while (command := self.advance(answer)) is not None:
            answer = io.perform(command)
        return self.result

    async def arun(self, io: AsyncIO) -> RunResult:
        """Drive to the end, awaiting each command."""
        answer: Any = None
        while (command := self.advance(answer)) is not None:
            answer = await io.perform(command)
        return self.result

    def _aborted(self, error: ExecutionError) -> RunResult:
        """The result of a run stopped by a budget or authoring error: what ran, and why it stopped."""
        steps = tuple(e.result for e in self.collected if e.result is not None and e.workflow_id == self.workflow_id)
        return RunResult(self.workflow_id, "failed", {}, steps, str(error))


class SyncIO:
    """Commands carried out with an ``httpx.Client``."""

    def __init__(self, client: httpx.Client, sleep: Callable[[float], None]) -> None:
        self.client = client
        self.sleep = sleep
        self.tokens = OAuth2TokenCache(client)

    def perform(self, command: Command) -> Any:
        """The answer to ``command``: a response, a token, ``None`` — or the exception raised instead."""
        try:
            if isinstance(command, Send):
                return self.client.send(command.request)
            if isinstance(command, Sleep):
                self.sleep(command.seconds)
                return None
            token = command.request
            return self.tokens.fetch(token.token_url, token.client_id, token.client_secret, token.scopes)
        except _IO_ERRORS as exc:
            return exc


class AsyncIO:
    """Commands carried out with an ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient, sleep: Callable[[float], Awaitable[None]]) -> None:
        self.client = client
        self.sleep = sleep
        self.tokens = OAuth2TokenCache(async_client=client)

    async def perform(self, command: Command) -> Any:
        """The answer to ``command``, awaited."""
        try:
            if isinstance(command, Send):
                return await self.client.send(command.request)
            if isinstance(command, Sleep):
                await self.sleep(command.seconds)
                return None
            assert isinstance(command, FetchToken)
            token = command.request
            return await self.tokens.fetch_async(token.token_url, token.client_id, token.client_secret, token.scopes)
        except _IO_ERRORS as exc:
            return exc

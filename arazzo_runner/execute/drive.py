"""Driving the executor: one loop that hands events to listeners and commands to an I/O adapter.

:class:`Drive` steps the generator; :class:`SyncIO` and :class:`AsyncIO` carry commands out with an
``httpx.Client`` or an ``httpx.AsyncClient``. An adapter never raises for the I/O itself: the exception is the
answer, and the executor turns it into a failed step.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpx

from arazzo_runner.deadline import deadline
from arazzo_runner.errors import ExecutionError
from arazzo_runner.events import Event, RunResult, StepFinished
from arazzo_runner.execute.commands import Command, Execution, FetchToken, Send, Sleep, Together
from arazzo_runner.http import OAuth2TokenCache
from arazzo_runner.http.decoding import adecoded, bounded, decoded

Listener = Callable[[Event], None]

_IO_ERRORS = (httpx.HTTPError, httpx.InvalidURL, ExecutionError)
_GRACE = 0.05


class Drive:
    """Steps an execution: events go to ``listeners``, each command is returned for the I/O loop."""

    def __init__(self, workflow_id: str, execution: Execution, listeners: Iterable[Listener]) -> None:
        self.workflow_id = workflow_id
        self.execution = execution
        self.listeners = tuple(listeners)
        self.collected: list[StepFinished] = []
        self.result = RunResult(workflow_id, "failed", {}, (), "not run")
        self.finish: Callable[[RunResult], RunResult] = lambda result: result
        """Applied to the result once the run is over (the runner masks secrets there)."""

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
            self.result = self.finish(stop.value)
        except ExecutionError as exc:
            self.result = self.finish(self._aborted(exc))
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
        if isinstance(command, Together):
            return self._together(command)
        try:
            if isinstance(command, Send):
                return self._send(command)
            if isinstance(command, Sleep):
                self.sleep(command.seconds)
                return None
            return self._token(command)
        except _IO_ERRORS as exc:
            return exc

    def _together(self, command: Together) -> tuple[Any, ...]:
        # Only the I/O runs in threads (each with its own deadline): the executor stays on this thread, so
        # nothing it shares races.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(command.commands), thread_name_prefix="arazzo-step") as pool:
            return tuple(pool.map(self.perform, command.commands))

    def _token(self, command: FetchToken) -> str:
        token = command.request
        limit = command.timeout + _GRACE
        started = time.monotonic()
        try:
            with deadline(limit):
                return self.tokens.fetch(token.token_url, token.client_id, token.client_secret, token.scopes,
                                         max_bytes=command.max_bytes)
        except ExecutionError:
            if time.monotonic() - started >= limit:
                raise _token_too_slow(command) from None
            raise

    def _send(self, command: Send) -> httpx.Response:
        # Streamed, so a huge (or hugely compressed) body is cut at the limit; under a deadline, so the whole
        # exchange, headers included, ends on time: httpx's timeouts bound each read, not their sum.
        limit = command.timeout + _GRACE
        started = time.monotonic()
        chunks = _Body(command)
        try:
            with deadline(limit):
                response = self.client.send(command.request, stream=True)
                if isinstance(response.stream, httpx.ByteStream) and not response.headers.get("content-encoding"):
                    # Already in memory (an in-process transport) and not compressed: nothing to bound.
                    if len(response.read()) > command.max_bytes:
                        chunks.add(response.content)  # raises the limit's error
                    return response
                try:
                    for chunk in decoded(response) if bounded(response) else response.iter_bytes():
                        chunks.add(chunk)
                        if time.monotonic() - started > limit:  # a client of the caller's own may not honour
                            raise chunks.too_slow()              # the deadline: its body is watched still
                finally:
                    response.close()
        except httpx.TimeoutException:
            if time.monotonic() - started >= limit:
                raise chunks.too_slow() from None  # the deadline ran out, not one read's timeout
            raise
        return chunks.response(response)


class AsyncIO:
    """Commands carried out with an ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient, sleep: Callable[[float], Awaitable[None]]) -> None:
        self.client = client
        self.sleep = sleep
        self.tokens = OAuth2TokenCache(async_client=client)

    async def perform(self, command: Command) -> Any:
        """The answer to ``command``, awaited."""
        import asyncio  # here, not at the top: a synchronous run never needs it

        if isinstance(command, Together):
            return tuple(await asyncio.gather(*(self.perform(c) for c in command.commands)))
        try:
            if isinstance(command, Send):
                # A little grace, so a server that stalls gets httpx's own (more precise) timeout message. A
                # timeout scope, not wait_for: no task is made per request.
                async with asyncio.timeout(command.timeout + _GRACE):
                    return await self._send(command)
            if isinstance(command, Sleep):
                await self.sleep(command.seconds)
                return None
            assert isinstance(command, FetchToken)
            token = command.request
            async with asyncio.timeout(command.timeout + _GRACE):
                return await self.tokens.fetch_async(token.token_url, token.client_id, token.client_secret,
                                                     token.scopes, max_bytes=command.max_bytes)
        except TimeoutError:
            if isinstance(command, FetchToken):
                return _token_too_slow(command)
            assert isinstance(command, Send)
            return _Body(command).too_slow()
        except _IO_ERRORS as exc:
            return exc

    async def _send(self, command: Send) -> httpx.Response:
        response = await self.client.send(command.request, stream=True)
        try:
            chunks = _Body(command)
            async for chunk in adecoded(response) if bounded(response) else response.aiter_bytes():
                chunks.add(chunk)
        finally:
            await response.aclose()
        return chunks.response(response)


def _token_too_slow(command: FetchToken) -> ExecutionError:
    return ExecutionError(f"token request to {command.request.token_url} took longer than {command.timeout:g} s "
                          "(request_timeout)", rule="request-timeout")


class _Body:
    """A response body read chunk by chunk, refused past the size limit."""

    def __init__(self, command: Send) -> None:
        self.command = command
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.command.max_bytes:
            raise ExecutionError(f"the response body is larger than {self.command.max_bytes} bytes "
                                 "(max_response_bytes)", rule="response-too-large")
        self.chunks.append(chunk)

    def too_slow(self) -> ExecutionError:
        return ExecutionError(f"the response took longer than {self.command.timeout:g} s to arrive in full "
                              "(request_timeout)", rule="request-timeout")

    def response(self, streamed: httpx.Response) -> httpx.Response:
        """The streamed response with its body in memory, as ``Response.read()`` would have left it.

        httpx keeps a read body in ``_content``, and ``read()`` is exactly "join the decoded chunks into it";
        doing the same here, chunk by chunk under the limits, keeps the response as httpx made it (headers,
        encoding, extensions) without building a second one.
        """
        streamed._content = b"".join(self.chunks)
        return streamed

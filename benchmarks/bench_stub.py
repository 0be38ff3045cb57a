"""A fast loopback HTTP/1.1 stub for the benchmarks: canned JSON answers, keep-alive, nothing stored.

The Mixpanel stand-in (``standin/``) is a faithful, stateful server (uvicorn, SQLite): measured against it, a
client benchmark would mostly time the server, and its segmentation answers grow with every event tracked. This
stub answers the three requests of ``identity-resolve-and-track`` (and any ``/ops/...`` path of the generated
scale description) with fixed bodies that satisfy the specs' response schemas, in a few microseconds. It runs
in its own process (:func:`stub_server`), so it never competes with the measured client for the GIL, and it
listens on 127.0.0.1 only.

Run alone: ``python benchmarks/bench_stub.py`` prints its port, then serves until its standard input closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator

__all__ = ["ANSWERS", "SEGMENTATION", "stub_server"]

SEGMENTATION = {"data": {"series": ["2025-01-01"], "values": {"Logged In": {"2025-01-01": 1}}}, "legend_size": 1}
ANSWERS: dict[str, object] = {
    "/identity/create": {"status": 1},
    "/track": {"status": 1, "error": None},
    "/api/query/segmentation": SEGMENTATION,
}
_DEFAULT: object = {"ok": True}


def _response(body: object) -> bytes:
    payload = json.dumps(body).encode()
    head = (f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(payload)}\r\n"
            "connection: keep-alive\r\n\r\n")
    return head.encode() + payload


# Encoded once: the stub's own cost per request must stay far below the client's.
_ENCODED = {path: _response(body) for path, body in ANSWERS.items()}
_ENCODED_DEFAULT = _response(_DEFAULT)


class _Connection(asyncio.Protocol):
    """Parses pipelined or keep-alive requests from a byte buffer; bodies by length or chunked."""

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            consumed = self._one()
            if not consumed:
                return
            self.buffer = self.buffer[consumed:]

    def _one(self) -> int:
        """Answer the first complete request in the buffer; the bytes it took (0: not complete yet)."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return 0
        head = self.buffer[:end].decode("latin-1").split("\r\n")
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        start = end + 4
        if "chunked" in headers.get("transfer-encoding", "").lower():
            taken = _chunked_length(self.buffer, start)
            if taken < 0:
                return 0
            total = taken
        else:
            total = start + int(headers.get("content-length", "0") or 0)
            if len(self.buffer) < total:
                return 0
        parts = head[0].split(" ")
        path = parts[1].split("?", 1)[0] if len(parts) > 1 else "/"
        assert self.transport is not None
        self.transport.write(_ENCODED.get(path, _ENCODED_DEFAULT))
        return total


def _chunked_length(buffer: bytes, start: int) -> int:
    """Where a chunked body starting at ``start`` ends, or -1 when it has not all arrived."""
    position = start
    while True:
        line_end = buffer.find(b"\r\n", position)
        if line_end < 0:
            return -1
        size = int(buffer[position:line_end].split(b";")[0] or b"0", 16)
        position = line_end + 2 + size + 2
        if position > len(buffer):
            return -1
        if size == 0:
            return position


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Connection, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    # Serve until the parent closes our standard input (or dies): the stub can never outlive its benchmark.
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()
    server.close()


@contextlib.contextmanager
def stub_server() -> Iterator[str]:
    """The stub in a child process for the duration of the block; yields ``http://127.0.0.1:PORT``."""
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    asyncio.run(_serve())

"""Compressed bodies are inflated a bounded piece at a time, to the bytes httpx itself would decode."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib

import httpx
import pytest

from arazzo_runner.http.decoding import PIECE, adecoded, bounded, decoded

TEXT = b'{"items": [' + b",".join(b'{"id": %d, "name": "item"}' % i for i in range(20_000)) + b"]}"


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def _corrupted(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + b"\xff" * 64 + data[middle + 64 :]


CASES = [
    pytest.param("gzip", gzip.compress(TEXT), id="gzip"),
    pytest.param("deflate", zlib.compress(TEXT), id="deflate-zlib-wrapped"),
    pytest.param("deflate", _raw_deflate(TEXT), id="deflate-raw-as-some-servers-send-it"),
    pytest.param("gzip, gzip", gzip.compress(gzip.compress(TEXT)), id="gzip-twice"),
    pytest.param("deflate, gzip", gzip.compress(zlib.compress(TEXT)), id="deflate-then-gzip"),
    pytest.param("GZip", gzip.compress(TEXT), id="coding-names-are-case-insensitive"),
    pytest.param("gzip", gzip.compress(TEXT) + b"trailing bytes", id="bytes-after-the-stream-are-ignored"),
]


def _streamed(encoding: str, body: bytes) -> httpx.Response:
    """A response whose body arrives as one network chunk (the worst case for a bomb)."""
    headers = {"content-encoding": encoding} if encoding else {}
    return httpx.Response(200, headers=headers, stream=_SyncBody(body))


@pytest.mark.parametrize(("encoding", "body"), CASES)
def test_a_body_decodes_as_httpx_decodes_it(encoding: str, body: bytes) -> None:
    response = _streamed(encoding, body)
    assert bounded(response)

    pieces = list(decoded(response))

    assert b"".join(pieces) == _streamed(encoding, body).read() == TEXT
    assert max(len(piece) for piece in pieces) <= PIECE


@pytest.mark.parametrize(("encoding", "body"), CASES)
def test_the_async_twin_decodes_the_same(encoding: str, body: bytes) -> None:
    async def read() -> bytes:
        response = httpx.Response(200, headers={"content-encoding": encoding}, stream=_AsyncBody(body))
        return b"".join([piece async for piece in adecoded(response)])

    assert asyncio.run(read()) == TEXT


@pytest.mark.parametrize(("encoding", "body"), [
    pytest.param("x-gzip", gzip.compress(TEXT), id="x-gzip-is-gzip-as-http-says"),
    pytest.param("identity", TEXT, id="identity"),
    pytest.param("", TEXT, id="none"),
])
def test_other_spellings(encoding: str, body: bytes) -> None:
    response = _streamed(encoding, body)
    assert bounded(response)

    assert b"".join(decoded(response)) == TEXT


def test_a_bomb_comes_out_in_small_pieces() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB from about 64 KiB

    pieces = decoded(_streamed("gzip", bomb))
    first = next(pieces)

    assert len(bomb) < 100_000
    assert len(first) == PIECE


@pytest.mark.parametrize("encoding", ["br", "zstd", "gzip, br", "compress"])
def test_codings_left_to_httpx(encoding: str) -> None:
    assert not bounded(_streamed(encoding, b"x"))


@pytest.mark.parametrize(("encoding", "body", "message"), [
    pytest.param("gzip", b"not gzip at all", "gzip body does not decompress: Error -3 while decompressing data: "
                 "incorrect header check", id="not-gzip"),
    pytest.param("gzip", _corrupted(gzip.compress(TEXT)), "gzip body does not decompress: Error -3 while "
                 "decompressing data: incorrect data check", id="corrupt-in-the-middle"),
])
def test_a_body_that_does_not_decompress_is_a_decoding_error(encoding: str, body: bytes, message: str) -> None:
    with pytest.raises(httpx.DecodingError) as raised:
        b"".join(decoded(_streamed(encoding, body)))

    assert str(raised.value) == message


class _SyncBody(httpx.SyncByteStream):
    """A body still to be read, as a network transport's is (httpx reads an ``httpx.ByteStream`` at once)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def __iter__(self):  # type: ignore[no-untyped-def]
        yield self._body


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for start in range(0, len(self._body), 4096):
            yield self._body[start : start + 4096]


def test_reading_a_bomb_up_to_a_limit_holds_little_memory() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))
    response = _streamed("gzip", bomb)
    tracemalloc.start()
    try:
        kept = 0
        for piece in decoded(response):
            kept += len(piece)
            if kept > 1024 * 1024:
                break
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 2 * 1024 * 1024  # httpx's own decoder inflates the whole chunk: 64 MiB


def test_a_response_already_read_is_left_to_httpx() -> None:
    response = httpx.Response(200, headers={"content-encoding": "gzip"}, content=gzip.compress(TEXT))

    assert not bounded(response)
    assert b"".join(response.iter_bytes()) == TEXT

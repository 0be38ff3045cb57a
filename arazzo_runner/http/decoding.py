"""Response bodies decompressed a bounded piece at a time.

httpx inflates each network chunk whole: 64 KiB of gzip can become 64 MiB in one call, before any size limit
sees it (a compression bomb of 1 MiB would be a GiB). Here ``gzip`` and ``deflate`` (and layers of them, as
``Content-Encoding: gzip, gzip`` says) are inflated with zlib's ``max_length``, so no piece is larger than
:data:`PIECE` and the caller's limit stops the body within one piece of it. Other encodings (``br``, ``zstd``,
which httpx decodes only with optional packages) are left to httpx: :func:`bounded` says whether a response is
decoded here.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx

PIECE = 64 * 1024
"""The most one step of decompression produces."""

_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


def bounded(response: httpx.Response) -> bool:
    """Whether ``response`` is still to be read and every content coding it has is one this module inflates (or
    it has none). A response already read (an in-process transport builds them so) keeps its decoded body."""
    if response.is_stream_consumed:
        return False
    return all(coding in _WBITS or coding == "identity" for coding in _codings(response))


def decoded(response: httpx.Response) -> Iterator[bytes]:
    """The body of a streamed ``response``, decoded in pieces of at most :data:`PIECE` bytes."""
    decoder = _Decoder(_codings(response))
    for chunk in response.iter_raw():
        yield from decoder.push(chunk)
    yield from decoder.finish()


async def adecoded(response: httpx.Response) -> AsyncIterator[bytes]:
    """The async twin of :func:`decoded`."""
    decoder = _Decoder(_codings(response))
    async for chunk in response.aiter_raw():
        for piece in decoder.push(chunk):
            yield piece
    for piece in decoder.finish():
        yield piece


def _codings(response: httpx.Response) -> list[str]:
    # Applied in the order listed, so they are undone last first.
    header = ",".join(response.headers.get_list("content-encoding"))
    return [coding.strip().lower() for coding in reversed(header.split(",")) if coding.strip()]


class _Decoder:
    """Layers of inflation, each fed what the one before it produced."""

    def __init__(self, codings: list[str]) -> None:
        self._layers = [_Layer(coding) for coding in codings if coding in _WBITS]

    def push(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, data)

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            for piece in layer.finish():
                yield from self._through(index + 1, piece)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[index].push(data):
            yield from self._through(index + 1, piece)


class _Layer:
    """One content coding. ``deflate`` is zlib-wrapped by the standard, but some servers send it raw; like
    httpx, a stream that does not start as zlib is read as raw deflate."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._inflate = zlib.decompressobj(_WBITS[coding])
        self._first = coding == "deflate"

    def push(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                piece = self._inflate.decompress(data, PIECE)
            except zlib.error as exc:
                if not self._first:
                    raise httpx.DecodingError(f"{self._coding} body does not decompress: {exc}") from None
                self._inflate, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                continue
            self._first = False
            data = self._inflate.unconsumed_tail
            if piece:
                yield piece
            if self._inflate.eof:
                return  # what follows the end of the stream is not body (httpx ignores it too)

    def finish(self) -> Iterator[bytes]:
        try:
            rest = self._inflate.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(f"{self._coding} body does not decompress: {exc}") from None
        for start in range(0, len(rest), PIECE):
            yield rest[start : start + PIECE]

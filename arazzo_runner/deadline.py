"""Deadlines that bound a whole synchronous HTTP exchange, not each network read.

httpx's timeouts apply to each connect, read and write on its own. A server that sends one byte of its headers
just before every read would time out keeps a synchronous request waiting for as long as it likes: a body can be
watched chunk by chunk, headers cannot. :func:`http_transport` builds the engine's default transport, whose every
socket operation is cut short at the deadline the calling thread set with :func:`deadline`; past it, the
operation raises httpx's own timeout error. Outside a :func:`deadline` it behaves as ``httpx.HTTPTransport``
does. (The ``asyncio`` path needs none of this: ``asyncio.wait_for`` bounds a whole exchange there.)
"""

from __future__ import annotations

import os
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import httpcore
import httpx

_local = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Within the body, every socket operation of this thread's default transport ends ``seconds`` from now (or
    at an enclosing deadline, when that is sooner)."""
    outer: float | None = getattr(_local, "end", None)
    end = time.monotonic() + seconds
    _local.end = end if outer is None else min(end, outer)
    try:
        yield
    finally:
        _local.end = outer


def _clamped(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the thread's deadline; ``error`` when nothing is left."""
    end: float | None = getattr(_local, "end", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the deadline of the whole exchange has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A socket stream whose operations end at the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        if ssl_context is _DEFERRED:
            ssl_context = tls_context()
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _clamped(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's synchronous socket backend, every stream it opens bounded by the thread's deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_tcp(host, port, _clamped(timeout, httpcore.ConnectTimeout),
                                               local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _clamped(timeout, httpcore.ConnectTimeout),
                                                       socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One TLS context per process: httpx builds a new one (reading the CA bundle, ~50 ms) for every client."""
    return httpx.create_ssl_context()


def client_verify() -> ssl.SSLContext | bool:
    """``verify`` for an httpx client given a transport of its own: httpx then uses it only for the proxies the
    environment names, so the context (a quarter of a plain run's start-up) is built only when there are some."""
    proxied = any(os.environ.get(name) for name in _PROXY_VARIABLES)
    return tls_context() if proxied else True


_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


# Stands for tls_context() until a connection needs TLS: a run against http:// servers never builds one (reading
# the CA bundle takes longer than the rest of a plain run's first request).
_DEFERRED = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def http_transport() -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` (httpx's default pool settings) whose sockets honour :func:`deadline`; its TLS
    context is :func:`tls_context`, built when the first https connection is made."""
    context = _DEFERRED
    transport = httpx.HTTPTransport(verify=context)
    pool = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    # httpx builds its connection pool itself and takes no network backend; the pool is the transport's one
    # attribute, replaced here by the same pool over the bounded backend.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context, max_connections=pool.max_connections,
        max_keepalive_connections=pool.max_keepalive_connections, keepalive_expiry=pool.keepalive_expiry,
        network_backend=_Backend())
    return transport


def sync_client(timeout: float, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The engine's synchronous client: over ``transport``, else :func:`http_transport`."""
    return httpx.Client(transport=transport or http_transport(), timeout=timeout, verify=client_verify())


def async_client(timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The engine's async client: over ``transport``, else httpx's own, with the process's TLS context."""
    return httpx.AsyncClient(transport=transport, timeout=timeout, verify=tls_context())

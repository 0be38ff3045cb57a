"""Serving an ASGI app with uvicorn on the loopback interface, in the foreground or in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from mixpanel_standin.http import ASGIApp

__all__ = ["LOOPBACK", "LOOPBACK_NAMES", "serve_forever", "serve_in_thread"]

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = frozenset({LOOPBACK, "localhost"})


def _bind(port: int) -> socket.socket:
    """Bind before starting uvicorn, so ``port=0`` yields a known port and there is no start-up race."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this on Linux. Without it a response written in two parts waits for the
    # client's delayed ACK: every keep-alive request after the first took 40 ms instead of 1.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((LOOPBACK, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


@contextmanager
def serve_in_thread(app: ASGIApp, port: int = 0, *, startup_timeout: float = 10.0) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a background thread for the duration of the ``with`` block.

    Args:
        app: Any ASGI application, usually :func:`mixpanel_standin.create_app`'s result.
        port: The port to listen on; 0 picks a free one.
        startup_timeout: Seconds to wait for uvicorn to accept connections.

    Yields:
        The base URL, ``http://127.0.0.1:PORT``.

    Raises:
        RuntimeError: When the server does not start in time or its thread dies during start-up.
    """
    sock = _bind(port)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="mixpanel-standin", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the stand-in server stopped during start-up; see the log above")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the stand-in server did not start within {startup_timeout} s")
            time.sleep(0.01)
        yield f"http://{LOOPBACK}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=startup_timeout)
        sock.close()


def serve_forever(app: ASGIApp, host: str = LOOPBACK, port: int = 8765) -> None:
    """Serve ``app`` in the foreground until interrupted; only loopback addresses are allowed.

    Raises:
        ValueError: For a host other than 127.0.0.1 or localhost: the stand-in has fixed demo
            credentials and must never be reachable from another machine.
    """
    if host not in LOOPBACK_NAMES:
        raise ValueError(f"refusing to listen on {host!r}: the stand-in serves 127.0.0.1 only")
    uvicorn.run(app, host=LOOPBACK, port=port, log_level="info", lifespan="on")

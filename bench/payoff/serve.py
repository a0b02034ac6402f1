"""uvicorn's command line, with TCP_NODELAY on every connection also when it runs ``--workers N``.

With ``--workers N`` (N > 1) uvicorn binds the listening socket itself and hands it to its worker
processes; that socket reports ``proto == 0``, the connections it accepts inherit it, and asyncio
only sets ``TCP_NODELAY`` on a socket whose ``proto`` is ``IPPROTO_TCP``. Nagle's algorithm then
holds the body of each response until the client acknowledges its headers, which Linux delays by
~40 ms: every keep-alive request costs 40+ ms whatever the app does (uvicorn issue #3149, open).
The bench measures the apps, not that, so the socket is rewrapped as TCP before the workers get it.
``--workers 1`` is unaffected (asyncio builds that listener from ``getaddrinfo``).

Every response also carries ``x-worker: <pid>``: which worker served it. The load generator spreads
its keep-alive connections evenly over the workers with it (``load.py --balance``): asyncio accepts
every pending connection in one go, so the first worker to wake takes most of a burst of connects
(49/1, 47/3, 36/10 out of 50 here), and which variant drew the worse split would decide its p99.

    python serve.py app.main:app --host 127.0.0.1 --port 8000 --workers 2 ...
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

import uvicorn.config
from uvicorn.main import main

_bind_socket = uvicorn.config.Config.bind_socket


def _bind_tcp_socket(self: uvicorn.config.Config) -> socket.socket:
    sock = _bind_socket(self)
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


uvicorn.config.Config.bind_socket = _bind_tcp_socket  # type: ignore[method-assign]


class WorkerTag:
    """ASGI middleware adding ``x-worker: <pid>`` to every HTTP response."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.tag = (b"x-worker", str(os.getpid()).encode())

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def tagged(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.tag]}
            await send(message)

        return await self.app(scope, receive, tagged)


_load = uvicorn.config.Config.load


def _load_tagged(self: uvicorn.config.Config) -> None:
    # Runs in each worker process (the pid is the worker's).
    _load(self)
    self.loaded_app = WorkerTag(self.loaded_app)


uvicorn.config.Config.load = _load_tagged  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())

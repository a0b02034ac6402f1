"""uvicorn's command line, with TCP_NODELAY on every connection also when it runs ``--workers N``.

With ``--workers N`` (N > 1) uvicorn binds the listening socket itself and hands it to its worker
processes; that socket reports ``proto == 0``, the connections it accepts inherit it, and asyncio
only sets ``TCP_NODELAY`` on a socket whose ``proto`` is ``IPPROTO_TCP``. Nagle's algorithm then
holds the body of each response until the client acknowledges its headers, which Linux delays by
~40 ms: every keep-alive request costs 40+ ms whatever the app does (uvicorn issue #3149, open).
The bench measures the apps, not that, so the socket is rewrapped as TCP before the workers get it.
``--workers 1`` is unaffected (asyncio builds that listener from ``getaddrinfo``).

    python serve.py app.main:app --host 127.0.0.1 --port 8000 --workers 2 ...
"""

from __future__ import annotations

import socket
import sys

import uvicorn.config
from uvicorn.main import main

_bind_socket = uvicorn.config.Config.bind_socket


def _bind_tcp_socket(self: uvicorn.config.Config) -> socket.socket:
    sock = _bind_socket(self)
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


uvicorn.config.Config.bind_socket = _bind_tcp_socket  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())

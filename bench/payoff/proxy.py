"""A TCP proxy that adds a fixed delay to every round trip between the app and the database.

    python proxy.py LISTEN_PORT TARGET_PORT DELAY_MS

Bytes from the client (the app) reach the server ``DELAY_MS`` later, in order; replies are passed
straight back, so one query-and-answer costs the whole delay once. The event loop wakes timers with
millisecond granularity, so the real added delay is somewhat larger than asked: the bench measures
the round trip with ``SELECT 1`` through the proxy and prints that. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import collections
import sys


class _Pipe(asyncio.Protocol):
    """One direction of one connection: data received here is written to ``peer`` after ``delay``."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.peer: asyncio.Transport | None = None
        self.transport: asyncio.Transport | None = None
        self.pending: collections.deque[tuple[float, bytes]] = collections.deque()
        self.timer: asyncio.TimerHandle | None = None
        self.early: list[bytes] = []  # received before the peer was connected

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.peer is None:
            self.early.append(data)
        elif self.delay <= 0:
            self.peer.write(data)
        else:
            loop = asyncio.get_running_loop()
            self.pending.append((loop.time() + self.delay, data))
            if self.timer is None:
                self.timer = loop.call_at(self.pending[0][0], self._flush)

    def _flush(self) -> None:
        self.timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self.pending and self.pending[0][0] <= now + 0.0005:
            assert self.peer is not None
            self.peer.write(self.pending.popleft()[1])
        if self.pending:
            self.timer = loop.call_at(self.pending[0][0], self._flush)

    def attach(self, peer: asyncio.Transport) -> None:
        self.peer = peer
        for data in self.early:
            self.data_received(data)
        self.early.clear()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None and not self.pending:
            self.peer.close()
        elif self.peer is not None:
            asyncio.get_running_loop().call_later(self.delay + 0.01, self.peer.close)


async def serve(listen_port: int, target_port: int, delay_ms: float) -> None:
    loop = asyncio.get_running_loop()
    delay = delay_ms / 1000

    def client_side() -> _Pipe:
        inbound = _Pipe(delay)

        async def connect() -> None:
            try:
                transport, outbound = await loop.create_connection(lambda: _Pipe(0), "127.0.0.1", target_port)
            except OSError:
                if inbound.transport is not None:
                    inbound.transport.close()
                return
            assert inbound.transport is not None
            outbound.attach(inbound.transport)
            inbound.attach(transport)

        loop.create_task(connect())
        return inbound

    server = await loop.create_server(client_side, "127.0.0.1", listen_port, reuse_address=True)
    print(f"proxy 127.0.0.1:{listen_port} -> 127.0.0.1:{target_port} +{delay_ms} ms", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))

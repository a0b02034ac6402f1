"""A TCP proxy that adds a fixed delay to every round trip between the app and the database.

    python proxy.py LISTEN_PORT TARGET_PORT DELAY_MS

Bytes from the client (the app) reach the server ``DELAY_MS`` later, in order; replies are passed
straight back, so one query-and-answer costs the whole delay once. The event loop wakes timers with
millisecond granularity, so the real added delay is somewhat larger than asked: the bench measures
the round trip with ``SELECT 1`` through the proxy and prints that. Listens on 127.0.0.1 only.

It can also count round trips (``Flights``, used in-process by ``roundtrips.py``): a flight is data
from the app after the database last spoke on that connection (or its first), so messages the app
pipelines without waiting for a reply count once, and each wait for a reply counts once. Each
flight after a reply is logged with the time that reply arrived (``time.perf_counter``): the gap is
the app's time between reading one answer and sending its next statement.
"""

from __future__ import annotations

import asyncio
import collections
import collections.abc
import sys
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Flights:
    """Round trips through one proxy: flights from the app, connections opened, and per flight that
    followed a reply, (when the reply's last data arrived, when the flight started)."""

    flights: int = 0
    connections: int = 0
    after_reply: list[tuple[float, float]] = field(default_factory=list)


class _Turn:
    """Who spoke last on one connection: a flight starts when the app speaks after the database."""

    def __init__(self, flights: Flights | None) -> None:
        self.flights = flights
        self.app_spoke_last = False
        self.replied_at: float | None = None  # the database's last data, this connection

    def app_spoke(self) -> None:
        if self.flights is not None and not self.app_spoke_last:
            self.flights.flights += 1
            if self.replied_at is not None:
                self.flights.after_reply.append((self.replied_at, time.perf_counter()))
        self.app_spoke_last = True

    def database_spoke(self) -> None:
        self.app_spoke_last = False
        self.replied_at = time.perf_counter()


class _Pipe(asyncio.Protocol):
    """One direction of one connection: data received here is written to ``peer`` after ``delay``."""

    def __init__(self, delay: float, heard: "collections.abc.Callable[[], None] | None" = None) -> None:
        self.delay = delay
        self.heard = heard  # told of every chunk as it arrives (round-trip counting)
        self.peer: asyncio.Transport | None = None
        self.transport: asyncio.Transport | None = None
        self.pending: collections.deque[tuple[float, bytes]] = collections.deque()
        self.timer: asyncio.TimerHandle | None = None
        self.early: list[bytes] = []  # received before the peer was connected

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.heard is not None:
            self.heard()
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


async def serve(listen_port: int, target_port: int, delay_ms: float, flights: Flights | None = None,
                ready: threading.Event | None = None) -> None:
    loop = asyncio.get_running_loop()
    delay = delay_ms / 1000

    def client_side() -> _Pipe:
        turn = _Turn(flights)
        if flights is not None:
            flights.connections += 1
        inbound = _Pipe(delay, turn.app_spoke)

        async def connect() -> None:
            try:
                transport, outbound = await loop.create_connection(lambda: _Pipe(0, turn.database_spoke), "127.0.0.1", target_port)
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
    if ready is not None:
        ready.set()
    else:
        print(f"proxy 127.0.0.1:{listen_port} -> 127.0.0.1:{target_port} +{delay_ms} ms", flush=True)
    async with server:
        await server.serve_forever()


def counting(listen_port: int, target_port: int, delay_ms: float) -> Flights:
    """Start the proxy on a daemon thread of this process; its round trips are counted in the result."""
    flights, ready = Flights(), threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(serve(listen_port, target_port, delay_ms, flights, ready)), daemon=True)
    thread.start()
    if not ready.wait(30):
        raise RuntimeError(f"the counting proxy did not listen on port {listen_port}")
    return flights


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))

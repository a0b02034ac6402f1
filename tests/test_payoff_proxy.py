"""``bench/payoff/proxy.py``: the delay proxy, and the round trips it counts for ``roundtrips.py``.

A stand-in database (a socket server in a thread) answers every message it gets with ``ok:`` and
the message. Through the counting proxy a client makes three round trips, the second carrying two
messages sent back to back without waiting (pipelined): that is three flights, not four, on one
connection, and the two flights that followed a reply are logged with that reply's time.
"""

from __future__ import annotations

import socket
import socketserver
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench" / "payoff"))

import proxy  # noqa: E402


class Answering(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(4096):
            self.request.sendall(b"ok:" + data)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def read(sock: socket.socket, size: int) -> bytes:
    got = b""
    while len(got) < size:
        got += sock.recv(size - len(got))
    return got


def test_pipelined_messages_are_one_flight_and_gaps_follow_replies() -> None:
    database = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=database.serve_forever, daemon=True).start()
    port = free_port()
    # 30 ms on the way in: the second message reaches the proxy before the first can be answered
    counted = proxy.counting(port, database.server_address[1], 30)
    try:
        with socket.create_connection(("127.0.0.1", port)) as app:
            # as libpq and asyncio do: without it Nagle holds "c" until "b" is acknowledged
            app.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            app.sendall(b"a")
            assert read(app, 4) == b"ok:a"
            app.sendall(b"b")
            time.sleep(0.005)  # two writes, no reply awaited between them: still one flight
            app.sendall(b"c")
            assert read(app, 8) in (b"ok:bok:c", b"ok:bc")
            before = time.perf_counter()
            app.sendall(b"d")
            assert read(app, 4) == b"ok:d"
        assert counted.flights == 3
        assert counted.connections == 1
        assert len(counted.after_reply) == 2  # the first flight followed no reply
        reply, sent = counted.after_reply[-1]
        assert reply < before <= sent  # "d" left after the answer to "b", "c" came in
    finally:
        database.shutdown()
        database.server_close()


def test_delay_is_added_once_per_round_trip() -> None:
    database = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=database.serve_forever, daemon=True).start()
    port = free_port()
    proxy.counting(port, database.server_address[1], 30)
    try:
        with socket.create_connection(("127.0.0.1", port)) as app:
            started = time.perf_counter()
            for message in (b"x", b"y"):
                app.sendall(message)
                assert read(app, 4) == b"ok:" + message
            elapsed = time.perf_counter() - started
        assert elapsed >= 0.060  # 2 round trips x 30 ms, the delay never skipped
    finally:
        database.shutdown()
        database.server_close()

"""``bench/payoff/load.py --alternate``: many clients, the load switched between two apps in turns.

Two stand-in apps (plain HTTP servers in threads, no database) log when each request came in; one
answers in 2 ms, the other in 6 ms. Only the app whose turn it is may get requests (apart from the
other app's requests already in flight when the turn changes), every app must get the same request
sequence per client, and the figures must come back per app and per turn: the faster app serves
more, in every turn.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "payoff"

arrivals: list[tuple[float, int, str]] = []  # (time, server port, request line)
lock = threading.Lock()
DELAY = {}  # port -> seconds per answer


class Timed(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        port = self.server.server_address[1]
        with lock:
            arrivals.append((time.monotonic(), port, self.requestline))
        time.sleep(DELAY[port])
        # One write: headers and body apart would wait on the client's delayed ACK (~40 ms).
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")

    do_GET = do_PATCH = _answer

    def log_message(self, *args: object) -> None:
        pass


def test_the_load_goes_to_one_app_at_a_time_and_is_counted_per_turn() -> None:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Timed) for _ in range(2)]
    ports = [s.server_address[1] for s in servers]
    DELAY.update({ports[0]: 0.002, ports[1]: 0.006})
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        command = [sys.executable, str(BENCH / "load.py"), "--alternate", ",".join(map(str, ports)), "--clients", "4",
                   "--warmup", "0.1", "--duration", "2.4", "--slice", "0.6", "--settle", "0.1"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        for server in servers:
            server.shutdown()
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    fast, slow = (result["ports"][str(p)] for p in ports)
    assert len(fast["slices_rps"]) == len(slow["slices_rps"]) == 2  # 2.4 s of 0.6 s turns, two apps
    assert all(f > s > 0 for f, s in zip(fast["slices_rps"], slow["slices_rps"]))
    assert fast["rps"] > 1.5 * slow["rps"]
    assert fast["errors"] == slow["errors"] == 0
    # Turns: requests arrive at one app at a time. Bucket the arrivals by 50 ms; a bucket with
    # arrivals at both apps is a turn changing (the other app's last requests in flight).
    buckets: dict[int, set[int]] = {}
    for at, port, _ in arrivals:
        buckets.setdefault(int(at / 0.05), set()).add(port)
    mixed = sum(1 for ports_seen in buckets.values() if len(ports_seen) > 1)
    assert mixed <= 8, f"{mixed} of {len(buckets)} buckets saw both apps"
    # Both apps saw the turns: each served in more than one stretch.
    sequence = [port for _, port, _ in sorted(arrivals)]
    changes = sum(1 for a, b in zip(sequence, sequence[1:]) if a != b)
    assert changes >= 4
    # The same request sequence per client at each app: the first requests match.
    first = [[line for _, port, line in sorted(arrivals) if port == p] for p in ports]
    assert {line.split()[0] for line in first[0]} == {"GET", "PATCH"} or len(first[0]) > 20

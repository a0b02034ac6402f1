"""``bench/payoff/load.py --interleave``: one client, every request to each app in turn.

Two stand-in apps (plain HTTP servers in threads, no database) log the requests they get. Each must
get the same requests in the same order, the app answering first must alternate from one request to
the next (no app always meets the caches cold), and the latencies must come back paired.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "payoff"

arrivals: list[tuple[int, str]] = []  # (server port, request line) in the order they came in
lock = threading.Lock()


class Logged(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the load generator expects

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        with lock:
            arrivals.append((self.server.server_address[1], self.requestline + " " + body.decode()))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_PATCH = _answer

    def log_message(self, *args: object) -> None:  # quiet
        pass


def test_every_app_gets_the_same_requests_in_turn_and_the_latencies_are_paired() -> None:
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Logged) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = [s.server_address[1] for s in servers]
    try:
        command = [sys.executable, str(BENCH / "load.py"), "--interleave", ",".join(map(str, ports)), "--warmup", "0.2", "--duration", "0.8"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    finally:
        for server in servers:
            server.shutdown()
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["WINDOW START", "WINDOW END"]
    result = json.loads(lines[-1])
    first, second = (result["ports"][str(p)]["latencies_ms"] for p in ports)
    assert len(first) == len(second) > 10
    assert all(ms > 0 for ms in first + second)
    # Same requests, same order, at each app.
    per_app = {p: [line for port, line in arrivals if port == p] for p in ports}
    assert per_app[ports[0]] == per_app[ports[1]]
    assert len({line.split()[0] for line in per_app[ports[0]]}) == 2  # GETs and PATCHes (the mix)
    # Request k went first to app k mod 2: the order rotates.
    leaders = [arrivals[i][0] for i in range(0, len(arrivals) - 1, 2)]
    assert leaders[:6] == [ports[0], ports[1]] * 3

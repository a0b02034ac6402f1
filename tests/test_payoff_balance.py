"""The payoff bench spreads its keep-alive connections evenly over the app's uvicorn workers.

asyncio accepts every pending connection in one go, so with ``--workers 2`` one worker usually takes
most of a burst of connects; ``serve.py`` tags each response with the worker's pid and
``load.py --balance N`` reconnects during the warm-up until every worker holds its share. Needs
uvicorn (the ``bench`` extra); skipped without it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")

BENCH = Path(__file__).resolve().parent.parent / "bench" / "payoff"

APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_serving(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the app did not come up")


def test_connections_are_split_evenly_over_two_workers(tmp_path: Path) -> None:
    (tmp_path / "tiny.py").write_text(APP)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(BENCH / "serve.py"), "tiny:app", "--port", str(port), "--workers", "2", "--log-level", "warning"],
        cwd=tmp_path,
    )
    try:
        wait_serving(port, time.monotonic() + 30)
        time.sleep(1)  # both workers up
        load = [sys.executable, str(BENCH / "load.py"), "--port", str(port), "--clients", "11", "--warmup", "2", "--duration", "0.3"]
        balanced = json.loads(subprocess.run([*load, "--balance", "2"], capture_output=True, text=True, check=True).stdout.splitlines()[-1])
        plain = json.loads(subprocess.run(load, capture_output=True, text=True, check=True).stdout.splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert balanced["split"] == [6, 5]
    assert balanced["errors"] == 0 and balanced["requests"] > 0
    assert plain["split"] == []  # not asked to balance: nothing counted

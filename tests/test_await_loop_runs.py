"""await-loop-runs: which loop runs become ``await`` in functions made async, and which are left."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

HEADER = """\
import asyncio

from sqlalchemy.orm import Session

from golden_models import User


async def double(value: int) -> int:
    return value * 2
"""


def migrated(body: str, tmp_path: Path) -> str:
    source = HEADER + "\n\n" + textwrap.dedent(body)
    out, _ = migrate({"case.py": source.encode()}, tmp_path / "run")
    return out["case.py"].decode()


def test_a_loop_bound_by_a_factory_is_awaited_on_and_others_are_left(tmp_path: Path) -> None:
    code = migrated(
        """\
        def new_loop(db: Session) -> int:
            loop = asyncio.new_event_loop()
            return loop.run_until_complete(double(db.get(User, 1).age))


        def handed_loop(db: Session, loop) -> int:
            return loop.run_until_complete(double(db.get(User, 1).age))


        def rebound_loop(db: Session, other) -> int:
            loop = asyncio.get_event_loop()
            loop = other
            return loop.run_until_complete(double(db.get(User, 1).age))


        def keyword_run(db: Session) -> int:
            return asyncio.run(double(db.get(User, 1).age), debug=True)
        """,
        tmp_path,
    )
    assert "return await double((await db.get(User, 1)).age)" in code.split("def handed_loop")[0]
    # A loop the function did not get from asyncio, or a run with options: not known to be a plain run.
    assert "return loop.run_until_complete(double((await db.get(User, 1)).age))" in code.split("def rebound_loop")[0]
    assert code.count("loop.run_until_complete(") == 2
    assert "asyncio.run(double((await db.get(User, 1)).age), debug=True)" in code


def test_functions_already_async_or_staying_sync_keep_their_runs(tmp_path: Path) -> None:
    code = migrated(
        """\
        async def already_async(db: Session) -> int:
            return asyncio.run(double(1))


        def no_database() -> int:
            return asyncio.get_event_loop().run_until_complete(double(1))
        """,
        tmp_path,
    )
    assert "return asyncio.run(double(1))" in code
    assert "return asyncio.get_event_loop().run_until_complete(double(1))" in code


def test_an_expression_argument_keeps_its_precedence(tmp_path: Path) -> None:
    code = migrated(
        """\
        def either(db: Session, first: bool) -> int:
            age = db.get(User, 1).age
            return asyncio.run(double(age) if first else double(-age))
        """,
        tmp_path,
    )
    assert "return await (double(age) if first else double(-age))" in code

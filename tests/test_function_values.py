"""Functions made async handed as values to library wrappers: to a call running them in a worker
thread (``thread-runners``: called in place), and to ``contextmanager(...)`` applied by a call
(``make-async``: ``asynccontextmanager``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

HEADER = """\
import asyncio
import functools
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_models import User


def load(db: Session, user_id: int):
    return db.get(User, user_id)


def rows(db: Session):
    for user in db.scalars(select(User)):
        yield user


def shout(name: str) -> str:
    return name.upper()
"""


def migrated(body: str, tmp_path: Path) -> tuple[str, set[str]]:
    out, report = migrate({"case.py": source(body).encode()}, tmp_path / "run")
    return out["case.py"].decode(), report


def source(body: str) -> str:
    return HEADER + "\n\n" + textwrap.dedent(body)


def line_of(body: str, text: str) -> int:
    """The input line holding ``text`` (report lines are the input's)."""
    return next(i for i, line in enumerate(source(body).splitlines(), 1) if text in line)


def test_each_thread_runner_calls_the_function_in_place(tmp_path: Path) -> None:
    code, report = migrated(
        """\
        import anyio
        from anyio import to_thread
        from fastapi.concurrency import run_in_threadpool


        async def handler(db: Session):
            a = await asyncio.to_thread(load, db, 1)
            b = await run_in_threadpool(load, db, user_id=2)
            c = await anyio.to_thread.run_sync(load, db, 3, cancellable=True)
            d = await to_thread.run_sync(load, db, 4, limiter=None)
            e = await asyncio.get_running_loop().run_in_executor(None, load, db, 5)
            return a, b, c, d, e
        """,
        tmp_path,
    )
    assert "a = await load(db, 1)" in code
    assert "b = await load(db, user_id=2)" in code
    # anyio's own keywords were the thread's options: gone with it
    assert "c = await load(db, 3)" in code
    assert "d = await load(db, 4)" in code
    assert "e = await load(db, 5)" in code
    assert "run_in_threadpool" not in code  # its import went with its only use
    assert not any("thread-runners" in r for r in report)


def test_a_partial_is_merged_into_the_call(tmp_path: Path) -> None:
    body = """\
        from functools import partial


        async def handler(db: Session, pool):
            a = await asyncio.to_thread(functools.partial(load, db), 1)
            b = await asyncio.to_thread(partial(load, user_id=2), db)
            c = await asyncio.to_thread(partial(load, user_id=int("3")), pick(db))
            return a, b, c


        def pick(db):
            return db
        """
    code, report = migrated(body, tmp_path)
    assert "a = await load(db, 1)" in code
    assert "b = await load(db, user_id=2)" in code
    # both the partial's keyword and the call's positional argument run code: not reordered
    assert 'c = await asyncio.to_thread(partial(load, user_id=int("3")), pick(db))' in code
    assert f"case.py:{line_of(body, 'c = await')} thread-runners" in report


def test_a_lambda_of_one_call_handed_alone_is_that_call_in_place(tmp_path: Path) -> None:
    body = """\
        from starlette.concurrency import run_in_threadpool


        async def handler(db: Session):
            a = await run_in_threadpool(lambda: load(db, 1))
            b = await asyncio.get_running_loop().run_in_executor(None, lambda: load(db, user_id=2))
            c = await asyncio.gather(asyncio.to_thread(lambda: load(db, 3)), asyncio.to_thread(lambda: shout("x")))
            return a, b, c
        """
    code, report = migrated(body, tmp_path)
    assert "a = await load(db, 1)" in code
    assert "b = await load(db, user_id=2)" in code
    assert 'c = await asyncio.gather(load(db, 3), asyncio.to_thread(lambda: shout("x")))' in code  # shout stays sync
    assert "run_in_threadpool" not in code
    assert "lambda: load" not in code
    assert not report & {f"case.py:{line_of(body, x)} sync-boundary" for x in ("a = await", "b = await", "c = await")}


def test_any_other_lambda_reaching_code_made_async_in_a_thread_is_left_and_reported(tmp_path: Path) -> None:
    body = """\
        async def more(db: Session):
            return await asyncio.to_thread(lambda: load(db, 1).name)


        async def handed_args(db: Session):
            return await asyncio.to_thread(lambda x: load(db, x), 2)


        async def nested_call(db: Session):
            return await asyncio.to_thread(lambda: shout(load(db, 3).name))


        async def kept(db: Session):
            later = asyncio.to_thread(lambda: load(db, 4))
            return await later
        """
    code, report = migrated(body, tmp_path)
    for text in ("lambda: load(db, 1).name", "lambda x: load(db, x), 2", "lambda: shout(load(db, 3).name)", "lambda: load(db, 4)"):
        assert text in code
    for text in ("load(db, 1)", "load(db, x)", "load(db, 3)", "load(db, 4)"):
        assert f"case.py:{line_of(body, text)} sync-boundary" in report


def test_a_coroutine_runner_anywhere_becomes_the_coroutine_call(tmp_path: Path) -> None:
    code, _ = migrated(
        """\
        async def both(db: Session):
            return await asyncio.gather(asyncio.to_thread(load, db, 1), asyncio.to_thread(shout, "x"))
        """,
        tmp_path,
    )
    # to_thread returns a coroutine wherever it is called: so does load(db, 1) now
    assert 'await asyncio.gather(load(db, 1), asyncio.to_thread(shout, "x"))' in code


def test_what_stays_is_left(tmp_path: Path) -> None:
    body = """\
        class Pool:
            def run_in_executor(self, executor, fn, *args):
                return fn


        async def own_method(db: Session, pool: Pool):
            return await pool.run_in_executor(None, load, db, 1)


        async def sync_function(name: str):
            return await asyncio.to_thread(shout, name)


        async def generator(db: Session):
            return await asyncio.to_thread(rows, db)
        """
    code, report = migrated(body, tmp_path)
    assert "return await pool.run_in_executor(None, load, db, 1)" in code  # a project's own method
    assert "return await asyncio.to_thread(shout, name)" in code  # shout stays sync
    assert "return await asyncio.to_thread(rows, db)" in code
    assert f"case.py:{line_of(body, 'to_thread(rows')} thread-runners" in report  # an async generator cannot run in a thread


def test_a_future_not_awaited_there_keeps_its_executor(tmp_path: Path) -> None:
    code, report = migrated(
        """\
        async def later(db: Session):
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(None, load, db, 1)
            return await future
        """,
        tmp_path,
    )
    # scheduled at once, apart from any await: run on a loop of its own in the thread (asyncio-run-entry)
    assert "run_in_executor(None, functools.partial(_run_async_call, load), db, 1)" in code
    assert any(r.endswith("asyncio-run-entry") for r in report)


def test_contextmanager_applied_by_a_call_becomes_asynccontextmanager(tmp_path: Path) -> None:
    code, _ = migrated(
        """\
        import contextlib


        def get_db(engine):
            db = Session(engine)
            try:
                yield db
            finally:
                db.close()


        scope = contextmanager(get_db)


        def count(engine) -> int:
            with scope(engine) as db:
                return len(db.scalars(select(User)).all())


        def local(engine) -> int:
            manager = contextlib.contextmanager(get_db)
            with manager(engine) as db:
                return db.get(User, 1).age


        def plain_generator():
            yield 1


        kept = contextmanager(plain_generator)


        def stays(value: int) -> int:
            with kept() as one:
                return one + value
        """,
        tmp_path,
    )
    assert "scope = asynccontextmanager(get_db)" in code
    assert "async def count(engine) -> int:\n    async with scope(engine) as db:" in code
    assert "return len((await db.scalars(select(User))).all())" in code
    assert "manager = contextlib.asynccontextmanager(get_db)" in code
    assert "async with manager(engine) as db:" in code
    assert "return (await db.get(User, 1)).age" in code
    # a generator that stays sync keeps its sync context manager
    assert "kept = contextmanager(plain_generator)" in code
    assert "def stays(value: int) -> int:\n    with kept() as one:" in code


def test_a_function_patched_in_for_one_made_async_becomes_async(tmp_path: Path) -> None:
    code, _ = migrated(
        """\
        def get_db(engine):
            db = Session(engine)
            try:
                yield db
            finally:
                db.close()


        def test_patched(mocker, monkeypatch, db: Session):
            def fake_get_db(engine):
                yield db

            def fake_load(db, user_id):
                return None

            def fake_shout(name):
                return name

            mocker.patch("case.get_db", fake_get_db)
            monkeypatch.setattr("case.load", fake_load)
            monkeypatch.setattr("case.shout", fake_shout)
            assert shout("x") == "x"
        """,
        tmp_path,
    )
    # called where the originals are, as the originals are: async generator, coroutine function
    assert "    async def fake_get_db(engine):\n        yield db" in code
    assert "    async def fake_load(db, user_id):" in code
    assert "    def fake_shout(name):" in code  # shout stays sync

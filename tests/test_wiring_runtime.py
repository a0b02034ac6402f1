"""The engine/session wiring, executed: a sync module using ``create_engine``, ``sessionmaker``,
``with SessionLocal()``/``SessionLocal.begin()``/``Session(engine)``, ``engine.begin()``/
``engine.connect()``, ``create_all``/``drop_all``, ``dispose`` and an engine event listener runs on sqlite; the migrated module
runs on aiosqlite (its URL converted by the migration) and must return the same results."""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import textwrap
from pathlib import Path

import pytest

from sqla_asyncify.pipeline import RunConfig, run

SOURCE = textwrap.dedent(
    '''
    import os

    from sqlalchemy import String, create_engine, event, select, text
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

    DATABASE_URL = f"sqlite:///{os.environ['WIRING_DB']}"

    engine = create_engine(DATABASE_URL, connect_args={"check_same_thread": False})
    SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
    CONNECTS = []


    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        CONNECTS.append(1)


    class Base(DeclarativeBase):
        pass


    class Item(Base):
        __tablename__ = "items"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(20))


    def init_db():
        Base.metadata.drop_all(bind=engine)
        Base.metadata.create_all(bind=engine)


    def add(name):
        with SessionLocal.begin() as session:
            session.add(Item(name=name))


    def rename(item_id, name):
        with Session(engine) as session, session.begin():
            session.get(Item, item_id).name = name


    def names():
        with SessionLocal() as session:
            return list(session.scalars(select(Item.name).order_by(Item.id)))


    def count_raw():
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM items")).scalar_one()


    def bump():
        with engine.begin() as conn:
            conn.execute(text("UPDATE items SET name = name || '!'"))


    def prune():
        with engine.connect() as conn:
            with conn.begin():
                conn.execute(text("DELETE FROM items WHERE id = 3"))
            conn.execute(text("DELETE FROM items WHERE id > 3"))
            conn.commit()


    def shutdown():
        engine.dispose()


    def scenario():
        init_db()
        for name in ("a", "b", "c", "d"):
            add(name)
        rename(1, "z")
        bump()
        prune()
        result = (names(), count_raw(), bool(CONNECTS))
        shutdown()
        return result
    '''
)


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def wiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    before = tmp_path / "before" / "wiring.py"
    before.parent.mkdir()
    before.write_text(SOURCE)
    after = tmp_path / "after" / "wiring.py"
    after.parent.mkdir()
    after.write_text(SOURCE)
    result = run(RunConfig(paths=(after.parent,)))
    assert not result.errors
    [outcome] = result.outcomes
    after.write_bytes(outcome.updated)
    return before, after, sorted(f"{i.line} {i.rule}" for i in result.items)


def test_migrated_wiring_behaves_like_the_sync_original(wiring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, after, report = wiring
    code = after.read_text()
    assert 'DATABASE_URL = f"sqlite+aiosqlite:///' in code
    assert "async with engine.begin() as conn:\n        await conn.run_sync(Base.metadata.create_all)" in code
    assert "async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():" in code
    assert "await engine.dispose()" in code
    assert '@event.listens_for(engine.sync_engine, "connect")' in code
    assert report == ["10 expire-on-commit", "40 expire-on-commit"]

    monkeypatch.setenv("WIRING_DB", str(tmp_path / "sync.db"))
    expected = _load(before, "wiring_before").scenario()
    assert expected == (["z!", "b!"], 2, True)

    monkeypatch.setenv("WIRING_DB", str(tmp_path / "async.db"))
    scenario = _load(after, "wiring_after").scenario
    assert inspect.iscoroutinefunction(scenario)
    assert asyncio.run(scenario()) == expected

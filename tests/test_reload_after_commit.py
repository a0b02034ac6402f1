"""``_reload_after_commit``, the helper asyncify writes where a project turns ``expire_on_commit`` on
for a session that keeps it off (``codemods/reload_after_commit.py``), executed: after a commit made
where the code does not see it (a request handled on the same session), a query gives what the sync
session, expiring on commit, gave: the rows as they are now, collections included; and no attribute
read does I/O."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import ForeignKey, create_engine, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from sqla_asyncify.codemods.reload_after_commit import HELPER, HELPER_SOURCE


class Base(DeclarativeBase):
    pass


class Owner(Base):
    __tablename__ = "owners"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    pets: Mapped[list["Pet"]] = relationship(lazy="selectin", order_by="Pet.id")


class Pet(Base):
    __tablename__ = "pets"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id"))


def reload_after_commit() -> Callable[[AsyncSession, bool], None]:
    namespace: dict[str, Any] = {"AsyncSession": AsyncSession}  # the migrated module imports it
    exec(HELPER_SOURCE, namespace)
    return namespace[HELPER]


def _seed(url: str) -> None:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all([Owner(id=1, name="ann", pets=[Pet(id=1), Pet(id=2)])])
        s.commit()
    engine.dispose()


def _sync(url: str) -> tuple[str, list[int]]:
    """The sync original: the session expires on commit (the sync default)."""
    with Session(create_engine(url)) as db:
        owner = db.execute(select(Owner)).scalar_one()
        assert [p.id for p in owner.pets] == [1, 2]
        # elsewhere, on the same session (a request the app handles with it)
        db.execute(Owner.__table__.update().values(name="bea"))
        db.execute(Pet.__table__.delete().where(Pet.__table__.c.id == 2))
        db.commit()
        again = db.execute(select(Owner)).scalar_one()
        return again.name, [p.id for p in again.pets]


async def _async(url: str, expire: bool | None) -> tuple[str, list[int]]:
    """Migrated: the session keeps ``expire_on_commit=False``; ``expire`` None: no helper."""
    engine = create_async_engine(url.replace("sqlite", "sqlite+aiosqlite"))
    async with AsyncSession(engine, expire_on_commit=False) as db:
        if expire is not None:
            reload_after_commit()(db, expire)
        owner = (await db.execute(select(Owner))).scalar_one()
        assert [p.id for p in owner.pets] == [1, 2]
        await db.execute(Owner.__table__.update().values(name="bea"))
        await db.execute(Pet.__table__.delete().where(Pet.__table__.c.id == 2))
        await db.commit()
        assert owner.name == "ann"  # an attribute read does no I/O: memory's value
        again = (await db.execute(select(Owner))).scalar_one()
        result = again.name, [p.id for p in again.pets]
    await engine.dispose()
    return result


@pytest.mark.asyncio
async def test_a_query_after_a_commit_gives_the_rows_as_the_expiring_sync_session_did(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    _seed(url)
    assert _sync(url) == ("bea", [1])
    _seed_again = f"sqlite:///{tmp_path / 'b.db'}"
    _seed(_seed_again)
    assert await _async(_seed_again, True) == ("bea", [1])


@pytest.mark.asyncio
async def test_without_the_helper_or_with_expiry_off_the_objects_stay_as_loaded(tmp_path: Path) -> None:
    # what the helper is for: the plain migrated session hands back the stale object
    for name, expire in (("none.db", None), ("off.db", False)):
        url = f"sqlite:///{tmp_path / name}"
        _seed(url)
        assert await _async(url, expire) == ("ann", [1, 2])


def test_the_assignment_becomes_the_helper_false_stays_and_several_targets_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqla_asyncify.pipeline import RunConfig, run

    (tmp_path / "jobs.py").write_text(
        "from sqlalchemy.orm import Session\n"
        "\n\n"
        "def on(db: Session, flag: bool) -> None:\n"
        "    db.expire_on_commit = flag\n"
        "    db.commit()\n"
        "\n\n"
        "def off(db: Session) -> None:\n"
        "    db.expire_on_commit = False\n"
        "    db.commit()\n"
        "\n\n"
        "def both(db: Session, other: Session) -> None:\n"
        "    db.expire_on_commit = other.expire_on_commit = True\n"
        "    db.commit()\n"
    )
    monkeypatch.chdir(tmp_path)
    result = run(RunConfig(paths=(tmp_path,), cache=False, jobs=1))
    [outcome] = result.changed
    text = outcome.updated.decode()
    assert text.count(f"def {HELPER}(session: AsyncSession, expire: bool) -> None:") == 1
    assert f"    {HELPER}(db, flag)\n" in text
    assert "    db.expire_on_commit = False\n" in text
    assert "    db.expire_on_commit = other.expire_on_commit = True\n" in text
    items = {(i.line, i.rule): i.reason for i in result.items if i.rule == "expire-on-commit"}
    assert set(items) == {(5, "expire-on-commit"), (15, "expire-on-commit")}
    assert HELPER in items[(5, "expire-on-commit")]
    assert "has no effect" in items[(15, "expire-on-commit")]


def _sync_delete(url: str) -> tuple[list[int], int]:
    """The sync original: a pet deleted through the session, the owner's loaded collection read
    after the commit (expired by it, reloaded), then the owner refreshed and the deleted pet read."""
    with Session(create_engine(url)) as db:
        owner = db.execute(select(Owner)).scalar_one()
        gone = owner.pets[1]
        db.delete(gone)
        db.commit()
        pets = [p.id for p in owner.pets]
        db.refresh(owner)
        return pets, gone.id


async def _async_delete(url: str, expire: bool | None) -> tuple[list[int], int]:
    engine = create_async_engine(url.replace("sqlite", "sqlite+aiosqlite"))
    async with AsyncSession(engine, expire_on_commit=False) as db:
        if expire is not None:
            reload_after_commit()(db, expire)
        owner = (await db.execute(select(Owner))).scalar_one()
        gone = owner.pets[1]
        await db.delete(gone)
        await db.commit()
        pets = [p.id for p in owner.pets]  # no I/O: the collection in memory
        await db.refresh(owner)
        result = pets, gone.id  # the deleted pet, not reached by the refresh, keeps its values
    await engine.dispose()
    return result


@pytest.mark.asyncio
async def test_a_loaded_collection_drops_what_the_commit_deleted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    _seed(url)
    assert _sync_delete(url) == ([1], 2)
    other = f"sqlite:///{tmp_path / 'b.db'}"
    _seed(other)
    assert await _async_delete(other, True) == ([1], 2)


@pytest.mark.asyncio
async def test_without_the_helper_the_collection_keeps_the_deleted_object(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    _seed(url)
    assert (await _async_delete(url, None))[0] == [1, 2]

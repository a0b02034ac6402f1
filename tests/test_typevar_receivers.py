"""Receivers typed by a ``TypeVar`` (its bound) or by a base lacking the method (its subclasses'
one override family), and functions a held decorator wrapper calls (held with it, bridged); the
executed shape is golden ``run_sync_bridge/held_wrapper_method``."""

from __future__ import annotations

import textwrap
from pathlib import Path

from golden_harness import migrate

MODELS = """\
    from typing import TypeVar
    from sqlalchemy.orm import Session

    class Base:
        def save(self, db: Session) -> None:
            db.commit()

    class Mixin:
        def touch(self, db: Session) -> None:
            db.flush()

    class Plain(Base):
        pass

    class A(Base, Mixin):
        pass

    class B(Base, Mixin):
        def touch(self, db: Session) -> None:
            db.commit()

    class C(Base):
        def close(self, db: Session) -> None:
            db.commit()

    class D(Base):
        def close(self, db: Session) -> None:
            db.flush()

    T = TypeVar("T", bound=Base)
    S = TypeVar("S", bound="Base")
    """


def run(use: str, tmp_path: Path) -> tuple[str, set[str]]:
    files = {"models.py": textwrap.dedent(MODELS).encode(), "use.py": textwrap.dedent(use).encode()}
    out, report = migrate(files, tmp_path / "run")
    return out["use.py"].decode(), report


def test_a_typevar_annotation_resolves_through_its_bound(tmp_path: Path) -> None:
    out, _ = run(
        """\
        from typing import Generic
        from sqlalchemy.orm import Session
        from models import S, T

        def save_one(db: Session, x: T) -> None:
            x.save(db)

        class Repo(Generic[T]):
            def __init__(self, db: Session, item: T) -> None:
                self.db = db
                self.item = item

            def one(self) -> T:
                return self.item

            def save(self) -> None:
                entry = self.one()
                entry.save(self.db)

        def save_quoted(db: Session, x: S) -> None:
            x.save(db)
        """,
        tmp_path,
    )
    assert "    await x.save(db)\n" in out.split("async def save_one")[1].split("class Repo")[0]
    assert "        await entry.save(self.db)\n" in out
    assert "    await x.save(db)\n" in out.split("async def save_quoted")[1]


def test_a_method_the_base_lacks_resolves_through_its_subclasses_family(tmp_path: Path) -> None:
    out, _ = run(
        """\
        from sqlalchemy.orm import Session
        from models import T

        def touch_one(db: Session, x: T) -> None:
            x.touch(db)
        """,
        tmp_path,
    )
    assert "async def touch_one" in out
    assert "    await x.touch(db)\n" in out


def test_unrelated_subclass_methods_are_not_picked_but_reported(tmp_path: Path) -> None:
    # C.close and D.close share no class: which one runs is not known, so none is assumed
    out, report = run(
        """\
        from sqlalchemy.orm import Session
        from models import T

        def close_one(db: Session, x: T) -> None:
            db.flush()
            x.close(db)

        def close_any(db: Session, x, y) -> None:
            db.flush()
            x.close(db)
            y.close()
        """,
        tmp_path,
    )
    assert "    x.close(db)\n" in out and "await x.close" not in out
    assert "use.py:6 sync-calls-async" in report
    # an untyped receiver (a parameter taken in as it is) whose method several project classes
    # define, one made async: awaited if the call returns a coroutine, and said
    assert "await _await_if_coroutine(x.close(db))" in out and "await _await_if_coroutine(y.close())" in out
    assert "use.py:10 awaited-if-coroutine" in report and "use.py:11 awaited-if-coroutine" in report


WRAPPED = """\
    from functools import wraps
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from models import User

    def lookup(session: Session, name: str):
        return session.scalar(select(User.id).where(User.name == name))

    def auto_init():
        def decorator(init):
            @wraps(init)
            def wrapper(self, *args, **kwargs):
                self.found = lookup(kwargs["session"], kwargs["name"])
                return init(self, *args, **kwargs)

            return wrapper

        return decorator

    class Person:
        @auto_init()
        def __init__(self, **_) -> None:
            pass

        @auto_init()
        def update(self, session: Session, name: str) -> None:
            self.other = session.scalar(select(User.age).where(User.name == name))

    def rename(db: Session, person: Person) -> None:
        person.update(session=db, name="bob")
        db.commit()
    """


def test_a_function_a_held_wrapper_calls_stays_sync_and_is_bridged(tmp_path: Path) -> None:
    out, report = migrate({"case.py": textwrap.dedent(WRAPPED).encode()}, tmp_path / "run")
    code = out["case.py"].decode()
    assert "    def update(self, session: Session, name: str) -> None:" in code
    assert "await db.run_sync(lambda sync_session: person.update(session=sync_session, name=\"bob\"))" in code
    assert "case.py:26 sync-boundary" in report

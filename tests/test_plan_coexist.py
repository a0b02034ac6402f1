"""The plan's answer to "which session factories are still needed sync" (issue #7): wiring held code
reads stays sync, migrated code that reads it gets async twins, and nothing changes when nothing is held."""

from __future__ import annotations

import textwrap

import libcst as cst

from sqla_asyncify.holds import held_functions
from sqla_asyncify.index import index_module
from sqla_asyncify.plan import Plan, twin_name

DATABASE = """
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

engine = create_engine("sqlite://")
other_engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
ReportSession = sessionmaker(bind=other_engine)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
"""

LEGACY = """
from fastapi import Depends
from app.database import ReportSession, get_db


def count(db=Depends(get_db)):
    return db.query(1).count()


def nightly():
    with ReportSession() as s:
        s.commit()
"""

ROUTES = """
from fastapi import Depends
from sqlalchemy.orm import Session
from app import database


def read(db: Session = Depends(database.get_db)):
    return db.get(1, 1)
"""


def _plan(holds: list[str], routes: str = ROUTES) -> Plan:
    indexes = [
        index_module(cst.parse_module(textwrap.dedent(src)), name, f"{name.replace('.', '/')}.py")
        for name, src in (("app.database", DATABASE), ("app.legacy", LEGACY), ("app.routes", routes))
    ]
    return Plan.build(indexes, held_sync=held_functions(indexes, holds))


def test_wiring_read_by_held_code_stays_sync_and_migrated_readers_get_twins() -> None:
    plan = _plan(["app.legacy"])
    assert set(plan.sync_wiring) == {
        "app.database.get_db",
        "app.database.SessionLocal",
        "app.database.engine",  # SessionLocal is bound to it
        "app.database.ReportSession",
        "app.database.other_engine",
    }
    assert plan.held_sync["app.database.get_db"].startswith("held sync: held `app.legacy.count` depends on it")
    # Only what migrated code reads (and what those twins are built from) gets a twin.
    assert plan.twins == {
        "app.database.get_db": "get_async_db",
        "app.database.SessionLocal": "AsyncSessionLocal",
        "app.database.engine": "async_engine",
    }
    assert plan.becomes_async("app.routes.read")
    assert plan.twin_of("app.routes.read", "database.get_db") == ("app.database.get_db", "get_async_db")
    assert plan.twin_of("app.legacy.count", "get_db") is None  # held code keeps the sync one


def test_nothing_held_nothing_kept() -> None:
    plan = _plan([])
    assert plan.sync_wiring == {} and plan.twins == {}
    assert plan.becomes_async("app.database.get_db")


def test_a_dependency_too_busy_for_a_twin_holds_its_migrated_users() -> None:
    busy = DATABASE.replace("    db = SessionLocal()\n", "    db = SessionLocal()\n    audit(db)\n")
    indexes = [
        index_module(cst.parse_module(textwrap.dedent(src)), name, f"{name.replace('.', '/')}.py")
        for name, src in (("app.database", busy), ("app.legacy", LEGACY), ("app.routes", ROUTES))
    ]
    plan = Plan.build(indexes, held_sync=held_functions(indexes, ["app.legacy"]))
    assert "app.database.get_db" not in plan.twins
    assert not plan.becomes_async("app.routes.read")
    assert "no async twin" in plan.held_sync["app.routes.read"]
    assert [(i.path, i.rule) for i in plan.items if i.rule == "coexist-sessions"] == [("app/routes.py", "coexist-sessions")]


def test_twin_names() -> None:
    assert twin_name("engine", "engine") == "async_engine"
    assert twin_name("SessionLocal", "sessionmaker") == "AsyncSessionLocal"
    assert twin_name("session_factory", "sessionmaker") == "async_session_factory"
    assert twin_name("get_db", "provider") == "get_async_db"
    assert twin_name("ENGINE", "engine") == "ASYNC_ENGINE"


ENTRIES = """
import click
from celery import shared_task
from sqlalchemy.orm import Session

SessionLocal = None


def count(db: Session) -> int:
    return db.scalar(1)


def report() -> int:
    return count(None)


@click.group()
def cli():
    pass


@cli.command()
def show():
    print(report())


@shared_task
def direct(db: Session) -> int:
    return db.scalar(1)


def helper():
    return report()
"""


def test_sync_entry_points_stay_sync_and_are_not_spread_through() -> None:
    index = index_module(cst.parse_module(textwrap.dedent(ENTRIES)), "jobs", "jobs.py")
    plan = Plan.build([index])
    assert plan.entry_framework(plan.functions["jobs.show"]) == "click"
    assert plan.entry_framework(plan.functions["jobs.direct"]) == "Celery"
    assert plan.entry_framework(plan.functions["jobs.helper"]) is None
    assert set(plan.entries) == {"jobs.show"}  # wraps its call of report() in asyncio.run
    assert not plan.becomes_async("jobs.show") and not plan.becomes_async("jobs.direct")
    assert plan.becomes_async("jobs.helper") and plan.becomes_async("jobs.report")
    # A task doing session I/O itself is left as it is, and reported.
    assert [(i.line, i.rule) for i in plan.items] == [(29, "sync-boundary")]


def test_a_held_function_opening_its_own_sync_session_leaves_its_callers_as_they_are() -> None:
    routes = """
from app import legacy


def report():
    return legacy.nightly()
"""
    plan = _plan(["app.legacy"], routes)
    assert "app.legacy.nightly" not in plan.bridged  # it takes no session: nothing to bridge
    assert not plan.becomes_async("app.routes.report")


def test_wiring_defined_inside_a_block_gets_no_twin() -> None:
    """The twin is written right after a top-level definition: wiring bound in an ``if`` (or twice)
    has none, and its migrated users stay sync."""
    nested = DATABASE.replace('\nengine = create_engine("sqlite://")\n', '\nif True:\n    engine = create_engine("sqlite://")\n')
    indexes = [
        index_module(cst.parse_module(textwrap.dedent(src)), name, f"{name.replace('.', '/')}.py")
        for name, src in (("app.database", nested), ("app.legacy", LEGACY), ("app.routes", ROUTES))
    ]
    plan = Plan.build(indexes, held_sync=held_functions(indexes, ["app.legacy"]))
    assert "app.database.engine" in plan.sync_wiring and plan.twins == {}
    assert not plan.becomes_async("app.routes.read")

"""Project decorators whose wrapper calls the function it replaces: the wrapper and the functions it
replaces become async together (the wrapper awaits them), its call types the session it hands them,
and it is held sync (with its session wiring) when one of them must stay sync."""

from __future__ import annotations

from test_plan import build

DECORATOR = """
import functools
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()

def in_transaction(fn):
    @functools.wraps(fn)
    def wrapper(db: Session, *args, **kwargs):
        result = fn(db, *args, **kwargs)
        db.commit()
        return result
    return wrapper

def with_session(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        db = SessionLocal()
        try:
            return fn(db, *args, **kwargs)
        finally:
            db.close()
    return wrapper

def logged(fn):
    def wrapper(*args, **kwargs):
        registry.append(fn)  # handed on: a call of it may not be the only use
        return fn(*args, **kwargs)
    return wrapper
"""


def test_a_wrapper_awaits_the_functions_it_replaces_when_all_are_made_async() -> None:
    plan = build(
        {
            "app.deco": DECORATOR,
            "app.service": """
from sqlalchemy.orm import Session
from app.deco import in_transaction

@in_transaction
def rename(db: Session, user_id: int) -> None:
    db.get(object, user_id)

@in_transaction
def touch(db: Session) -> None:
    db.flush()
""",
        }
    )
    assert plan.coroutine_params["app.deco.in_transaction.wrapper"] == {"fn": "app.service.rename"}
    assert {"app.deco.in_transaction.wrapper", "app.service.rename", "app.service.touch"} <= set(plan.to_async)
    assert not [item for item in plan.items if item.rule == "sync-boundary"]


def test_a_function_it_replaces_without_io_becomes_async_with_the_wrapper() -> None:
    plan = build(
        {
            "app.deco": DECORATOR,
            "app.service": """
from sqlalchemy.orm import Session
from app.deco import in_transaction

@in_transaction
def rename(db: Session, user_id: int) -> None:
    db.get(object, user_id)

@in_transaction
def audit(db, message: str) -> None:  # no I/O of its own: called through the wrapper all the same
    print(message)

def log(message: str) -> None:
    audit(message)
""",
        }
    )
    assert "app.deco.in_transaction.wrapper" in plan.coroutine_params
    assert {"app.service.audit", "app.service.log"} <= set(plan.to_async)


def test_a_wrapper_handing_the_function_on_is_not_awaited() -> None:
    plan = build(
        {
            "app.deco": DECORATOR,
            "app.service": """
from sqlalchemy.orm import Session
from app.deco import logged

@logged
def rename(db: Session, user_id: int) -> None:
    db.get(object, user_id)
""",
        }
    )
    assert "app.deco.logged.wrapper" not in plan.coroutine_params


def test_the_wrappers_call_types_the_session_it_hands_the_functions_it_replaces() -> None:
    plan = build(
        {
            "app.deco": DECORATOR,
            "app.service": """
from app.deco import with_session

@with_session
def rename(db, user_id: int) -> None:  # its session is the wrapper's, unannotated
    db.get(object, user_id)

def handle(user_id: int) -> None:
    rename(user_id)  # the wrapper's arguments, not rename's: they do not type `db`
""",
        }
    )
    assert plan.name_type("app.service.rename", "db").kind == "session"
    assert {"app.deco.with_session.wrapper", "app.service.rename", "app.service.handle"} <= set(plan.to_async)
    assert plan.coroutine_params["app.deco.with_session.wrapper"] == {"fn": "app.service.rename"}


def test_a_wrapper_replacing_a_function_that_stays_sync_is_held_with_its_session_factory() -> None:
    plan = build(
        {
            "app.deco": DECORATOR,
            "app.service": """
from app.deco import with_session

@with_session
def rename(db, user_id: int) -> None:
    db.get(object, user_id)

HANDLERS = [rename]  # called as a value, where nothing awaits it: held sync
""",
        }
    )
    wrapper = "app.deco.with_session.wrapper"
    assert wrapper not in plan.to_async and "app.service.rename" not in plan.to_async
    assert "stays sync" in plan.held_sync[wrapper]
    (item,) = [item for item in plan.items if item.rule == "sync-boundary" and item.path == "app/deco.py"]
    assert item.line == 17 and "app.service.rename" in item.reason
    assert "app.deco.SessionLocal" in plan.sync_wiring  # the factory the held wrapper reads stays sync

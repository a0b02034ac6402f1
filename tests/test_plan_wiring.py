"""The plan's view of engines, connections, session factories and metadata (the wiring codemods'
inputs): what each call does, and that functions holding them become async."""

from __future__ import annotations

import textwrap

import libcst as cst

from sqla_asyncify.index import index_module
from sqla_asyncify.names import Callee
from sqla_asyncify.plan import CONNECTION, ENGINE, METADATA, Plan

SOURCE = """
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Session, declarative_base, sessionmaker

engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
meta = MetaData()
Legacy = declarative_base()


class Base(DeclarativeBase):
    pass


def connect():
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        with conn.begin():
            pass


def begin():
    with SessionLocal.begin() as session:
        session.add(object())


def shutdown():
    engine.dispose()


def raw():
    conn = engine.connect()
    return conn


def ddl():
    Base.metadata.create_all(engine)
    Legacy.metadata.drop_all(engine)
    meta.create_all(engine)


def options():
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def unrelated(x, bind):
    x.metadata.create_all(bind)


def untyped_owner(models):
    models.Base.metadata.create_all(engine)
"""


def plan() -> Plan:
    tree = cst.parse_module(textwrap.dedent(SOURCE))
    return Plan.build([index_module(tree, "m", "m.py")])


def kind(p: Plan, scope: str, text: str, in_with: bool = False) -> str:
    callee = Callee.of(cst.parse_expression(text))
    assert callee is not None
    return p.classify(f"m.{scope}", callee, in_with=in_with).kind


def test_engines_and_connections_are_typed() -> None:
    p = plan()
    assert p.type_of("m.connect", Callee("engine")) == ENGINE
    assert p.type_of("m.connect", Callee("conn")) == CONNECTION
    assert p.type_of("m.ddl", Callee("Base", ("metadata",))) == METADATA
    assert p.type_of("m.ddl", Callee("Legacy", ("metadata",))) == METADATA
    assert p.type_of("m.ddl", Callee("meta")) == METADATA


def test_calls_are_classified() -> None:
    p = plan()
    assert kind(p, "connect", "engine.connect", in_with=True) == "engine-context"
    assert kind(p, "connect", "engine.begin", in_with=True) == "engine-context"
    assert kind(p, "connect", "conn.execute") == "connection-io"
    assert kind(p, "connect", "conn.begin", in_with=True) == "connection-context"
    assert kind(p, "begin", "SessionLocal.begin", in_with=True) == "session-context"
    assert kind(p, "shutdown", "engine.dispose") == "engine-io"
    assert kind(p, "raw", "engine.connect") == "engine-io"  # ``await engine.connect()`` outside ``with``
    assert kind(p, "options", "engine.execution_options") == "other"  # sync on AsyncEngine
    assert kind(p, "ddl", "Base.metadata.create_all") == "metadata-io"
    assert kind(p, "ddl", "meta.create_all") == "metadata-io"
    # neither the metadata nor the bind is known: nothing says it is DDL on an engine
    assert kind(p, "unrelated", "x.metadata.create_all") == "other"


def test_functions_holding_engine_io_become_async() -> None:
    p = plan()
    for name in ("connect", "begin", "shutdown", "raw", "ddl", "untyped_owner"):
        assert p.becomes_async(f"m.{name}"), name
    assert not p.becomes_async("m.options")
    assert not p.becomes_async("m.unrelated")


def test_ddl_on_an_untyped_metadata_is_told_by_its_bind() -> None:
    p = plan()
    callee = Callee.of(cst.parse_expression("models.Base.metadata.create_all"))
    assert callee is not None
    engine = (("0", Callee("engine")),)
    assert p.classify("m.untyped_owner", callee, args=engine).kind == "metadata-io"
    assert p.classify("m.untyped_owner", callee).kind == "other"  # no bind: no evidence
    assert p.classify("m.untyped_owner", callee, args=(("bind", Callee("engine")),)).kind == "metadata-io"


def test_module_level_ddl_is_a_reported_boundary_with_a_specific_fix() -> None:
    tree = cst.parse_module(
        textwrap.dedent(
            """
            from sqlalchemy import create_engine
            from sqlalchemy.orm import DeclarativeBase
            engine = create_engine("sqlite://")
            class Base(DeclarativeBase):
                pass
            Base.metadata.create_all(engine)
            """
        )
    )
    p = Plan.build([index_module(tree, "m", "m.py")])
    [item] = p.items
    assert item.rule == "sync-boundary" and item.line == 7
    assert "conn.run_sync(Base.metadata.create_all)" in item.fix

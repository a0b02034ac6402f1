"""The plan: what names denote, which functions become async, and which boundaries are reported."""

from __future__ import annotations

import textwrap

import libcst as cst

from sqla_asyncify.index import index_module
from sqla_asyncify.names import Callee
from sqla_asyncify.plan import Plan


def build(modules: dict[str, str], held: tuple[str, ...] = ()) -> Plan:
    indexes = []
    for name, source in modules.items():
        is_package = name.endswith(".__init__")
        module = name.removesuffix(".__init__")
        tree = cst.parse_module(textwrap.dedent(source))
        indexes.append(index_module(tree, module, f"{name.replace('.', '/')}.py", is_package))
    return Plan.build(indexes, held_sync=held)


DATABASE = """
from sqlalchemy.orm import sessionmaker
SessionLocal = sessionmaker()

def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
"""


def test_depends_on_a_generator_provider_types_the_parameter_as_a_session() -> None:
    plan = build(
        {
            "app.database": DATABASE,
            "app.routes": """
            from fastapi import Depends
            from app.database import get_db
            def route(db=Depends(get_db)):
                db.add(1)
                db.commit()
            """,
        }
    )
    assert plan.is_session("app.routes.route", Callee("db"))
    assert plan.classify("app.routes.route", Callee("db", ("add",))).kind == "session-sync"
    assert plan.classify("app.routes.route", Callee("db", ("commit",))).kind == "session-io"
    assert plan.chain("app.routes.route") == ["app.routes.route", "db.commit"]
    assert plan.becomes_async("app.database.get_db")


def test_untyped_names_are_not_guessed_to_be_sessions() -> None:
    plan = build({"m": "def f(db):\n    db.commit()\n"})
    assert not plan.to_async


def test_async_spreads_through_callers_across_modules_and_re_exports() -> None:
    plan = build(
        {
            "pkg.__init__": "from .crud import get_user\n",
            "pkg.crud": """
            from sqlalchemy.orm import Session
            def get_user(db: Session, uid):
                return db.get(object, uid)
            """,
            "pkg.service": """
            import pkg
            from pkg import get_user
            def a(db):
                return get_user(db, 1)
            def b(db):
                return pkg.get_user(db, 2)
            def c(db):
                return a(db)
            def untouched(db):
                return 1
            """,
        }
    )
    assert plan.chain("pkg.service.c") == ["pkg.service.c", "pkg.service.a", "pkg.crud.get_user", "db.get"]
    assert plan.becomes_async("pkg.service.b")
    assert not plan.becomes_async("pkg.service.untouched")


def test_methods_resolve_through_self_attributes_instances_and_base_classes() -> None:
    plan = build(
        {
            "m": """
            from sqlalchemy.orm import Session
            class Base:
                def __init__(self, db: Session):
                    self.db = db
                def save(self):
                    self.db.flush()
            class Repo(Base):
                def store(self):
                    self.save()
            class Service:
                def __init__(self, db: Session):
                    self.repo = Repo(db)
                def run(self):
                    self.repo.store()
            def main(db: Session):
                svc = Service(db)
                svc.run()
            """
        }
    )
    assert plan.chain("m.main") == ["m.main", "m.Service.run", "m.Repo.store", "m.Base.save", "self.db.flush"]
    assert not plan.becomes_async("m.Base.__init__")


def test_boundaries_stop_the_spread_and_are_reported_with_the_chain() -> None:
    plan = build(
        {
            "m": """
            from sqlalchemy.orm import Session
            def load(db: Session):
                return db.scalar(1)
            class C:
                def __init__(self, db: Session):
                    self.v = load(db)
                @property
                def p(self):
                    return load(self.db)
            key = lambda db: load(db)
            def outer(db: Session):
                def inner():
                    return load(db)
                return inner
            load(None)
            """
        }
    )
    reported = {(item.line, item.rule) for item in plan.items}
    # a property is no boundary: its getter becomes async, its reads ``await`` (test_async_properties)
    # ``__init__`` calling code made async: ``async-init`` (test_init_calling_code_made_async_...)
    assert reported == {(7, "async-init"), (9, "async-property"), (11, "sync-boundary"), (16, "sync-boundary")}
    assert plan.becomes_async("m.C.p")
    init = next(i for i in plan.items if i.line == 7)
    assert "`m.C.__init__` stays sync" in init.reason and "m.load -> db.scalar" in init.reason
    assert plan.becomes_async("m.outer.inner")  # a closure can be async; its caller then awaits it
    assert not plan.becomes_async("m.outer")  # returning the function does not call it


def test_held_sync_functions_stop_the_spread_and_are_reported() -> None:
    plan = build(
        {
            "m": """
            from sqlalchemy.orm import Session
            def load(db: Session):
                return db.scalar(1)
            def view(db: Session):
                return load(db)
            """
        },
        held=("m.view",),
    )
    # Held code keeps calling what it calls, sync: the callee is held too, with why.
    assert not plan.becomes_async("m.load") and not plan.becomes_async("m.view")
    assert plan.held_sync["m.load"] == "held sync: called by held `m.view`"
    assert not plan.items


def test_async_callers_of_held_functions_are_planned_to_bridge() -> None:
    plan = build(
        {
            "m": """
            from sqlalchemy.orm import Session
            def legacy(db: Session):
                return db.query(object).all()
            def view(db: Session):
                return legacy(db)
            """
        },
        held=("m.legacy",),
    )
    assert not plan.items
    assert "m.legacy" in plan.bridged and not plan.becomes_async("m.legacy")
    assert plan.chain("m.view") == ["m.view", "m.legacy", "db.query"]


REPOSITORY = """
from sqlalchemy.orm import Session
class Repo:
    def __init__(self, db: Session):
        self.db = db
    def page(self, q):
        query = self.db.query(object)
        return paginate(query, q)
    def lazy(self):
        query = self.db.query(object)
        return query
    def chained(self):
        return self.db.query(object).filter(1 == 1)
    def rows(self):
        for row in self.db.query(object):
            yield row
    def through(self, q):
        return self.page(q)
    def rebound(self):
        query = self.db.query(object)
        query = query.filter(1 == 1)
        query = query.all()
        return query
    def built(self):
        query = self.db.query(object)
        query = query.filter(1 == 1)
        return query
    def sorted(self):
        query = self.db.query(object)
        return sort(query)
def paginate(query, q):
    return query.limit(q).all()
def sort(query):
    return query.order_by(1)
def view(db: Session):
    return Repo(db).page(1), Repo(db).lazy(), Repo(db).chained(), list(Repo(db).rows()), Repo(db).through(2)
"""


def test_held_methods_reading_a_migrated_instance_session_bridge_on_it() -> None:
    held = tuple(f"m.Repo.{name}" for name in ("page", "lazy", "chained", "rows", "through", "rebound", "built", "sorted"))
    plan = build({"m": REPOSITORY}, held=held)
    assert set(held) <= set(plan.bridged)
    # It reads ``self.db``, a session the migration makes async: its callers bridge on it.
    assert plan.instance_session("m.Repo.page") == "db"
    assert plan.instance_session("m.Repo.rebound") == "db"  # ``query = query.all()``: rows
    assert not plan.hands_back_query("m.Repo.page") and not plan.hands_back_query("m.Repo.rebound")
    # A lazy Query handed back: bridged together with the expression that executes it.
    for name in ("lazy", "chained", "built", "sorted"):  # ``sort`` hands back what it is given
        assert plan.instance_session(f"m.Repo.{name}") == "db"
        assert plan.hands_back_query(f"m.Repo.{name}")
    # A generator's rows would be read after the bridge returned.
    assert plan.instance_session("m.Repo.rows") is None
    # No session of its own reached through ``self``.
    assert plan.instance_session("m.Repo.through") is None


def test_no_instance_bridge_when_held_code_builds_the_instance_with_a_sync_session() -> None:
    source = REPOSITORY + """
from sqlalchemy.orm import sessionmaker
SessionLocal = sessionmaker()
def report():
    return Repo(SessionLocal()).page(3)
"""
    plan = build({"m": source}, held=("m.Repo.page", "m.report"))
    assert "m.Repo.page" in plan.bridged
    assert plan.instance_session("m.Repo.page") is None


def test_with_sessionmaker_makes_the_function_async() -> None:
    plan = build(
        {
            "app.database": DATABASE,
            "app.jobs": """
            from app import database
            def purge():
                with database.SessionLocal() as s:
                    s.add(1)
            """,
        }
    )
    assert plan.becomes_async("app.jobs.purge")


def test_calling_an_existing_coroutine_from_sync_code_spreads_but_passing_it_does_not() -> None:
    plan = build(
        {
            "m": """
            import asyncio
            async def already():
                pass
            def bare():
                already()
            def runner():
                asyncio.run(already())
            """
        }
    )
    assert plan.becomes_async("m.bare")
    assert not plan.becomes_async("m.runner")


def test_an_annotated_parameter_stays_a_session_when_rebound_from_itself() -> None:
    plan = build(
        {
            "app.database": DATABASE,
            "app.m": """
            from sqlalchemy.orm import Session
            from app.database import SessionLocal
            def f(db: Session | None = None):
                db = db or SessionLocal()
                db.commit()
            def g(session=None):
                session = SessionLocal()
                session.flush()
            """,
        }
    )
    assert plan.chain("app.m.f") == ["app.m.f", "db.commit"]
    assert plan.chain("app.m.g") == ["app.m.g", "session.flush"]


def test_self_referential_attributes_do_not_recurse() -> None:
    plan = build(
        {
            "m": """
            from sqlalchemy.orm import Session
            class Node:
                def __init__(self, parent):
                    self.parent = parent
                def up(self):
                    self.parent = self.parent.parent
                    return self.parent.up()
            def f(db: Session):
                db.commit()
            """
        }
    )
    assert plan.becomes_async("m.f") and not plan.becomes_async("m.Node.up")


HIERARCHY = """
from sqlalchemy.orm import Session

class Repository:
    def __init__(self, db: Session):
        self.db = db

    def save(self, obj):
        self.db.add(obj)
        self.db.commit()

class Cached(Repository):
    def save(self, obj):
        self.cache = obj
        return super().save(obj)

class Noop(Repository):
    def save(self, obj):
        return None
"""


def test_a_method_its_overrides_and_the_base_become_async_together() -> None:
    # Issue 12 class 5: an override left ``def`` returned ``super().save(...)``, a coroutine nobody awaited.
    plan = build({"app.repo": HIERARCHY})
    assert {"app.repo.Repository.save", "app.repo.Cached.save", "app.repo.Noop.save"} <= set(plan.to_async)
    assert plan.classify("app.repo.Cached.save", Callee("super", ("save",), (0,))).name == "app.repo.Repository.save"


def test_a_held_method_holds_its_override_family() -> None:
    plan = build({"app.repo": HIERARCHY}, held=("app.repo.Cached.save",))
    for member in ("app.repo.Repository.save", "app.repo.Cached.save", "app.repo.Noop.save"):
        assert member in plan.held_sync and member not in plan.to_async


def test_a_module_driving_alembic_is_not_a_migration_script() -> None:
    # A test fixture or CLI running ``alembic.command.upgrade`` is ordinary code; env.py (``context``)
    # and revision files (``op``) are what alembic runs sync.
    from sqla_asyncify.holds import held_functions

    sources = {
        "app.fixtures": "from alembic.config import Config\nfrom alembic import command\ndef f(db): pass\n",
        "migrations.env": "from alembic import context\ndef run(): pass\n",
        "migrations.versions.v1": "from alembic import op\ndef upgrade(): pass\n",
    }
    indexes = [index_module(cst.parse_module(src), name, f"{name}.py") for name, src in sources.items()]
    held = held_functions(indexes, ())
    assert "app.fixtures.f" not in held
    assert "migrations.env.run" in held and "migrations.versions.v1.upgrade" in held


def test_database_parameters_are_sessions_and_binds_of_sessions_built_here() -> None:
    plan = build(
        {
            "app.checks": """
from sqlalchemy.orm import Session, sessionmaker

def ping(engine, label):
    with Session(engine) as session:
        session.execute(1)

def through_maker(bind, other):
    maker = sessionmaker(bind=bind)
    with maker() as s:
        s.commit()

def count(db: Session, engine):
    db.execute(1)
    return engine
"""
        }
    )
    assert plan.database_parameters("app.checks.ping") == {"engine": "bind"}
    assert plan.database_parameters("app.checks.through_maker") == {"bind": "bind"}
    assert plan.database_parameters("app.checks.count") == {"db": "session"}
    assert plan.database_parameters("app.checks.<module>") == {}


REPOS = """
from sqlalchemy.orm import Session

class Users:
    def __init__(self, db: Session):
        self.db = db
    def save(self):
        self.db.commit()

class Notes:
    def save(self):
        return "kept in memory"
"""


def test_an_untyped_parameter_takes_the_class_every_caller_hands_it() -> None:
    plan = build(
        {
            "app.repos": REPOS,
            "app.svc": """
from sqlalchemy.orm import Session
from app.repos import Notes, Users

def store(repo):
    repo.save()

def built_here(repo):
    repo.save()

def mixed(repo):
    repo.save()

def defaulted(repo=None):
    repo.save()

def run(db: Session):
    users = Users(db)
    store(users)
    store(repo=users)
    built_here(Users(db))
    mixed(users)
    mixed(Notes())
    defaulted(users)
    defaulted()
""",
        }
    )
    assert plan.chain("app.svc.store") == ["app.svc.store", "app.repos.Users.save", "self.db.commit"]
    # another class at one call, the default, or an expression the index does not name: unknown
    assert not any(plan.is_async(f"app.svc.{name}") for name in ("mixed", "defaulted", "built_here"))
    assert plan.is_async("app.svc.run")


def test_an_untyped_parameter_handed_on_through_untyped_helpers_takes_the_class_too() -> None:
    plan = build(
        {
            "app.repos": REPOS,
            "app.svc": """
from sqlalchemy.orm import Session
from app.repos import Notes, Users

def inner(repo):
    repo.save()

def middle(repo):
    inner(repo)

def outer(repo):
    middle(repo)

def twice(repo):
    repo.save()

def handed_both(repo):
    twice(repo)

def run(db: Session):
    users = Users(db)
    outer(users)
    handed_both(users)
    twice(Notes())
""",
        }
    )
    # each helper's parameter is typed from the one before it: the save is awaited at the end
    assert plan.chain("app.svc.outer") == [
        "app.svc.outer", "app.svc.middle", "app.svc.inner", "app.repos.Users.save", "self.db.commit"
    ]
    # handed a `Users` through a helper and a `Notes` directly: still unknown
    assert not plan.is_async("app.svc.twice") and not plan.is_async("app.svc.handed_both")


IMPORT_TIME = """
from app.database import SessionLocal

def init_db():
    with SessionLocal() as db:
        db.commit()
"""


def test_import_time_calls_run_on_a_new_loop_only_where_no_loop_can_be_running() -> None:
    """A test module, a conftest, a test package's module and ``__main__`` are imported where no
    event loop runs: their module-level call runs through ``_run_async`` (an entry). An application
    module may be imported by a server inside its loop: the call stays reported."""
    importers = {
        "tests.conftest": True,
        "tests.helpers.seed": True,
        "app.test_seed": True,
        "app.__main__": True,
        "app.main": False,
    }
    plan = build(
        {
            "app.database": DATABASE,
            "app.init": IMPORT_TIME,
            **{name: "from app.init import init_db\n\ninit_db()\n" for name in importers},
        }
    )
    assert plan.becomes_async("app.init.init_db")
    for name, bridged in importers.items():
        assert (f"{name}.<module>" in plan.entries) is bridged, name
        reported = [i for i in plan.items if i.rule == "sync-boundary" and i.path == f"{name.replace('.', '/')}.py"]
        assert bool(reported) is not bridged, name


def test_a_generator_called_at_import_is_not_run_on_a_loop() -> None:
    """Iterating a generator made async needs ``async for``: a test module iterating one at import
    is reported, not handed to ``_run_async``."""
    plan = build(
        {
            "app.database": DATABASE,
            "app.rows": "from app.database import SessionLocal\n\ndef rows():\n    with SessionLocal() as db:\n        yield db.get(int, 1)\n",
            "tests.conftest": "from app.rows import rows\n\nfor row in rows():\n    print(row)\n",
        }
    )
    assert plan.becomes_async("app.rows.rows")
    assert "tests.conftest.<module>" not in plan.entries
    assert any(i.rule == "sync-boundary" and i.path == "tests/conftest.py" for i in plan.items)


WORKER = """
from sqlalchemy.orm import Session

class Worker:
    def __init__(self, db, queue):
        self.db = db
        self.queue = queue
        self.reset = self._reset()

    def _reset(self):
        self.db.query(Task).delete()
        return self.db.commit()

    def _audit(self):
        return audit(self.db)

    def run(self):
        return self.db.query(Task).all()

def audit(db: Session):
    return db.commit()

def make(db: Session, queue):
    return Worker(db, queue)

def start(db: Session):
    return make(db, []).run()
"""


def test_an_untyped_constructor_parameter_every_caller_hands_a_session_is_a_session() -> None:
    plan = build({"m": WORKER})
    assert plan.is_session("m.Worker.__init__", Callee("db"))
    assert plan.is_session("m.Worker.run", Callee("self", ("db",)))
    assert plan.is_async("m.Worker.run")
    assert not any(item.rule == "session-to-untyped" for item in plan.items)


def test_callers_that_disagree_leave_the_parameter_unknown_and_reported() -> None:
    plan = build({"m": WORKER + "\ndef offline():\n    return Worker(None, [])\n"})
    assert not plan.is_session("m.Worker.__init__", Callee("db"))
    assert [item.rule for item in plan.items if item.rule == "session-to-untyped"] == ["session-to-untyped"]


def test_a_constructors_own_io_method_stays_sync_and_the_object_is_built_in_run_sync() -> None:
    plan = build({"m": WORKER})
    # ``__init__`` cannot await ``_reset``: it is held, bridged on the instance's own session.
    assert "m.Worker._reset" in plan.held_sync and "m.Worker._reset" in plan.bridged
    assert plan.instance_session("m.Worker._reset") == "db"
    assert plan.constructs_with_io("m.Worker")
    # Built inside run_sync with the AsyncSession itself, which its async ``run`` keeps using.
    assert plan.init_keeps_session("m.Worker")
    # The sync factory building it becomes async (it awaits the bridge), and so does its caller.
    assert plan.chain("m.make") == ["m.make", "m.Worker.__init__"]
    assert plan.is_async("m.start")


def test_a_constructor_helper_calling_code_made_async_is_not_held() -> None:
    source = WORKER.replace("self.reset = self._reset()", "self.reset = self._audit()")
    plan = build({"m": source})
    # holding ``_audit`` would hold ``audit`` too: not held, nor built through ``run_sync``; its one
    # construction (``make``) is known, so the class is built through an awaited async factory
    assert "m.Worker._audit" not in plan.held_sync
    assert not plan.constructs_with_io("m.Worker")
    assert "m.Worker" in plan.factories and plan.is_async("m.Worker.__init__")
    assert plan.is_async("m.make") and plan.is_async("m.start")


def test_a_session_typed_by_callers_types_the_parameters_it_is_handed_to() -> None:
    source = WORKER + """
class Store:
    def __init__(self, db):
        self.db = db
    def save(self):
        return self.db.commit()

class Service:
    def __init__(self, auth, db):
        self.store = Store(db)

def service(db: Session):
    return Service(None, db)
"""
    plan = build({"m": source})
    # ``Service.__init__``'s ``db`` is a session by its caller; so is ``Store.__init__``'s, by Service
    assert plan.is_session("m.Store.__init__", Callee("db"))
    assert plan.is_async("m.Store.save")


def test_a_subscripted_generic_class_instantiates_that_class() -> None:
    """``Repo[User](db)`` builds a ``Repo``: its methods resolve as on ``Repo(db)``; a subscript of
    anything else (a list of handlers, a session) names no known value."""
    plan = build(
        {
            "m": """
            from typing import Generic, TypeVar
            from sqlalchemy.orm import Session
            T = TypeVar("T")
            class Repo(Generic[T]):
                def __init__(self, db: Session):
                    self.db = db
                def save(self):
                    self.db.flush()
            class Controller:
                def __init__(self, db: Session):
                    self.db = db
                @property
                def repo(self):
                    return Repo[int](self.db)
                def run(self):
                    self.repo.save()
            def direct(db: Session):
                Repo[int](db).save()
            def indexed(db: Session, handlers):
                handlers[0](db).save()
                db[0].save()
            """
        }
    )
    assert plan.chain("m.direct") == ["m.direct", "m.Repo.save", "self.db.flush"]
    assert plan.chain("m.Controller.run") == ["m.Controller.run", "m.Repo.save", "self.db.flush"]
    assert not plan.becomes_async("m.indexed")
    assert plan.type_of("m.direct", Callee.of_func(cst.parse_expression("Repo[int]"))) == plan.type_of(
        "m.direct", Callee("Repo")
    )
    assert str(Callee.of(cst.parse_expression("Repo[int](db).save"))) == "Repo[...]().save"
    # a subscript not called names nothing (``Dep = Annotated[...]`` stays an alias)
    assert Callee.of(cst.parse_expression("Annotated[Repo, 1]")) is None


def test_a_base_class_re_exported_by_a_star_import_is_followed() -> None:
    """``from pkg import Base`` where ``pkg/__init__.py`` does ``from .base import *``: the class
    derives from ``pkg.base.Base``, so what it inherits resolves and is awaited."""
    plan = build(
        {
            "pkg.__init__": "from .base import *\n",
            "pkg.base": """
            from sqlalchemy.orm import Session
            class Base:
                db: Session
                @property
                def repo(self):
                    return Repo(self.db)
            class Repo:
                def __init__(self, db: Session):
                    self.db = db
                def save(self):
                    self.db.flush()
            """,
            "views": """
            from pkg import Base
            class View(Base):
                def run(self):
                    self.repo.save()
            """,
        }
    )
    assert plan.chain("views.View.run") == ["views.View.run", "pkg.base.Repo.save", "self.db.flush"]


ASYNC_INIT_APP = """
from sqlalchemy.orm import Session


class Repo:
    def __init__(self, session: Session):
        self.session = session

    def get_one(self, key: int):
        return self.session.get(object, key)


class Importer:
    def __init__(self, repo: Repo, key: int):
        self.repo = repo
        found = repo.get_one(key)
        if not found:
            raise LookupError(key)
        self.found = found


class CsvImporter(Importer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)


def import_one(session: Session, key: int):
    return Importer(Repo(session), key)


def import_picked(session: Session, kind: str, key: int):
    table = {"csv": CsvImporter}
    return table[kind](repo=Repo(session), key=key)


class Standalone(Importer):
    def __init__(self):
        self.found = None
"""


def test_init_calling_code_made_async_is_reported_with_its_construction_sites() -> None:
    # ``get_one`` becomes async: the call in ``__init__`` would return an unawaited coroutine.
    plan = build({"app": ASYNC_INIT_APP})
    assert "app.Repo.get_one" in plan.to_async
    assert "app.Importer.__init__" not in plan.to_async
    items = [i for i in plan.items if i.rule == "async-init"]
    assert [(i.path, i.line) for i in items] == [("app.py", 16)]
    reason = items[0].reason
    assert "`app.Repo.get_one`" in reason and "app.py:16 now returns a coroutine" in reason
    assert "Construction sites: app.py:28 `Importer(...)`" in reason
    assert "app.py:32 `CsvImporter` stored as a value" in reason
    assert "`app.CsvImporter`" in reason
    assert "Standalone" not in reason  # its own ``__init__`` never runs ``Importer.__init__``
    assert "run_sync" not in items[0].fix.split("`run_sync` cannot help")[0]
    assert "await Importer.create(...)" in items[0].fix
    # Not also reported with the run_sync fix, which cannot call an async function.
    assert not [i for i in plan.items if i.rule == "sync-boundary" and "Importer" in i.reason]

"""What SQLAlchemy itself says: which names are sessions and which session methods are coroutines.

Every table here was checked against the installed SQLAlchemy (2.1.9 and 2.0.x) with
``inspect.iscoroutinefunction`` and by running both forms; see ``docs/rules.md`` and
``tests/test_sqla_facts.py``, which re-checks these tables against whatever SQLAlchemy is installed.
"""

from __future__ import annotations

#: Qualified names that denote a session class (a call builds a session; an annotation types one).
SESSION_CLASSES: frozenset[str] = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    }
)

#: The sync session classes that the migration replaces.
SYNC_SESSION_CLASSES: frozenset[str] = frozenset(
    {"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session", "sqlmodel.orm.session.Session"}
)

#: Where each sync session class's async counterpart (``AsyncSession``) is imported from: SQLModel's
#: keeps ``exec()`` (rules §4).
ASYNC_SESSION_MODULE: dict[str, str] = {
    "sqlalchemy.orm.Session": "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm.session.Session": "sqlalchemy.ext.asyncio",
    "sqlmodel.Session": "sqlmodel.ext.asyncio.session",
    "sqlmodel.orm.session.Session": "sqlmodel.ext.asyncio.session",
}

#: Factories whose instances build sessions when called (``SessionLocal = sessionmaker(...)``).
#: ``sessionmaker`` (the migration adds ``expire_on_commit=False`` when absent) and its async form
#: (whose default stays ``True``).
SYNC_SESSIONMAKERS: frozenset[str] = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
ASYNC_SESSIONMAKERS: frozenset[str] = frozenset(
    {"sqlalchemy.ext.asyncio.async_sessionmaker", "sqlalchemy.ext.asyncio.session.async_sessionmaker"}
)

#: ``relationship(...)`` and ``backref(...)``: what ``selectin-relationships`` converts, and what the
#: index records as a mapped class's relationship attributes.
RELATIONSHIP_FUNCTIONS: frozenset[str] = frozenset(
    {
        "sqlalchemy.orm.relationship",
        "sqlalchemy.orm.relationships.relationship",
        "sqlalchemy.orm._orm_constructors.relationship",
        "sqlalchemy.orm.backref",
        "sqlalchemy.orm._orm_constructors.backref",
    }
)
#: SQLModel's ``Relationship(...)``: a ``relationship()`` whose own arguments are passed in
#: ``sa_relationship_kwargs={...}`` (``lazy`` among them) or whole as ``sa_relationship=``.
#: Column properties a ``deferred=True`` keyword defers (loaded on first access unless undeferred).
DEFERRABLE_COLUMN_FUNCTIONS: frozenset[str] = frozenset(
    {
        "sqlalchemy.orm.column_property",
        "sqlalchemy.orm._orm_constructors.column_property",
        "sqlalchemy.orm.mapped_column",
        "sqlalchemy.orm._orm_constructors.mapped_column",
    }
)
#: ``deferred(expr)``: ``column_property(expr, deferred=True)``.
DEFERRED_FUNCTIONS: frozenset[str] = frozenset({"sqlalchemy.orm.deferred", "sqlalchemy.orm._orm_constructors.deferred"})
#: ``association_proxy("rel", "attr")``: reading the proxy reads relationship ``rel``.
ASSOCIATION_PROXY_FUNCTIONS: frozenset[str] = frozenset(
    {"sqlalchemy.ext.associationproxy.association_proxy"}
)
SQLMODEL_RELATIONSHIP_FUNCTIONS: frozenset[str] = frozenset({"sqlmodel.Relationship", "sqlmodel.main.Relationship"})
#: SQLModel's model base: a table model's ``Relationship()`` attributes are no pydantic fields, so
#: ``model_dump()`` (and ``jsonable_encoder``, which calls it) never reads them.
SQLMODEL_BASES: frozenset[str] = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})
#: ``lazy=`` values (as written; None: absent) whose relationships ``await session.refresh(obj)``
#: loads after the migration: the lazy default, which ``selectin-relationships`` turns into
#: ``"selectin"``, and the eager strategies (verified on 2.1.9: a new object's ``selectin``,
#: ``joined``, ``subquery`` and ``immediate`` collections are ``[]`` after commit + refresh).
REFRESH_LOADS_LAZY: frozenset[str | None] = frozenset(
    {None, "True", *(f"{q}{v}{q}" for q in "'\"" for v in ("select", "selectin", "joined", "subquery", "immediate"))}
)

SESSIONMAKER_FACTORIES: frozenset[str] = frozenset(
    {
        "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.orm.session.sessionmaker",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlalchemy.ext.asyncio.scoping.async_scoped_session",
    }
)

#: ``AsyncSession`` methods that are coroutine functions: a call must be awaited (rules §1.1).
#: ``delete`` is one: without ``await`` the delete is silently lost (rules §1.7).
AWAITED_SESSION_METHODS: frozenset[str] = frozenset(
    {
        "aclose",
        "close",
        "commit",
        "connection",
        "delete",
        "execute",
        "flush",
        "get",
        "get_one",
        "invalidate",
        "merge",
        "refresh",
        "reset",
        "rollback",
        "run_sync",
        "scalar",
        "scalars",
        "stream",
        "stream_scalars",
        # sqlmodel's AsyncSession.exec
        "exec",
    }
)

#: ``AsyncSession`` methods that stay plain calls: awaiting them is a TypeError (rules §1.1).
SYNC_SESSION_METHODS: frozenset[str] = frozenset(
    {
        "add",
        "add_all",
        "begin",
        "begin_nested",
        "expire",
        "expire_all",
        "expunge",
        "expunge_all",
        "get_bind",
        "get_nested_transaction",
        "get_transaction",
        "identity_key",
        "in_nested_transaction",
        "in_transaction",
        "is_modified",
        "object_session",
    }
)

#: The legacy entry point that has no AsyncSession counterpart (``AsyncSession.query`` does not exist).
LEGACY_QUERY_METHOD = "query"

#: What a legacy ``Query`` chain can end with to hand back something other than a lazy ``Query``
#: (its results, a count, or a statement): a chain ending otherwise returns the query itself.
QUERY_RESULT_METHODS = frozenset(
    {
        "all", "first", "one", "one_or_none", "scalar", "count", "get", "delete", "update",
        "subquery", "cte", "exists", "scalar_subquery", "as_scalar", "label", "statement",
    }
)

#: Callables that take a coroutine (not its result) as an argument: a call passed to them is not awaited.
COROUTINE_CONSUMERS: frozenset[str] = frozenset(
    {
        "asyncio.run",
        "asyncio.create_task",
        "asyncio.ensure_future",
        "asyncio.gather",
        "asyncio.wait_for",
        "asyncio.shield",
        "asyncio.wait",
        "asyncio.as_completed",
        "asyncio.run_coroutine_threadsafe",
        "anyio.run",
    }
)

#: The helper a sync command or task runs a coroutine with, written into its module
#: (``codemods/entry_runner.py``): it consumes the coroutine like ``asyncio.run``.
ENTRY_RUNNER = "_run_async"

#: Decorators that make a function impossible to turn into a coroutine function.
#: ``@property`` as written (the getter runs at each read of the attribute).
PROPERTY_DECORATORS: frozenset[str] = frozenset({"property", "builtins.property"})

#: ``functools.cached_property``: a getter run once per instance, its value kept in ``__dict__``.
CACHED_PROPERTY_DECORATORS: frozenset[str] = frozenset({"functools.cached_property"})

#: ``T = TypeVar("T", bound=B)``: an annotation ``T`` denotes an instance of ``B`` (or a subclass).
TYPEVAR_FACTORIES: frozenset[str] = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})

#: Bases whose instances libraries read attribute by attribute (serialization, ``from_attributes``
#: validation, ORM state): a property of such a class is read where nothing can await it.
SERIALIZED_BASE_PREFIXES: tuple[str, ...] = ("pydantic.", "sqlmodel.", "sqlalchemy.", "marshmallow.", "attr.", "attrs.")

#: Registering an event listener: the decorator form and the call form (``event.listen(target, name, fn)``).
LISTENS_FOR = "sqlalchemy.event.listens_for"
EVENT_LISTEN = "sqlalchemy.event.listen"

SYNC_ONLY_DECORATORS: frozenset[str] = frozenset(
    {
        "property",
        "builtins.property",
        "functools.cached_property",
        "cached_property",
        "sqlalchemy.orm.validates",
        "sqlalchemy.ext.hybrid.hybrid_property",
        "sqlalchemy.ext.hybrid.hybrid_method",
        "sqlalchemy.orm.reconstructor",
        LISTENS_FOR,
    }
)

#: Context-manager decorators and their async counterparts: a ``@contextmanager`` generator that
#: reaches session I/O becomes an ``@asynccontextmanager`` async generator (entered with ``async with``).
ASYNC_CONTEXT_DECORATORS: dict[str, str] = {
    "contextlib.contextmanager": "asynccontextmanager",
}

#: Context-manager decorators, sync and async: ``cm = contextmanager(gen)`` (the decorator applied by a
#: call) makes ``cm`` enter the generator ``gen`` as ``@contextmanager`` on it would.
CONTEXT_DECORATORS: frozenset[str] = frozenset({*ASYNC_CONTEXT_DECORATORS, "contextlib.asynccontextmanager"})

#: Dunder methods that a coroutine can implement (everything else is a sync protocol).
ASYNC_DUNDERS: frozenset[str] = frozenset({"__aenter__", "__aexit__", "__anext__", "__call__"})

#: Functions that build an engine (``engine = create_engine(url)``); the migration makes them async.
ENGINE_FACTORIES: frozenset[str] = frozenset(
    {"sqlmodel.create_engine", 
        "sqlalchemy.create_engine",
        "sqlalchemy.engine.create_engine",
        "sqlalchemy.engine.create.create_engine",
        "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine",
    }
)

#: The sync engine factories that the migration replaces with ``create_async_engine``.
SYNC_ENGINE_FACTORIES: frozenset[str] = frozenset(
    {"sqlmodel.create_engine", "sqlalchemy.create_engine", "sqlalchemy.engine.create_engine", "sqlalchemy.engine.create.create_engine"}
)

#: ``AsyncEngine`` methods that are coroutines (rules §1.5). ``connect()`` is sync but returns an
#: ``AsyncConnection`` that must be started: outside ``async with`` it is ``await engine.connect()``.
AWAITED_ENGINE_METHODS: frozenset[str] = frozenset({"dispose", "raw_connection", "connect"})

#: ``AsyncEngine`` methods used as ``async with engine.begin() / engine.connect() as conn``.
ENGINE_CONTEXT_METHODS: frozenset[str] = frozenset({"begin", "connect"})

#: ``AsyncConnection`` coroutine methods (rules §1.4).
AWAITED_CONNECTION_METHODS: frozenset[str] = frozenset(
    {
        "execute",
        "scalar",
        "scalars",
        "exec_driver_sql",
        "commit",
        "rollback",
        "close",
        "aclose",
        "invalidate",
        "run_sync",
        "get_raw_connection",
        "get_isolation_level",
        "execution_options",
        "stream",
        "stream_scalars",
    }
)

#: The public attributes of ``Connection`` and ``AsyncConnection`` (SQLAlchemy 2.0 and 2.1). Any
#: other attribute of a connection is the project's own: ``AsyncConnection`` has ``__slots__`` and
#: takes none, so it lives on ``conn.sync_connection``, the ``Connection`` the sync code had.
CONNECTION_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "aclose",
        "begin",
        "begin_nested",
        "begin_twophase",
        "close",
        "closed",
        "commit",
        "commit_prepared",
        "connection",
        "default_isolation_level",
        "detach",
        "dialect",
        "dispatch",
        "engine",
        "exec_driver_sql",
        "execute",
        "execution_options",
        "get_execution_options",
        "get_isolation_level",
        "get_nested_transaction",
        "get_raw_connection",
        "get_transaction",
        "in_nested_transaction",
        "in_transaction",
        "info",
        "invalidate",
        "invalidated",
        "recover_twophase",
        "rollback",
        "rollback_prepared",
        "run_sync",
        "scalar",
        "scalars",
        "schema_for_object",
        "should_close_with_result",
        "start",
        "stream",
        "stream_scalars",
        "sync_connection",
        "sync_engine",
    }
)

#: ``AsyncConnection`` methods returning an ``AsyncTransaction``: ``async with conn.begin()``, or
#: ``await conn.begin()`` to start it outside ``with`` (unawaited, no transaction begins).
CONNECTION_TRANSACTION_METHODS: frozenset[str] = frozenset({"begin", "begin_nested"})

#: ``AsyncTransaction`` coroutine methods (``trans = await conn.begin()`` … ``await trans.rollback()``).
AWAITED_TRANSACTION_METHODS: frozenset[str] = frozenset({"commit", "rollback", "close"})

#: Classes whose instances are ``MetaData`` (``metadata = MetaData()``).
METADATA_CLASSES: frozenset[str] = frozenset({"sqlalchemy.MetaData", "sqlalchemy.schema.MetaData", "sqlalchemy.sql.schema.MetaData"})

#: Functions returning a declarative base class (``Base = declarative_base()``): ``Base.metadata``.
DECLARATIVE_BASE_FACTORIES: frozenset[str] = frozenset(
    {"sqlalchemy.orm.declarative_base", "sqlalchemy.ext.declarative.declarative_base", "sqlalchemy.orm.decl_api.declarative_base"}
)

#: External classes with a ``metadata`` attribute (``SQLModel.metadata.create_all(engine)``).
METADATA_OWNERS: frozenset[str] = frozenset(
    {"sqlmodel.SQLModel", "sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.DeclarativeBaseNoMeta"}
)

#: Calls building an ``Inspector`` on a bind: on an AsyncEngine or AsyncConnection they raise or
#: return one whose I/O yields coroutines, so they run through ``AsyncConnection.run_sync``.
INSPECTION_CALLS: frozenset[str] = frozenset(
    {
        "sqlalchemy.inspect",
        "sqlalchemy.inspection.inspect",
        "sqlalchemy.Inspector.from_engine",
        "sqlalchemy.engine.Inspector.from_engine",
        "sqlalchemy.engine.reflection.Inspector.from_engine",
    }
)

#: ``Table`` classes: ``Table(name, metadata, autoload_with=bind)`` reflects the table on ``bind``.
TABLE_CLASSES: frozenset[str] = frozenset({"sqlalchemy.Table", "sqlalchemy.schema.Table", "sqlalchemy.sql.schema.Table"})

#: ``MetaData`` methods that run DDL on a bind: after the migration, through ``conn.run_sync``.
METADATA_DDL_METHODS: frozenset[str] = frozenset({"create_all", "drop_all", "reflect"})

#: ``Callable`` in annotations: ``Callable[[], Session]`` types a factory of sessions, not a session.
CALLABLE_TYPES: frozenset[str] = frozenset({"typing.Callable", "collections.abc.Callable", "typing_extensions.Callable"})

#: Decorators that make a function a pytest fixture (its parameters and users get fixtures by name).
FIXTURE_DECORATORS: frozenset[str] = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})

#: The decorator whose ``argvalues`` a test receives as parameters, one set of values per run.
PARAMETRIZE_DECORATOR = "pytest.mark.parametrize"

#: Sync ASGI test clients: they run the app on an event loop of their own, in a thread.
TEST_CLIENT_CLASSES: frozenset[str] = frozenset({"fastapi.testclient.TestClient", "starlette.testclient.TestClient"})

#: Library functions returning one element of their one argument (``random.choice(users)``): the
#: value is typed as any element of the argument (``containers.py``).
ELEMENT_PICKERS: frozenset[str] = frozenset({"random.choice", "secrets.choice"})
#: Builtins doing so (``next(it)``), unless the module defines the name.
BUILTIN_ELEMENT_PICKERS: frozenset[str] = frozenset({"next"})

#: ``contextlib.ExitStack``: ``stack.enter_context(cm)`` returns what ``with cm as x`` binds.
EXIT_STACK_CLASSES: frozenset[str] = frozenset({"contextlib.ExitStack"})
EXIT_STACK_ENTER_METHOD = "enter_context"

#: httpx's async client, what a converted test client becomes: its request methods are coroutines.
ASYNC_HTTP_CLIENT_CLASSES: frozenset[str] = frozenset({"httpx.AsyncClient", "httpx._client.AsyncClient"})

#: Request methods shared by ``TestClient`` and ``httpx.AsyncClient`` (awaited on the latter).
HTTP_REQUEST_METHODS: frozenset[str] = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send"}
)

#: Decorators that register a function with a framework calling it synchronously, where no event
#: loop runs (a CLI command, a task in a worker process): a call it makes into code made async is
#: run with ``asyncio.run(...)`` instead of the function becoming a coroutine function.
SYNC_ENTRY_DECORATORS: dict[str, str] = {
    "click.command": "click",
    "click.group": "click",
    "click.decorators.command": "click",
    "click.decorators.group": "click",
    "celery.shared_task": "Celery",
    "celery.app.shared_task": "Celery",
    "dramatiq.actor": "dramatiq",
}

#: Classes whose instances register sync entries through these decorator methods
#: (``app = typer.Typer()`` → ``@app.command()``; ``celery = Celery()`` → ``@celery.task``).
SYNC_ENTRY_REGISTRIES: dict[str, tuple[str, frozenset[str]]] = {
    "typer.Typer": ("typer", frozenset({"command", "callback"})),
    "typer.main.Typer": ("typer", frozenset({"command", "callback"})),
    "celery.Celery": ("Celery", frozenset({"task"})),
    "celery.app.base.Celery": ("Celery", frozenset({"task"})),
    "click.Group": ("click", frozenset({"command", "group"})),
    "click.core.Group": ("click", frozenset({"command", "group"})),
}

#: Frameworks whose entries run many times in one long-lived process (a worker), each call of
#: ``asyncio.run`` on a new event loop.
WORKER_FRAMEWORKS: frozenset[str] = frozenset({"Celery", "dramatiq"})

#: Calls that run a function handed to them synchronously, in a thread or a process of their own:
#: method name (any receiver: ``pool.submit``, ``loop.run_in_executor``, ``ctx.Process``) or class
#: → the arguments holding the function (position or keyword). A coroutine function handed there
#: would be called and its coroutine dropped, never run.
SYNC_RUNNER_METHODS: dict[str, tuple[str, ...]] = {
    "submit": ("0", "fn"),
    "run_in_executor": ("1", "func"),
    "Process": ("target",),
    "Thread": ("target",),
}
SYNC_RUNNER_CLASSES: dict[str, tuple[str, ...]] = {
    "threading.Thread": ("target",),
    "threading.Timer": ("1", "function"),
    "multiprocessing.Process": ("target",),
    "multiprocessing.context.Process": ("target",),
}

#: The helper a function made async is run with where a thread or process calls it synchronously,
#: written into its module (``codemods/entry_runner.py``).
CALL_RUNNER = "_run_async_call"
#: The helper awaiting what a call of a value that may be a function made async returns, if a coroutine.
AWAIT_IF_COROUTINE = "_await_if_coroutine"

#: Coroutine functions that run the function handed to them (first positional argument) in a worker
#: thread with the arguments after it → their own keyword options, which concern the thread; None:
#: none, and every keyword goes to the function. Each returns a coroutine of the function's result,
#: as a call of a coroutine function does (``thread_calls.py``).
THREAD_RUNNER_COROUTINES: dict[str, frozenset[str] | None] = {
    "asyncio.to_thread": None,
    "asyncio.threads.to_thread": None,
    "starlette.concurrency.run_in_threadpool": None,
    "fastapi.concurrency.run_in_threadpool": None,  # starlette's, re-exported
    # (func, *args, abandon_on_cancel=, cancellable=, limiter=): no keyword goes to func
    "anyio.to_thread.run_sync": frozenset({"abandon_on_cancel", "cancellable", "limiter"}),
}

#: ``loop.run_in_executor(executor, func, *args)`` (no keywords): the method name, any receiver.
RUN_IN_EXECUTOR = "run_in_executor"

#: ``functools.partial``: a function handed with some of its arguments bound.
PARTIAL = "functools.partial"

#: Calls replacing a dotted target with a value for a test: ``patch("app.db.get_db", fake)``, and the
#: pytest fixtures' ``mocker.patch(...)`` / ``monkeypatch.setattr("app.db.get_db", fake)`` (by
#: fixture name). A project function standing in for one made async becomes async with it.
PATCH_CALLS: frozenset[str] = frozenset({"unittest.mock.patch", "mock.patch"})
PATCH_FIXTURE_CALLS: frozenset[tuple[str, tuple[str, ...]]] = frozenset(
    {("mocker", ("patch",)), ("monkeypatch", ("setattr",))}
)

#: Session methods that execute a statement handed as their first argument (``Binding.statement``).
STATEMENT_EXECUTORS: frozenset[str] = frozenset({"execute", "scalars", "scalar"})
#: ``select(M)``: a statement whose rows (``.scalars()``) are ``M`` instances.
SELECT_FUNCTIONS: frozenset[str] = frozenset(
    {"sqlalchemy.select", "sqlalchemy.future.select", "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select", "sqlmodel.select"}
)
#: ``Select`` methods that return a statement of the same entity (``select(M).where(...)``).
SELECT_BUILDERS: frozenset[str] = frozenset(
    {
        "where", "filter", "filter_by", "options", "order_by", "limit", "offset", "join", "outerjoin",
        "join_from", "outerjoin_from", "select_from", "distinct", "execution_options", "group_by", "having",
        "params", "correlate", "with_for_update", "slice", "fetch", "prefix_with", "suffix_with",
    }
)
#: What a result-method call gives, from what it is called on (``Result`` / ``ScalarResult``):
#: "result", "scalars" (an iterable of entities), "rows" (a list of them), "entity" (one, or None).
RESULT_STEPS: dict[tuple[str, str], str] = {
    ("result", "unique"): "result",
    ("result", "scalars"): "scalars",
    ("result", "scalar_one"): "entity",
    ("result", "scalar_one_or_none"): "entity",
    ("result", "scalar"): "entity",
    ("scalars", "unique"): "scalars",
    ("scalars", "all"): "rows",
    ("scalars", "fetchall"): "rows",
    ("scalars", "first"): "entity",
    ("scalars", "one"): "entity",
    ("scalars", "one_or_none"): "entity",
}
#: What each executor gives (``db.execute(stmt)`` is a ``Result``, ``db.scalar(stmt)`` one entity).
EXECUTOR_RESULTS: dict[str, str] = {"execute": "result", "scalars": "scalars", "scalar": "entity"}

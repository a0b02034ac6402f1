"""The ordered registry of transformers. Order matters and is stated here, nowhere else."""

from __future__ import annotations

from .add_awaits import AddAwaits
from .alembic_run_sync import AlembicRunSync
from .alembic_sync_url import AlembicSyncUrl
from .async_engine import AsyncEngine
from .async_factory import AsyncFactory
from .async_for import AsyncFor
from .async_http_client import AsyncHttpClient
from .async_pool import AsyncPool
from .async_sessionmaker import AsyncSessionmaker
from .async_with import AsyncWith
from .await_loop_runs import AwaitLoopRuns
from .async_sleep import AsyncSleep
from .async_tests import AsyncTests
from .asyncio_run_entry import AsyncioRunEntry
from .base import AsyncifyCodemod
from .blocking_calls import BlockingCalls
from .coexist_sessions import CoexistSessions
from .connection_attributes import ConnectionAttributes
from .create_all import RunSyncCreateAll
from .eager_load_options import EagerLoadOptions
from .engine_events import EngineEvents
from .greenlet_loads import GreenletLoads
from .expire_on_commit import ExpireOnCommit
from .make_async import MakeAsync
from .mock_specs import MockSpecs
from .populate_existing import PopulateExisting
from .query_to_select import QueryToSelect
from .rollback_expiry import RollbackExpiry
from .run_sync_bridge import RunSyncBridge
from .run_sync_inspect import RunSyncInspect
from .selectin_relationships import SelectinRelationships
from .session_expiry_setting import SessionExpirySetting
from .session_to_async_session import SessionToAsyncSession
from .thread_runners import ThreadRunners
from .validate_in_greenlet import ValidateInGreenlet

CODEMODS: tuple[type[AsyncifyCodemod], ...] = (
    # First: it finds the query sites ``loading.py`` chose by their positions in the input, and
    # adds ``.options(...)`` on the same line, in the input's form (``db.query(M).options(...)``),
    # which QueryToSelect carries into the ``select()`` and ExpireOnCommit still recognizes.
    EagerLoadOptions,
    # Same positions, same line: ``.populate_existing()`` on the queries that follow a commit.
    PopulateExisting,
    # After the two that find sites by column (it writes a load at the start of a statement's
    # line, ``await db.run_sync(...); stmt``), before ExpireOnCommit and AddAwaits: the load is
    # written awaited, on the input's lines.
    GreenletLoads,
    # Report lines are the input's: no transformer before RunSyncCreateAll adds or removes a line
    # (QueryToSelect keeps a rewritten chain's line count; imports are applied after all of them).
    # AsyncWith first: it asks the plan about ``with SessionLocal()`` / ``with Session(engine)`` /
    # ``with engine.begin()`` by the names the index saw, before the renamers change them.
    AsyncWith,
    # Renamers (create_engine → create_async_engine, sessionmaker/Session/scoped_session → async
    # forms). What the plan knows comes from the index of the input, so later transformers still
    # type ``s`` in ``with Session(engine) as s`` as a session; only a renamed call itself is no
    # longer classified (none of them is awaited or queried). AsyncPool first: it recognises the
    # engines AsyncEngine converts by their ``create_engine`` name.
    AsyncPool,
    AsyncEngine,
    AsyncSessionmaker,
    # Engine listeners → ``engine.sync_engine``: reads only the plan's engine types (from the
    # index), so anywhere works; kept with the other wiring, before lines move.
    EngineEvents,
    # Reads after commit on sessions that still expire: follows the objects in the input's own
    # forms (``db.query(...).one()``) so before QueryToSelect; its ``db.refresh(obj)`` shares the
    # commit's line (no line added) and is awaited by AddAwaits.
    ExpireOnCommit,
    # Then legacy ``session.query(...)`` chains become ``session.execute(select(...))`` (no awaits),
    # so the transformers below see plain session calls.
    QueryToSelect,
    # Before AddAwaits, which awaits the ``session.run_sync(...)`` it emits; after QueryToSelect,
    # so a legacy query in the call's arguments is already a ``select``.
    RunSyncBridge,
    # Same: its ``session.run_sync(lambda _: schema.model_validate(obj))`` is awaited by AddAwaits.
    ValidateInGreenlet,
    # Awaits after every transformer that produces session calls (query-to-select emits
    # ``db.execute(select(...))``, which add-awaits then awaits and parenthesizes).
    AddAwaits,
    # After AddAwaits, which awaited the calls inside the ``__init__`` methods the plan makes
    # async (it reads them by their input names): renames them ``_async_init``, adds ``create``,
    # and writes its own ``await`` on each construction (a class call the plan does not await).
    AsyncFactory,
    # ``async for`` over generators made async: asks the plan about project functions only, so
    # anywhere after the renamers works; beside AddAwaits, the other consumer of what became async.
    AsyncFor,
    # After AddAwaits: it writes its own ``await``/``async with`` (the connection it introduces is
    # not in the plan). Keeps every line where it is (its ``async with`` shares the statement's
    # line) and reports by line, so before SessionToAsyncSession, which can split an import line.
    RunSyncInspect,
    # Writes its own ``await`` too (on a helper the plan does not know), on the call's own line.
    AlembicRunSync,
    # TestClient → httpx.AsyncClient where the plan converts it (one loop for tests using the db and
    # HTTP together); the requests on it are awaited by AddAwaits, through the plan, like session calls.
    AsyncHttpClient,
    # Module-level code under ``if __name__ == "__main__":`` is never awaited (AddAwaits skips it).
    AsyncioRunEntry,
    # From MakeAsync to RollbackExpiry: ``BATCHABLE``, one traversal for those a module needs
    # (``codemods/batch.py``); each decides from the plan and the nodes as they were before it.
    MakeAsync,
    # After MakeAsync: decorators and unittest base classes for what it made async.
    AsyncTests,
    MockSpecs,
    # Its ``await asyncio.sleep`` is not a call the plan knows: it writes the await itself.
    AsyncSleep,
    # Writes its own ``await`` too: the coroutine a loop ran is awaited on the running one.
    AwaitLoopRuns,
    # After AsyncSessionmaker: once ``Session(engine)`` calls are renamed, a ``Session`` import used
    # only by annotations is replaced in place rather than kept beside the new one.
    SessionToAsyncSession,
    # Independent of the plan: relationship loader strategies in model classes.
    SelectinRelationships,
    # ``conn.<own attribute>`` → ``conn.sync_connection.<own attribute>``: the plan's connection
    # types (from the index) and the original nodes only, so anywhere in the batch.
    ConnectionAttributes,
    # ``session.expire_on_commit`` → its ``sync_session``'s, or reported: the plan's session types
    # and the original nodes only, so anywhere in the batch.
    SessionExpirySetting,
    # Reports only; before RunSyncCreateAll, which moves lines.
    RollbackExpiry,
    BlockingCalls,
    # Collapses ``await run_in_threadpool(f, x)`` into ``await f(x)``, which can take lines away from
    # a call spread over several: after every transformer reporting by line but the last. After
    # AddAwaits (``f(x)`` arrives awaited by the runner's await) and AsyncioRunEntry (which leaves
    # it the awaited ``run_in_executor`` calls).
    ThreadRunners,
    # Last: it turns one line into two (``async with engine.begin() as conn:`` + ``await
    # conn.run_sync(...)``), so every transformer that reports by line runs before it; it writes
    # its own ``await``/``async with`` since the connection it introduces is not in the plan.
    RunSyncCreateAll,
    # After every other: it adds the async twins of wiring kept sync (lines move; its own report
    # lines come from the index), and the transformers above ask the plan about the names the
    # index saw, so migrated code is pointed at the twins only now.
    CoexistSessions,
)

#: Alembic's env.py and revision files stay sync; only this runs on them.
MIGRATION_SCRIPT_CODEMODS: tuple[type[AsyncifyCodemod], ...] = (AlembicSyncUrl,)

#: A module held sync whole: only the async twins of its session wiring are added to it.
HELD_MODULE_CODEMODS: tuple[type[AsyncifyCodemod], ...] = (CoexistSessions,)

__all__ = ["CODEMODS", "HELD_MODULE_CODEMODS", "MIGRATION_SCRIPT_CODEMODS", "AsyncifyCodemod"]

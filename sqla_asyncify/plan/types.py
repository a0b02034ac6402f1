"""What the plan's answers are made of: plain frozen values, no logic over the project.

``Ty`` (what an expression denotes) and its constants, ``Target`` (what a call does) and the kinds
that must be awaited or entered with ``async with``, ``Reason`` (why a function becomes async).
"""

from __future__ import annotations

from dataclasses import dataclass
from ..pickling import fast_state


@fast_state
@dataclass(frozen=True, slots=True)
class Ty:
    """What an expression denotes. ``kind`` is one of the constants below; ``name`` a qualname."""

    kind: str
    name: str = ""


UNKNOWN = Ty("unknown")
SESSION = Ty("session")
SESSIONMAKER = Ty("sessionmaker")  # calling it builds a session
SESSIONMAKER_FACTORY = Ty("sessionmaker-factory")  # calling it builds a sessionmaker
SESSION_CLASS = Ty("session-class")  # calling it builds a session
ENGINE = Ty("engine")  # ``create_engine(...)`` (an ``AsyncEngine`` after the migration)
ENGINE_FACTORY = Ty("engine-factory")  # calling it builds an engine
CONNECTION = Ty("connection")  # ``engine.connect()`` / ``engine.begin()`` (an ``AsyncConnection``)
TRANSACTION = Ty("transaction")  # ``conn.begin()`` / ``conn.begin_nested()`` (an ``AsyncTransaction``)
METADATA = Ty("metadata")  # ``Base.metadata``, ``MetaData()``
METADATA_CLASS = Ty("metadata-class")  # calling it builds a ``MetaData``
DECLARATIVE_BASE_FACTORY = Ty("declarative-base-factory")  # ``declarative_base``
METADATA_OWNER = Ty("metadata-owner")  # a class whose ``.metadata`` is a ``MetaData``
HTTP_CLIENT_CLASS = Ty("http-client-class")  # ``fastapi``/``starlette.testclient.TestClient``
#: A ``TestClient`` instance is ``Ty("http-client", origin)``: ``origin`` names where it is built
#: (``scope:name`` of the binding, ``scope:<return>``), so the plan can convert that one client.
HTTP_CLIENT_KIND = "http-client"
ASYNC_HTTP_CLIENT_CLASS = Ty("async-http-client-class")  # ``httpx.AsyncClient``
ASYNC_HTTP_CLIENT = Ty("async-http-client")  # its request methods are coroutines
EXIT_STACK_CLASS = Ty("exit-stack-class")  # ``contextlib.ExitStack``
EXIT_STACK = Ty("exit-stack")  # ``stack.enter_context(cm)`` gives what ``with cm as x`` binds


@fast_state
@dataclass(frozen=True, slots=True)
class Target:
    """What a call does. ``kind``: "session-io", "session-query", "session-sync", "function",
    "session-context" (``with SessionLocal() as s``, ``with s.begin()``, ``with Maker.begin() as s``),
    "engine-io" (``engine.dispose()``, ``engine.connect()`` outside ``with``), "engine-context"
    (``with engine.begin() / engine.connect() as conn``), "connection-io" (``conn.execute(...)``,
    ``conn.begin()`` outside ``with``, ``trans.rollback()``),
    "connection-context" (``with conn.begin()``), "metadata-io" (``Base.metadata.create_all(engine)``,
    rewritten to ``conn.run_sync`` rather than awaited), "http-io" (a request on an
    ``httpx.AsyncClient`` or on a ``TestClient`` the plan converts to one), "http-sync" (a request on a
    ``TestClient`` that stays), or "other"."""

    kind: str
    name: str = ""

    @property
    def is_session_io(self) -> bool:
        """Database I/O: the function doing it must be async (the name predates engines)."""
        return self.kind in IO_KINDS

    @property
    def is_awaited(self) -> bool:
        """A coroutine after the migration: the call must be awaited."""
        return self.kind in AWAITED_KINDS

    @property
    def is_async_context(self) -> bool:
        """An async context manager after the migration: ``with`` becomes ``async with``."""
        return self.kind in CONTEXT_KINDS


AWAITED_KINDS = frozenset({"session-io", "engine-io", "connection-io", "http-io"})
CONTEXT_KINDS = frozenset({"session-context", "engine-context", "connection-context"})
IO_KINDS = frozenset({"session-query", "metadata-io"}) | AWAITED_KINDS | CONTEXT_KINDS


OTHER = Target("other")


@fast_state
@dataclass(frozen=True, slots=True)
class Reason:
    """Why a function becomes async: its own session I/O, or a call of a function that becomes async."""

    kind: str  # "io" | "call"
    detail: str  # the I/O call as written (``db.commit``) or the callee's qualname
    line: int
    #: For I/O that a boundary cannot await: the fix to report, when a specific one exists.
    fix: str = ""


@fast_state
@dataclass(frozen=True, slots=True)
class ReturnedQuery:
    """A function that builds a legacy ``Query`` and hands it back un-executed (``return q``), as
    ``query-to-select`` reads it: what its consumers need to execute the ``select()`` it returns
    instead. ``kinds``: "entity"/"column" per select-list item (Rule S); ``has_options``: an
    ``options(...)`` in it (Rule U); ``session``: how a caller names the session it was built on,
    ``("param", name)`` for its parameter ``name`` or ``("self", attr)`` for ``self.<attr>``."""

    qualname: str
    line: int
    kinds: tuple[str, ...]
    has_options: bool
    session: tuple[str, str]


@fast_state
@dataclass(frozen=True, slots=True)
class QueryUse:
    """One place that uses what a ``ReturnedQuery`` candidate returns: the call in ``scope`` at
    ``line`` (or a reference to ``builder`` not called). ``problem``: why it cannot execute the
    ``select()`` exactly (None: it can); ``returned``: ``scope`` hands it back in turn, so it
    converts only if ``scope`` does (as a ``ReturnedQuery`` itself)."""

    scope: str
    builder: str
    path: str
    line: int
    problem: str | None = None
    returned: bool = False

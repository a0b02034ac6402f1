"""The plan: project-wide decisions, derived from the module indexes, read by every transformer.

Given every ``ModuleIndex`` of the project, the plan answers, by qualified name:

* what a name in a function denotes (a session, a sessionmaker, an instance of a project class, a
  project function…): a small flow-insensitive type inference over parameters, annotations,
  ``Depends(...)``, local bindings, ``self.<attr>`` assignments and function return values;
* what a call does (session I/O that must be awaited, a sync session call, a call of a project
  function) — ``classify``;
* which functions must become ``async def``: a fixpoint from direct session I/O up through callers,
  across modules, stopped at boundaries that cannot be async (``__init__``, properties, lambdas,
  module-level code), each reported with the chain that reached it.

The plan is pure data over the index; it never touches a syntax tree.

One concern per module, each a class layered on the ones it reads (a method only calls methods of
its own layer or of layers below it); ``Plan`` combines them into one object:

* ``types``: ``Ty``, ``Target``, ``Reason`` — the values answers are made of;
* ``project``: ``ProjectIndex``, the fields (the plan's state) and lookups by qualname, imports;
* ``fixtures``: ``Fixtures``, which pytest fixture a parameter names;
* ``inference``: ``Inference``, what a name, attribute or call result denotes;
* ``classify``: ``Classification``, what a call does;
* ``relationships``: ``Relationships``, relationships a refresh loads, expiry on commit (a side
  branch: nothing above classification reads it);
* ``boundaries``: ``Boundaries``, what cannot be async, and the held set's closure;
* ``wiring``: ``Wiring``, session wiring kept sync for held code and its async twins;
* ``fixpoint``: ``Fixpoint``, which functions become async, bridges to held code, chains;
* ``async_factories``: which constructors calling code made async become async factories (asked
  by the fixpoint; every construction known), the rest reported by ``async_inits``;
* ``async_contexts``: which classes whose ``__enter__``/``__exit__`` reach code made async become
  async context managers (asked by the fixpoint; every ``with`` entering one known), else reported;
* ``entries`` / ``http_clients``: ``EntryPoints`` / ``HttpClients``, settled after the fixpoint;
* ``untyped_sessions``: ``UntypedSessions``, sessions handed to untyped parameters of sync code (reported);
* ``loading`` (with ``freshness``): ``Loads``, what loads each relationship per query site, and the
  queries that can follow a commit (over relationships and boundaries; read only by transformers);
* ``coroutine_factories``: ``CoroutineFactories``, functions that call what they are handed, always
  a lambda running code made async (they await it);
* ``value_calls``: ``ValueCalls``, functions made async handed away as values the plan cannot
  follow (reported), and the calls of values that may return their coroutines (awaited if so);
* ``own_engines``: ``OwnEngines``, functions handing a connection of an engine they build to sync
  code outside SQLAlchemy (held sync by ``Plan.build``);
* ``callee_commits``: ``CalleeCommits``, which functions commit a session (themselves or through
  what they call) and whether what they return is loaded, for reads after such calls;
* ``returned_queries``: ``ReturnedQueries``, which functions handing back a legacy query return a
  ``select()`` their callers execute (settled by the pipeline after solving, from what
  ``query-to-select`` reads in the sources).

``project ← fixtures ← inference ← classify ← boundaries ← wiring ← fixpoint ← entries ← untyped_sessions, http_clients``,
and ``classify ← relationships``, ``relationships, boundaries ← loading ← callee_commits``,
``boundaries ← coroutine_factories ← value_calls``, ``fixpoint ← returned_queries``. ``Plan._solve`` runs the steps in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..index import ModuleIndex
from ..report import ReportItem
from .async_inits import report_async_inits
from .entries import EntryPoints
from .untyped_sessions import UntypedSessions
from .fixpoint import METADATA_DDL_FIX
from .http_clients import HttpClients
from .callee_commits import CalleeCommits
from .value_calls import ValueCalls
from .own_engines import OWN_ENGINE_REASON, OwnEngines
from .project import ProjectIndex
from .relationships import Relationships
from .returned_queries import ReturnedQueries
from .types import (
    ASYNC_HTTP_CLIENT,
    ASYNC_HTTP_CLIENT_CLASS,
    AWAITED_KINDS,
    CONNECTION,
    CONTEXT_KINDS,
    TRANSACTION,
    DECLARATIVE_BASE_FACTORY,
    ENGINE,
    ENGINE_FACTORY,
    EXIT_STACK,
    HTTP_CLIENT_CLASS,
    HTTP_CLIENT_KIND,
    IO_KINDS,
    METADATA,
    METADATA_CLASS,
    METADATA_OWNER,
    OTHER,
    QueryUse,
    ReturnedQuery,
    SESSION,
    SESSION_CLASS,
    SESSIONMAKER,
    SESSIONMAKER_FACTORY,
    UNKNOWN,
    Reason,
    Target,
    Ty,
)
from .wiring import SYNC_SESSIONMAKERS, TWIN_SESSION_METHODS, twin_name

__all__ = [
    "ASYNC_HTTP_CLIENT",
    "ASYNC_HTTP_CLIENT_CLASS",
    "AWAITED_KINDS",
    "CONNECTION",
    "TRANSACTION",
    "CONTEXT_KINDS",
    "DECLARATIVE_BASE_FACTORY",
    "ENGINE",
    "ENGINE_FACTORY",
    "EXIT_STACK",
    "HTTP_CLIENT_CLASS",
    "HTTP_CLIENT_KIND",
    "IO_KINDS",
    "METADATA",
    "METADATA_CLASS",
    "METADATA_DDL_FIX",
    "METADATA_OWNER",
    "OTHER",
    "SESSION",
    "SESSION_CLASS",
    "SESSIONMAKER",
    "SESSIONMAKER_FACTORY",
    "SYNC_SESSIONMAKERS",
    "TWIN_SESSION_METHODS",
    "UNKNOWN",
    "Plan",
    "ProjectIndex",
    "Reason",
    "Target",
    "Ty",
    "twin_name",
]


#: Why a function stored as a value stays sync (``Boundaries.stored_functions``).
STORED_REASON = "held sync: it is stored as a value at {path}:{line} and called where no call site names it"


class Plan(UntypedSessions, HttpClients, CalleeCommits, OwnEngines, ValueCalls, ReturnedQueries):
    """Project-wide answers for the rewrite. Build with ``Plan.build(indexes)``.

    The one object transformers, the CLI and the cache see: every layer's methods on one
    instance, whose state is the dataclass fields of ``ProjectIndex`` (so it pickles as before).
    """

    @classmethod
    def build(
        cls,
        indexes: Iterable[ModuleIndex],
        held_sync: Mapping[str, str] | Iterable[str] = (),
        async_drivers: Mapping[str, str] | None = None,
        frozen: Iterable[str] = (),
        expire_on_commit: str = "false",
    ) -> Plan:
        indexes_list = list(indexes)
        held = dict(held_sync) if isinstance(held_sync, Mapping) else dict.fromkeys(held_sync, "held sync by configuration")
        plan = cls._solved(indexes_list, held, async_drivers, frozen, expire_on_commit)
        # Functions stored together in ``params=`` are awaited together: one held (by the user,
        # or as a callee of held code) holds them all, or the fixture would await a sync one.
        split = {
            member: f"held sync: stored with held `{held_member}` in a fixture's `params=`"
            for family in plan.stored_families.values()
            for held_member in sorted(family & plan.held_sync.keys())[:1]
            for member in family
            if member not in plan.held_sync
        }
        if split:
            reached = {q: " -> ".join(plan.chain(q)[1:]) for q in split if q in plan.to_async}
            held = {**held, **split}
            plan = cls.build(indexes_list, held, async_drivers, frozen, expire_on_commit)
            for qualname, chain in sorted(reached.items()):
                plan.items.append(
                    _held_boundary(
                        plan,
                        qualname,
                        split[qualname],
                        f" though it reaches session I/O: {chain}",
                        "migrate the held function too, or hold this one by hand (`--keep-sync`)",
                    )
                )
        stored = {
            qualname: STORED_REASON.format(path=path, line=line)
            for qualname, (path, line) in plan.stored_functions.items()
            if qualname in plan.to_async and qualname not in held and qualname not in plan.stored_families
        }
        own_engines = {
            qualname: OWN_ENGINE_REASON.format(consumer=consumer)
            for qualname, consumer in plan.own_engine_consumers().items()
            if qualname in plan.to_async and qualname not in held
        }
        replacements = {
            qualname: why
            for qualname, why in plan.decorator_replacements().items()
            if qualname in plan.to_async and qualname not in held
        }
        wrappers = {
            qualname: why
            for qualname, why in plan.wrappers_of_sync().items()
            if qualname in plan.to_async and qualname not in held and qualname not in replacements
        }
        # What those held wrappers (or ones held before) decorate runs inside them: sync as well.
        wrapped = {
            qualname: why
            for qualname, why in plan.wrapped_by_held({*replacements, *wrappers, *held}).items()
            if qualname in plan.to_async and qualname not in held
        }
        # A constructor's own helpers stay sync with it: it runs them inside ``run_sync``.
        init_helpers = {q: why for q, why in plan.init_helpers().items() if q not in held}
        if stored or own_engines or replacements or wrappers or init_helpers or wrapped:
            chains = {q: " -> ".join(plan.chain(q)[1:]) for q in (*stored, *replacements, *wrappers, *wrapped)}
            # Its callers are not call sites the plan sees: it stays sync, with the wiring it
            # reads (``_keep_sync_wiring``), rather than hand them a coroutine they never await.
            plan = cls.build(
                indexes_list,
                {**held, **stored, **own_engines, **replacements, **wrappers, **init_helpers, **wrapped},
                async_drivers,
                frozen,
                expire_on_commit,
            )
            for qualname, why in sorted(replacements.items()):
                plan.items.append(
                    _held_boundary(
                        plan,
                        qualname,
                        why,
                        f" with what it calls, though it reaches session I/O: {chains[qualname]}; "
                        "an AsyncSession handed to it fails there",
                        "move the I/O out of the constructor: load what it needs in an async function "
                        "before building the object, or build it inside `await session.run_sync(...)`",
                    )
                )
            for qualname, why in sorted(wrappers.items()):
                plan.items.append(
                    _held_boundary(
                        plan,
                        qualname,
                        why,
                        f", with the session wiring it reads, though it reaches session I/O: {chains[qualname]}",
                        "the function it replaces stays sync for the reason reported at it; once it can "
                        "become async, the wrapper becomes async with it and awaits it",
                    )
                )
            for qualname, why in sorted(wrapped.items()):
                plan.items.append(
                    _held_boundary(
                        plan,
                        qualname,
                        why,
                        f", though it reaches session I/O: {chains[qualname]}; async callers reach it "
                        "through `session.run_sync`",
                        "to migrate it, make the decorator's wrapper async (awaiting the function) and the "
                        "function `async def` by hand",
                    )
                )
            for qualname, why in sorted(own_engines.items()):
                plan.items.append(
                    _held_boundary(
                        plan,
                        qualname,
                        why,
                        ": its callers call it as it is, and from async code it blocks the event loop "
                        "while it runs",
                        "from async code, run it in a thread (`await asyncio.to_thread(...)`), or hand the "
                        "sync code the connection inside `await conn.run_sync(...)`",
                    )
                )
            for qualname, why in sorted(stored.items()):
                plan.items.append(
                    _held_boundary(
                        plan,
                        qualname,
                        why,
                        f" though it reaches session I/O: {chains[qualname]}",
                        "to migrate it, make it `async def` by hand and await it where the stored value "
                        "is called (from an `async def`)",
                    )
                )
        plan.items.extend(plan.hand_off_items())
        return plan

    @classmethod
    def _solved(
        cls,
        indexes_list: list[ModuleIndex],
        held: dict[str, str],
        async_drivers: Mapping[str, str] | None,
        frozen: Iterable[str],
        expire_on_commit: str,
    ) -> Plan:
        """Solve; then again while functions handed coroutine factories (``coroutine_params``) are
        found: each such function becoming async can make more lambdas coroutine factories."""
        factories: dict[str, dict[str, str]] = {}
        while True:
            plan = cls(
                {m.module: m for m in indexes_list},
                held_sync=held,
                async_drivers=dict(async_drivers or {}),
                frozen=frozenset(frozen),
                expire_on_commit=expire_on_commit,
                coroutine_params=factories,
            )
            plan._solve()
            found = plan.find_coroutine_params(plan.to_async)
            merged = {q: {**factories.get(q, {}), **params} for q, params in {**factories, **found}.items()}
            if merged == factories:
                return plan
            factories = merged

    def _solve(self) -> None:
        """Held code and its wiring first (they stop the spread), then the async fixpoint from
        direct I/O up through callers, then the test clients it converts (which spread further),
        then which sync entry points can run what they call under ``asyncio.run``."""
        self._hold_event_listeners()
        self._keep_sync_wiring()
        queue, callers = self._seed()
        self._spread(queue, callers)
        self._spread_to_builders(queue, callers)
        self._convert_http_clients(queue, callers)
        self._settle_entries(callers)
        self._report_untyped_session_params()
        self._report_held_fixture_users()
        report_async_inits(self)


def _held_boundary(plan: Plan, qualname: str, why: str, consequence: str, fix: str) -> ReportItem:
    """The ``sync-boundary`` item of a function the plan held sync after solving: where it is, why
    it was held (``why`` without its ``held sync:`` prefix) and what follows from it."""
    return ReportItem(
        plan.path_of(qualname),
        plan.functions[qualname].line,
        "sync-boundary",
        f"`{qualname}` stays sync ({why.removeprefix('held sync: ')}){consequence}",
        fix,
    )

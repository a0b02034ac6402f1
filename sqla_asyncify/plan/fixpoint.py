"""The async fixpoint: which functions become ``async def``, and the chain of calls that reached each.

Seeded by direct session I/O (and bare calls of existing coroutine functions), it spreads up
through callers (``_spread``) and override families (a method, its overrides and the base become
async together; ``super().m()`` is a call of the base's ``m``), across modules, until a boundary stops it (reported
``sync-boundary``), a held function is reached (bridged with ``run_sync``: ``bridged``), or a sync
entry point is (run with ``asyncio.run``: ``entries``). ``chain``/``chain_from`` explain each
decision; ``has_async_work`` tells the rewrite which modules have anything to do. Held code and
wiring are settled before it runs (the layers below).
"""

from __future__ import annotations

import builtins
from collections import deque
from collections.abc import Mapping
from functools import cached_property

from .. import sqla
from ..index import CallSite, FunctionInfo
from ..names import Callee
from ..report import ReportItem
from .async_contexts import ASYNC_NAMES, context_for, entered_type
from .async_factories import factory_for
from .coroutine_factories import keyed_params
from .types import CONNECTION, ENGINE, SESSION, SESSIONMAKER, Reason
from .wiring import Wiring


#: Alembic's command functions (``command.upgrade(cfg, "head")``): they run ``env.py`` on the
#: connection ``cfg.attributes`` carries.
ALEMBIC_COMMANDS = "alembic.command."

_BUILTIN_NAMES = frozenset(dir(builtins))

#: A lambda run in a worker thread that reaches code made async (not one call alone, which is
#: called in place: ``thread_runners``).
THREAD_LAMBDA_FIX = (
    "call the function made async in place, in the async code around the thread runner "
    "(`value = await f(x)`, then the rest of the lambda's expression), instead of in a thread"
)

#: What to do with ``metadata.create_all(engine)`` where nothing can await it (import time).
METADATA_DDL_FIX = (
    "run it from async startup code (the FastAPI lifespan, an `async def init_models()`): "
    "`async with engine.begin() as conn: await conn.run_sync(Base.metadata.create_all)`"
)


class Fixpoint(Wiring):
    """The fixpoint's steps (``_seed``, ``_spread``, ``_mark``, ``_hold``) and its answers."""

    def _seed(self) -> tuple[deque[str], dict[str, list[tuple[str, int]]]]:
        """Mark the functions doing session I/O themselves (or calling an existing coroutine
        function bare), and map each project function to its callers, for ``_spread``."""
        callers: dict[str, list[tuple[str, int]]] = {}
        queue: deque[str] = deque()
        for fn in self.functions.values():
            for site in fn.calls:
                double = self._patch_double(fn, site)
                if double is not None:
                    # What patches a function is called as it is: it becomes async with it.
                    callers.setdefault(double[0], []).append((double[1], site.line))
                target = self.classify(fn.qualname, site.callee, site.in_with, site.args)
                if target.is_session_io:
                    fix = METADATA_DDL_FIX if target.kind == "metadata-io" else ""
                    detail = str(site.callee) if not site.in_with else f"with {site.callee}()"
                    self._mark(fn, Reason("io", detail, site.line, fix), queue)
                elif (bind := self._inspected_bind(fn, site)) is not None:
                    # ``inspect(engine)``: an Inspector's I/O runs through ``AsyncConnection.run_sync``
                    self._mark(fn, Reason("io", f"{site.callee}({bind})", site.line), queue)
                elif self.runs_alembic_command(fn.qualname, site.callee) and self.entry_framework(fn) is None:
                    # An Alembic command whose config may carry the AsyncConnection the project
                    # hands it: it runs inside that connection's ``run_sync`` (``alembic_run_sync``).
                    self._mark(fn, Reason("io", str(site.callee), site.line), queue)
                elif target.kind == "function" and self.functions[target.name].is_generator:
                    # Iterating a generator that becomes async needs ``async for``: the loop's
                    # function becomes async with it. A plain call only builds the generator.
                    # So does entering one: a ``@contextmanager`` that becomes ``@asynccontextmanager``.
                    if (site.iterated or site.in_with) and not self.functions[target.name].is_async:
                        callers.setdefault(target.name, []).append((fn.qualname, site.line))
                elif target.kind == "function":
                    if site.main_guard:
                        continue  # ``if __name__ == "__main__": main()`` → ``asyncio.run(main())``
                    callers.setdefault(target.name, []).append((fn.qualname, site.line))
                    callee = self.functions[target.name]
                    if callee.is_async and not site.awaited and not site.argument:
                        # A bare call of an existing coroutine function from sync code: the caller
                        # must await it too (this is also how a migrated tree stays a fixed point).
                        self._mark(fn, Reason("call", callee.qualname, site.line), queue)
            for getter, line in self.property_reads(fn):
                # Reading a property runs its getter: when the getter becomes async, the read
                # becomes ``await obj.prop`` and the reader async with it, as for a call.
                if self.awaitable_property(self.functions[getter]):
                    callers.setdefault(getter, []).append((fn.qualname, line))
            for param, runs in self.coroutine_params.get(fn.qualname, {}).items():
                # It calls what it is handed, always a lambda running code made async: it awaits that.
                line = next((s.line for s in fn.calls if s.callee == Callee(param)), fn.line)
                self._mark(fn, Reason("call", runs, line), queue)
        return queue, callers

    def _patch_double(self, fn: FunctionInfo, site: CallSite) -> tuple[str, str] | None:
        """``patch("app.main.get_db", fake_get_db)`` (``mocker.patch``, ``monkeypatch.setattr`` with a
        dotted string): (the project function patched, the project function standing in for it)."""
        if site.text is None or "." not in site.text or not site.args:
            return None
        if site.callee.path not in (("patch",), ("setattr",)) and site.callee.root != "patch":
            return None
        name = self.qualify(self._function_module[fn.qualname].module, site.callee)
        if name not in sqla.PATCH_CALLS and (site.callee.root, site.callee.path) not in sqla.PATCH_FIXTURE_CALLS:
            return None
        new = next((arg for key, arg in site.args if key in ("1", "new", "value")), None)
        if new is None:
            return None
        patched, double = self.symbol(site.text), self.type_of(fn.qualname, new)
        if patched.kind != "function" or double.kind != "function" or patched.name == double.name:
            return None
        return patched.name, double.name

    def _spread_to_builders(self, queue: deque[str], callers: Mapping[str, list[tuple[str, int]]]) -> None:
        """Sync functions handing a session to a class whose ``__init__`` does session I/O
        (``io_inits``) become async: the object is built inside ``await session.run_sync(...)``
        (``constructs_with_io``), which only async code can await. Until nothing changes: a
        function made async here may reach another constructor's builders. Held code keeps
        building it with its sync session; an entry point or module-level code is left as it is."""
        done: set[str] = set()
        while True:
            inits = {q for q in self.io_inits if q not in done and self.constructs_with_io(q.removesuffix(".__init__"))}
            if not inits:
                return
            done |= inits
            for fn in self.functions.values():
                if fn.kind != "function" or fn.is_async or fn.qualname in self.to_async or self._is_held_code(fn):
                    continue
                if self.entry_framework(fn) is not None:
                    continue
                for site in fn.calls:
                    if site.callee.calls or not site.args:
                        continue
                    built = self.type_of(fn.qualname, site.callee)
                    init = f"{built.name}.__init__"
                    if built.kind != "class" or init not in inits or fn.qualname == init:
                        continue
                    if any(self.is_session(fn.qualname, arg) for _, arg in site.args):
                        self._mark(fn, Reason("call", init, site.line), queue)
                        break
            self._spread(queue, callers)

    @cached_property
    def alembic_handoffs(self) -> tuple[tuple[str, Callee, int], ...]:
        """``cfg.attributes[key] = conn`` with ``conn`` a connection that becomes an
        ``AsyncConnection`` (Alembic's "sharing a connection" recipe): (function, value, line)."""
        return tuple(
            (fn.qualname, value, line)
            for fn in self.functions.values()
            for value, line in fn.attributes_stores
            if self.type_of(fn.qualname, value) == CONNECTION
        )

    def runs_alembic_command(self, scope: str, callee: Callee) -> bool:
        """A call of an ``alembic.command`` function, in a project that hands Alembic's config an
        ``AsyncConnection`` somewhere: any command's config may carry it."""
        if not self.alembic_handoffs or scope not in self._function_module:
            return False
        return self.qualify(self._function_module[scope].module, callee).startswith(ALEMBIC_COMMANDS)

    @cached_property
    def alembic_command_sites(self) -> tuple[tuple[str, int], ...]:
        """(function, line) of every Alembic command call when the project hands Alembic an
        ``AsyncConnection`` (empty otherwise)."""
        return tuple(
            (fn.qualname, site.line)
            for fn in self.functions.values()
            for site in fn.calls
            if self.runs_alembic_command(fn.qualname, site.callee)
        )

    def _inspected_bind(self, fn: FunctionInfo, site: CallSite) -> Callee | None:
        """``E`` of ``sqlalchemy.inspect(E)`` / ``Inspector.from_engine(E)`` / ``Table(...,
        autoload_with=E)`` with ``E`` an engine that becomes an ``AsyncEngine``, or a connection that
        becomes an ``AsyncConnection``: reflection, which runs through ``run_sync``."""
        qualified = self.qualify(self._function_module[fn.qualname].module, site.callee)
        if qualified in sqla.INSPECTION_CALLS:
            key = "0"
        elif qualified in sqla.TABLE_CLASSES:
            key = "autoload_with"
        else:
            return None
        bind = next((callee for k, callee in site.args if k == key), None)
        if bind is None or self.type_of(fn.qualname, bind) not in (ENGINE, CONNECTION):
            return None
        return bind

    def _spread(self, queue: deque[str], callers: Mapping[str, list[tuple[str, int]]]) -> None:
        while queue:
            callee = queue.popleft()
            for caller, line in callers.get(callee, ()):
                self._mark(self.functions[caller], Reason("call", callee, line), queue)
            # A method, its overrides and the base agree: a call through the base may run an
            # override and the reverse, so when one becomes async (or is bridged) they all do.
            for member in self.overrides(callee):
                other = self.functions[member]
                self._mark(other, Reason("call", callee, other.line), queue)
            # A decorator's wrapper made async awaits the functions it replaces (``coroutine_params``),
            # all of them: each becomes async with it, even one without I/O of its own. A held
            # wrapper (bridged) calls them as they are; one replacing ``__init__`` is held
            # (``decorator_replacements``) and reported there.
            for replaced in self.replaced_by.get(callee, ()) if callee in self.to_async else ():
                other = self.functions[replaced]
                if self._sync_protocol_reason(other) is None:
                    self._mark(other, Reason("call", callee, other.line), queue)
            # Functions stored together in a fixture's ``params=`` are awaited where the fixture
            # calls ``request.param``: all of them, so they become async together.
            for member in sorted(self.stored_families.get(callee, ())):
                if member != callee:
                    other = self.functions[member]
                    self._mark(other, Reason("call", callee, other.line), queue)

    def _mark(self, fn: FunctionInfo, reason: Reason, queue: deque[str]) -> None:
        if fn.is_async or fn.qualname in self.to_async:
            return
        if fn.qualname in self.held_sync:
            if fn.kind == "function":
                self._hold(fn, reason, queue)
            return  # module-level code of a module held whole: untouched, sync, consistent
        if fn.kind == "lambda" and reason.kind == "call" and reason.detail in self.bridged:
            return  # ``lambda sync_session: held(...)`` inside ``run_sync``: sync code calling sync code
        if fn.kind == "lambda" and self._is_coroutine_factory(fn):
            return  # ``lambda: f(x)`` returns f's coroutine, which the function it is handed to awaits
        if fn.kind == "lambda" and self._inlined_in_thread(fn, reason):
            return  # ``run_in_threadpool(lambda: f(x))`` becomes ``f(x)``, awaited where the runner was
        if reason.kind == "call" and fn.qualname not in self._entry_io and self.entry_framework(fn) is not None:
            # A command or task calling code made async: it stays sync and runs the call with
            # ``asyncio.run`` (``_settle_entries`` checks no event loop can be running there).
            self.entries.setdefault(fn.qualname, reason)
            return
        if reason.kind == "call" and fn.kind == "module" and self._runs_on_new_loop(fn, reason.detail):
            # Import-time code calling a function made async: no loop runs there, so the call runs
            # on a new one (``_run_async``), as in a command.
            self.entries.setdefault(fn.qualname, reason)
            return
        if reason.kind == "io" and self.entry_framework(fn) is not None:
            self._entry_io.add(fn.qualname)  # its own session I/O: reported, left as it is
            self.entries.pop(fn.qualname, None)
        why_not = self.boundary_reason(fn)
        if why_not is not None and fn.name == "__init__" and fn.qualname not in self.held_sync:
            # A constructor doing session I/O stays sync; async code that builds its class hands
            # it a sync session through ``run_sync`` (``constructs_with_io``), as held code gets one.
            # Not one calling code made async: no sync session makes that call work.
            if reason.kind == "call" and reason.detail in self.to_async and self._make_factory(fn, reason, queue):
                return
            if reason.kind == "call" and reason.detail in self.to_async:
                self._inits_calling_async.add(fn.qualname)
                # The call now returns a coroutine nothing awaits: reported with the class's
                # construction sites once the plan is solved (``async_inits``).
                self.async_init_calls.setdefault(fn.qualname, []).append(reason)
                self.io_inits.add(fn.qualname)
                return
            self.io_inits.add(fn.qualname)
        if why_not is not None and fn.name in ASYNC_NAMES and fn.class_qualname is not None and fn.qualname not in self.held_sync:
            # ``with`` calls them synchronously: the family becomes async context managers entered
            # with ``async with`` where every entry is known, else it is left and reported.
            self._make_async_context(fn, reason, queue)
            return
        if why_not is not None:
            if (fn.qualname, reason.line) in self._reported:
                return
            self._reported.add((fn.qualname, reason.line))
            chain = " -> ".join(self.chain_from(reason))
            self.items.append(
                ReportItem(
                    self._function_module[fn.qualname].path,
                    reason.line,
                    "sync-boundary",
                    f"`{fn.qualname}` must stay sync ({why_not}) but reaches session I/O: {chain}",
                    reason.fix
                    or (
                        "move its body into an `async def` and run that with `asyncio.run(...)`"
                        if self.entry_framework(fn) is not None
                        else THREAD_LAMBDA_FIX
                        if self._handed_to_thread_runner(fn)
                        else "move the I/O out of it, or call it through `await session.run_sync(...)`"
                    ),
                )
            )
            return
        self.to_async[fn.qualname] = reason
        queue.append(fn.qualname)
        if self.awaitable_property(fn):
            runs = (
                "its getter becomes `async def` under a helper caching its awaited value per instance, "
                "and each read becomes `await obj.{name}`, running the I/O at the first read as before"
                if self.is_cached_property(fn.qualname)
                else "its getter becomes `async def` and each read becomes `await obj.{name}`, "
                "running the I/O at each read as before"
            )
            self.items.append(
                ReportItem(
                    self._function_module[fn.qualname].path,
                    fn.line,
                    "async-property",
                    f"`{fn.qualname}` is a property that reaches session I/O "
                    f"({' -> '.join(self.chain_from(reason))}): {runs.replace('{name}', fn.name)}",
                    "code the plan cannot see reading it (templates, `getattr`, serializers) gets a coroutine: "
                    "load the value once in an async method and keep it in an attribute instead",
                )
            )

    def _make_factory(self, init: FunctionInfo, reason: Reason, queue: deque[str]) -> bool:
        """``init`` (a sync ``__init__`` calling a function made async) and its family's become
        ``async def _async_init``, built through an awaited ``create`` where every construction is
        known (``async_factories``): they join the async set and each function building one is
        marked as a caller. False when the family cannot convert whole (reported instead)."""
        root = self.factory_inits.get(init.qualname)
        if root is None:
            if init.class_qualname is None:
                return False
            factory = factory_for(self, init.class_qualname)
            if factory is None:
                return False
            self.factories[factory.root] = factory
            self.factory_inits.update(dict.fromkeys(factory.inits, factory.root))
        else:
            factory = self.factories[root]
        self.to_async[init.qualname] = reason
        queue.append(init.qualname)
        root_init = f"{factory.root}.__init__"
        for other in factory.inits:
            self._mark(self.functions[other], Reason("call", root_init, self.functions[other].line), queue)
        for scope, line in factory.sites:
            self._mark(self.functions[scope], Reason("call", root_init, line), queue)
        return True

    def _make_async_context(self, method: FunctionInfo, reason: Reason, queue: deque[str]) -> None:
        """``method`` (a sync ``__enter__``/``__exit__`` reaching code made async) and its family's
        become ``async def __aenter__``/``__aexit__`` where every ``with`` entering one is known
        (``async_contexts``): they join the async set and each function holding such a ``with`` is
        marked as a caller. When the family cannot convert, ``method`` stays as it is, reported
        (``async-context``: why, instead of a ``sync-boundary`` whose ``run_sync`` fix cannot work)."""
        root = self.context_methods.get(method.qualname)
        if root is None:
            assert method.class_qualname is not None
            found = context_for(self, method.class_qualname)
            if isinstance(found, str):
                if (method.qualname, reason.line) not in self._reported:
                    self._reported.add((method.qualname, reason.line))
                    self.items.append(
                        ReportItem(
                            self._function_module[method.qualname].path,
                            reason.line,
                            "async-context",
                            f"`{method.qualname}` stays sync (`with` calls it synchronously) but reaches code made "
                            f"async ({' -> '.join(self.chain_from(reason))}): its call now returns a coroutine "
                            f"never awaited; left untouched, not made an async context manager: {found}",
                            f"make the class an async context manager (`async def {ASYNC_NAMES[method.name]}`, each "
                            "call awaited) and enter it with `async with` everywhere, or move the I/O out of "
                            f"`{method.name}`",
                        )
                    )
                return
            self.contexts[found.root] = found
            self.context_methods.update(dict.fromkeys(found.methods, found.root))
            context = found
            built = ", ".join(f"`{c.rsplit('.', 1)[-1]}`" for c in found.family)
            self.items.append(
                ReportItem(
                    self._function_module[method.qualname].path,
                    method.line,
                    "async-context",
                    f"`{method.qualname}` reaches code made async ({' -> '.join(self.chain_from(reason))}): "
                    f"{built} become async context managers (`__aenter__`/`__aexit__`), entered with "
                    f"`async with` at the {len(found.sites)} `with` statements entering one",
                    "code outside the project entering one with `with` must use `async with` instead",
                )
            )
        else:
            context = self.contexts[root]
        self.to_async[method.qualname] = reason
        queue.append(method.qualname)
        for other in context.methods:
            self._mark(self.functions[other], Reason("call", method.qualname, self.functions[other].line), queue)
        for scope, line in context.sites:
            self._mark(self.functions[scope], Reason("call", method.qualname, line), queue)

    def _handed_to_thread_runner(self, lam: FunctionInfo) -> bool:
        """A lambda handed to ``run_in_threadpool``, ``asyncio.to_thread``, ``anyio.to_thread.run_sync``
        or a ``run_in_executor``."""
        if lam.kind != "lambda" or lam.passed_to is None:
            return False
        scope, callee, _, _ = lam.passed_to
        if callee.path and callee.path[-1] == sqla.RUN_IN_EXECUTOR:
            return True
        module = self._function_module.get(scope)
        return module is not None and self.qualify(module.module, callee) in sqla.THREAD_RUNNER_COROUTINES

    def _inlined_in_thread(self, lam: FunctionInfo, reason: Reason) -> bool:
        """A lambda a thread runner is handed alone, whose body is its one call, of the function
        made async that ``reason`` names: the runner call becomes that call (``thread_runners``)."""
        if not lam.in_thread or reason.kind != "call" or len(lam.calls) != 1 or lam.body_call is None:
            return False
        target = self.classify(lam.qualname, lam.body_call)
        if target.kind != "function" or target.name != reason.detail:
            return False
        return not self.functions[target.name].is_generator

    def _is_coroutine_factory(self, lam: FunctionInfo) -> bool:
        """A lambda handed for a parameter in ``coroutine_params``."""
        if lam.passed_to is None:
            return False
        scope, callee, key, _ = lam.passed_to
        target = self.classify(scope, callee)
        if target.kind != "function" or target.name not in self.coroutine_params:
            return False
        receiver = self.functions[target.name]
        return any(k == key and p in self.coroutine_params[target.name] for k, p in keyed_params(receiver, callee))

    def _runs_on_new_loop(self, fn: FunctionInfo, callee: str) -> bool:
        """Module-level code of a module imported where no event loop runs, calling a coroutine
        function the rewrite makes (not a generator: an async generator is iterated, not run, and
        not one already async, whose bare call the original code meant as it is)."""
        target = self.functions.get(callee)
        return (
            target is not None
            and callee in self.to_async
            and not target.is_generator
            and self.imports_without_loop(self._function_module[fn.qualname].module)
        )

    def _hold(self, fn: FunctionInfo, reason: Reason, queue: deque[str]) -> None:
        """A function held sync that reaches session I/O: async callers bridge to it with
        ``await session.run_sync(...)``, which hands it a sync ``Session``. Held code that calls a
        function made async cannot work that way, and is reported."""
        if reason.kind == "call" and reason.detail in self.to_async and (fn.qualname, reason.line) not in self._reported:
            self._reported.add((fn.qualname, reason.line))
            self.items.append(
                ReportItem(
                    self._function_module[fn.qualname].path,
                    reason.line,
                    "sync-calls-async",
                    f"`{fn.qualname}` is {self.held_sync[fn.qualname]} but calls `{reason.detail}`, "
                    f"which becomes async: {' -> '.join(self.chain_from(reason))}",
                    f"hold `{reason.detail}` sync too, or migrate `{fn.qualname}`",
                )
            )
        if fn.qualname not in self.bridged:
            if self._opens_own_sync_session(fn):
                return  # it needs no session from its callers: they call it as they are
            self.bridged[fn.qualname] = reason
            queue.append(fn.qualname)

    def _report_held_fixture_users(self) -> None:
        """Held code that pytest calls (a fixture or test kept sync) doing I/O on what a fixture the
        migration converts hands it (``engine.connect()`` on the ``engine`` fixture, now an
        ``AsyncEngine``): no caller of the project's can bridge it with ``run_sync``, and bridging
        by hand (``engine.sync_engine``) fails outside ``run_sync``'s greenlet. Left and reported,
        once per function and parameter."""
        for fn in self.functions.values():
            if fn.qualname not in self.held_sync or fn.kind != "function" or not self._takes_fixtures(fn):
                continue
            reported: set[str] = set()
            for site in fn.calls:
                target = self.classify(fn.qualname, site.callee, site.in_with, site.args)
                if target.is_session_io:
                    used, how = site.callee, f"its I/O here (`{site.callee}`) runs sync on an async object"
                elif (bind := self._inspected_bind(fn, site)) is not None:
                    used, how = bind, f"`{site.callee}` here reads an async object as a sync one"
                elif (handed := self._handed_outside(fn, site)) is not None:
                    # ``sessionmaker(bind=engine)``, ``pandas.read_sql(q, engine)``: sync users
                    used, how = handed, f"`{site.callee}` here is handed an async object as a sync one"
                else:
                    continue
                param = used.root
                if param in reported or not any(p.name == param for p in fn.params):
                    continue
                fixture = self.fixture_for(fn, param)
                if fixture is None or fixture in self.held_sync:
                    continue
                reported.add(param)
                self.items.append(
                    ReportItem(
                        self._function_module[fn.qualname].path,
                        site.line,
                        "sync-calls-async",
                        f"`{fn.qualname}` is {self.held_sync[fn.qualname].removeprefix('held sync: ')} but uses "
                        f"`{param}` (the `{fixture}` fixture), which the migration makes async: {how}, "
                        "and pytest, its only caller, cannot bridge it with `run_sync`",
                        f"migrate `{fn.name}` with `{fixture.rpartition('.')[2]}` (drop its hold), or give it "
                        "a sync engine or session of its own (`create_engine(url)`)",
                    )
                )

    def _handed_outside(self, fn: FunctionInfo, site: CallSite) -> Callee | None:
        """A parameter of ``fn`` holding an engine, connection, session or sessionmaker, handed
        whole to a call outside the project (a library: SQLAlchemy's ``Session(engine)``, pandas'
        ``read_sql(q, engine)``), not to a builtin."""
        if not site.callee.path and site.callee.root in _BUILTIN_NAMES:
            return None
        if self.type_of(fn.qualname, site.callee).kind in ("function", "class"):
            return None  # project code: followed by the plan
        params = {p.name for p in fn.params}
        return next(
            (
                arg
                for _, arg in site.args
                if not arg.path
                and not arg.calls
                and arg.root in params
                and self.type_of(fn.qualname, arg) in (ENGINE, CONNECTION, SESSION, SESSIONMAKER)
            ),
            None,
        )

    # -- queries for transformers and the CLI --------------------------------------------------
    def enters_async_context(self, scope: str, callee: Callee, called: bool) -> bool:
        """``with callee`` (``with callee(...)`` when ``called``) in ``scope`` enters an instance of a
        class made an async context manager (``contexts``)."""
        if not self.contexts:
            return False
        cls = entered_type(self, scope, callee, called)
        return bool(cls) and any(cls in c.family for c in self.contexts.values())

    def becomes_async(self, qualname: str) -> bool:
        return qualname in self.to_async

    def is_async(self, qualname: str) -> bool:
        """Async after the rewrite: already ``async def``, or made so."""
        fn = self.functions.get(qualname)
        return qualname in self.to_async or (fn is not None and fn.is_async)

    def chain_from(self, reason: Reason) -> list[str]:
        """``[callee, …, io]`` for a reason: the calls down to session I/O."""
        chain: list[str] = []
        seen: set[str] = set()
        while reason.kind == "call" and reason.detail not in seen:
            seen.add(reason.detail)
            chain.append(reason.detail)
            next_reason = self.to_async.get(reason.detail) or self.bridged.get(reason.detail)
            if next_reason is None:
                break
            reason = next_reason
        if reason.kind == "io":
            chain.append(reason.detail)
        return chain

    def chain(self, qualname: str) -> list[str]:
        """``[qualname, callee, …, io]``: why ``qualname`` becomes async (empty if it does not)."""
        reason = self.to_async.get(qualname)
        return [] if reason is None else [qualname, *self.chain_from(reason)]

    def instance_session(self, qualname: str) -> str | None:
        """``attr`` for a bridged method that reaches its session only as ``self.<attr>`` of an
        instance whose class is migrated (the attribute holds an ``AsyncSession``, so no argument
        carries a session to bridge with), or None.

        Its async callers run it with ``await <instance>.<attr>.run_sync(lambda sync_session: …)``
        and, held, it reads ``self.<attr>.sync_session``: the sync ``Session`` behind that
        ``AsyncSession``, usable inside the bridge's greenlet. Not when held code builds instances
        of the class (they hold a sync ``Session``, which has no ``sync_session``).

        A method that hands back a lazy ``Query`` (``hands_back_query``) is bridged with what
        consumes it: ``await dao.db.run_sync(lambda sync_session: dao.listing(x).filter(...).all())``,
        an iteration over ``list(...)`` of it, so its SQL runs inside the bridge too."""
        return self._instance_sessions.get(qualname)

    def init_keeps_session(self, class_qualname: str) -> bool:
        """``class_qualname``'s ``__init__`` does session I/O only through methods bridged on the
        instance's own session (``self._reset()`` reading ``self.db``, see ``instance_session``):
        built inside ``run_sync``, it is handed the ``AsyncSession`` itself, which it keeps for
        its async methods; those methods read its ``sync_session`` there."""
        init = self.functions.get(f"{class_qualname}.__init__")
        if init is None or init.qualname not in self.io_inits or init.qualname in self._inits_calling_async:
            return False
        through_instance = False
        for site in init.calls:
            target = self.classify(init.qualname, site.callee, site.in_with, site.args)
            if target.is_session_io:
                return False  # I/O on the session it is handed: it needs the sync one
            if target.kind == "function" and target.name in self.bridged:
                if self.instance_session(target.name) is None:
                    return False
                through_instance = True
        return through_instance

    def hands_back_query(self, qualname: str) -> bool:
        """A method bridged on its instance (``instance_session``) whose return value is a lazy
        legacy ``Query``: each call is bridged together with the expression that executes it."""
        fn = self.functions.get(qualname)
        return fn is not None and qualname in self._instance_sessions and self._returns_lazy_query(fn)

    @cached_property
    def _instance_sessions(self) -> dict[str, str]:
        sync_built = self._classes_built_in_held_code()
        found: dict[str, str] = {}
        for qualname in self.bridged:
            fn = self.functions[qualname]
            cls = fn.class_qualname
            if cls is None or not fn.params or fn.params[0].name != "self" or fn.decorators:
                continue
            if self.is_held_class(cls) or any(c in sync_built for c in self._mro(cls)):
                continue
            if fn.is_generator:
                continue  # what it yields would run its queries after the bridge returned
            attr = self._self_session_attr(fn)
            if attr is not None:
                found[qualname] = attr
        return found

    def _self_session_attr(self, fn: FunctionInfo) -> str | None:
        """The first ``self.<attr>`` that ``fn`` calls a method of or passes on, when it denotes a session."""
        for site in fn.calls:
            used = [site.callee, *(arg for _, arg in site.args)]
            for callee in used:
                if callee.root != "self" or not callee.path or 0 in callee.calls or 1 in callee.calls:
                    continue
                if len(callee.path) == 1 and callee is site.callee:
                    continue  # ``self.m()``: a method, not an attribute read
                attr = callee.prefix(1)
                if self.is_session(fn.qualname, attr):
                    return attr.path[0]
        return None

    def _returns_lazy_query(self, fn: FunctionInfo) -> bool:
        """``return db.query(M).filter(...)`` or ``return q`` with ``q`` built from such a chain: a
        ``Query`` whose SQL runs where it is iterated. A name is judged by its last binding above
        the line that reads it (``q = q.all()`` after building ``q`` hands back the rows)."""
        return any(
            self._is_lazy_query(fn, ret.value if ret.called else None, ret.value.root, ret.line) for ret in fn.returns
        )

    def _is_lazy_query(self, fn: FunctionInfo, value: Callee | None, name: str, line: int, depth: int = 0) -> bool:
        """``value`` (a call), or else the local ``name`` as bound last above ``line``, is a chain
        from ``<session>.query(...)`` that does not end in a result."""
        if value is not None:
            if value.path and value.path[-1] in sqla.QUERY_RESULT_METHODS:
                return False
            for i, attr in enumerate(value.path):
                if attr == sqla.LEGACY_QUERY_METHOD and self.is_session(fn.qualname, value.prefix(i)):
                    return True
            if self._passes_through(fn.qualname, value):
                return True  # ``return sort(q, key)``: what it returns may be the query it was given
            if not value.path or depth > 20:
                return False
            name, value = value.root, None  # ``q.filter(...)``: lazy when ``q`` is
        above = [b for b in fn.bindings if b.name == name and b.line < line]
        last = max(above, key=lambda b: b.line, default=None)
        if last is None or not last.called:
            return False
        return self._is_lazy_query(fn, last.value, name, last.line, depth + 1)

    def _passes_through(self, scope: str, value: Callee) -> bool:
        """``value`` calls a project function that returns one of its parameters, or a chain on one."""
        target = self.classify(scope, value)
        callee = self.functions.get(target.name) if target.kind == "function" else None
        if callee is None:
            return False
        params = {p.name for p in callee.params} - {"self", "cls"}
        return any(
            ret.value.root in params and (not ret.called or (ret.value.path and ret.value.path[-1] not in sqla.QUERY_RESULT_METHODS))
            for ret in callee.returns
        )

    def _classes_built_in_held_code(self) -> set[str]:
        """Project classes constructed by code held sync: their instances hold a sync ``Session``."""
        built: set[str] = set()
        for fn in self.functions.values():
            if not self._is_held_code(fn):
                continue
            for site in fn.calls:
                ty = self.type_of(fn.qualname, site.callee) if not site.callee.calls else None
                if ty is not None and ty.kind == "class":
                    built.add(ty.name)
        return built

    def has_async_work(self, module: str) -> bool:
        """Whether anything in ``module`` becomes async, awaits, or bridges: else the plan-driven
        transformers have nothing to do there."""
        return module in self._modules_with_async_work

    @cached_property
    def _modules_with_async_work(self) -> frozenset[str]:
        found = set()
        for index in self.modules.values():
            for fn in index.functions:
                if fn.qualname in self.to_async or fn.is_async:
                    found.add(index.module)
                    break
                if any(self._site_needs_work(fn, site) for site in fn.calls):
                    found.add(index.module)
                    break
        return frozenset(found)

    def _site_needs_work(self, fn: FunctionInfo, site: CallSite) -> bool:
        target = self.classify(fn.qualname, site.callee, site.in_with, site.args)
        if target.is_session_io:
            return True
        return target.kind == "function" and (target.name in self.to_async or target.name in self.bridged)

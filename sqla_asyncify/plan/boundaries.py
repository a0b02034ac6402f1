"""Boundaries and held code: what can never become a coroutine function, and what stays sync by choice.

A boundary (``boundary_reason``) is a lambda, module-level code, a sync dunder, a property, an
entry point a framework calls synchronously (``entry_framework``: click,
typer, Celery, dramatiq), or a function held sync by the user. Held code keeps calling what it
calls sync, so the held set is closed over its callees and over override families (a method, its
overrides and the base are held together: ``_hold_callees``). A function stored as a value in a
list, tuple or set (``[(factory, dsn)]``, ``params=[factory]``: ``stored_functions``) is called
where no call site names it, so nothing could await it: ``Plan.build`` holds it when it would
become async. The user's keep-sync
patterns themselves are matched in ``sqla_asyncify/holds.py``; this layer reads their result,
``held_sync``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import cached_property

from .. import sqla
from ..index import FunctionInfo
from .classify import Classification
from .types import METADATA_OWNER


#: Why an event listener is held sync (``_hold_event_listeners``).
LISTENER_HELD = "held sync: an event listener (SQLAlchemy calls it synchronously, with the sync session or connection)"


class Boundaries(Classification):
    """``boundary_reason``, ``entry_framework``, the held set's closure, and questions about it."""

    # -- boundaries ----------------------------------------------------------------------------------
    def entry_framework(self, fn: FunctionInfo) -> str | None:
        """The framework that calls ``fn`` synchronously as a command or task, or None:
        ``@click.command()``, ``@cli.command()`` on a click group, ``@app.command()`` on a
        ``typer.Typer()``, ``@celery.task`` on a ``Celery()``, ``@shared_task``, ``@dramatiq.actor``."""
        if fn.kind != "function" or fn.is_async:
            return None
        for deco in fn.decorators:
            if deco in sqla.SYNC_ENTRY_DECORATORS:
                return sqla.SYNC_ENTRY_DECORATORS[deco]
            owner, _, method = deco.rpartition(".")
            owner_def = self._definition(owner)
            if owner_def in self._globals:
                module, binding = self._globals[owner_def]
                registry = sqla.SYNC_ENTRY_REGISTRIES.get(self.qualify(module.module, binding.value)) if binding.called else None
                if registry is not None and method in registry[1]:
                    return registry[0]
            elif owner_def in self.functions and method in ("command", "group"):
                group = self.functions[owner_def]  # ``@click.group() def cli()`` → ``@cli.command()``
                if any(sqla.SYNC_ENTRY_DECORATORS.get(d) == "click" for d in group.decorators) or any(
                    d.rpartition(".")[2] == "group" for d in group.decorators
                ):
                    return "click"
        return None

    def boundary_reason(self, fn: FunctionInfo) -> str | None:
        """Why ``fn`` can never be a coroutine function, or None."""
        if fn.kind == "lambda":
            return "a lambda cannot be async"
        if fn.kind == "module":
            return "module-level code cannot await"
        if fn.qualname in self.held_sync:
            return self.held_sync[fn.qualname]
        if fn.name.startswith("__") and fn.name.endswith("__") and fn.name not in sqla.ASYNC_DUNDERS:
            return f"`{fn.name}` is a sync protocol method"
        if fn.yields_from is not None:
            fixture = any(d in sqla.FIXTURE_DECORATORS for d in fn.decorators)
            if not fixture or fn.yields_from == "expression":
                # An async generator cannot delegate; a fixture's ``yield from g`` statement can be
                # a loop (pytest only advances it), anything else may be sent to or thrown into.
                return "it delegates with `yield from`, which an async generator cannot"
        framework = self.entry_framework(fn)
        if framework is not None:
            return f"{framework} calls it synchronously"
        if self.awaitable_property(fn):
            return None  # reads of it become ``await obj.prop`` (``Classification.property_reads``)
        for deco in fn.decorators:
            if deco in sqla.SYNC_ONLY_DECORATORS or deco.rsplit(".", 1)[-1] in (
                "property", "cached_property", "setter", "getter", "deleter",
            ):
                return f"decorated with `@{deco.rsplit('.', 1)[-1]}`"
        return None

    def awaitable_property(self, fn: FunctionInfo) -> bool:
        """A ``@property`` getter that can be an ``async def``: each read of it becomes
        ``await obj.prop``, running the getter at each read as before. A ``@cached_property``
        getter too: it becomes an async cached property (``cached_async_property``), the getter
        awaited once per instance and its value kept, as before. Not a property of a class
        whose instances libraries read attribute by attribute (a pydantic model, an ORM model:
        serialization and ``from_attributes`` never await), nor one with other decorators."""
        if fn.kind != "function" or fn.class_qualname is None:
            return False
        if not (self.is_plain_property(fn.qualname) or self.is_cached_property(fn.qualname)):
            return False
        if len(fn.decorators) != 1 or fn.is_generator:
            return False
        return not self.serialized_class(fn.class_qualname)

    def cached_async_property(self, qualname: str) -> bool:
        """A ``@cached_property`` getter the migration makes async: the rewrite replaces the
        decorator by a helper that awaits the getter once per instance and keeps its value (a
        coroutine is awaitable once, so ``@cached_property async def`` would break the second read)."""
        return self.is_cached_property(qualname) and qualname in self.to_async

    def serialized_class(self, class_qualname: str) -> bool:
        """A class deriving (through project classes) from a pydantic, SQLModel, SQLAlchemy,
        marshmallow or attrs base, or from a declarative base the project builds."""
        for c in self._mro(class_qualname):
            for base in self.classes[c].bases:
                if base in self.classes:
                    continue
                if base.startswith(sqla.SERIALIZED_BASE_PREFIXES) or self.symbol(base) == METADATA_OWNER:
                    return True
        return False

    def decorator_replacements(self) -> dict[str, str]:
        """Functions a project decorator puts in place of a sync protocol method → why they must
        stay sync: ``@auto_init() def __init__`` is replaced by the ``wrapper`` the decorator (or
        the decorator a factory returns) returns, which Python then calls as ``__init__``."""
        found: dict[str, str] = {}
        for fn in self.functions.values():
            if fn.kind != "function" or fn.is_async or not fn.decorators:
                continue
            why = self._sync_protocol_reason(fn)
            if why is None:
                continue
            for deco in fn.decorators:
                replacement = self.returned_function(deco, depth=2)
                if replacement is not None and replacement != fn.qualname:
                    found.setdefault(
                        replacement,
                        f"held sync: it replaces `{fn.qualname}` (decorated with `@{deco.rsplit('.', 1)[-1]}`), "
                        f"and {why}",
                    )
        return found

    def wrappers_of_sync(self) -> dict[str, str]:
        """Wrappers a project decorator puts in place of a function that stays sync (held: stored
        as a value, kept sync by the user), made async themselves (their own session I/O:
        ``@with_session`` opening the session it hands the function) → why they must stay sync:
        the decorated function's callers call the wrapper and would get a coroutine they never
        await, and the wrapper would hand the function an ``AsyncSession`` it uses synchronously.
        Held, the wrapper keeps its sync session (held code keeps the wiring it reads), and what
        it decorates runs as it did. (Otherwise the functions it replaces become async with it.)"""
        found: dict[str, str] = {}
        for fn in self.functions.values():
            if fn.kind != "function" or fn.is_async or not fn.decorators or fn.qualname in self.to_async:
                continue
            for deco in fn.decorators:
                wrapper = self.returned_function(deco, depth=2)
                if wrapper is not None and wrapper != fn.qualname and wrapper in self.to_async:
                    found.setdefault(
                        wrapper,
                        f"held sync: it replaces `{fn.qualname}` (decorated with `@{deco.rsplit('.', 1)[-1]}`), "
                        "which stays sync, so its callers call the wrapper without awaiting it",
                    )
        return found

    def wrapped_by_held(self, wrappers: Iterable[str]) -> dict[str, str]:
        """Functions a project decorator replaces by one of ``wrappers`` (held sync) → why they
        must stay sync too: that wrapper calls them itself, synchronously, with the sync session it
        runs on (``@auto_init() def update(self, session, ...)``); made async, the wrapper would
        hand its caller an unawaited coroutine, and its own I/O would get an ``AsyncSession``."""
        wrappers = set(wrappers)
        found: dict[str, str] = {}
        for fn in self.functions.values():
            if fn.kind != "function" or fn.is_async or not fn.decorators or fn.qualname in wrappers:
                continue
            for deco in fn.decorators:
                wrapper = self.returned_function(deco, depth=2)
                if wrapper in wrappers:
                    found.setdefault(
                        fn.qualname,
                        f"held sync: `@{deco.rsplit('.', 1)[-1]}` puts `{wrapper}` in its place, which is "
                        "held sync and calls it synchronously",
                    )
        return found

    def init_helpers(self) -> dict[str, str]:
        """Methods a sync ``__init__`` calls on ``self`` (``self._reset()``) that become async for
        their own session I/O → why they must stay sync: the constructor cannot await them, so
        held, they run there (and the class is built inside ``run_sync``, ``constructs_with_io``).
        Not one calling code made async itself: holding it would hold that code too."""
        found: dict[str, str] = {}
        for fn in self.functions.values():
            if fn.name != "__init__" or fn.kind != "function" or fn.is_async or fn.class_qualname is None:
                continue
            for site in fn.calls:
                if site.callee.root != "self" or len(site.callee.path) != 1 or site.callee.calls:
                    continue
                target = self.classify(fn.qualname, site.callee)
                helper = self.functions.get(target.name) if target.kind == "function" else None
                if helper is None or helper.is_async or helper.qualname not in self.to_async:
                    continue
                if any(
                    (t := self.classify(helper.qualname, s.callee, s.in_with, s.args)).kind == "function"
                    and t.name in self.to_async
                    for s in helper.calls
                ):
                    continue
                found.setdefault(
                    helper.qualname,
                    f"held sync: `{fn.qualname}` calls it, and `__init__` is a sync protocol method",
                )
        return found

    def _sync_protocol_reason(self, fn: FunctionInfo) -> str | None:
        if fn.name.startswith("__") and fn.name.endswith("__") and fn.name not in sqla.ASYNC_DUNDERS:
            return f"`{fn.name}` is a sync protocol method"
        return None

    def imports_without_loop(self, module: str) -> bool:
        """Whether ``module``'s module-level code runs where no event loop runs: a test module, a
        ``conftest`` or a module of a test package (pytest imports them while collecting), or
        ``__main__``. An application module may be imported by a server inside its running loop
        (uvicorn loads the app from ``Server.serve``), where a new loop cannot be run."""
        parts = module.split(".")
        last = parts[-1]
        return (
            last.startswith("test_")
            or last.endswith("_test")
            or last in ("conftest", "__main__")
            or any(part in ("tests", "test") for part in parts[:-1])
        )

    @cached_property
    def stored_functions(self) -> dict[str, tuple[str, int]]:
        """Project functions stored as elements of a list, tuple or set literal → where (first)."""
        found: dict[str, tuple[str, int]] = {}
        for fn in self.functions.values():
            for ref, line in fn.stored:
                nested = f"{fn.qualname}.{ref}"
                qualname = nested if nested in self.functions else self.global_of(fn.qualname, ref)
                if qualname in self.functions and self.functions[qualname].kind == "function":
                    found.setdefault(qualname, (self._function_module[fn.qualname].path, line))
        return found

    # -- held code ---------------------------------------------------------------------------------
    def _hold_event_listeners(self) -> None:
        """SQLAlchemy calls an event listener synchronously, with the sync ``Session`` or
        ``Connection`` behind an async one and inside its greenlet, where sync I/O on them works.
        So a listener is held sync, and with it (``_hold_callees``) what it calls: made async, a
        callee's coroutine would be dropped by the listener, its work silently skipped. Async
        callers of such a callee reach it through ``run_sync``, as they reach any held code.
        Listeners: ``@event.listens_for(...)`` and ``event.listen(target, name, fn)``."""
        listeners = set()
        for fn in self.functions.values():
            if fn.kind == "function" and not fn.is_async and sqla.LISTENS_FOR in fn.decorators:
                listeners.add(fn.qualname)
            module = self._function_module.get(fn.qualname)
            for site in fn.calls if module is not None else ():
                if self.qualify(module.module, site.callee) != sqla.EVENT_LISTEN:
                    continue
                handed = dict(site.args)
                target = handed.get("2") or handed.get("fn")
                qualname = self.global_of(fn.qualname, str(target)) if target is not None else None
                if qualname in self.functions and not self.functions[qualname].is_async:
                    listeners.add(qualname)
        # Only a listener that calls project code or uses a session: holding one that only reads
        # an engine global (a pool-metrics listener) would keep that wiring sync for it.
        held = {q: LISTENER_HELD for q in sorted(listeners) if self._calls_project_or_session(q)}
        self.held_sync = {**held, **self.held_sync}

    def _calls_project_or_session(self, qualname: str) -> bool:
        for site in self.functions[qualname].calls:
            kind = self.classify(qualname, site.callee, site.in_with, site.args).kind
            if kind == "function" or kind.startswith("session"):
                return True
        return False

    def _hold_callees(self) -> None:
        """Held code keeps calling what it calls, sync: a project function called from a held one
        is held too (async callers reach it through ``run_sync`` like the held code itself), and so
        is a function defined in a held one."""
        held = dict(self.held_sync)
        queue = deque(q for q in held if q in self.functions and self.functions[q].kind == "function")
        nested: dict[str, list[str]] = {}
        for fn in self.functions.values():
            if fn.parent and fn.kind == "function":
                nested.setdefault(fn.parent, []).append(fn.qualname)
        while queue:
            caller = queue.popleft()
            # A function defined in held code closes over its sync wiring (``SessionLocal`` built
            # there): it stays sync with it, wherever its value goes.
            for inner in nested.get(caller, ()):
                if inner not in held and not self.functions[inner].is_async:
                    held[inner] = f"held sync: defined in held `{caller}`"
                    queue.append(inner)
            # A held method holds its override family: a call through the base may run any of them.
            for member in self.overrides(caller):
                if member not in held and not self.functions[member].is_async:
                    held[member] = f"held sync: overrides or is overridden by held `{caller}`"
                    queue.append(member)
            for site in self.functions[caller].calls:
                target = self.classify(caller, site.callee, site.in_with, site.args)
                if target.kind != "function" or target.name in held:
                    continue
                callee = self.functions[target.name]
                if callee.is_async or callee.kind != "function" or callee.name.startswith("__"):
                    continue
                held[target.name] = f"held sync: called by held `{caller}`"
                queue.append(target.name)
        self.held_sync = held

    def _is_held_code(self, fn: FunctionInfo) -> bool:
        """``fn`` or a function enclosing it is held sync."""
        current: FunctionInfo | None = fn
        while current is not None:
            if current.qualname in self.held_sync:
                return True
            current = self.functions.get(current.parent) if current.parent else None
        return False

    def constructs_with_io(self, class_qualname: str) -> bool:
        """Building ``class_qualname`` runs session I/O in a sync ``__init__``: its own, or the
        wrapper a decorator puts in its place (``@auto_init() def __init__``), held sync."""
        init = self.functions.get(f"{class_qualname}.__init__")
        if init is None or init.kind != "function":
            return False
        if init.qualname in self._inits_calling_async:
            return False
        if init.qualname in self.io_inits:
            return True
        return any(self.returned_function(deco, depth=2) in self.bridged for deco in init.decorators)

    @cached_property
    def any_constructs_with_io(self) -> bool:
        """Some project class's constructor does session I/O (a class-valued ``self.model(...)``
        may build it)."""
        return any(q.endswith(".__init__") and self.constructs_with_io(q.removesuffix(".__init__")) for q in self.functions)

    def is_module_held(self, module: str) -> bool:
        """A module held sync whole (its module-level code is held)."""
        return self.held_sync.get(f"{module}.<module>") == "module held sync"

    def is_held_class(self, class_qualname: str) -> bool:
        """A project class held sync (its ``__init__`` is): its instances hold a sync ``Session``."""
        return f"{class_qualname}.__init__" in self.held_sync

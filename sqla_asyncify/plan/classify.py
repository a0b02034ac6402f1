"""Classification: what a call does (``classify``), and which names denote a session.

Over inference's ``Ty`` answers: a call on a session, an engine, a connection, ``MetaData`` or an
HTTP test client is I/O to await, a context to enter with ``async with``, or stays sync; a call of
a project function is named for the fixpoint. Its answers are ``Target`` values.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from .. import sqla
from ..index import CallSite, FunctionInfo, Param
from ..names import Callee
from .inference import Inference
from .project import bind_arguments
from .types import (
    ASYNC_HTTP_CLIENT,
    CONNECTION,
    ENGINE,
    HTTP_CLIENT_KIND,
    METADATA,
    OTHER,
    SESSION,
    SESSIONMAKER,
    TRANSACTION,
    Target,
    Ty,
    UNKNOWN,
)


class Classification(Inference):
    """``classify``, ``type_of``, ``is_session``, ``session_names``."""

    def classify(
        self, scope: str, callee: Callee, in_with: bool = False, args: tuple[tuple[str, Callee], ...] = ()
    ) -> Target:
        """What calling ``callee`` inside ``scope`` does; ``args``, the call's plain-name arguments
        (``CallSite.args``), tell DDL on a metadata the plan cannot type by its bind."""
        if callee.path:
            receiver = self._value_type(scope, callee.prefix(len(callee.path) - 1), False, frozenset())
            method = callee.path[-1]
            if receiver == SESSION:
                if in_with and method in ("begin", "begin_nested"):
                    return Target("session-context", method)
                if method in sqla.AWAITED_SESSION_METHODS:
                    return Target("session-io", method)
                if method == sqla.LEGACY_QUERY_METHOD:
                    return Target("session-query", method)
                return Target("session-sync", method)
            if receiver == SESSIONMAKER and in_with and method == "begin":
                return Target("session-context", str(callee))
            if receiver == ENGINE:
                if in_with and method in sqla.ENGINE_CONTEXT_METHODS:
                    return Target("engine-context", method)
                if method in sqla.AWAITED_ENGINE_METHODS:
                    return Target("engine-io", method)
                return OTHER
            if receiver == CONNECTION:
                if method in sqla.CONNECTION_TRANSACTION_METHODS:
                    # ``with conn.begin()``: ``async with``; else ``await conn.begin()`` starts it
                    return Target("connection-context" if in_with else "connection-io", method)
                if method in sqla.AWAITED_CONNECTION_METHODS:
                    return Target("connection-io", method)
                return OTHER
            if receiver == TRANSACTION:
                if method in sqla.AWAITED_TRANSACTION_METHODS:
                    return Target("connection-io", method)
                return OTHER
            if method in sqla.METADATA_DDL_METHODS and (
                receiver == METADATA or (receiver == UNKNOWN and self._ddl_on_async_bind(scope, callee, args))
            ):
                return Target("metadata-io", method)
            if receiver == ASYNC_HTTP_CLIENT or receiver.kind == HTTP_CLIENT_KIND:
                if method not in sqla.HTTP_REQUEST_METHODS:
                    return OTHER
                converted = receiver == ASYNC_HTTP_CLIENT or receiver.name in self.http_clients
                return Target("http-io" if converted else "http-sync", method)
        ty = self._value_type(scope, callee, False, frozenset())
        if in_with and self._call_type(ty, frozenset()) == SESSION:
            return Target("session-context", str(callee))
        if ty.kind == "function":
            return Target("function", ty.name)
        return OTHER

    def unresolved_method_candidates(self, scope: str, callee: Callee, hands_session: bool) -> list[str]:
        """For a method call ``x.m(...)`` no project function answers: the project methods ``m``
        that may run there and become async or stay sync behind ``run_sync`` (either way the call
        cannot stay as written). ``x`` an instance of a class lacking ``m`` whose subclasses answer
        with methods of several override families: theirs; ``x`` of unknown type handed a session
        (``hands_session``): every project method so named."""
        if not callee.path or callee.calls:
            return []
        name = callee.path[-1]
        receiver = self._value_type(scope, callee.prefix(len(callee.path) - 1), False, frozenset())
        if receiver.kind == "instance" and receiver.name in self.classes:
            if self._find_method(receiver.name, name) is not None:
                return []
            found = {m for sub in self._subclasses.get(receiver.name, ()) if (m := self._find_method(sub, name))}
        elif receiver == UNKNOWN and hands_session and not (name.startswith("__") and name.endswith("__")):
            found = {m.qualname for ms in self._methods.values() for m in ms if m.name == name and m.kind == "function"}
        else:
            return []
        return sorted(q for q in found if q in self.to_async or q in self.bridged)

    def _ddl_on_async_bind(self, scope: str, callee: Callee, args: tuple[tuple[str, Callee], ...]) -> bool:
        """``<untyped>.metadata.create_all(engine)`` (``models.Base.metadata`` of a module the plan
        cannot read): a ``metadata`` handed an engine or connection that becomes async."""
        if len(callee.path) < 2 or callee.path[-2] != "metadata":
            return False
        bind = next((arg for key, arg in args if key in ("0", "bind")), None)
        return bind is not None and self._value_type(scope, bind, False, frozenset()) in (ENGINE, CONNECTION)

    def type_of(self, scope: str, callee: Callee) -> Ty:
        """What the expression ``callee`` (not called) denotes inside ``scope``."""
        return self._value_type(scope, callee, False, frozenset())

    def is_session(self, scope: str, callee: Callee) -> bool:
        """Whether the expression ``callee`` (not called) denotes a session inside ``scope``."""
        return self._value_type(scope, callee, False, frozenset()) == SESSION

    def session_names(self, scope: str) -> list[str]:
        """Parameters and locals of ``scope`` that denote a session, in definition order."""
        fn = self.functions.get(scope)
        if fn is None:
            return []
        names = dict.fromkeys([*(p.name for p in fn.params), *(b.name for b in fn.bindings)])
        return [n for n in names if self.is_session(scope, Callee(n))]

    def sync_runner_arguments(self, scope: str, callee: Callee) -> tuple[str, ...]:
        """For a call that runs a function handed to it synchronously in a thread or process
        (``pool.submit(f, ...)``, ``Thread(target=f)``: ``sqla.SYNC_RUNNER_*``), the arguments
        (position or keyword) that hold the function; empty for any other call."""
        if callee.calls or self._value_type(scope, callee, False, frozenset()).kind == "function":
            return ()  # a project's own ``submit``: what it does with the function is its own
        module = self._function_module[scope].module if scope in self._function_module else ""
        keys = sqla.SYNC_RUNNER_CLASSES.get(self.qualify(module, callee)) if module else None
        if keys is None and callee.path:
            keys = sqla.SYNC_RUNNER_METHODS.get(callee.path[-1])
        return keys or ()

    # -- arguments of project calls ----------------------------------------------------------------
    def bound_arguments(self, scope: str, site: CallSite) -> Iterator[tuple[FunctionInfo, Param, Callee]]:
        """For a call of a project function in ``scope``: each plain-name argument with the
        parameter it binds (positions past ``self``/``cls`` of a method called on an instance)."""
        if not site.args:
            return
        target = self.classify(scope, site.callee, site.in_with)
        callee = self.functions.get(target.name) if target.kind == "function" else None
        if callee is None or callee.kind != "function":
            return
        members = [callee]
        caller = self.functions.get(scope)
        through_value = site.callee == Callee("request", ("param",)) or (
            not site.callee.path and caller is not None and any(p.name == site.callee.root for p in caller.params)
        )
        if target.name in self.stored_families and through_value:
            # A call through a stored value (a parametrized parameter, ``request.param``) calls
            # any function of the family: each is handed the arguments.
            members = [self.functions[q] for q in sorted(self.stored_families[target.name])]
        for member in members:
            params = list(member.params)
            if member.class_qualname and params and params[0].name in ("self", "cls") and site.callee.path:
                params = params[1:]
            for param, arg in bind_arguments(params, site.args):
                yield member, param, arg

    @cached_property
    def _class_parameters(self) -> frozenset[str]:
        """``function:param`` of parameters every call site hands a project class (``count_rows(db,
        User)``, ``count_rows(db, Address)``): a class in a select list is an ORM entity."""
        passed: dict[str, bool] = {}
        for fn in self.functions.values():
            for site in fn.calls:
                for callee, param, arg in self.bound_arguments(fn.qualname, site):
                    key = f"{callee.qualname}:{param.name}"
                    is_class = self.type_of(fn.qualname, arg).kind == "class"
                    passed[key] = passed.get(key, True) and is_class
        return frozenset(key for key, every in passed.items() if every)

    def holds_classes(self, qualname: str, param: str) -> bool:
        """Whether every call of project function ``qualname`` hands parameter ``param`` a class."""
        return f"{qualname}:{param}" in self._class_parameters

    # -- property reads ------------------------------------------------------------------------
    def property_read(self, scope: str, callee: Callee) -> str | None:
        """The ``@property`` (or ``@cached_property``) getter that reading ``callee``'s last
        attribute runs inside ``scope`` (``self.group`` with ``group`` a property of ``self``'s
        class or a base), or None; a call (``x.m()``) is no read of ``m``."""
        if not callee.path or len(callee.path) in callee.calls:
            return None
        receiver = self._value_type(scope, callee.prefix(len(callee.path) - 1), False, frozenset())
        if receiver.kind != "instance":
            return None
        getter = self._find_method(receiver.name, callee.path[-1])
        if getter is None or not (self.is_plain_property(getter) or self.is_cached_property(getter)):
            return None
        return getter

    def is_plain_property(self, qualname: str) -> bool:
        """A ``@property`` getter (not ``cached_property``, a setter or deleter)."""
        fn = self.functions.get(qualname)
        if fn is None or fn.kind != "function":
            return False
        # a builtin is qualified as a name of the module it is read in (``app.models.property``)
        own = f"{self._function_module[qualname].module}.property"
        return any(d in sqla.PROPERTY_DECORATORS or d == own for d in fn.decorators)

    def is_cached_property(self, qualname: str) -> bool:
        """A ``@functools.cached_property`` getter: run at the first read, its value kept."""
        fn = self.functions.get(qualname)
        return fn is not None and fn.kind == "function" and any(d in sqla.CACHED_PROPERTY_DECORATORS for d in fn.decorators)

    def property_reads(self, fn: FunctionInfo) -> list[tuple[str, int]]:
        """``(getter, line)`` for each ``@property`` / ``@cached_property`` read in ``fn``'s body, through any chain
        (``self.group.cast(...)`` reads ``group``), first read first."""
        found: dict[str, int] = {}
        names = self._property_names
        chains = [*fn.reads, *((site.callee, site.line) for site in fn.calls)]
        for chain, line in chains:
            for length in range(1, len(chain.path) + 1):
                if chain.path[length - 1] not in names:
                    continue
                getter = self.property_read(fn.qualname, chain.prefix(length))
                if getter is not None and getter != fn.qualname and line < found.get(getter, line + 1):
                    found[getter] = line
        return sorted(found.items(), key=lambda item: (item[1], item[0]))

    @cached_property
    def _property_names(self) -> frozenset[str]:
        """Names of the project's property getters: only a read of one of them can run one."""
        return frozenset(
            fn.name
            for fn in self.functions.values()
            if self.is_plain_property(fn.qualname) or self.is_cached_property(fn.qualname)
        )

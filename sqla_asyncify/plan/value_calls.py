"""Calls of values that may be functions made async: awaited if what they return is a coroutine.

A function made async can be handed away as a value, not called: stored in a dict or a list
(``HANDLERS = {"sync": sync_all}``), handed to a method the plan cannot type
(``worker.execute(sync_all)``) or to a project function's parameter, pickled (``pickle.dumps(job)``).
Code elsewhere then calls whatever value reaches it (``handler = HANDLERS[name]; handler(db)``,
``fn = pickle.loads(blob); fn()``), where no call site names the function: made async, that call
returns a coroutine nobody runs. The plan cannot follow the value there, so in async code every
call of such a value — a parameter or a local of the calling function that the plan cannot resolve
to a project function — is awaited when what it returns is a coroutine (``await
_await_if_coroutine(handler(db))``): a sync function handed the same way returns what it returned
before.

A method called on a receiver the plan cannot type (``manager.execute(job)``, ``manager`` handed
in untyped, or ``self.manager``) runs any project method of that name: when several project classes
define it (a protocol: workers, strategies) and one of them is made async, its result is awaited
the same way, unless that class lacks another method the code calls on the same receiver (duck
typing: the receiver holds something else, ``_methods_called_on``, ``_has_attribute``) or the
receiver provably holds a builtin (``builtin_value``: ``data = {}``, ``params: dict[str, Any]``,
``**kwargs``, ``x.model_dump()``), whose ``update``/``items``/``get`` are the builtin's.

Values handed to calls outside the project (``Depends(get_user)``, ``add_api_route(path, f)``) are
the library's to call: those accept coroutine functions. A function handed to a thread or process
is bridged (``asyncio-run-entry``); one handed to a parameter its function only calls is awaited
there (``coroutine_factories``). Every call rewritten this way is reported with the value's first
hand-off, and a call of such a value in code that stays sync (it cannot await) is reported.
"""

from __future__ import annotations

import builtins
from functools import cached_property

from ..builtin_values import BUILTIN_CLASSES, LITERAL, LOADS, METHOD_PREFIX, RETURNS_PREFIX
from ..index import PARAMETRIZE_PREFIX, FunctionInfo
from ..report import ReportItem
from ..names import Callee
from .coroutine_factories import CoroutineFactories, keyed_params
from .types import UNKNOWN

_BUILTINS = frozenset(dir(builtins))

#: Builtins asking what an object is or has.
_PROBES = frozenset({"hasattr", "getattr", "isinstance", "type"})

#: Bases that add no attributes an instance could be called with.
_PLAIN_BASES = frozenset({"object", "abc.ABC", "typing.Generic", "typing.Protocol"})

#: Report rule of a value call awaited if what it returns is a coroutine, and of a hand-off.
RULE = "awaited-if-coroutine"

#: Calls that serialize a function for code elsewhere to load and call.
PICKLERS = frozenset({"pickle.dumps", "pickle.dump", "cloudpickle.dumps", "cloudpickle.dump", "dill.dumps", "dill.dump"})


class ValueCalls(CoroutineFactories):
    """``escaped_coroutine_functions`` and ``value_call``."""

    def _made_async(self, qualname: str | None) -> bool:
        fn = self.functions.get(qualname or "")
        return (
            fn is not None
            and fn.kind == "function"
            and not fn.is_async
            and not fn.is_generator
            and fn.qualname in self.to_async
        )

    @cached_property
    def escaped_coroutine_functions(self) -> dict[str, tuple[str, int, str]]:
        """Functions made async handed away as values where the plan cannot follow them → (path,
        line, how) of the first hand-off."""
        found: dict[str, tuple[str, int, str]] = {}
        # Functions stored together in a fixture's ``params=`` are called (awaited) by the fixture.
        followed = {member for family in self.stored_families.values() for member in family}
        for fn in sorted(self.functions.values(), key=lambda f: (self.path_of(f.qualname), f.line)):
            path = self.path_of(fn.qualname)
            for ref, line in (*fn.stored, *fn.dict_values):
                root, *rest = ref.split(".")
                target = self._value_function(fn, Callee(root, tuple(rest)))
                if target is not None:
                    found.setdefault(target, (path, line, "stored in a collection"))
            for site in fn.calls:
                for key, arg in site.args:
                    target = self._value_function(fn, arg)
                    if target is not None and self._hands_away(fn, site.callee, key):
                        found.setdefault(target, (path, site.line, f"handed to `{site.callee}`"))
        return {q: where for q, where in found.items() if q not in followed}

    def _value_function(self, fn: FunctionInfo, value: Callee | None) -> str | None:
        """The function made async that ``value`` (read in ``fn``, not called) denotes, or None."""
        if value is None:
            return None
        nested = f"{fn.qualname}.{value}"
        ty = self.type_of(fn.qualname, value)
        qualname = nested if nested in self.functions else (ty.name if ty.kind == "function" else None)
        return qualname if self._made_async(qualname) else None

    def _hands_away(self, fn: FunctionInfo, callee: Callee, key: str) -> bool:
        """Whether handing a function as argument ``key`` of ``callee`` (called in ``fn``) lets code
        the plan does not follow call it: a project function's parameter that is not awaited there,
        a method of a receiver the plan cannot type, a pickler. A thread or process runner is
        bridged, and any other library call is the library's to call."""
        if key in self.sync_runner_arguments(fn.qualname, callee):
            return False
        module = self._function_module.get(fn.qualname)
        if module is not None and self.qualify(module.module, callee) in PICKLERS:
            return True
        target = self.classify(fn.qualname, callee)
        if target.kind == "function" and target.name in self.functions:
            receiver = self.functions[target.name]
            awaited = self.coroutine_params.get(receiver.qualname, {})
            params = [param for k, param in keyed_params(receiver, callee) if k == key]
            return any(param not in awaited and self._calls_or_passes_on(receiver, param) for param in params)
        if callee.path and not callee.calls and self._param_or_local(fn, callee.root):
            # ``worker.execute(job)`` on a parameter or local: a library object built at module
            # level (``app.add_api_route(path, f)``) takes coroutine functions as they are.
            return self._untyped(fn.qualname, callee.prefix(len(callee.path) - 1))
        return False

    def _untyped(self, scope: str, receiver: Callee) -> bool:
        """The plan cannot tell what ``receiver`` (a parameter or local of ``scope``: callers check)
        holds: unknown, or a fixture's value (a test's parameter resolves to the fixture function,
        whose value is whatever it returns)."""
        ty = self.type_of(scope, receiver)
        return ty == UNKNOWN or (ty.kind == "function" and not receiver.path)

    @cached_property
    def _made_async_method_names(self) -> frozenset[str]:
        """Names of methods that several project classes define (a protocol the code calls on
        objects it takes untyped: ``worker.execute(job)``), one of them made async."""
        classes: dict[str, set[str]] = {}
        for fn in self.functions.values():
            if fn.class_qualname is not None and fn.kind == "function":
                classes.setdefault(fn.name, set()).add(fn.class_qualname)
        return frozenset(
            fn.name
            for fn in self.functions.values()
            if fn.class_qualname is not None and self._made_async(fn.qualname) and len(classes[fn.name]) > 1
        )

    def value_call(self, scope: str, callee: Callee) -> str | None:
        """Why calling ``callee`` inside ``scope`` may return a coroutine of a function made async
        that the plan cannot name (the call is then awaited if what it returns is a coroutine), or
        None. Calls the plan resolves are awaited, or not, as their targets are."""
        fn = self.functions.get(scope)
        if fn is None or callee.calls or self.classify(scope, callee).kind != "other":
            return None
        if not any(site.callee == callee for site in fn.calls):
            return None  # a call the rewrite wrote (``select(...)``), not one of the project's
        if not callee.path:
            if callee.root in self.coroutine_params.get(scope, {}) or not self._local_value(fn, callee.root):
                return None
            if self.type_of(scope, callee).kind != UNKNOWN.kind or not self.escaped_coroutine_functions:
                return None
            name, (path, line, how) = next(iter(sorted(self.escaped_coroutine_functions.items())))
            return (
                f"`{callee.root}` is a value the plan cannot follow, and functions made async are "
                f"handed away as values (`{name}` {how} at {path}:{line})"
            )
        method = callee.path[-1]
        # the receiver is a value taken in as it is (``worker``, ``self.worker``), not one read
        # through it (``self.group.name.title()`` calls ``str.title``)
        receiver_path = callee.path[:-1]
        plain = not receiver_path or (len(receiver_path) == 1 and callee.root in ("self", "cls"))
        if not plain or method not in self._made_async_method_names or not self._local_value(fn, callee.root):
            return None
        receiver = callee.prefix(len(callee.path) - 1)
        if not self._untyped(scope, receiver):
            return None
        if not receiver.path and self.builtin_value(fn, receiver.root):
            return None  # ``data.update(...)`` on ``data = {}``: the builtin's method
        # Duck typing: the receiver holds an object of a class having every method the code calls
        # on it; one made async in classes (its own, subclasses inheriting it) lacking another of
        # them is some other method.
        used = self._methods_called_on(fn, receiver)
        owners = sorted(
            f.qualname
            for f in self.functions.values()
            if f.name == method
            and f.class_qualname is not None
            and self._made_async(f.qualname)
            and any(
                all(self._has_attribute(c, name) for name in used)
                for c in self.classes
                if c == f.class_qualname or self._find_method(c, method) == f.qualname
            )
        )
        if not owners:
            return None
        return f"the plan cannot type `{callee.prefix(len(callee.path) - 1)}`, and `{owners[0]}` is made async"

    def builtin_value(self, fn: FunctionInfo, name: str) -> bool:
        """``name`` read in ``fn`` provably holds a builtin (a ``dict``, ``list``, ``str``…): in the
        scope it belongs to (``fn``, an enclosing function, the module), every store to it and the
        parameter it may be are proven (``FunctionInfo.stores``, ``Param.builtin``)."""
        current: FunctionInfo | None = fn
        while current is not None:
            kinds = [k for n, k in current.stores if n == name]
            kinds += [p.builtin for p in current.params if p.name == name]
            if kinds:
                return all(self._proven(current, kind) for kind in kinds)
            current = self._enclosing_scope(current)
        return False  # bound nowhere in the project's code: a builtin's own name, or a star import's

    def _enclosing_scope(self, fn: FunctionInfo) -> FunctionInfo | None:
        """The scope a name not bound in ``fn`` is looked up in: the enclosing function, else the module."""
        if fn.kind == "module":
            return None
        if fn.parent:
            return self.functions.get(fn.parent)
        module = self._function_module.get(fn.qualname)
        return None if module is None else self.functions.get(f"{module.module}.<module>")

    def _proven(self, scope: FunctionInfo, kind: str) -> bool:
        """A value of builtin ``kind`` (``builtin_values``) stored in ``scope`` is one: a builtin
        class's name is not rebound, no project class derives from it, no project method named
        as a ``dict``-returning library method."""
        if kind in (LITERAL, LOADS):
            return True
        if kind.startswith(METHOD_PREFIX):
            return kind.removeprefix(METHOD_PREFIX) not in self._function_names
        if kind.startswith(RETURNS_PREFIX):
            # ``data = self.convert(x)`` with ``def convert(...) -> dict``: a plain function's
            # value (awaited where it is made async), not a generator's
            root, *path = kind.removeprefix(RETURNS_PREFIX).split(".")
            target = self.classify(scope.qualname, Callee(root, tuple(path)))
            called = self.functions.get(target.name) if target.kind == "function" else None
            return (
                called is not None
                and not called.is_generator
                and bool(called.returns_builtin)
                and self._proven(called, called.returns_builtin)
            )
        if not kind or kind.rsplit(".", 1)[-1] in self._subclassed_builtins:
            return False
        if kind in BUILTIN_CLASSES:
            return self.global_of(scope.qualname, kind) is None
        return True  # ``collections.defaultdict``, ``typing.Dict``: the import resolved it

    @cached_property
    def _function_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.functions.values())

    @cached_property
    def _subclassed_builtins(self) -> frozenset[str]:
        """Last components of project classes' bases (``dict``, ``defaultdict``): such a builtin's
        annotation or constructor may stand for a project subclass, whose methods may be made async."""
        return frozenset(base.rsplit(".", 1)[-1] for c in self.classes.values() for base in c.bases)

    def _methods_called_on(self, fn: FunctionInfo, receiver: Callee) -> frozenset[str]:
        """Methods called on ``receiver`` (an untyped parameter or local of ``fn``, or ``self.x``)
        wherever it holds the same object: in ``fn`` (a name bound once there); for a fixture's
        value, in every test and fixture requesting it (pytest hands each the same fixture's
        value); for ``self.x``, in every method of ``fn``'s class. Empty where that is unclear."""
        if receiver.root in ("self", "cls") and len(receiver.path) == 1 and fn.class_qualname is not None:
            attr = receiver.path[0]
            methods = self.class_methods(fn.class_qualname)
            if any(self._probes(m, receiver) for m in methods) or sum(attr in m.self_attrs for m in methods) > 1:
                return frozenset()  # probed, or set in several methods: maybe to different objects
            return frozenset(
                site.callee.path[1]
                for m in methods
                for site in m.calls
                if site.callee.root == receiver.root and len(site.callee.path) == 2 and site.callee.path[0] == attr
                and not site.callee.calls
            )
        if receiver.path:
            return frozenset()
        fixture = self.fixture_for(fn, receiver.root) if any(p.name == receiver.root for p in fn.params) else None
        scopes = self._fixture_requests(fixture) if fixture is not None else (fn,)
        found: set[str] = set()
        for scope in scopes:
            # one binding statement (``x = A() if c else B()`` records a binding per branch, one line)
            lines = {b.line for b in scope.bindings if b.name == receiver.root}
            bound = len(lines) + any(p.name == receiver.root for p in scope.params)
            if bound != 1 or self._probes(scope, receiver):
                return frozenset()  # rebound (calls on the name may be on different objects), or probed
            found.update(
                site.callee.path[0]
                for site in scope.calls
                if site.callee.root == receiver.root and len(site.callee.path) == 1 and not site.callee.calls
            )
        return frozenset(found)

    @staticmethod
    def _probes(fn: FunctionInfo, receiver: Callee) -> bool:
        """``fn`` asks what ``receiver`` is (``hasattr(x, "m")``, ``getattr``, ``isinstance``,
        ``type``): a method called on it may be one only some of its classes have."""
        return any(
            site.callee.root in _PROBES and not site.callee.path and any(arg == receiver for _, arg in site.args)
            for site in fn.calls
        )

    def _fixture_requests(self, fixture: str) -> list[FunctionInfo]:
        """The tests and fixtures whose parameter of the fixture's name pytest hands ``fixture``'s
        value, each only where no ``parametrize`` of that name may hand another value."""
        cache = self._fixture_requests_found
        if fixture not in cache:
            cache[fixture] = self._find_fixture_requests(fixture)
        return cache[fixture]

    @cached_property
    def _fixture_requests_found(self) -> dict[str, list[FunctionInfo]]:
        return {}

    def _find_fixture_requests(self, fixture: str) -> list[FunctionInfo]:
        name = self.functions[fixture].fixture_name or self.functions[fixture].name
        requests = [
            f
            for f in self.functions.values()
            if f.kind == "function" and any(p.name == name for p in f.params) and self.fixture_for(f, name) == fixture
        ]
        return [f for f in requests if not any(c.startswith(PARAMETRIZE_PREFIX) and name in c for c, _, _ in f.collected)]

    def _has_attribute(self, class_qualname: str, name: str) -> bool:
        """An instance of project class ``class_qualname`` may have attribute ``name``: a method or
        a name its body binds, in it or a base, an attribute a method sets on ``self``, or anything
        (a base outside the project, ``__getattr__``)."""
        for c in self._mro(class_qualname):
            info = self.classes[c]
            if "*" in info.body_names or name in info.body_names or any(a == name for a, _ in info.annotations):
                return True
            if any(base not in self.classes and base not in _PLAIN_BASES for base in self.class_bases(c)):
                return True
            for method in self.class_methods(c):
                if method.name in (name, "__getattr__", "__getattribute__"):
                    return True
                if name in method.self_attrs or any(
                    site.callee.root == "setattr" or site.callee.path[:1] == ("__dict__",) for site in method.calls
                ):
                    return True
        return False

    def _local_value(self, fn: FunctionInfo, name: str) -> bool:
        """``name`` is a value bound in the code, not a definition: a parameter or a local of ``fn``
        or of a function enclosing it (``handler = HANDLERS[key]``), or a module global that
        is no function, class or import of the project's (nor a builtin)."""
        if self._param_or_local(fn, name):
            return True
        module = self._function_module.get(fn.qualname)
        if module is None or name in _BUILTINS or name in self._imports.get(module.module, {}):
            return False
        return self.global_of(fn.qualname, name) is None or f"{module.module}.{name}" in self._globals

    def hand_off_items(self) -> list[ReportItem]:
        """One item per function made async that is handed away as a value, at its first hand-off:
        async code calling the value awaits it; sync code calling it would get a coroutine."""
        return [
            ReportItem(
                path,
                line,
                RULE,
                f"`{qualname}` becomes async and is {how} here: code calling it as a value gets a "
                "coroutine (async code awaits it where it calls a value it cannot follow: "
                "`await _await_if_coroutine(...)`, reported there)",
                "make sure only async code calls it, or keep it sync (`--keep-sync`) if sync code does",
            )
            for qualname, (path, line, how) in sorted(self.escaped_coroutine_functions.items())
        ]

    def _param_or_local(self, fn: FunctionInfo, name: str) -> bool:
        """``name`` is a parameter or a bound local of ``fn`` or of a function enclosing it."""
        current: FunctionInfo | None = fn
        while current is not None and current.kind != "module":
            if any(p.name == name for p in current.params) or any(b.name == name for b in current.bindings):
                return True
            current = self.functions.get(current.parent) if current.parent else None
        return False

    def _calls_or_passes_on(self, fn: FunctionInfo, param: str) -> bool:
        """``fn`` (or a function nested in it, a decorator's ``wrapper``) calls its parameter
        ``param``, or hands it on, binds, returns or stores it (reading an attribute,
        ``impl.__name__``, is neither)."""
        nested = [f for f in self.functions.values() if f.parent == fn.qualname and f.kind == "function"]
        if any(
            self._calls_or_passes_on(inner, param)
            for inner in nested
            if not any(p.name == param for p in inner.params) and not any(b.name == param for b in inner.bindings)
        ):
            return True
        return (
            any(site.callee.root == param and not site.callee.path for site in fn.calls)
            or any(arg.root == param for site in fn.calls for _, arg in site.args)
            or any(b.value.root == param and not b.value.path for b in (*fn.bindings, *fn.returns))
            or any(ref.split(".", 1)[0] == param for ref, _ in (*fn.stored, *fn.dict_values))
        )

"""Type inference: what a name, an attribute or a call's result denotes, by qualified name.

A small flow-insensitive inference over the indexes: module-level symbols (SQLAlchemy's and the
project's, through re-exports), parameters (annotations, ``Annotated`` aliases, ``Depends(...)``,
pytest fixtures), local bindings, ``self.<attr>`` assignments through base classes, and function
return values. Its answers are ``Ty`` values; nothing here decides what to rewrite.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import ClassVar

from .. import sqla
from ..containers import TUPLE, Shape
from ..index import Binding, CallSite, FunctionInfo, Param
from ..names import SUBSCRIPT, Callee
from .fixtures import Fixtures
from .project import bind_arguments
from .types import (
    ASYNC_HTTP_CLIENT,
    ASYNC_HTTP_CLIENT_CLASS,
    CONNECTION,
    TRANSACTION,
    DECLARATIVE_BASE_FACTORY,
    ENGINE,
    ENGINE_FACTORY,
    EXIT_STACK,
    EXIT_STACK_CLASS,
    HTTP_CLIENT_CLASS,
    HTTP_CLIENT_KIND,
    METADATA,
    METADATA_CLASS,
    METADATA_OWNER,
    SESSION,
    SESSION_CLASS,
    SESSIONMAKER,
    SESSIONMAKER_FACTORY,
    UNKNOWN,
    Ty,
)


def _with_origin(ty: Ty, origin: str) -> Ty:
    """A ``TestClient`` built here is known by this origin (kept when it already has one)."""
    return Ty(HTTP_CLIENT_KIND, origin) if ty.kind == HTTP_CLIENT_KIND and not ty.name else ty


#: At most this many rounds of typing parameters by their callers: each follows a session one
#: constructor or call further (``_caller_instance_params``).
CALLER_TYPING_ROUNDS = 8


class Inference(Fixtures):
    """``symbol``, ``name_type`` and the private steps of the inference (``_value_type``…)."""

    #: What a name from SQLAlchemy (or a test client library) denotes, by qualified name.
    _library_symbols: ClassVar[tuple[tuple[frozenset[str], Ty], ...]] = (
        (sqla.SESSION_CLASSES, SESSION_CLASS),
        (sqla.SESSIONMAKER_FACTORIES, SESSIONMAKER_FACTORY),
        (sqla.ENGINE_FACTORIES, ENGINE_FACTORY),
        (sqla.METADATA_CLASSES, METADATA_CLASS),
        (sqla.DECLARATIVE_BASE_FACTORIES, DECLARATIVE_BASE_FACTORY),
        (sqla.METADATA_OWNERS, METADATA_OWNER),
        (sqla.TEST_CLIENT_CLASSES, HTTP_CLIENT_CLASS),
        (sqla.ASYNC_HTTP_CLIENT_CLASSES, ASYNC_HTTP_CLIENT_CLASS),
        (sqla.EXIT_STACK_CLASSES, EXIT_STACK_CLASS),
    )

    def symbol(self, qualname: str, _seen: frozenset[str] = frozenset()) -> Ty:
        """What a module-level qualname denotes, following re-exports between project modules."""
        if qualname in _seen:
            return UNKNOWN
        seen = _seen | {qualname}
        for names, ty in self._library_symbols:
            if qualname in names:
                return ty
        if qualname in self.modules or qualname in _LIBRARY_MODULES:
            return Ty("module", qualname)  # ``import sqlalchemy`` → ``sqlalchemy.create_engine(...)``
        if qualname in self.functions:
            return Ty("function", qualname)
        if qualname in self.classes:
            return Ty("class", qualname)
        if qualname in self._globals:
            module, binding = self._globals[qualname]
            ty = self.binding_type(f"{module.module}.<module>", binding, seen)
            return _with_origin(ty, f"{module.module}.<module>:{binding.name}")
        module, _, name = qualname.rpartition(".")
        if module in self.modules:  # a name imported into a project module: a re-export
            target = self._imports[module].get(name)
            if target is not None:
                return self.symbol(target, seen)
        return UNKNOWN

    def _module_name_type(self, module: str, name: str, seen: frozenset[str]) -> Ty:
        local = f"{module}.{name}"
        if local in self.functions or local in self.classes or local in self._globals:
            return self.symbol(local, seen)
        target = self._imports.get(module, {}).get(name)
        if target is not None:
            return self.symbol(target, seen)
        return self.symbol(name, seen)  # a builtin or an unknown name

    # -- types of local names ------------------------------------------------------------------
    def name_type(self, scope: str, name: str, _seen: frozenset[str] = frozenset()) -> Ty:
        """What ``name`` denotes inside function (or lambda, or ``m.<module>``) ``scope``."""
        key = f"{scope}:{name}"
        if key in _seen:
            return UNKNOWN
        seen = _seen | {key}
        fn = self.functions.get(scope)
        if fn is None:
            return UNKNOWN
        module = self._function_module[scope].module
        if fn.kind != "module":
            for i, param in enumerate(fn.params):
                if param.name == name:
                    if i == 0 and fn.class_qualname and name in ("self", "cls") and fn.kind == "function":
                        return Ty("instance" if name == "self" else "class", fn.class_qualname)
                    ty = self._param_type(param, seen)
                    if ty == UNKNOWN and fn.kind == "function" and (member := self.parametrized_function(scope, name)):
                        ty = Ty("function", member)  # a function stored in the test's parametrize values
                    if ty == UNKNOWN and fn.kind == "function" and self._takes_fixtures(fn):
                        ty = self._fixture_type(module, name, seen)
                    if ty == UNKNOWN and key in self.http_clients:
                        ty = Ty(HTTP_CLIENT_KIND, key)  # handed a converted client (``_client_parameters``)
                    if ty == UNKNOWN and not param.annotation and param.depends is None:
                        ty = self._caller_instance_params.get(key, UNKNOWN)
                    if ty != UNKNOWN:
                        return ty
            nested = f"{scope}.{name}"  # a function or class defined inside this one
            if nested in self.functions or nested in self.classes:
                return self.symbol(nested, seen)
            types = [
                _with_origin(self.binding_type(scope, b, seen), f"{scope}:{name}")
                for b in fn.bindings
                if b.name == name
            ]
            known = [t for t in types if t != UNKNOWN]
            if known:
                return SESSION if SESSION in known else known[0]
            if types:
                return UNKNOWN
            if fn.parent is not None:
                return self.name_type(fn.parent, name, seen)
        return self._module_name_type(module, name, seen)

    def database_parameters(self, qualname: str) -> dict[str, str]:
        """Parameters of function ``qualname`` that stand for the database, by name: ``"session"``
        for one typed as a session, ``"bind"`` for one its body hands to a session class or
        sessionmaker it calls (``Session(engine)``, ``sessionmaker(bind=engine)``)."""
        fn = self.functions.get(qualname)
        if fn is None or fn.kind != "function":
            return {}
        names = {p.name for p in fn.params}
        found = {n: "session" for n in sorted(names) if self.name_type(qualname, n) == SESSION}
        for site in fn.calls:
            built = self._value_type(qualname, site.callee, False, frozenset())
            if built not in (SESSION_CLASS, SESSIONMAKER, SESSIONMAKER_FACTORY):
                continue
            for _, arg in site.args:
                if not arg.path and not arg.calls and arg.root in names:
                    found.setdefault(arg.root, "bind")
        return found

    @cached_property
    def _caller_instance_params(self) -> dict[str, Ty]:
        """``function:param`` → the instance of a project class, or the session, that every call of
        ``function`` the plan sees hands that unannotated parameter (``def add_item(repo, name)``
        called only as ``add_item(repo, "x")`` with ``repo: Repository``; ``Worker(db, queue)``
        with ``db`` a session, for ``Worker.__init__``): its calls on the parameter are that
        class's methods, or session I/O, awaited where they become coroutines, instead of handed an
        ``AsyncSession`` they use as a ``Session``. A converted session never reaches code left
        sync that way: the function converts with it, as if annotated.

        Any call that does not name the argument (an expression, ``*args``, the default) or hands
        something else leaves the parameter unknown (reported, ``session-to-untyped``). Worked out
        in rounds, each reading the last one's answer (the first reads none), until it settles: a
        parameter typed only by its callers types the parameters it is handed to
        (``Service(db)`` → ``self.store = Store(db)``)."""
        found: dict[str, Ty] = {}
        for _ in range(CALLER_TYPING_ROUNDS):
            self.__dict__["_caller_instance_params"] = found  # read while the next round is computed
            self.__dict__.pop("_attr_types", None)  # attribute types worked out with the last round
            settled = self._caller_typing_round()
            if settled == found:
                break
            found = settled
        self.__dict__.pop("_attr_types", None)
        return found

    def _caller_typing_round(self) -> dict[str, Ty]:
        """One round of ``_caller_instance_params``, reading the answer of the one before.

        A function a project decorator replaces (``decorated``) is called by its callers through
        the decorator's wrapper: their arguments are the wrapper's, and type the function's
        parameters only where the wrapper hands them on in place (``fn(db, *args)`` with ``db``
        the wrapper's first parameter). The wrapper's own call of it (``fn(db, *args)`` with
        ``db = SessionLocal()``) types them too: it is a call of every function it replaces."""
        passed: dict[str, Ty | None] = {}
        for fn in self.functions.values():
            replaced = self.replaced_by.get(fn.qualname, ())
            through = self.decorated[replaced[0]][1] if replaced else None  # the decorator's parameter
            for site in fn.calls:
                if through is not None and not site.callee.path and site.callee.root == through:
                    for qualname in replaced:
                        self._bind_call(fn, site, self.functions[qualname], False, passed, only_bound=True)
                    continue
                target = self._value_type(fn.qualname, site.callee, False, frozenset())
                if target.kind == "class" and not site.callee.calls:
                    callee = self.functions.get(f"{target.name}.__init__")  # ``Worker(db, queue)``
                else:
                    callee = self.functions.get(target.name) if target.kind == "function" else None
                if callee is None or callee.kind != "function" or self._takes_fixtures(callee):
                    continue
                if callee.qualname in self.decorated and not self._hands_on_in_place(callee.qualname):
                    continue
                self._bind_call(fn, site, callee, bool(site.callee.path or target.kind == "class"), passed)
        return {key: ty for key, ty in passed.items() if ty is not None}

    def _hands_on_in_place(self, qualname: str) -> bool:
        """The wrapper replacing ``qualname`` calls it with its own leading parameters, in order
        (``def wrapper(db, *args): fn(db, *args)``): a caller's arguments reach it where they are."""
        wrapper, param = self.decorated[qualname]
        inner = self.functions[wrapper]
        calls = [site for site in inner.calls if site.callee.root == param and not site.callee.path]
        if len(calls) != 1:
            return False
        positional = [arg for key, arg in calls[0].args if key.isdigit()]
        return all(
            i < len(inner.params) and not arg.path and not arg.calls and arg.root == inner.params[i].name
            for i, arg in enumerate(positional)
        )

    def _bind_call(self, fn: FunctionInfo, site: CallSite, callee: FunctionInfo, bound_self: bool,
                   passed: dict[str, Ty | None], only_bound: bool = False) -> None:
        """What ``site`` in ``fn`` hands each unannotated parameter of ``callee``, into ``passed``
        (``None`` once two calls disagree or one hands something unknown). ``only_bound``: the
        parameters it names only (a wrapper's call, whose ``*args`` carry the rest)."""
        params = list(callee.params)
        if callee.class_qualname and params and params[0].name in ("self", "cls") and bound_self:
            params = params[1:]
        bound = {param.name: arg for param, arg in bind_arguments(params, site.args)}
        for param in params:
            if param.annotation or param.depends is not None:
                continue
            key = f"{callee.qualname}:{param.name}"
            arg = bound.get(param.name)
            if arg is None and only_bound:
                continue
            ty = UNKNOWN if arg is None else self._value_type(fn.qualname, arg, False, frozenset())
            if (ty.kind != "instance" and ty != SESSION) or passed.get(key, ty) != ty:
                passed[key] = None
            else:
                passed[key] = ty

    def _fixture_type(self, module: str, name: str, seen: frozenset[str]) -> Ty:
        """The fixture visible from ``module``: its own module's first, then a ``conftest``'s."""
        for qualname in self._visible_fixtures(module, name):
            ty = self._call_type(Ty("function", qualname), seen)
            if ty != UNKNOWN:
                return ty
        return UNKNOWN

    def _param_type(self, param: Param, seen: frozenset[str]) -> Ty:
        if param.depends is not None:
            ty = self._call_type(self.symbol(param.depends, seen), seen)
            if ty != UNKNOWN:
                return ty
        return self._annotation_type(param.annotation, seen)

    def _annotation_type(self, names: Iterable[str], seen: frozenset[str]) -> Ty:
        names = tuple(names)
        if any(name in sqla.CALLABLE_TYPES for name in names):
            # ``Callable[[], Session]`` (the index keeps what it returns, not its parameters)
            rest = [name for name in names if name not in sqla.CALLABLE_TYPES]
            return SESSIONMAKER if self._annotation_type(rest, seen) == SESSION else UNKNOWN
        if len(names) == 2 and any(self._is_type_annotation(name) for name in names):
            # ``type[M]`` / ``type[T]`` (``T`` bound to ``M``): the class ``M`` itself
            inner = self._annotation_type([n for n in names if not self._is_type_annotation(n)], seen)
            return Ty("class", inner.name) if inner.kind == "instance" and inner.name in self.classes else UNKNOWN
        found = UNKNOWN
        for name in names:
            if name in sqla.SESSION_CLASSES:
                return SESSION
            if name in self._aliases and name not in seen:
                ty = self._annotation_type(self._aliases[name], seen | {name})
            else:
                sym = self.symbol(name, seen)
                ty = Ty("instance", sym.name) if sym.kind == "class" else (
                    self._call_type(sym, seen) if sym.kind == "function" else UNKNOWN
                )
            if ty == SESSION:
                return ty
            if found == UNKNOWN:
                found = ty
        return found

    def _is_type_annotation(self, name: str) -> bool:
        """``type`` (a builtin, qualified as a name of its module) or ``typing.Type``."""
        qualifier, _, short = name.rpartition(".")
        if name in ("typing.Type", "typing_extensions.Type", "builtins.type"):
            return True
        return short == "type" and qualifier in self.modules and name not in self.classes and name not in self._globals

    def binding_type(self, scope: str, binding: Binding, seen: frozenset[str] = frozenset()) -> Ty:
        """What a binding's name denotes; for ``a, b = f()``, the element ``f`` returns there;
        for ``for x in f()``, what the generator ``f`` yields, or an element of the collection it
        is annotated to return (``-> list[Listener]``); for ``for x in xs`` over a local collection,
        what its elements agree on (other iterables: unknown)."""
        if binding.statement is not None:
            executed = self._executed_type(scope, binding, seen)
            if executed != UNKNOWN:
                return executed
        if binding.iterated and not binding.called:
            element = self._element_type(scope, binding.value, seen)  # ``for x in xs``
            if element == UNKNOWN:
                element = self._item_type(scope, binding.value, False, None, seen)  # ``xs: list[X]``
            return element if element != UNKNOWN else self._row_type(scope, binding.value, seen)
        if binding.iterated:
            ty = self._value_type(scope, binding.value, False, seen)
            if ty.kind != "function":
                return UNKNOWN
            fn = self.functions[ty.name]
            if fn.is_generator:
                return self._call_type(ty, seen)
            return self._item_type(scope, binding.value, True, None, seen)  # ``-> list[X]``, ``-> tuple[X, X]``
        if binding.element is None:
            wrapped = self._context_manager_call(scope, binding, seen)
            if wrapped is not None:
                return wrapped
            return self._bound_value_type(scope, binding, seen)
        if binding.value == Callee("request", ("param",)) and not binding.called:
            member = self.param_function(scope, binding.element)  # ``impl, dsn = request.param``
            return UNKNOWN if member is None else Ty("function", member)
        item = self._item_type(scope, binding.value, binding.called, binding.element, seen)
        if item != UNKNOWN:
            return item  # ``a, b = pair`` with ``pair: tuple[A, B]``; ``a = pair[0]``
        fn = self._returner(scope, binding.value, binding.called, seen)
        if fn is None and not binding.called:
            element = self._element_type(scope, binding.value, seen)  # of a local collection
            return element if element != UNKNOWN else self._row_type(scope, binding.value, seen)
        if fn is None:
            return UNKNOWN
        for ret in fn.returns:
            if ret.element == binding.element:
                found = self._value_type(fn.qualname, ret.value, ret.called, seen | {fn.qualname})
                if found != UNKNOWN:
                    return self._held_built(fn.qualname, found)
        return UNKNOWN

    def _returner(self, scope: str, value: Callee, called: bool, seen: frozenset[str]) -> FunctionInfo | None:
        """The project function whose ``return`` (or ``yield``) hands back ``value``: the function
        called, or, for an unannotated parameter of a test or fixture, the fixture pytest hands
        it. None for anything else."""
        if called:
            ty = self._value_type(scope, value, False, seen)
            return self.functions[ty.name] if ty.kind == "function" and ty.name not in seen else None
        fn = self.functions.get(scope)
        if fn is None or value.path or value.calls:
            return None
        param = next((p for p in fn.params if p.name == value.root), None)
        if param is None or param.annotation or param.depends is not None:
            return None
        fixture = self.fixture_for(fn, value.root) if fn.kind == "function" else None
        return None if fixture is None or fixture in seen else self.functions[fixture]

    def _context_manager_call(self, scope: str, binding: Binding, seen: frozenset[str]) -> Ty | None:
        """``cm = contextmanager(gen)``: the decorator applied by a call. ``cm`` denotes the project
        generator ``gen`` as ``@contextmanager`` on it would: calling it enters ``gen`` (a ``with``
        on it is a ``with`` on ``gen``, ``as x`` binds what ``gen`` yields). None for any other binding."""
        if not binding.called or len(binding.args) != 1 or binding.value.calls or scope not in self._function_module:
            return None
        module = self._function_module[scope].module
        if self.qualify(module, binding.value) not in sqla.CONTEXT_DECORATORS:
            return None
        root, *path = binding.args[0].split(".")
        ty = self._value_type(scope, Callee(root, tuple(path)), False, seen)
        if ty.kind != "function" or not self.functions[ty.name].is_generator:
            return None
        return ty

    def _bound_value_type(self, scope: str, binding: Binding, seen: frozenset[str]) -> Ty:
        """What ``binding``'s value (called or not) denotes; ``stack.enter_context(cm)`` on an
        ``ExitStack``, what ``with cm as x`` would bind: what ``cm`` denotes (a context manager's
        call is typed by what it yields); ``random.choice(xs)``, ``next(it)``: an element of the
        argument."""
        value = binding.value
        if binding.called and binding.argument is not None and self._picks_element(scope, value):
            return self._any_element(scope, binding.argument, seen)
        if binding.called and value.path and value.path[-1] == sqla.EXIT_STACK_ENTER_METHOD and binding.argument:
            receiver = self._value_type(scope, value.prefix(len(value.path) - 1), False, seen)
            if receiver == EXIT_STACK:
                return self._value_type(scope, binding.argument, False, seen)
        return self._value_type(scope, value, binding.called, seen)

    def _element_type(self, scope: str, collection: Callee, seen: frozenset[str]) -> Ty:
        """What every element of the local collection ``collection`` denotes (``for x in xs``),
        from the function (or enclosing one) that builds it: the type all its ``members`` agree on.
        Unknown when any is unknown, or when the collection is also bound otherwise, handed to a
        call (which may fill it), or has a method called on it (``xs.append(g)``), in that function
        or one nested in it."""
        if collection.path or collection.calls:
            return UNKNOWN
        name = collection.root
        key = f"{scope}:{name}[]"
        if key in seen:
            return UNKNOWN
        seen = seen | {key}
        fn = self.functions.get(scope)
        while fn is not None and fn.kind != "module":
            members = [m for m in fn.members if m.name == name]
            if members or any(b.name == name for b in fn.bindings) or any(p.name == name for p in fn.params):
                break
            fn = self.functions.get(fn.parent) if fn.parent is not None else None
        else:
            return UNKNOWN
        if any(b.name == name for b in fn.bindings) or any(p.name == name for p in fn.params):
            return UNKNOWN
        if any(self._fills(inner, name) for inner in self._nested_in(fn)):
            return UNKNOWN
        types = {self._bound_value_type(fn.qualname, m, seen) for m in members}
        return types.pop() if len(types) == 1 and UNKNOWN not in types else UNKNOWN

    # -- elements of typed containers ----------------------------------------------------------
    def _item_type(self, scope: str, value: Callee, called: bool, position: int | None, seen: frozenset[str]) -> Ty:
        """What the element at ``position`` (None: any element) of the container ``value`` (called
        or not) denotes, by the annotation of its elements (``_shape_of``): ``tuple[A, B]`` gives
        ``A`` at 0, ``list[A]`` gives ``A`` anywhere. Any element of a tuple whose items differ is
        the type they all agree on."""
        shape = self._shape_of(scope, value, called, seen)
        if shape is None:
            return UNKNOWN
        item = shape.item(position)
        if item is not None:
            return self._annotation_type(item.names, seen)
        if position is None and shape.kind == TUPLE:
            types = {self._annotation_type(i.names, seen) for i in shape.items}
            return types.pop() if len(types) == 1 else UNKNOWN
        return UNKNOWN

    def _shape_of(self, scope: str, value: Callee, called: bool, seen: frozenset[str]) -> Shape | None:
        """The container annotation of ``value`` in ``scope``, when its elements are known: a
        parameter annotated so (``units: tuple[Repo, Unit]``), or for an unannotated one of a test
        or fixture, what its fixture is annotated to return (a generator fixture: to yield,
        ``-> Iterator[tuple[Repo, Unit]]``); a call of a function annotated to return one; a local
        every binding of which is one of those (or an element of one that is itself a container).
        None otherwise (an attribute, an unannotated local collection: ``_element_type``)."""
        key = f"{scope}:{value}{'()' if called else ''}:shape"
        if key in seen:
            return None
        seen = seen | {key}
        if called:
            ty = self._value_type(scope, value, False, seen)
            return self.functions[ty.name].returns_shape if ty.kind == "function" else None
        fn = self.functions.get(scope)
        if fn is None or fn.kind == "module" or value.path or value.calls:
            return None
        name = value.root
        param = next((p for p in fn.params if p.name == name), None)
        if param is not None:
            if param.shape is not None or param.annotation or param.depends is not None:
                return param.shape
            fixture = self.fixture_for(fn, name) if fn.kind == "function" else None
            return None if fixture is None else self._fixture_shape(self.functions[fixture])
        bindings = [b for b in fn.bindings if b.name == name]
        if not bindings:
            return self._shape_of(fn.parent, value, False, seen) if fn.parent is not None else None
        shapes = {self._binding_shape(scope, b, seen) for b in bindings}
        return shapes.pop() if len(shapes) == 1 else None

    def _binding_shape(self, scope: str, binding: Binding, seen: frozenset[str]) -> Shape | None:
        """``_shape_of`` the name a binding binds: its value's, or, for an element taken out of a
        container (``pair = pairs[0]``, ``for pair in pairs``), that element's when a container."""
        whole = self._shape_of(scope, binding.value, binding.called, seen)
        if binding.element is None and not binding.iterated:
            return whole
        if whole is None:
            return None
        item = whole.item(None if binding.iterated else binding.element)
        return item if item is not None and item.kind else None

    @staticmethod
    def _fixture_shape(fixture: FunctionInfo) -> Shape | None:
        """The container annotation of what a fixture hands a test: its return annotation, or
        what a generator fixture's annotation says it yields (``Iterator[X]``, ``Generator[X, …]``)."""
        shape = fixture.returns_shape
        if shape is None or not fixture.is_generator:
            return shape
        item = shape.item(None)
        return item if item is not None and item.kind else None

    def _picks_element(self, scope: str, value: Callee) -> bool:
        """A call of a library function returning one element of its argument
        (``random.choice(xs)``, ``next(it)``), not shadowed in ``scope``'s module."""
        if scope not in self._function_module or value.calls:
            return False
        module = self._function_module[scope].module
        qualname = self.qualify(module, value)
        if qualname in sqla.ELEMENT_PICKERS:
            return True
        shadowed = f"{module}.{value.root}" in self.functions or f"{module}.{value.root}" in self._globals
        return not value.path and value.root in sqla.BUILTIN_ELEMENT_PICKERS and qualname == value.root and not shadowed

    def _any_element(self, scope: str, argument: Callee, seen: frozenset[str]) -> Ty:
        """What any element of ``argument`` (a name, attribute chain or call) denotes."""
        called = bool(argument.calls) and argument.calls[-1] == len(argument.path)
        value = Callee(argument.root, argument.path, argument.calls[:-1]) if called else argument
        item = self._item_type(scope, value, called, None, seen)
        return item if item != UNKNOWN or called else self._element_type(scope, value, seen)

    # -- rows of an executed statement ---------------------------------------------------------
    def _executed_type(self, scope: str, binding: Binding, seen: frozenset[str]) -> Ty:
        """``db.execute(stmt)[.unique()].scalars().all()`` → ``Ty("rows", M)`` (a list of ``M``),
        ``….scalars().first()`` / ``.scalar_one()`` / ``db.scalar(stmt)`` → an ``M`` instance, and
        ``for x in db.scalars(stmt)`` → an ``M`` instance, when ``db`` is a session and ``stmt``'s
        entity is the class ``M`` (``_statement_entity``). Unknown for any other chain (``.first()``
        of a ``Result`` is a ``Row``, not an entity)."""
        value = binding.value
        called = (*value.calls, len(value.path)) if binding.called else value.calls
        executors = [i for i, attr in enumerate(value.path) if attr in sqla.STATEMENT_EXECUTORS and i + 1 in called]
        if not executors:
            return UNKNOWN
        k = executors[0]
        if self._value_type(scope, value.prefix(k), False, seen) != SESSION:
            return UNKNOWN
        state = sqla.EXECUTOR_RESULTS[value.path[k]]
        for j in range(k + 1, len(value.path)):
            if j + 1 not in called:
                return UNKNOWN
            state = sqla.RESULT_STEPS.get((state, value.path[j]), "")
        if binding.iterated:
            state = "entity" if state in ("scalars", "rows") else ""
        if state not in ("entity", "rows"):
            return UNKNOWN
        entity = self._statement_entity(scope, binding, seen)
        if entity is None:
            return UNKNOWN
        return Ty("instance" if state == "entity" else "rows", entity)

    def _row_type(self, scope: str, collection: Callee, seen: frozenset[str]) -> Ty:
        """``for x in rows`` where every binding of the local ``rows`` is one executed statement's
        rows of the same entity: an instance of that entity."""
        fn = self.functions.get(scope)
        key = f"{scope}:{collection}[rows]"
        if fn is None or collection.path or collection.calls or key in seen:
            return UNKNOWN  # ``rows = rows[0]``: defined by itself
        if any(p.name == collection.root for p in fn.params):
            return UNKNOWN
        seen = seen | {key}
        types = {self.binding_type(scope, b, seen) for b in fn.bindings if b.name == collection.root}
        if len(types) != 1:
            return UNKNOWN
        ty = types.pop()
        return Ty("instance", ty.name) if ty.kind == "rows" else UNKNOWN

    def _statement_entity(self, scope: str, binding: Binding, seen: frozenset[str]) -> str | None:
        """The class whose instances the statement of ``binding`` selects (the statement it
        executes, or its value): ``select(M)`` and builders on it (``.where(...)``,
        ``.options(...)``), a local bound to one, a function returning one (its returns agree). ``M``
        is a class, or what a ``type[T]`` annotation names (a ``TypeVar``'s bound). None when unknown."""
        if binding.selected is not None:
            root, *path = binding.selected.split(".")
            ty = self._value_type(scope, Callee(root, tuple(path)), False, seen)
            return ty.name if ty.kind == "class" else None
        stmt = binding.statement if binding.statement is not None else self._whole(binding)
        key = f"{scope}:stmt:{stmt}"
        if key in seen:
            return None
        seen = seen | {key}
        while stmt.path and stmt.path[-1] in sqla.SELECT_BUILDERS and len(stmt.path) in stmt.calls:
            stmt = stmt.prefix(len(stmt.path) - 1)
        if not stmt.calls:
            fn = self.functions.get(scope)
            if stmt.path or fn is None or any(p.name == stmt.root for p in fn.params):
                return None
            bindings = [b for b in fn.bindings if b.name == stmt.root]
            found = {self._statement_entity(scope, b, seen) for b in bindings}
            return found.pop() if len(found) == 1 else None
        if len(stmt.path) not in stmt.calls:
            return None
        ty = self._value_type(scope, Callee(stmt.root, stmt.path, stmt.calls[:-1]), False, seen)
        if ty.kind != "function" or ty.name in seen:
            return None
        fn = self.functions[ty.name]
        found = {self._statement_entity(fn.qualname, ret, seen | {ty.name}) for ret in fn.returns if ret.element is None}
        return found.pop() if len(found) == 1 else None

    @staticmethod
    def _whole(binding: Binding) -> Callee:
        """A binding's value as one expression: its call included in ``calls``."""
        value = binding.value
        return Callee(value.root, value.path, (*value.calls, len(value.path))) if binding.called else value

    def _nested_in(self, fn: FunctionInfo) -> list[FunctionInfo]:
        """``fn`` and the functions and lambdas defined inside it."""
        prefix = f"{fn.qualname}."
        return [fn, *(f for q, f in self.functions.items() if q.startswith(prefix))]

    @staticmethod
    def _fills(fn: FunctionInfo, name: str) -> bool:
        """Whether ``fn`` may change what the collection ``name`` holds: a method called on it, or
        the collection handed to a call."""
        return any(
            (site.callee.root == name and site.callee.path) or any(arg == Callee(name) for _, arg in site.args)
            for site in fn.calls
        )

    def _held_built(self, qualname: str, ty: Ty) -> Ty:
        """What a function returns, seen by its caller: an engine or sessionmaker that held code
        builds for itself stays sync (the rewrite leaves it), so it is no async wiring."""
        return UNKNOWN if ty in (ENGINE, SESSIONMAKER) and qualname in self.held_sync else ty

    def _table_pick(self, scope: str, callee: Callee, called: bool, seen: frozenset[str]) -> Ty | None:
        """``table[k]`` or ``table.get(k)`` (called) on a closed class table of ``scope``
        (``FunctionInfo.class_lookups``) whose values are classes built through an async factory
        (``factories``): the project class they share (the nearest class every value derives from
        or is), called or not; None for anything else (other tables keep their types unknown)."""
        fn = self.functions.get(scope)
        if not self.factories or fn is None or not fn.class_lookups or len(callee.path) != 1 or 0 in callee.calls:
            return None
        if callee.path[0] == SUBSCRIPT:
            instance = called or 1 in callee.calls
        elif callee.path[0] == "get" and (called or 1 in callee.calls):
            instance = called and 1 in callee.calls
        else:
            return None
        values = next((v for table, v, _ in fn.class_lookups if table == callee.root), None)
        if values is None:
            return None
        classes = []
        for value in values:
            root, *rest = value.split(".")
            ty = self._value_type(scope, Callee(root, tuple(rest)), False, seen)
            if ty.kind != "class" or not any(ty.name in f.family for f in self.factories.values()):
                return None
            classes.append(ty.name)
        shared = next((c for c in self._mro(classes[0]) if all(c in self._mro(other) for other in classes[1:])), None)
        if shared is None:
            return None
        ty = Ty("class", shared)
        return self._call_type(ty, seen) if instance else ty

    def _value_type(self, scope: str, callee: Callee, called: bool, seen: frozenset[str]) -> Ty:
        picked = self._table_pick(scope, callee, called, seen)
        if picked is not None:
            return picked
        if callee.root == "super" and 0 in callee.calls and callee.path:
            ty = self._super_type(scope, seen)  # ``super().update(...)``: the base's method
        elif callee.root == "request" and callee.path == ("param",) and not callee.calls and (
            member := self.param_function(scope, -1)
        ):
            ty = Ty("function", member)  # ``request.param(...)`` in a fixture: a stored function
            return self._call_type(ty, seen) if called else ty
        else:
            ty = self.name_type(scope, callee.root, seen)
            if 0 in callee.calls:
                ty = self._call_type(ty, seen)
        for i, attr in enumerate(callee.path, 1):
            if i == 1 and ty == UNKNOWN and 0 not in callee.calls:
                ty = self._assigned_attr_type(scope, callee.root, attr, seen)
                continue
            ty = self._attr_type(ty, attr, seen)
            if i in callee.calls:
                ty = self._call_type(ty, seen)
        return self._call_type(ty, seen) if called else ty

    def _assigned_attr_type(self, scope: str, name: str, attr: str, seen: frozenset[str]) -> Ty:
        """``name.attr`` on an object of no known type: what ``scope`` assigns to ``name.attr``
        (``mod.engine = create_engine(...)``), or, for a fixture parameter, what the fixture
        assigns to that attribute of the local it returns (``return mod``)."""
        key = f"{scope}:{name}.{attr}"
        fn = self.functions.get(scope)
        if fn is None or key in seen:
            return UNKNOWN
        seen = seen | {key}
        types = [self.binding_type(scope, b, seen) for b in fn.local_attr_bindings if b.name == f"{name}.{attr}"]
        known = [t for t in types if t != UNKNOWN]
        if known:
            return known[0]
        if fn.kind != "function" or not any(p.name == name for p in fn.params) or not self._takes_fixtures(fn):
            return UNKNOWN
        module = self._function_module[scope].module
        for qualname in self._visible_fixtures(module, name)[:1]:
            for ret in self.functions[qualname].returns:
                if ret.element is None and not ret.called and not ret.value.path:
                    ty = self._assigned_attr_type(qualname, ret.value.root, attr, seen)
                    if ty != UNKNOWN:
                        return ty
        return UNKNOWN

    def _super_type(self, scope: str, seen: frozenset[str]) -> Ty:
        """``super()`` (no arguments) in a method: its class's bases, unless ``super`` is rebound."""
        fn = self.functions.get(scope)
        if fn is None or fn.kind != "function" or fn.class_qualname is None:
            return UNKNOWN
        if any(p.name == "super" for p in fn.params) or any(b.name == "super" for b in fn.bindings):
            return UNKNOWN
        return Ty("super", fn.class_qualname)

    def _attr_type(self, ty: Ty, attr: str, seen: frozenset[str]) -> Ty:
        if attr == SUBSCRIPT:
            # ``Repo[User]``: a generic class subscripted is still that class; any other subscript
            # (a list, a dict, a mapping of handlers) is of an unknown value
            return ty if ty.kind == "class" else UNKNOWN
        if ty.kind == "super":
            for c in self._mro(ty.name)[1:]:
                if f"{c}.{attr}" in self.functions:
                    return Ty("function", f"{c}.{attr}")
            return UNKNOWN
        if ty.kind == "module":
            return self.symbol(f"{ty.name}.{attr}", seen)
        if ty.kind in ("instance", "class"):
            method = self._find_method(ty.name, attr)
            if method is None and ty.kind == "instance":
                found = self._instance_attr_type(ty.name, attr, seen)
                if found != UNKNOWN:
                    return found
                method = self._subclass_method(ty.name, attr)
            if method is not None and ty.kind == "instance" and self._is_property(method):
                # ``repos.users`` read from an instance: what the getter returns
                return self._call_type(Ty("function", method), seen)
            if method is not None:
                return Ty("function", method)
            if ty.kind == "instance":
                return self._instance_attr_type(ty.name, attr, seen)
        if attr == "metadata" and (ty == METADATA_OWNER or ty.kind == "class"):
            return METADATA  # ``Base.metadata`` of a declarative base (or any model class)
        if ty == SESSION:
            return Ty("session-method", attr)
        if ty == SESSIONMAKER and attr == "begin":
            return Ty("sessionmaker-method", attr)
        if ty == ENGINE:
            return Ty("engine-method", attr)
        if ty == CONNECTION:
            return Ty("connection-method", attr)
        if ty == TRANSACTION:
            return Ty("transaction-method", attr)
        return UNKNOWN

    def _subclass_method(self, cls: str, attr: str) -> str | None:
        """For an instance typed by a base (an annotation, a ``TypeVar``'s bound) whose class has no
        ``attr``: the method each project subclass runs for it, when they are all one override
        family (their members become async, or stay sync, together); None when none defines it or
        several unrelated methods answer."""
        found = sorted({m for sub in self._subclasses.get(cls, ()) if (m := self._find_method(sub, attr))})
        if not found:
            return None
        family, queue = {found[0]}, [found[0]]
        while queue:  # ``overrides`` looks up and down one class: close it over shared bases
            for member in self.overrides(queue.pop()):
                if member not in family:
                    family.add(member)
                    queue.append(member)
        return found[0] if all(m in family for m in found) else None

    def _is_property(self, qualname: str) -> bool:
        """A ``@property`` / ``@cached_property`` getter: reading the attribute calls it."""
        return any(d.rsplit(".", 1)[-1] in ("property", "cached_property") for d in self.functions[qualname].decorators)

    def _instance_attr_type(self, cls: str, attr: str, _seen: frozenset[str]) -> Ty:
        key = f"{cls}@{attr}"
        if key in _seen:  # ``self.parent = self.parent.parent``: defined by itself
            return UNKNOWN
        if not _seen and key in self._attr_types:
            return self._attr_types[key]  # a top-level answer depends on nothing but the project
        seen = _seen | {key}
        found = UNKNOWN
        for c in self._mro(cls):
            for a, names in self.classes[c].annotations:
                if a == attr:
                    ty = self._annotation_type(names, seen)
                    if ty != UNKNOWN:
                        found = ty
                        break
            if found != UNKNOWN:
                break
            for fn in self._methods.get(c, ()):
                for b in fn.attr_bindings:
                    if b.name == attr:
                        ty = self.binding_type(fn.qualname, b, seen)
                        if ty != UNKNOWN:
                            found = ty
                            break
                if found != UNKNOWN:
                    break
            if found != UNKNOWN:
                break
        if not _seen:
            self._attr_types[key] = found
        return found

    @cached_property
    def _attr_types(self) -> dict[str, Ty]:
        return {}

    def _call_type(self, ty: Ty, seen: frozenset[str]) -> Ty:
        if ty in (SESSION_CLASS, SESSIONMAKER):
            return SESSION
        if ty == SESSIONMAKER_FACTORY:
            return SESSIONMAKER
        if ty == Ty("sessionmaker-method", "begin"):
            return SESSION  # ``with SessionLocal.begin() as s``
        if ty == ENGINE_FACTORY:
            return ENGINE
        if ty.kind == "engine-method" and ty.name in sqla.ENGINE_CONTEXT_METHODS:
            return CONNECTION
        if ty.kind == "connection-method" and ty.name in sqla.CONNECTION_TRANSACTION_METHODS:
            return TRANSACTION
        if ty == METADATA_CLASS:
            return METADATA
        if ty == HTTP_CLIENT_CLASS:
            return Ty(HTTP_CLIENT_KIND)  # its origin is set where it is bound or returned
        if ty == ASYNC_HTTP_CLIENT_CLASS:
            return ASYNC_HTTP_CLIENT
        if ty == EXIT_STACK_CLASS:
            return EXIT_STACK
        if ty == DECLARATIVE_BASE_FACTORY:
            return METADATA_OWNER
        if ty.kind == "class":
            return Ty("instance", ty.name)
        if ty.kind == "function" and ty.name not in seen:
            fn = self.functions[ty.name]
            inner = seen | {ty.name}
            if fn.returns_annotation:
                annotated = self._annotation_type(fn.returns_annotation, inner)
                if annotated != UNKNOWN:
                    return annotated
            for ret in fn.returns:
                if ret.element is not None:
                    continue  # an element of a returned tuple, not what the call returns
                rt = self._held_built(fn.qualname, self._value_type(fn.qualname, ret.value, ret.called, inner))
                if rt != UNKNOWN:
                    return _with_origin(rt, f"{fn.qualname}:<return>")
        return UNKNOWN


#: The modules the library symbols live in, and their parents (``sqlalchemy``, ``sqlalchemy.orm``…):
#: an attribute of one imported whole (``import sqlalchemy as sa``) is that symbol.
_LIBRARY_MODULES: frozenset[str] = frozenset(
    ".".join(parts[:i])
    for names, _ in Inference._library_symbols
    for name in names
    for parts in [name.split(".")]
    for i in range(1, len(parts))
)

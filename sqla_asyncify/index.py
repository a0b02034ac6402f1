"""Per-module index: the read-only facts the plan needs, extracted once per file.

A ``ModuleIndex`` is pure, frozen, picklable data about one module, computed from that module alone:
its imports, module-level definitions, classes, and for every function its parameters, local
bindings and call sites, each described symbolically (a ``Callee``). Nothing here decides what is a
session or what becomes async: that needs the whole project and is the plan's job. Keeping the index
per-file and self-contained is what lets it be cached by content hash and built in parallel.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import libcst as cst
import libcst.matchers as m
from libcst.metadata import PositionProvider

from . import sqla
from .builtin_values import annotation_kind, settled, value_kind
from .class_lookups import class_lookups
from .containers import Shape, container_shape
from .dispatch import VisitorDispatch
from .kwarg_dicts import constant_dicts, spreads_constant_dicts
from .loading_facts import LoadFacts, RelationshipTarget
from .loading_facts import collect as collect_loading_facts
from .names import Callee, QualnameTracker, dotted, interned, resolve_relative
from .positions import positions
from .thread_calls import handed, in_place, runner
from .pickling import fast_state

INDEX_VERSION = 36  # bump when the shape of the index changes (invalidates caches)
#: The collection of a test's ``@pytest.mark.parametrize`` values, followed by the names they bind.
PARAMETRIZE_PREFIX = "@parametrize:"


@fast_state
@dataclass(frozen=True, slots=True)
class Param:
    name: str
    #: Absolute qualnames of every name in the annotation (``Optional[Session]`` → typing.Optional,
    #: sqlalchemy.orm.Session), in source order.
    annotation: tuple[str, ...] = ()
    #: Absolute qualname of ``X`` in a ``= Depends(X)`` default.
    depends: str | None = None
    #: The builtin kind the parameter provably holds (``builtin_values``): from its annotation
    #: (``data: dict[str, Any]``), ``"dict"`` for ``**kwargs``, ``"tuple"`` for ``*args``; "" otherwise.
    builtin: str = ""
    #: The annotation's elements when it is a container of known ones (``tuple[Repo, Model]``,
    #: ``list[User]``; ``containers.py``), None otherwise.
    shape: Shape | None = None


@fast_state
@dataclass(frozen=True, slots=True)
class Binding:
    """``name = <value>`` (or ``with <value> as name``): ``value`` called (``f(...)``) or referenced."""

    name: str
    value: Callee
    called: bool
    line: int
    #: For a call: its arguments that are plain names or attribute chains (``bind=engine`` → "engine").
    args: tuple[str, ...] = ()
    #: A module-level statement of its own, not inside an ``if``/``try``/``with``/loop block.
    top_level: bool = True
    #: The ``expire_on_commit=`` argument of the call, as written (``"True"``); None when absent.
    expire_on_commit: str | None = None
    #: The ``autoflush=`` argument of the call, as written; None when absent.
    autoflush: str | None = None
    #: Tuple unpacking: ``a, b = f()`` binds ``a`` to element 0 of what ``f()`` returns; a
    #: ``return x, y`` records element 0 and 1; a subscript by a whole number, ``a = xs[0]``
    #: (``xs[-1]``: -1), element 0 of ``xs``. None: the whole value.
    element: int | None = None
    #: For a call of one argument that is a name, attribute chain or call of one: that argument
    #: (``stack.enter_context(cm(db))`` → ``cm(db)``, the call kept in ``Callee.calls``).
    argument: Callee | None = None
    #: ``for name in f(...)`` (or ``async for``): ``name`` is what the generator ``f`` yields;
    #: ``for name in xs`` (not called, a comprehension's ``for`` too): an element ``xs`` holds.
    iterated: bool = False
    #: For a value that executes a statement (``db.execute(stmt).scalars().all()``,
    #: ``db.scalars(stmt)``): that statement, when it names something (``stmt``, ``select(M)``,
    #: ``self._query().where(...)``), so the plan can type the rows by the statement's entity.
    statement: Callee | None = None
    #: ``select(X)`` at the root of the value (``select(X).where(...)``), or of the statement it
    #: executes: ``X`` as written (a name or attribute chain).
    selected: str | None = None


@fast_state
@dataclass(frozen=True, slots=True)
class CallSite:
    callee: Callee
    line: int
    awaited: bool = False
    #: The call is a ``with`` item (``with SessionLocal() as db``) rather than a plain call.
    in_with: bool = False
    #: The call's result is handed to another call (``asyncio.run(main())``, ``loop.create_task(f())``).
    argument: bool = False
    #: Module-level code under ``if __name__ == "__main__":`` (no event loop can be running there).
    main_guard: bool = False
    #: The call is the iterable of a ``for`` statement or of a comprehension's ``for``.
    iterated: bool = False
    #: Arguments that are plain names or attribute chains: (position as "0", "1"… or keyword, what it names).
    args: tuple[tuple[str, Callee], ...] = ()
    #: Every argument's key (position as "0", "1"… or keyword), up to a ``*args``.
    arg_keys: tuple[str, ...] = ()
    #: The first argument when it is a plain string (``patch("app.db.get_db", fake)``).
    text: str | None = None


@fast_state
@dataclass(frozen=True, slots=True)
class FunctionInfo:
    qualname: str
    name: str
    line: int
    kind: str  # "function" | "lambda" | "module"
    is_async: bool = False
    is_generator: bool = False
    class_qualname: str | None = None  # set for methods
    parent: str | None = None  # enclosing function qualname, for closures
    decorators: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    bindings: tuple[Binding, ...] = ()
    #: ``self.<attr> = <value>`` in a method: the class attribute's value.
    attr_bindings: tuple[Binding, ...] = ()
    #: What ``return``/``yield`` hand back, when it is a name, attribute chain or call of one.
    returns: tuple[Binding, ...] = ()
    calls: tuple[CallSite, ...] = ()
    #: Absolute qualnames in the return annotation.
    returns_annotation: tuple[str, ...] = ()
    #: The builtin kind the return annotation names (``-> dict``, ``builtin_values``), "" otherwise.
    returns_builtin: str = ""
    #: The return annotation's elements when it is a container of known ones (``-> tuple[A, B]``,
    #: ``-> Iterator[A]``: ``containers.py``), None otherwise.
    returns_shape: Shape | None = None
    #: ``# asyncify: keep-sync -- <reason>`` on the function: the reason ("" when none is given).
    keep_sync: str | None = None
    #: Every name or attribute chain read in the body (``SessionLocal``, ``database.engine``), sorted:
    #: what the plan resolves to tell which project globals the function uses.
    refs: tuple[str, ...] = ()
    #: Names or attribute chains stored as elements of a list, tuple or set literal (``[(f, dsn)]``,
    #: ``params=[f]``), with their line: a function stored so is called where no call site names it.
    #: A tuple handed back by ``return``/``yield`` is not storage: its caller unpacks it by name.
    stored: tuple[tuple[str, int], ...] = ()
    #: The same elements by collection: (collection, element, position). The collection is the name
    #: a literal is bound to or extended into (``X = [...]``, ``X.extend([...])``, ``X.append(f)``),
    #: ``"@params"`` for this fixture's ``params=[...]``, ``"@parametrize:a,b"`` for the values of this
    #: test's ``@pytest.mark.parametrize("a, b", [...])`` (positions index the names when there are
    #: several), ``""`` for any other literal. The element is
    #: the name or attribute chain as written, ``""`` for anything else (a string, a lambda); the
    #: position is its index in a tuple element (``[(f, dsn)]``: ``f`` at 0), -1 for the element itself.
    collected: tuple[tuple[str, str, int], ...] = ()
    #: Names or attribute chains that are values of a dict literal (``{"sync": sync_all}``), with
    #: their line: a function stored so is looked up and called where no call site names it.
    dict_values: tuple[tuple[str, int], ...] = ()
    #: Closed class tables (``class_lookups``): a local dict of names used only to pick one and
    #: call it, as (table, its values as written, the local names bound to a picked value).
    class_lookups: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    #: Names and attribute chains read as values, sorted: not called, not in an annotation, not a
    #: class's base, not the class ``isinstance``/``issubclass`` checks against. A class read so
    #: may be built where no call names it.
    value_refs: tuple[str, ...] = ()
    #: ``@pytest.fixture(params=NAME)``: NAME as written; ``"@params"`` for a literal list.
    fixture_params: str | None = None
    #: ``yield from`` in the body: "statement" when every one is a statement of its own,
    #: "expression" when one's value is used (``x = yield from g``); None when there is none.
    yields_from: str | None = None
    #: Defined by a statement of its own at module level (not inside an ``if``/``try``… block).
    top_level: bool = True
    #: ``@pytest.fixture(name="db")``: the name tests request it by (None: the function's name).
    fixture_name: str | None = None
    #: ``obj.<attr> = <value>`` on a local or parameter ``obj`` (not ``self``): named ``obj.attr``.
    local_attr_bindings: tuple[Binding, ...] = ()
    #: A lambda handed as an argument: (qualname of the code making the call, the call's callee,
    #: the argument's position as "0", "1"… or keyword, the call's line).
    passed_to: tuple[str, Callee, str, int] | None = None
    #: A lambda whose body is a call (``lambda: f(x)``): that call's callee.
    body_call: Callee | None = None
    #: A lambda handed alone to a thread runner whose body is one call (``await run_in_threadpool(
    #: lambda: f(x))``): the enclosing function calls ``f(x)`` in its place once ``f`` is made async
    #: (``thread_calls.in_place``), so the lambda needs no await of its own.
    in_thread: bool = False
    #: Attribute chains read in the body (``self.group.cast``, ``repo.items``), with the line of
    #: their first read: where a ``@property`` getter runs. An assignment's target attribute is
    #: stored, not read (``obj.x = v`` reads only ``obj``).
    reads: tuple[tuple[Callee, int], ...] = ()
    #: What a local collection holds: ``xs = [f(a), g]`` or ``xs = [f(m) for m in ms]`` binds, under
    #: the name ``xs``, each element that is a name, attribute chain or call of one (a comprehension's
    #: one expression). Kept apart from ``bindings``: an element is not the collection's own value.
    members: tuple[Binding, ...] = ()
    #: Attributes stored on ``self`` in the body (``self.x = ...``, ``self.x: T = ...``), whatever
    #: the value, sorted: an instance has them besides its class's.
    self_attrs: tuple[str, ...] = ()
    #: ``obj.attributes[key] = value`` (Alembic's ``Config.attributes``, how a connection is handed to
    #: its ``env.py``): ``value`` when it is a name or attribute chain, with the line.
    attributes_stores: tuple[tuple[Callee, int], ...] = ()
    #: ``with`` items that are a name or attribute chain (``with case:``, ``with self.lock as l:``),
    #: with the line: an object entered as a context manager where no call builds it.
    entered: tuple[tuple[Callee, int], ...] = ()
    #: Every store to a plain name in this scope (``x = v``, ``x: T = v``, ``x += v``, loop and
    #: ``with`` targets, ``:=``, ``except … as x``, imports, nested ``def``/``class``; for the module
    #: scope also a function's stores to a name it declares ``global``), with the builtin kind the
    #: stored value provably has (``builtin_values``; "" when not provable). A ``nonlocal`` declaration
    #: is a store of "" in the function declaring it and in the one owning the name.
    stores: tuple[tuple[str, str], ...] = ()


@fast_state
@dataclass(frozen=True, slots=True)
class ClassInfo:
    qualname: str
    line: int
    bases: tuple[str, ...] = ()
    #: Class-level annotations ``db: Session`` → (attr, annotation qualnames).
    annotations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: ``attr = relationship(...)`` in the class body → (attr, its ``lazy=`` as written, None when absent).
    relationships: tuple[tuple[str, str | None], ...] = ()
    #: Reverse relationships its relationships declare with ``backref=``: (target class as written,
    #: qualified when a name; the backref's name; its ``lazy=`` as written, None when absent).
    backrefs: tuple[tuple[str, str, str | None], ...] = ()
    #: ``attr = association_proxy("rel", "x")`` in the class body → (attr, "rel"): reading ``attr``
    #: reads relationship ``rel``.
    proxies: tuple[tuple[str, str], ...] = ()
    #: Names the class body binds other than by ``def`` (``x = ...``, ``x: T``, ``class X``,
    #: imports), sorted; ``"*"`` when a statement there (``if``, ``for``, ``try``…) may bind more.
    body_names: tuple[str, ...] = ()


@fast_state
@dataclass(frozen=True, slots=True)
class ModuleIndex:
    module: str
    path: str
    #: Local name → absolute qualname, for every import (``from .db import get_db`` → app.db.get_db).
    imports: tuple[tuple[str, str], ...] = ()
    #: ``from .m import *`` at module level: the absolute modules whose public names it binds.
    star_imports: tuple[str, ...] = ()
    functions: tuple[FunctionInfo, ...] = ()
    classes: tuple[ClassInfo, ...] = ()
    #: Module-level ``NAME = value`` bindings (``SessionLocal = sessionmaker(...)``).
    globals: tuple[Binding, ...] = ()
    #: Module-level ``Alias = Annotated[...]`` and other non-call assignments: name → qualnames in it.
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    mentions_sqlalchemy: bool = False
    #: ``pytest_plugins = "a.fixtures"`` (a string, or a list or tuple of them) at module level: the
    #: modules pytest loads as plugins, whose fixtures every test sees.
    pytest_plugins: tuple[str, ...] = ()
    #: Per function qualname: what it reads through relationships and where the objects come from
    #: (``loading_facts.py``); per class: its relationships' targets.
    loads: tuple[tuple[str, LoadFacts], ...] = ()
    relationship_targets: tuple[tuple[str, tuple[RelationshipTarget, ...]], ...] = ()
    #: Per class: its attributes declared ``primary_key=True``.
    primary_keys: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class _FunctionBuilder:
    info: dict[str, object]
    bindings: list[Binding] = field(default_factory=list)
    attr_bindings: list[Binding] = field(default_factory=list)
    local_attr_bindings: list[Binding] = field(default_factory=list)
    returns: list[Binding] = field(default_factory=list)
    members: list[Binding] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)
    reads: dict[Callee, int] = field(default_factory=dict)
    attributes_stores: list[tuple[Callee, int]] = field(default_factory=list)
    entered: list[tuple[Callee, int]] = field(default_factory=list)
    stored: list[tuple[str, int]] = field(default_factory=list)
    dict_values: list[tuple[str, int]] = field(default_factory=list)
    collected: list[tuple[str, str, int]] = field(default_factory=list)
    is_generator: bool = False
    yields_from: str | None = None
    #: Names declared ``global`` in the function: what it binds to them is a module global.
    global_names: set[str] = field(default_factory=set)
    self_attrs: set[str] = field(default_factory=set)
    stores: list[tuple[str, str]] = field(default_factory=list)
    value_refs: set[str] = field(default_factory=set)

    def build(self) -> FunctionInfo:
        return FunctionInfo(
            **self.info,  # type: ignore[arg-type]
            refs=tuple(sorted(self.refs)),
            value_refs=tuple(sorted(self.value_refs)),
            reads=tuple(self.reads.items()),
            attributes_stores=tuple(self.attributes_stores),
            entered=tuple(self.entered),
            stored=tuple(sorted(set(self.stored))),
            dict_values=tuple(sorted(set(self.dict_values))),
            collected=tuple(sorted(set(self.collected))),
            is_generator=self.is_generator,
            yields_from=self.yields_from,
            bindings=tuple(self.bindings),
            attr_bindings=tuple(self.attr_bindings),
            self_attrs=tuple(sorted(self.self_attrs)),
            stores=tuple(sorted(set(self.stores))),
            local_attr_bindings=tuple(self.local_attr_bindings),
            returns=tuple(self.returns),
            members=tuple(self.members),
            calls=tuple(self.calls),
        )


def _executed_node(value: cst.BaseExpression) -> cst.BaseExpression | None:
    """The first positional argument of the outermost ``execute``/``scalars``/``scalar`` call in
    the call chain ``value`` (``db.execute(stmt).unique().scalars().all()`` → ``stmt``)."""
    node = value
    while isinstance(node, cst.Call | cst.Attribute):
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in sqla.STATEMENT_EXECUTORS and node.args:
                arg = node.args[0]
                return None if arg.keyword is not None or arg.star else arg.value
            node = func
        else:
            node = node.value
    return None


def _executed_statement(value: cst.BaseExpression) -> Callee | None:
    """``Binding.statement`` of a value."""
    node = _executed_node(value)
    return None if node is None else Callee.of(node)


def _indexed(value: cst.BaseExpression) -> tuple[Callee, bool, int] | None:
    """``xs[0]``, ``xs[-1]``, ``f()[1]``: what is subscripted, whether it is a call, and the
    whole-number index (``Binding.element``); None for any other value (``xs[i]``, ``xs[1:]``)."""
    if not isinstance(value, cst.Subscript) or len(value.slice) != 1:
        return None
    index = value.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    number, sign = index.value, 1
    if isinstance(number, cst.UnaryOperation) and isinstance(number.operator, cst.Minus):
        number, sign = number.expression, -1
    if not isinstance(number, cst.Integer):
        return None
    inner = value.value
    called = isinstance(inner, cst.Call)
    callee = Callee.of_func(inner.func) if isinstance(inner, cst.Call) else Callee.of(inner)
    return None if callee is None else (callee, called, sign * int(number.value, 0))


def _sole_argument(value: cst.BaseExpression) -> Callee | None:
    """The one positional argument of a call, when it names something (``Binding.argument``)."""
    if not isinstance(value, cst.Call) or len(value.args) != 1:
        return None
    arg = value.args[0]
    return None if arg.keyword is not None or arg.star else Callee.of(arg.value)


#: A member (``FunctionInfo.members``) of no name: ``xs += ys``, a string, a lambda. It resolves to
#: nothing, so a collection holding one has elements of no known type.
OPAQUE_MEMBER = Callee("<opaque>")


KEEP_SYNC_PRAGMA = re.compile(r"#\s*asyncify:\s*keep-sync\b(?:\s*--\s*(?P<reason>.*))?")


def keep_sync_pragma(node: cst.FunctionDef) -> str | None:
    """The reason of a ``# asyncify: keep-sync -- reason`` comment above, or on, a ``def`` line."""
    comments = [line.comment for line in node.leading_lines if line.comment]
    for decorator in node.decorators:
        comments += [line.comment for line in decorator.leading_lines if line.comment]
    if isinstance(node.body, cst.IndentedBlock) and node.body.header.comment:
        comments.append(node.body.header.comment)
    for comment in comments:
        match = KEEP_SYNC_PRAGMA.search(comment.value)
        if match:
            return (match.group("reason") or "").strip()
    return None


def is_main_guard(node: cst.If) -> bool:
    """``if __name__ == "__main__":``"""
    test = node.test
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return False
    target = test.comparisons[0]
    sides = {
        cst.Module([]).code_for_node(test.left),
        cst.Module([]).code_for_node(target.comparator),
    }
    return isinstance(target.operator, cst.Equal) and sides in (
        {"__name__", '"__main__"'},
        {"__name__", "'__main__'"},
    )


def _keyword_value(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next(
        (
            a.value
            for a in call.args
            if a.keyword is not None and a.keyword.value == name
        ),
        None,
    )


def _keyword_code(call: cst.Call, name: str) -> str | None:
    """A call's ``name=`` argument as written, None when absent."""
    value = _keyword_value(call, name)
    return None if value is None else cst.Module([]).code_for_node(value)


def _sqlmodel_lazy(call: cst.Call) -> str | None:
    """The ``lazy=`` a SQLModel ``Relationship(...)`` passes on, as written (None: the lazy
    default); "**" when it cannot be read (``sa_relationship=``, ``**kwargs``, a kwargs dict that
    is not a literal with literal keys)."""
    if any(a.star == "**" for a in call.args) or _keyword_value(call, "sa_relationship") is not None:
        return "**"
    kwargs = _keyword_value(call, "sa_relationship_kwargs")
    if kwargs is None:
        return None
    if not isinstance(kwargs, cst.Dict):
        return "**"
    for element in kwargs.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
            return "**"
        if element.key.evaluated_value == "lazy":
            return cst.Module([]).code_for_node(element.value)
    return None


class _Names(VisitorDispatch, cst.CSTVisitor):
    """Dotted names in an expression, string annotations (``"Session"``) included."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        text = dotted(node)
        if text is not None:
            self.found.append(text)
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node.value)

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        """``Callable[[A, B], R]``: the callable and what it returns, not its parameter types (a
        ``Callable[[], Session]`` builds sessions; a ``Callable[[Session], None]`` is handed one)."""
        name = dotted(node.value)
        if name is None or name.rpartition(".")[2] != "Callable" or not node.slice:
            return True
        node.value.visit(self)
        for element in node.slice[1:]:
            element.visit(self)
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        try:
            inner = cst.parse_expression(node.evaluated_value)  # type: ignore[arg-type]
        except Exception:
            return
        inner.visit(self)


class Indexer(VisitorDispatch, QualnameTracker, cst.CSTVisitor):
    """Collects a ``ModuleIndex`` from one parsed module (read-only)."""

    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module_name: str, path: str, is_package: bool) -> None:
        super().__init__()
        self._scope_init(module_name)
        self.path = path
        self.is_package = is_package
        self._module: cst.Module | None = None
        self._literal_dicts: dict[str, frozenset[str]] | None = None
        self.imports: dict[str, str] = {}
        self.star_imports: list[str] = []  # ``from .m import *``: absolute module names
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.globals: list[Binding] = []
        self.aliases: list[tuple[str, tuple[str, ...]]] = []
        self.pytest_plugins: list[str] = []
        self._stack: list[_FunctionBuilder] = [
            _FunctionBuilder(
                {
                    "qualname": f"{module_name}.<module>",
                    "name": "<module>",
                    "line": 1,
                    "kind": "module",
                }
            )
        ]
        self._class_stack: list[tuple[str, list[tuple[str, tuple[str, ...]]]]] = []
        self._awaited: set[int] = set()
        #: Lambdas handed as arguments, by node id: ``FunctionInfo.passed_to``.
        self._lambda_args: dict[int, tuple[str, Callee, str, int]] = {}
        #: Lambdas a thread runner call stands in for, by node id: ``FunctionInfo.in_thread``.
        self._thread_lambdas: set[int] = set()
        self._with_calls: set[int] = set()
        #: Items of ``async with`` statements: already async context managers, not ``entered``.
        self._async_with_items: set[int] = set()
        self._iterated: set[int] = set()
        self._arguments: set[int] = set()
        self._not_refs: set[int] = (
            set()
        )  # Name nodes that are not reads (keywords, def names…)
        self._unstored: set[int] = set()  # elements of returned tuples and of unpacking targets
        #: Reads that are not values (``FunctionInfo.value_refs``): called names, class bases,
        #: classes checked by ``isinstance``; and the depth of annotations being visited.
        self._not_values: set[int] = set()
        self._annotations = 0
        self._stored_attrs: set[int] = set()  # ``obj.x`` assigned to or deleted: ``obj`` alone is read
        #: Elements (and items of tuple elements) of a literal bound to a name: (collection, position).
        self._collections: dict[int, tuple[str, int]] = {}
        self._yield_statements: set[int] = set()  # ``yield from g`` as a statement of its own
        self._main_guard = 0
        self._literal_loops = 0  # numbers the loops over literals (``<loop L:N>``)
        self._module_blocks = (
            0  # depth of ``if``/``try``/``with``/loop blocks at module level
        )

    # -- helpers -------------------------------------------------------------------------------
    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def qualify(self, name: str) -> str:
        """Absolute qualname of a dotted name as written in this module (imports resolved)."""
        root, _, rest = name.partition(".")
        base = self.imports.get(root, f"{self.module_name}.{root}")
        return f"{base}.{rest}" if rest else base

    def _names_in(self, node: cst.CSTNode | None) -> tuple[str, ...]:
        if node is None:
            return ()
        collect = _Names()
        node.visit(collect)
        return tuple(self.qualify(n) for n in collect.found)

    @property
    def _current(self) -> _FunctionBuilder:
        return self._stack[-1]

    def _imported(self, text: str) -> str | None:
        """Absolute qualname of a dotted name whose root is imported; None otherwise."""
        root, _, rest = text.partition(".")
        base = self.imports.get(root)
        return None if base is None else (f"{base}.{rest}" if rest else base)

    def _kind(self, value: cst.BaseExpression) -> str:
        return value_kind(value, self._imported)

    def _store(self, target: cst.CSTNode, kind: str = "") -> None:
        """Note the names ``target`` stores to (``FunctionInfo.stores``): a plain name with
        ``kind``, each name unpacked from a tuple or list with "" (its element is not proven)."""
        if self.scope_kind == "class":
            return  # a class body's names are attributes, no function's locals
        if isinstance(target, cst.Name):
            names = [(target.value, kind)]
        else:
            names = [(n.value, "") for n in m.findall(target, m.Name()) if _stored_name(target, n)]
        for name, k in names:
            if self.scope_kind == "function" and name in self._current.global_names:
                # a callee named there resolves in the function, not the module: not checked
                self._stack[0].stores.append((name, settled(k)))
            else:
                self._current.stores.append((name, k))

    # -- imports -------------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        self._store_imports(node)
        self._import(node)
        return False

    def _import(self, node: cst.Import) -> None:
        for alias in node.names:
            full = dotted(alias.name) or ""
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.imports[alias.asname.name.value] = full
            else:
                root = full.split(".")[0]
                self.imports[root] = root

    def _import_from(self, node: cst.ImportFrom) -> None:
        target = dotted(node.module) if node.module is not None else None
        base = resolve_relative(
            self.module_name, self.is_package, len(node.relative), target
        )
        if isinstance(node.names, cst.ImportStar):
            if base and self.scope_kind == "module":
                self.star_imports.append(base)
            return
        for alias in node.names:
            name = dotted(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.imports[local] = f"{base}.{name}" if base else name

    def _store_imports(self, node: cst.Import | cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            if alias.asname is not None:
                self._store(alias.asname.name)
            elif (text := dotted(alias.name)) is not None:
                self._store(cst.Name(text.split(".")[0]))

    # -- scopes --------------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._not_values.update(id(base.value) for base in node.bases)
        self._store(node.name)
        self._not_refs.add(id(node.name))
        self._push("class", node.name.value)
        self._class_stack.append((self.scope_qualname, []))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        qualname, annotations = self._class_stack.pop()
        bases = tuple(
            q
            for arg in original_node.bases
            if arg.keyword is None
            for q in self._names_in(arg.value)[:1]
        )
        backrefs: list[tuple[str, str, str | None]] = []
        proxies: list[tuple[str, str]] = []
        relationships = tuple(self._relationships(original_node, backrefs, proxies))
        self.classes.append(
            ClassInfo(
                qualname,
                self._line(original_node),
                bases,
                tuple(annotations),
                relationships,
                tuple(backrefs),
                tuple(proxies),
                _class_body_names(original_node),
            )
        )
        self._pop()

    def _relationships(
        self, node: cst.ClassDef, backrefs: list[tuple[str, str, str | None]], proxies: list[tuple[str, str]]
    ) -> Iterator[tuple[str, str | None]]:
        """``attr = relationship(...)`` / ``attr: Mapped[...] = relationship(...)`` of a class body;
        the reverse relationships their ``backref=`` declare go to ``backrefs``, the association
        proxies (``attr = association_proxy("rel", "x")``) to ``proxies``."""
        for stmt in node.body.body if isinstance(node.body, cst.IndentedBlock) else ():
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target, value = small.targets[0].target, small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None:
                    target, value = small.target, small.value
                else:
                    continue
                if not (isinstance(target, cst.Name) and isinstance(value, cst.Call)):
                    continue
                func = dotted(value.func)
                if func is not None and self.qualify(func) in sqla.ASSOCIATION_PROXY_FUNCTIONS:
                    first = value.args[0].value if value.args and value.args[0].keyword is None else None
                    if isinstance(first, cst.SimpleString) and isinstance(first.evaluated_value, str):
                        proxies.append((target.value, first.evaluated_value))
                    continue
                if func is not None and self.qualify(func) in sqla.SQLMODEL_RELATIONSHIP_FUNCTIONS:
                    yield target.value, _sqlmodel_lazy(value)
                    continue
                if (
                    func is None
                    or self.qualify(func) not in sqla.RELATIONSHIP_FUNCTIONS
                ):
                    continue
                if any(a.star == "**" for a in value.args) and not spreads_constant_dicts(value, self._constant_dicts(), "lazy"):
                    yield target.value, "**"  # ``**kwargs`` may set lazy: unknown
                    continue
                yield target.value, _keyword_code(value, "lazy")
                backref = self._backref(value)
                if backref is not None:
                    backrefs.append(backref)

    def _constant_dicts(self) -> dict[str, frozenset[str]]:
        """The module's constant keyword dicts (``kwarg_dicts``), read once, on first need."""
        if self._literal_dicts is None:
            self._literal_dicts = constant_dicts(self._module) if self._module is not None else {}
        return self._literal_dicts

    def _backref(self, relationship: cst.Call) -> tuple[str, str, str | None] | None:
        """``relationship("Address", backref="user")`` → ``("Address", "user", None)``;
        ``backref=backref("user", lazy=…)`` → its ``lazy=`` as written. None when not literal.
        """
        positional = [
            a.value for a in relationship.args if a.keyword is None and not a.star
        ]
        value = _keyword_value(relationship, "backref")
        if not positional or value is None:
            return None
        first = positional[0]
        if isinstance(first, cst.SimpleString) and isinstance(
            first.evaluated_value, str
        ):
            target = first.evaluated_value
        elif (text := dotted(first)) is not None:
            target = self.qualify(text)
        else:
            return None
        if isinstance(value, cst.SimpleString) and isinstance(
            value.evaluated_value, str
        ):
            return target, value.evaluated_value, None
        if (
            isinstance(value, cst.Call)
            and value.args
            and isinstance(value.args[0].value, cst.SimpleString)
        ):
            name = value.args[0].value.evaluated_value
            if isinstance(name, str) and not any(a.star == "**" for a in value.args):
                return target, name, _keyword_code(value, "lazy")
        return None

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        target = node.target
        if isinstance(target, cst.Attribute) and m.matches(target.value, m.Name("self")) and self._stack:
            self._current.self_attrs.add(target.attr.value)  # ``self.x: T = v``
        if self.scope_kind == "class" and isinstance(node.target, cst.Name):
            self._class_stack[-1][1].append(
                (node.target.value, self._names_in(node.annotation.annotation))
            )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._store(node.name)
        self._not_refs.add(id(node.name))
        enclosing_class = self.scope_qualname if self.scope_kind == "class" else None
        parent = self.function_qualname
        self._push("function", node.name.value)
        params = []
        for p in (
            *node.params.posonly_params,
            *node.params.params,
            *node.params.kwonly_params,
        ):
            params.append(self._param(p))
        for star, kind in ((node.params.star_arg, "tuple"), (node.params.star_kwarg, "dict")):
            if isinstance(star, cst.Param):
                params.append(interned(Param(star.name.value, builtin=kind)))
        decorators = tuple(
            self.qualify(text)
            for d in node.decorators
            if (
                text := dotted(
                    d.decorator.func
                    if isinstance(d.decorator, cst.Call)
                    else d.decorator
                )
            )
        )
        self._stack.append(
            _FunctionBuilder(
                {
                    "qualname": self.scope_qualname,
                    "name": node.name.value,
                    "line": self._line(node),
                    "kind": "function",
                    "is_async": node.asynchronous is not None,
                    "class_qualname": enclosing_class,
                    "parent": parent,
                    "decorators": decorators,
                    "params": tuple(params),
                    "returns_annotation": (
                        self._names_in(node.returns.annotation) if node.returns else ()
                    ),
                    "returns_builtin": annotation_kind(node.returns.annotation, self._imported) if node.returns else "",
                    "returns_shape": self._shape(node.returns.annotation) if node.returns else None,
                    "keep_sync": keep_sync_pragma(node),
                    "fixture_name": self._fixture_name(node),
                    "fixture_params": self._fixture_params(node),
                    "top_level": self._module_blocks == 0
                    and parent is None
                    and enclosing_class is None,
                }
            )
        )
        if self._current.info["fixture_params"] == "@params":
            for d in node.decorators:
                if isinstance(d.decorator, cst.Call) and (value := _keyword_value(d.decorator, "params")) is not None:
                    self._collect(value, "@params")
        for d in node.decorators:
            if isinstance(d.decorator, cst.Call) and (parametrized := self._parametrize(d.decorator)) is not None:
                self._collect(parametrized[1], f"{PARAMETRIZE_PREFIX}{','.join(parametrized[0])}")

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        builder = self._stack.pop()
        if builder.dict_values:
            builder.info["class_lookups"] = tuple((c.table, c.values, c.picked) for c in class_lookups(original_node.body))
        self.functions.append(builder.build())
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        parent = self.function_qualname
        passed_to = self._lambda_args.get(id(node))
        body_call = Callee.of_func(node.body.func) if isinstance(node.body, cst.Call) else None
        self._push("lambda", "<lambda>")
        self._stack.append(
            _FunctionBuilder(
                {
                    "qualname": self.scope_qualname,
                    "name": "<lambda>",
                    "line": self._line(node),
                    "kind": "lambda",
                    "parent": parent,
                    "params": tuple(interned(Param(p.name.value)) for p in node.params.params),
                    "passed_to": passed_to,
                    "body_call": body_call,
                    "in_thread": id(node) in self._thread_lambdas,
                }
            )
        )

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.functions.append(self._stack.pop().build())
        self._pop()

    def _param(self, p: cst.Param) -> Param:
        annotation = self._names_in(p.annotation.annotation) if p.annotation else ()
        depends = None
        if isinstance(p.default, cst.Call) and p.default.args:
            func = dotted(p.default.func)
            if func and self.qualify(func).endswith("Depends"):
                target = dotted(p.default.args[0].value)
                depends = self.qualify(target) if target else None
        builtin = annotation_kind(p.annotation.annotation, self._imported) if p.annotation else ""
        shape = self._shape(p.annotation.annotation) if p.annotation else None
        return interned(Param(p.name.value, annotation, depends, builtin, shape))

    def _shape(self, annotation: cst.BaseExpression) -> Shape | None:
        return container_shape(annotation, self._imported, self._names_in)

    # -- references ----------------------------------------------------------------------------
    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._not_refs:
            self._current.refs.add(node.value)
            self._value_ref(node, node.value)

    def _value_ref(self, node: cst.CSTNode, text: str) -> None:
        if id(node) not in self._not_values and not self._annotations:
            self._current.value_refs.add(text)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._annotations += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._annotations -= 1

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        read = Callee.of(node.value if id(node) in self._stored_attrs else node)
        if read is not None and read.path:
            self._current.reads.setdefault(read, self._line(node))
        text = dotted(node)
        if text is not None:  # ``database.engine``: the chain, not its parts
            self._current.refs.add(text)
            if id(node) not in self._stored_attrs:
                self._value_ref(node, text)
            return False
        self._not_refs.add(id(node.attr))
        return True

    def visit_Param(self, node: cst.Param) -> None:
        self._not_refs.add(id(node.name))

    def visit_ImportAlias(self, node: cst.ImportAlias) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:  # type: ignore[override]
        self._store_imports(node)
        self._import_from(node)
        return False

    # -- statements ----------------------------------------------------------------------------
    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if self.scope_kind == "module":
            self._module_blocks += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if self.scope_kind == "module":
            self._module_blocks -= 1

    def visit_If(self, node: cst.If) -> None:
        if is_main_guard(node):
            self._main_guard += 1

    def leave_If(self, original_node: cst.If) -> None:
        if is_main_guard(original_node):
            self._main_guard -= 1

    def visit_Arg(self, node: cst.Arg) -> None:
        self._arguments.add(id(node.value))
        if node.keyword is not None:
            self._not_refs.add(id(node.keyword))

    def visit_For(self, node: cst.For) -> None:
        self._store(node.target)
        self._iterated.add(id(node.iter))
        self._bind_loop_target(node.target, node.iter, node)
        self._not_stored(node.target)  # ``for f, arg in pairs``: names bound, not stored

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._store(node.target)
        self._iterated.add(id(node.iter))
        self._bind_loop_target(node.target, node.iter, node)

    def _bind_loop_target(self, target: cst.BaseExpression, iterable: cst.BaseExpression, node: cst.CSTNode) -> None:
        """``for x in f(...)``: ``x`` is what ``f`` yields; ``for x in xs``: an element of ``xs``;
        ``for x in [a, b]``, ``for x, y in [(a, b), (c, d)]``: see ``_bind_literal_loop``."""
        if self.scope_kind not in ("function", "lambda"):
            return
        if isinstance(iterable, cst.List | cst.Tuple | cst.Set):
            self._bind_literal_loop(target, iterable, node)
            return
        if (enumerated := self._enumerated(target, iterable)) is not None:
            self._bind(enumerated[0], enumerated[1], False, node, iterated=True)  # ``for i, x in enumerate(xs)``
            return
        if not isinstance(target, cst.Name):
            return
        if isinstance(iterable, cst.Call):
            callee = Callee.of_func(iterable.func)
            if callee is not None:
                self._bind(
                    target.value,
                    callee,
                    True,
                    node,
                    iterated=True,
                    statement=_executed_statement(iterable),
                    selected=self._selected(iterable),
                )
        elif isinstance(iterable, cst.Name | cst.Attribute) and (callee := Callee.of(iterable)) is not None:
            self._bind(target.value, callee, False, node, iterated=True)

    def _enumerated(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> tuple[str, Callee] | None:
        """``for i, x in enumerate(xs)`` (the builtin, ``start=`` or not): ``x`` and ``xs``, when
        ``xs`` is a name or attribute chain; None for any other loop."""
        if not (isinstance(target, cst.Tuple | cst.List) and len(target.elements) == 2 and isinstance(iterable, cst.Call)):
            return None
        item = target.elements[1]
        func = iterable.func
        if not (isinstance(item, cst.Element) and isinstance(item.value, cst.Name)):
            return None
        if not (isinstance(func, cst.Name) and func.value == "enumerate" and self._imported("enumerate") is None):
            return None
        first = iterable.args[0] if iterable.args else None
        if first is None or first.keyword is not None or first.star:
            return None
        collection = Callee.of(first.value) if isinstance(first.value, cst.Name | cst.Attribute) else None
        return None if collection is None else (item.value.value, collection)

    def _bind_literal_loop(
        self, target: cst.BaseExpression, iterable: cst.List | cst.Tuple | cst.Set, node: cst.CSTNode
    ) -> None:
        """``for x in [a, f()]``: ``x`` is an element of the literal, as for a local collection
        (``members`` under a name of the loop's own, ``<loop L:N>``, which nothing else binds or
        fills): the type all its elements agree on. ``for x, y in [(a, b), (c, d)]``: each name an
        element of the items at its position (``<loop L:N>#0``…); an element that is not a tuple of
        that length, a starred one, or an item that names nothing (a string) has no known type."""
        if isinstance(target, cst.Name):
            names = [target.value]
        elif isinstance(target, cst.Tuple | cst.List) and all(
            isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.elements
        ):
            names = [e.value.value for e in target.elements]  # type: ignore[attr-defined]
        else:
            return
        self._literal_loops += 1
        line = self._line(node)
        loop = f"<loop {line}:{self._literal_loops}>"
        collections = [loop] if isinstance(target, cst.Name) else [f"{loop}#{i}" for i in range(len(names))]
        for element in iterable.elements or [None]:
            items: list[cst.BaseExpression | None]
            if not isinstance(element, cst.Element):
                items = [None] * len(names)  # ``*rest`` (or no element): what it holds is unknown
            elif isinstance(target, cst.Name):
                items = [element.value]
            elif (
                isinstance(element.value, cst.Tuple | cst.List)
                and len(element.value.elements) == len(names)
                and all(isinstance(e, cst.Element) for e in element.value.elements)
            ):
                items = [e.value for e in element.value.elements]
            else:
                items = [None] * len(names)
            for collection, item in zip(collections, items):
                called = isinstance(item, cst.Call)
                callee = None if item is None else (Callee.of_func(item.func) if isinstance(item, cst.Call) else Callee.of(item))
                if callee is None or item is None:
                    callee, called = OPAQUE_MEMBER, False
                args = tuple(t for a in item.args if (t := dotted(a.value))) if isinstance(item, cst.Call) else ()
                self._current.members.append(
                    Binding(collection, callee, called, line, args, False, argument=None if item is None else _sole_argument(item))
                )
        for name, collection in zip(names, collections):
            self._bind(name, Callee(collection), False, node, iterated=True)

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self._async_with_items.update(id(item) for item in node.items)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._store(node.asname.name)
        if isinstance(node.item, cst.Call):
            self._with_calls.add(id(node.item))
            callee = Callee.of_func(node.item.func)
            if callee and node.asname and isinstance(node.asname.name, cst.Name):
                self._bind(
                    node.asname.name.value,
                    callee,
                    True,
                    node,
                    **_session_keywords(node.item),
                )
        elif isinstance(node.item, (cst.Name, cst.Attribute)) and (callee := Callee.of(node.item)) is not None:
            if id(node) not in self._async_with_items:
                self._current.entered.append((callee, self._line(node)))
            if node.asname and isinstance(node.asname.name, cst.Name):
                # ``with client as c``: ``c`` is what ``__enter__`` returns, taken to be ``client`` itself
                # as for the calls above (a session, a connection, a test client return themselves)
                self._bind(node.asname.name.value, callee, False, node)

    def visit_Assign(self, node: cst.Assign) -> None:
        kind = self._kind(node.value)
        for target in node.targets:
            self._store(target.target, kind)
        for target in node.targets:
            self._assign(target.target, node.value, node)
        if len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            self._collect(node.value, node.targets[0].target.value)
            self._members(node.targets[0].target.value, node.value, node)
        for target in node.targets:
            if isinstance(target.target, cst.Subscript) and isinstance(target.target.value, cst.Name):
                self._members(target.target.value.value, node.value, node, "item")  # ``xs[0] = f``

    def _members(self, name: str, value: cst.BaseExpression, node: cst.CSTNode, how: str = "build") -> None:
        """Note what a collection built in a function holds (``members``). ``how``: "build"
        (``xs = [f, g(a)]``, ``xs = [g(m) for m in ms]``: the literal's elements, the
        comprehension's expression), "extend" (``xs += [h]``: the same) or "item" (``xs[i] = h``:
        the value itself). Any other value (``xs = load()``, ``xs += ys``) is an element of unknown
        type: the name is bound here, to elements the plan cannot tell."""
        if self.scope_kind != "function":
            return
        if how == "item":
            elements: list[cst.BaseExpression] = [value]
        elif isinstance(value, cst.ListComp | cst.SetComp | cst.GeneratorExp):
            elements = [value.elt]
        elif isinstance(value, cst.List | cst.Tuple | cst.Set):
            elements = [e.value for e in value.elements if isinstance(e, cst.Element)]
        elif how == "build" and (Callee.of_func(value.func) if isinstance(value, cst.Call) else Callee.of(value)):
            return  # ``xs = load()``: a binding records it
        else:
            elements = [value]  # ``xs = a + b``, ``xs += ys``: elements of unknown type
        if not elements:
            elements = [value]  # ``xs = []``: bound here, filled where the plan cannot tell
        for element in elements:
            called = isinstance(element, cst.Call)
            callee = Callee.of_func(element.func) if isinstance(element, cst.Call) else Callee.of(element)
            if callee is None or (how != "item" and element is value):
                callee, called = OPAQUE_MEMBER, False  # a string, a lambda, another collection
            args = tuple(t for a in element.args if (t := dotted(a.value))) if isinstance(element, cst.Call) else ()
            member = Binding(name, callee, called, self._line(node), args, False, argument=_sole_argument(element))
            self._current.members.append(member)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        # ``x += v`` keeps a builtin ``x`` one when ``v`` is one too (else ``v.__radd__`` decides)
        self._store(node.target, self._kind(node.value))
        if isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign):
            self._collect(node.value, node.target.value)  # ``X += [...]``
        if isinstance(node.target, cst.Name):
            self._members(node.target.value, node.value, node, "extend")

    def visit_Expr(self, node: cst.Expr) -> None:
        if isinstance(node.value, cst.Yield) and isinstance(node.value.value, cst.From):
            self._yield_statements.add(id(node.value))
            # ``yield from gen()`` as a statement iterates ``gen()`` like a ``for`` loop does (in a
            # fixture made async, an ``async for`` re-yielding each item when ``gen`` becomes async)
            self._iterated.add(id(node.value.value.item))

    def _collect(self, value: cst.BaseExpression, collection: str) -> None:
        """Note the elements of a literal ``value`` held by ``collection`` (see ``collected``)."""
        if isinstance(value, cst.ListComp | cst.SetComp | cst.GeneratorExp):
            items = value.elt.elements if isinstance(value.elt, cst.Tuple) else ()
            for i, item in enumerate(items):
                self._collect_element(item, collection, i)
            if not isinstance(value.elt, cst.Tuple):
                self._current.collected.append((collection, "", -1))
            return
        if not isinstance(value, cst.List | cst.Tuple | cst.Set):
            return
        for element in value.elements:
            if isinstance(element, cst.Element) and isinstance(element.value, cst.Tuple):
                for i, item in enumerate(element.value.elements):
                    self._collect_element(item, collection, i)
            else:
                self._collect_element(element, collection, -1)

    def _collect_element(self, element: cst.BaseElement, collection: str, position: int) -> None:
        if isinstance(element, cst.Element) and isinstance(element.value, cst.Name | cst.Attribute):
            self._collections[id(element)] = (collection, position)
        else:
            self._current.collected.append((collection, "", position))

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if original_node.value is not None:
            kind = annotation_kind(original_node.annotation.annotation, self._imported) or self._kind(original_node.value)
            self._store(original_node.target, kind)
            self._assign(original_node.target, original_node.value, original_node)
            if isinstance(original_node.target, cst.Name):
                self._members(original_node.target.value, original_node.value, original_node)

    def _assign(
        self, target: cst.BaseExpression, value: cst.BaseExpression, node: cst.CSTNode
    ) -> None:
        called = isinstance(value, cst.Call)
        callee = Callee.of_func(value.func) if isinstance(value, cst.Call) else Callee.of(value)
        if isinstance(target, cst.Name):
            if callee is not None:
                args = (
                    tuple(t for a in value.args if (t := dotted(a.value)))
                    if isinstance(value, cst.Call)
                    else ()
                )
                self._bind(
                    target.value,
                    callee,
                    called,
                    node,
                    args,
                    argument=_sole_argument(value),
                    statement=_executed_statement(value),
                    selected=self._selected(value),
                    **_session_keywords(value),
                )
                if self.scope_kind == "module" and (bound := self._typevar_bound(value)) is not None:
                    self.aliases.append((target.value, self._names_in(bound)))
            elif self.scope_kind == "function" and (item := _indexed(value)) is not None:
                self._bind(target.value, item[0], item[1], node, element=item[2])  # ``unit = units[0]``
            elif self.scope_kind == "module":
                self.aliases.append((target.value, self._names_in(value)))
                if target.value == "pytest_plugins":
                    self.pytest_plugins.extend(_string_values(value))
        elif (
            isinstance(target, (cst.Tuple, cst.List))
            and callee is not None
            and all(isinstance(e, cst.Element) and isinstance(e.value, cst.Name) for e in target.elements)
        ):
            for i, element in enumerate(target.elements):
                assert isinstance(element.value, cst.Name)
                self._bind(element.value.value, callee, called, node, element=i)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
            and callee is not None
        ):
            self._current.attr_bindings.append(
                Binding(target.attr.value, callee, called, self._line(node))
            )
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and callee is not None
            and self.scope_kind == "function"
        ):
            self._current.local_attr_bindings.append(
                Binding(f"{target.value.value}.{target.attr.value}", callee, called, self._line(node))
            )
        elif (
            isinstance(target, cst.Subscript)
            and isinstance(target.value, cst.Attribute)
            and target.value.attr.value == "attributes"
            and callee is not None
            and not called
        ):
            self._current.attributes_stores.append((callee, self._line(node)))

    def _selected(self, value: cst.BaseExpression) -> str | None:
        """``Binding.selected``: ``X`` of the ``select(X)`` the value's statement starts from."""
        node = _executed_node(value) or value
        while isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in sqla.SELECT_BUILDERS:
                node = func.value
                continue
            text = dotted(func)
            if text is None or self.qualify(text) not in sqla.SELECT_FUNCTIONS or not node.args:
                return None
            arg = node.args[0]
            return None if arg.keyword is not None or arg.star else dotted(arg.value)
        return None

    def _typevar_bound(self, value: cst.BaseExpression) -> cst.BaseExpression | None:
        """The ``bound=`` of ``TypeVar("T", bound=B)`` (a name, attribute chain or string)."""
        if not isinstance(value, cst.Call) or (text := dotted(value.func)) is None:
            return None
        if self.qualify(text) not in sqla.TYPEVAR_FACTORIES:
            return None
        return _keyword_value(value, "bound")

    def _fixture_params(self, node: cst.FunctionDef) -> str | None:
        """``params=`` of a ``@pytest.fixture(...)`` decorator: a name as written, ``"@params"`` for
        a literal (its elements are collected into the fixture, under that collection)."""
        for d in node.decorators:
            call = d.decorator
            if isinstance(call, cst.Call) and (text := dotted(call.func)) is not None and self.qualify(text) in sqla.FIXTURE_DECORATORS:
                value = _keyword_value(call, "params")
                if isinstance(value, cst.Name | cst.Attribute):
                    return dotted(value)
                if value is not None:
                    return "@params"
        return None

    def _parametrize(self, call: cst.Call) -> tuple[list[str], cst.BaseExpression] | None:
        """``@pytest.mark.parametrize("a, b", [...])``: the argument names (literal) and values."""
        if (text := dotted(call.func)) is None or self.qualify(text) != sqla.PARAMETRIZE_DECORATOR:
            return None
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        names = positional[0] if positional else _keyword_value(call, "argnames")
        values = positional[1] if len(positional) > 1 else _keyword_value(call, "argvalues")
        if isinstance(names, cst.SimpleString) and isinstance(names.evaluated_value, str):
            found = [n.strip() for n in names.evaluated_value.split(",") if n.strip()]
        elif isinstance(names, cst.List | cst.Tuple) and all(
            isinstance(e.value, cst.SimpleString) and isinstance(e.value.evaluated_value, str) for e in names.elements
        ):
            found = [e.value.evaluated_value for e in names.elements]  # type: ignore[attr-defined]
        else:
            return None
        return (found, values) if found and values is not None else None

    def _fixture_name(self, node: cst.FunctionDef) -> str | None:
        """``name="x"`` of a ``@pytest.fixture(...)`` decorator, when a literal."""
        for d in node.decorators:
            call = d.decorator
            if isinstance(call, cst.Call) and (text := dotted(call.func)) is not None and self.qualify(text) in sqla.FIXTURE_DECORATORS:
                value = _keyword_value(call, "name")
                if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
                    return value.evaluated_value
        return None

    def _bind(
        self,
        name: str,
        callee: Callee,
        called: bool,
        node: cst.CSTNode,
        args: tuple[str, ...] = (),
        expire_on_commit: str | None = None,
        autoflush: str | None = None,
        element: int | None = None,
        iterated: bool = False,
        argument: Callee | None = None,
        statement: Callee | None = None,
        selected: str | None = None,
    ) -> None:
        binding = Binding(
            name,
            callee,
            called,
            self._line(node),
            args,
            self._module_blocks == 0,
            expire_on_commit=expire_on_commit,
            autoflush=autoflush,
            element=element,
            iterated=iterated,
            argument=argument,
            statement=statement,
            selected=selected,
        )
        if self.scope_kind == "function" and name in self._current.global_names:
            # ``global SessionLocal`` then ``SessionLocal = sessionmaker(...)`` in an init function.
            self.globals.append(replace(binding, top_level=False))
        elif self.scope_kind == "module":
            self.globals.append(binding)
            if not called and element is None:
                self.aliases.append((name, (self.qualify(str(callee)),)))
        elif self.scope_kind in ("function", "lambda"):
            self._current.bindings.append(binding)

    def _returned(self, value: cst.BaseExpression | None, node: cst.CSTNode, element: int | None = None) -> None:
        if value is None:
            return
        if isinstance(value, cst.Tuple) and element is None:
            for i, item in enumerate(value.elements):
                if isinstance(item, cst.Element):
                    self._returned(item.value, node, i)
            return
        called = isinstance(value, cst.Call)
        callee = Callee.of_func(value.func) if isinstance(value, cst.Call) else Callee.of(value)
        if callee is not None:
            self._current.returns.append(
                Binding(
                    "<return>",
                    callee,
                    called,
                    self._line(node),
                    element=element,
                    statement=_executed_statement(value),
                    selected=self._selected(value),
                    **_session_keywords(value),
                )
            )

    def visit_Global(self, node: cst.Global) -> None:
        if self.scope_kind == "function":
            self._current.global_names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        # stores through it go to an enclosing function's name: none of them can be proven there
        for builder in self._stack[1:]:
            builder.stores.extend((item.name.value, "") for item in node.names)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._store(node.target, self._kind(node.value))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._store(node.name.name)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._store(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._store(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self._store(node.rest)

    def visit_Return(self, node: cst.Return) -> None:
        self._not_stored(node.value)
        self._returned(node.value, node)

    def visit_Yield(self, node: cst.Yield) -> None:
        self._current.is_generator = True
        if isinstance(node.value, cst.From) and self._current.yields_from != "expression":
            self._current.yields_from = "statement" if id(node) in self._yield_statements else "expression"
        if not isinstance(node.value, cst.From):
            self._not_stored(node.value)
            self._returned(node.value, node)

    def _not_stored(self, value: cst.BaseExpression | None) -> None:
        """``return app, session``: the tuple's elements go back to a caller, not into storage."""
        if isinstance(value, cst.Tuple | cst.List):
            self._unstored.update(id(element) for element in value.elements)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._not_stored(node.target)  # ``a, b = pair``: names bound, not stored
        self._store_attrs(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._store_attrs(node.target)  # ``del obj.x`` runs a deleter, never a getter: ``obj`` alone is read

    def _store_attrs(self, target: cst.BaseExpression) -> None:
        """Attributes a statement stores into (``obj.x = v``, ``a.b, c = pair``)."""
        if isinstance(target, cst.Attribute):
            self._stored_attrs.add(id(target))
            if isinstance(target.value, cst.Name) and target.value.value == "self" and self._stack:
                self._current.self_attrs.add(target.attr.value)
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self._store_attrs(element.value)

    def visit_Element(self, node: cst.Element) -> None:
        if id(node) in self._unstored or not isinstance(node.value, cst.Name | cst.Attribute):
            return
        text = dotted(node.value)
        if text is not None:
            self._current.stored.append((text, self._line(node)))
            collection, position = self._collections.get(id(node), ("", -1))
            self._current.collected.append((collection, text, position))

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if isinstance(node.value, cst.Name | cst.Attribute) and (text := dotted(node.value)) is not None:
            self._current.dict_values.append((text, self._line(node)))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        self._not_values.add(id(func))
        if isinstance(func, cst.Name) and func.value in ("isinstance", "issubclass") and len(node.args) == 2:
            checked = node.args[1].value
            elements = checked.elements if isinstance(checked, cst.Tuple) else [cst.Element(checked)]
            self._not_values.update(id(e.value) for e in elements)
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and node.args:
            if func.attr.value == "extend":
                self._collect(node.args[0].value, func.value.value)
            elif func.attr.value in ("append", "insert"):
                item = node.args[-1].value
                if isinstance(item, cst.Name | cst.Attribute) and (text := dotted(item)) is not None:
                    self._current.stored.append((text, self._line(node)))
                    self._current.collected.append((func.value.value, text, -1))
                elif isinstance(item, cst.Tuple):
                    for i, element in enumerate(item.elements):
                        self._collect_element(element, func.value.value, i)
                else:
                    self._current.collected.append((func.value.value, "", -1))
        callee = Callee.of_func(node.func)
        if callee is None:
            # ``db.query(M).filter(...).first()``: the terminal's receiver is a call; the inner
            # ``db.query`` call is visited on its own.
            return
        for key, arg in argument_keys(node):
            if isinstance(arg.value, cst.Lambda):
                self._lambda_args[id(arg.value)] = (self._current.info["qualname"], callee, key, self._line(node))
        self._current.calls.append(
            CallSite(
                callee,
                self._line(node),
                awaited=id(node) in self._awaited,
                in_with=id(node) in self._with_calls,
                argument=id(node) in self._arguments,
                main_guard=self._main_guard > 0 and self.scope_kind == "module",
                iterated=id(node) in self._iterated,
                args=named_args(node),
                arg_keys=tuple(key for key, _ in argument_keys(node)),
                text=_first_string(node),
            )
        )
        self._thread_call(node)

    def _thread_call(self, node: cst.Call) -> None:
        """``await run_in_threadpool(f, x)`` is also a call ``f(x)``: the one it becomes once ``f``
        is made async (``thread_calls.py``), awaited or handed on (``gather(...)``) as the runner
        call is."""
        name = dotted(node.func)
        awaited = id(node) in self._awaited
        if not awaited and id(node) not in self._arguments:
            return  # a coroutine returned or kept: whoever awaits it is not this function
        found = runner((self.qualify(name),) if name else (), node.func, awaited)
        if found is None:
            return
        call = in_place(node, found, lambda func: (text := dotted(func)) is not None and self.qualify(text) == sqla.PARTIAL)
        callee = Callee.of_func(call.func) if call is not None else None
        if call is None or callee is None:
            return
        if isinstance(function := handed(node, found), cst.Lambda):
            self._thread_lambdas.add(id(function))
        self._current.calls.append(
            CallSite(
                callee,
                self._line(node),
                awaited=awaited,
                argument=id(node) in self._arguments,
                args=named_args(call),
                arg_keys=tuple(key for key, _ in argument_keys(call)),
            )
        )


def _stored_name(target: cst.CSTNode, name: cst.Name) -> bool:
    """``name`` (found in an assignment or loop target) is a name stored to, not one read to reach
    the real target (``a[i], b.x = ...`` stores to neither ``a``, ``i`` nor ``b``)."""
    if target is name:
        return True
    if isinstance(target, cst.Tuple | cst.List):
        return any(_stored_name(e.value, name) for e in target.elements)
    if isinstance(target, cst.StarredElement):
        return _stored_name(target.value, name)
    return False


def _class_body_names(node: cst.ClassDef) -> tuple[str, ...]:
    """``ClassInfo.body_names``: what the class body binds besides its methods."""
    names: set[str] = set()
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else (node.body,)
    for stmt in body:
        if isinstance(stmt, cst.FunctionDef):
            continue
        if isinstance(stmt, cst.ClassDef):
            names.add(stmt.name.value)
            continue
        if not isinstance(stmt, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            return ("*",)  # an ``if``/``for``/``try``/``with`` block: it may bind anything
        for small in stmt.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AnnAssign | cst.AugAssign):
                targets = [small.target]
            elif isinstance(small, cst.Import | cst.ImportFrom):
                if isinstance(small.names, cst.ImportStar):
                    return ("*",)
                for alias in small.names:
                    bound = alias.asname.name if alias.asname else alias.name
                    text = dotted(bound)
                    if text is not None:
                        names.add(text.split(".")[0])
            elif isinstance(small, cst.Global | cst.Nonlocal | cst.Del):
                return ("*",)
            for target in targets:
                if isinstance(target, cst.Name):
                    names.add(target.value)
                else:
                    names.update(n.value for n in m.findall(target, m.Name()))  # type: ignore[union-attr]
    return tuple(sorted(names))


def argument_keys(call: cst.Call) -> list[tuple[str, cst.Arg]]:
    """``f(a, b=c)`` → [("0", a), ("b", b=c)]: each argument by position or keyword, up to a ``*args``
    (positions after it are unknown)."""
    found = []
    position = 0
    for arg in call.args:
        if arg.star:
            break
        key = arg.keyword.value if arg.keyword is not None else str(position)
        if arg.keyword is None:
            position += 1
        found.append((key, arg))
    return found


def _first_string(call: cst.Call) -> str | None:
    if call.args and call.args[0].keyword is None and not call.args[0].star:
        value = call.args[0].value
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            return value.evaluated_value
    return None


def named_args(call: cst.Call) -> tuple[tuple[str, Callee], ...]:
    """``f(client, db=self.db, x=1)`` → (("0", client), ("db", self.db)): what plain arguments name."""
    found = []
    for key, arg in argument_keys(call):
        callee = Callee.of(arg.value) if isinstance(arg.value, (cst.Name, cst.Attribute)) else None
        if callee is not None and not callee.calls:
            found.append((key, callee))
    return tuple(found)


def index_module(module: cst.Module, module_name: str, path: Path | str, is_package: bool = False) -> ModuleIndex:
    """Index one parsed module."""
    indexer = Indexer(module_name, str(path), is_package)
    table = positions(module)
    indexer.metadata = {PositionProvider: table}  # what MetadataWrapper.visit resolves
    indexer._module = module
    module.visit(indexer)
    indexer.metadata = {}
    functions = [*indexer.functions, indexer._stack[0].build()]
    imports = indexer.imports
    loading = collect_loading_facts(module, table, module_name, indexer.qualify)
    return ModuleIndex(
        module=module_name,
        path=str(path),
        imports=tuple(sorted(imports.items())),
        star_imports=tuple(indexer.star_imports),
        functions=tuple(functions),
        classes=tuple(indexer.classes),
        globals=tuple(indexer.globals),
        aliases=tuple(indexer.aliases),
        pytest_plugins=tuple(indexer.pytest_plugins),
        mentions_sqlalchemy=any(q.startswith(("sqlalchemy", "sqlmodel")) for q in imports.values()),
        loads=tuple(sorted(loading.functions.items())),
        relationship_targets=tuple(sorted((k, v) for k, v in loading.targets.items() if v)),
        primary_keys=tuple(sorted((k, v) for k, v in loading.primary_keys.items() if v)),
    )


def _string_values(value: cst.BaseExpression) -> list[str]:
    """The strings of ``"a"``, ``("a", "b")`` or ``["a", "b"]``; other elements are skipped."""
    elements = [e.value for e in value.elements] if isinstance(value, (cst.Tuple, cst.List)) else [value]
    return [
        e.evaluated_value
        for e in elements
        if isinstance(e, cst.SimpleString) and isinstance(e.evaluated_value, str)
    ]


def _session_keywords(value: cst.BaseExpression) -> dict[str, str | None]:
    """The ``expire_on_commit=`` and ``autoflush=`` arguments of a call, as written (session
    factories and sessions), as ``Binding`` fields."""
    if not isinstance(value, cst.Call):
        return {"expire_on_commit": None, "autoflush": None}
    return {"expire_on_commit": _keyword_code(value, "expire_on_commit"), "autoflush": _keyword_code(value, "autoflush")}

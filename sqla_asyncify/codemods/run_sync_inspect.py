"""``inspect(engine)`` on an engine that becomes an ``AsyncEngine`` → inspection through ``run_sync``.

``sqlalchemy.inspect()`` of an ``AsyncEngine`` raises ``NoInspectionAvailable``: an ``Inspector``
does I/O on a sync connection, which an async one provides only inside
``AsyncConnection.run_sync``. In a function that is async per the plan, each statement using the
inspection gets a connection of its own, as the engine-bound ``Inspector`` checked one out per call::

    insp = inspect(engine)                    insp = engine
    tables = insp.get_table_names()     →     async with insp.connect() as conn: tables = await conn.run_sync(lambda sync_conn: inspect(sync_conn).get_table_names())

The variable keeps its name and now holds the engine being inspected (its annotation is dropped);
``inspect(engine).m(...)`` used in place converts the same way.

``inspect(conn)`` of a connection that becomes an ``AsyncConnection`` raises the same way. Its
inspection runs in the connection's own ``run_sync``, no other connection involved::

    tables = inspect(conn).get_table_names()   →   tables = await conn.run_sync(lambda sync_conn: inspect(sync_conn).get_table_names())
    insp = inspect(conn)                        →   insp = await conn.run_sync(inspect)
    insp.get_columns("t")                       →   await conn.run_sync(lambda sync_conn: insp.get_columns("t"))

A variable keeps the one ``Inspector`` (bound to the sync connection, its cache kept across calls
as before), and each call of it runs inside the connection's greenlet, where its I/O can run. The ``async with`` stays on the
statement's line (the formatter splits it), so no line moves.

``Inspector.from_engine(E)`` is an inspection like ``inspect(E)``. An engine inspected inside a
block holding one of its connections (``with E.begin() as conn`` / ``with E.connect() as conn``)
is inspected through that connection, as ``inspect(conn)`` is: no second connection while the
block holds one, the reflection in the block's transaction, in the order written::

    with engine.begin() as conn:                     async with engine.begin() as conn:
        insp = Inspector.from_engine(engine)     →       insp = await conn.run_sync(Inspector.from_engine)
        for t in insp.get_table_names(): ...             for t in await conn.run_sync(lambda sync_conn: insp.get_table_names()): ...

Calls through a connection need no statement of their own, so they are converted in loop headers
and conditions too; an engine's inspector called there outside such a block would need a
connection held across the whole statement: reported and left.

``Table(..., autoload_with=B)`` reflects on ``B`` the same way: in a connection's ``run_sync``
(``lambda sync_conn: Table(..., autoload_with=sync_conn)``), on a connection of its own for the
statement when ``B`` is an engine outside a block holding one of its connections.

An inspection used otherwise (passed on, returned, stored) is reported and left. The plan makes a
function inspecting such an engine async (its reason: the inspection); where it cannot, the plan
reports why.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
import libcst.matchers as m

from .. import sqla
from ..names import Callee
from ..plan import CONNECTION, ENGINE
from .add_awaits import parenthesized_await
from .base import AsyncifyCodemod

_INSPECT = sqla.INSPECTION_CALLS
_FIX = (
    "inspect through a connection: `async with engine.connect() as conn: "
    "await conn.run_sync(lambda sync_conn: inspect(sync_conn).get_table_names())`"
)


class RunSyncInspect(AsyncifyCodemod):
    DESCRIPTION = "inspect(engine) / Table(autoload_with=engine) on an AsyncEngine → await conn.run_sync(...)."
    TRIGGERS = ("inspect", "from_engine", "autoload_with")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # per function being rewritten: inspector variable name → engine expression
        self._inspectors: list[dict[str, tuple[cst.BaseExpression, cst.BaseExpression]]] = []
        # per function: the blocks open here, ``with E.begin()/E.connect() as conn`` → (E's code, conn)
        self._blocks: list[list[tuple[str, cst.Name]]] = []
        self._opened: list[int] = []  # per ``with`` being visited: how many blocks it opened

    # -- analysis --------------------------------------------------------------------------------
    def _engine_inspected(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
        """``(E, inspect)`` for ``inspect(E)`` with ``E`` an engine that becomes an AsyncEngine, or a
        connection that becomes an AsyncConnection (``_is_connection`` tells which)."""
        if not isinstance(node, cst.Call) or len(node.args) != 1 or node.args[0].keyword or node.args[0].star:
            return None
        if not self.qualified_names(node.func, _INSPECT) & _INSPECT:
            return None
        callee = Callee.of(node.args[0].value)
        kind = None if callee is None else self.plan.type_of(self.context_qualname, callee)
        if kind not in (ENGINE, CONNECTION):
            return None
        return self._in_block(node.args[0].value, kind), node.func

    def _in_block(self, bind: cst.BaseExpression, kind: str | None) -> cst.BaseExpression:
        """``bind``, or for an engine inside an open ``with bind.begin() as conn`` block, ``conn``:
        the block's connection, its transaction."""
        if kind == ENGINE and self._blocks:
            code = _code(bind)
            conn = next((c for e, c in reversed(self._blocks[-1]) if e == code), None)
            if conn is not None:
                return conn
        return bind

    def _table_reflected(self, node: cst.Call) -> cst.BaseExpression | None:
        """``B`` of ``Table(..., autoload_with=B)`` with ``B`` an engine or connection that becomes
        async (an engine of an open block: that block's connection)."""
        bind = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "autoload_with"), None)
        if bind is None or not self.qualified_names(node.func, sqla.TABLE_CLASSES) & sqla.TABLE_CLASSES:
            return None
        callee = Callee.of(bind)
        kind = None if callee is None else self.plan.type_of(self.context_qualname, callee)
        if kind not in (ENGINE, CONNECTION):
            return None
        return self._in_block(bind, kind)

    def _block_of(self, item: cst.WithItem) -> tuple[str, cst.Name] | None:
        """``E.begin() as conn`` / ``E.connect() as conn`` with ``E`` an engine that becomes an
        AsyncEngine and ``conn`` its AsyncConnection: (E's code, conn)."""
        call, asname = item.item, item.asname
        if not (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("begin", "connect")
            and not call.args
            and asname is not None
            and isinstance(asname.name, cst.Name)
        ):
            return None
        engine = Callee.of(call.func.value)
        conn = Callee.of(asname.name)
        if engine is None or conn is None or self.plan.type_of(self.context_qualname, engine) != ENGINE:
            return None
        if self.plan.type_of(self.context_qualname, conn) != CONNECTION:
            return None
        return _code(call.func.value), asname.name

    def _enclosing_block(self, fn: cst.FunctionDef, name: str, binding: cst.Call, engine: cst.BaseExpression) -> cst.Name | None:
        """The connection of the innermost ``with E.begin()/E.connect() as conn`` block of ``fn`` over
        the inspected engine that holds the binding and every use of ``name``."""
        code = _code(engine)
        uses = len(m.findall(fn.body, m.Name(name)))
        found = None
        for block in m.findall(fn.body, m.With()):
            block = cst.ensure_type(block, cst.With)
            for item in block.items:
                opened = self._block_of(item)
                if opened is None or opened[0] != code:
                    continue
                inside = m.findall(block.body, m.Call())
                if any(c is binding for c in inside) and len(m.findall(block.body, m.Name(name))) == uses:
                    found = opened[1]  # findall walks outer blocks first: the last is the innermost
        return found

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        self._blocks.append([])  # a nested function's own: the enclosing blocks may be closed when it runs
        inspectors: dict[str, tuple[cst.BaseExpression, cst.BaseExpression]] = {}
        if self.in_async_context():
            bound: set[int] = set()
            for name, found, value in self._bindings(node):
                bound.add(id(value))
                if not self._only_method_receiver(node.body, name):
                    self.report(value, f"the inspection `{name}` of an AsyncEngine is used other than to call its methods", _FIX)
                    continue
                if not self._is_connection(found[0]):
                    conn = self._enclosing_block(node, name, value, found[0])
                    if conn is not None:  # one Inspector on the block's connection, as for ``inspect(conn)``
                        found = (conn, found[1])
                    elif not self._only_in_simple_statements(node.body, name):
                        self.report(value, f"the inspection `{name}` of an AsyncEngine is called in a compound statement's header", _FIX)
                        continue
                inspectors[name] = found
            receivers = {id(cst.ensure_type(c, cst.Call).func.value) for c in m.findall(node.body, m.Call(func=m.Attribute()))}  # type: ignore[attr-defined]
            for call in m.findall(node.body, m.Call()):
                if id(call) not in bound and id(call) not in receivers and self._engine_inspected(cst.ensure_type(call, cst.Call)):
                    self.report(call, "`inspect()` of an AsyncEngine raises `NoInspectionAvailable`: used here other than to call a method", _FIX)
        # Code that stays sync: the plan made it async for its inspection unless it cannot be
        # (reported there), or it is held, and held code keeps a sync engine of its own.
        self._inspectors.append(inspectors)
        return None

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        self._inspectors.pop()
        self._blocks.pop()
        return super().leave_FunctionDef(original_node, updated_node)

    def visit_With(self, node: cst.With) -> None:
        if self._blocks and self.in_async_context():
            self._blocks[-1].extend(b for b in map(self._block_of, node.items) if b is not None)
            self._opened.append(sum(self._block_of(i) is not None for i in node.items))
        else:
            self._opened.append(0)

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        opened = self._opened.pop()
        if opened:
            del self._blocks[-1][-opened:]
        return updated_node

    def _bindings(self, fn: cst.FunctionDef) -> list[tuple[str, tuple[cst.BaseExpression, cst.BaseExpression], cst.Call]]:
        """``name = inspect(E)`` / ``name: T = inspect(E)`` in ``fn``'s body: one binding per name."""
        found = []
        for node in m.findall(fn.body, m.Assign(targets=[m.AssignTarget(target=m.Name())]) | m.AnnAssign(target=m.Name())):
            if isinstance(node, cst.Assign):
                target, value = node.targets[0].target, node.value
            else:
                target, value = cst.ensure_type(node, cst.AnnAssign).target, cst.ensure_type(node, cst.AnnAssign).value
            inspected = None if value is None else self._engine_inspected(value)
            if inspected is not None:
                found.append((cst.ensure_type(target, cst.Name).value, inspected, cst.ensure_type(value, cst.Call)))
        names = [name for name, _, _ in found]
        return [f for f in found if names.count(f[0]) == 1]

    def _is_connection(self, inspected: cst.BaseExpression) -> bool:
        """The inspected expression is a connection (an AsyncConnection after the migration)."""
        callee = Callee.of(inspected)
        return callee is not None and self.plan.type_of(self.context_qualname, callee) == CONNECTION

    @staticmethod
    def _only_in_simple_statements(body: cst.CSTNode, name: str) -> bool:
        """Every call on ``name`` is in a simple statement line (where a connection of its own can be
        opened on the statement's line), none in a compound statement's header."""
        calls = m.Call(func=m.Attribute(value=m.Name(name)))
        inside = sum(len(m.findall(line, calls)) for line in m.findall(body, m.SimpleStatementLine()))
        return inside == len(m.findall(body, calls))

    @staticmethod
    def _only_method_receiver(body: cst.CSTNode, name: str) -> bool:
        """Every read of ``name`` is ``name.method(...)`` (the one other occurrence: its binding)."""
        occurrences = len(m.findall(body, m.Name(name)))
        receivers = len(m.findall(body, m.Call(func=m.Attribute(value=m.Name(name)))))
        return occurrences == receivers + 1

    # -- rewriting -------------------------------------------------------------------------------
    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        if not self._inspectors or not self.in_async_context():
            return updated_node
        inspectors = self._inspectors[-1]
        # the binding: `insp = inspect(E)` → `insp = E`
        if len(updated_node.body) == 1:
            small = updated_node.body[0]
            target = small.target if isinstance(small, cst.AnnAssign) else small.targets[0].target if isinstance(small, cst.Assign) and len(small.targets) == 1 else None
            value = getattr(small, "value", None)
            if isinstance(target, cst.Name) and target.value in inspectors and value is not None and self._engine_inspected(value) is not None:
                engine, inspect_func = inspectors[target.value]
                if self._is_connection(engine):  # one Inspector, built on the sync connection
                    run_sync = cst.Call(cst.Attribute(engine, cst.Name("run_sync")), [cst.Arg(inspect_func)])
                    return updated_node.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(target)], value=cst.Await(run_sync))])
                return updated_node.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(target)], value=engine)])
        conn = self.unused_local("conn")
        rewriter = _UseThroughRunSync(inspectors, conn, self._engine_inspected, self._table_reflected, self._is_connection)
        body = [s.visit(rewriter) for s in updated_node.body]
        if rewriter.engine is None:
            # only connections inspected (each through its own run_sync), or nothing
            return updated_node.with_changes(body=body) if rewriter.through_connection else updated_node
        return cst.With(
            items=[cst.WithItem(cst.Call(cst.Attribute(rewriter.engine, cst.Name("connect"))), asname=cst.AsName(cst.Name(conn)))],
            body=cst.SimpleStatementSuite(body=body, trailing_whitespace=updated_node.trailing_whitespace),  # type: ignore[arg-type]
            asynchronous=cst.Asynchronous(),
            leading_lines=updated_node.leading_lines,
        )

    def _header(self, original: cst.BaseExpression, expression: cst.BaseExpression) -> cst.BaseExpression:
        """A compound statement's header (a loop's iterable, a condition): inspections through a
        connection's ``run_sync`` in place; one that needs a connection of its own is reported."""
        if not self._inspectors or not self.in_async_context():
            return expression
        rewriter = _UseThroughRunSync(self._inspectors[-1], "conn", self._engine_inspected, self._table_reflected, self._is_connection)
        rewritten = expression.visit(rewriter)
        if rewriter.engine is not None:
            self.report(original, "`inspect()` of an AsyncEngine in a compound statement's header: left as it is", _FIX)
            return expression
        return cst.ensure_type(rewritten, cst.BaseExpression)

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.BaseStatement:
        return updated_node.with_changes(iter=self._header(original_node.iter, updated_node.iter))

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.BaseStatement:
        return updated_node.with_changes(test=self._header(original_node.test, updated_node.test))

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.BaseStatement:
        return updated_node.with_changes(test=self._header(original_node.test, updated_node.test))


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


class _UseThroughRunSync(cst.CSTTransformer):
    """``insp.m(args)`` / ``inspect(E).m(args)`` → ``await conn.run_sync(lambda sync_conn: inspect(sync_conn).m(args))``;
    records the engine the statement's connection comes from (one per statement)."""

    def __init__(
        self,
        inspectors: dict[str, tuple[cst.BaseExpression, cst.BaseExpression]],
        conn: str,
        inspected: Callable[[cst.BaseExpression], tuple[cst.BaseExpression, cst.BaseExpression] | None],
        table_reflected: Callable[[cst.Call], cst.BaseExpression | None],
        is_connection: Callable[[cst.BaseExpression], bool],
    ) -> None:
        super().__init__()
        self.inspectors = inspectors
        self.conn = conn
        self.inspected = inspected
        self.table_reflected = table_reflected
        self.is_connection = is_connection
        self.engine: cst.BaseExpression | None = None
        self.through_connection = False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        bind = self.table_reflected(original_node)
        if bind is not None:
            return self._reflect_table(updated_node, bind)
        if not isinstance(func, cst.Attribute):
            return updated_node
        receiver = func.value
        sync_conn = cst.Name("sync_conn")
        if isinstance(receiver, cst.Name) and receiver.value in self.inspectors:
            connection = self.inspectors[receiver.value][0]
            if self.is_connection(connection):
                # the variable holds an Inspector on the sync connection: call it in its greenlet
                lam = cst.Lambda(cst.Parameters([cst.Param(sync_conn)]), updated_node)
                self.through_connection = True
                return cst.Await(cst.Call(cst.Attribute(connection, cst.Name("run_sync")), [cst.Arg(lam)]))
            engine: cst.BaseExpression = receiver  # the variable now holds the engine
            inspect_func = self.inspectors[receiver.value][1]
        else:
            found = self.inspected(receiver)
            if found is None:
                return updated_node
            engine, inspect_func = found
            if self.is_connection(engine):  # the connection's own run_sync, no other connection
                body = updated_node.with_changes(func=func.with_changes(value=cst.Call(inspect_func, [cst.Arg(sync_conn)])))
                lam = cst.Lambda(cst.Parameters([cst.Param(sync_conn)]), body)
                self.through_connection = True
                return cst.Await(cst.Call(cst.Attribute(engine, cst.Name("run_sync")), [cst.Arg(lam)]))
        if self.engine is None:
            self.engine = engine
        elif cst.Module([]).code_for_node(self.engine) != cst.Module([]).code_for_node(engine):
            return updated_node  # a second engine in one statement: its call is left as it was
        inspected = cst.Call(inspect_func, [cst.Arg(sync_conn)])
        body = updated_node.with_changes(func=func.with_changes(value=inspected))
        lam = cst.Lambda(cst.Parameters([cst.Param(sync_conn)]), body)
        return cst.Await(cst.Call(cst.Attribute(cst.Name(self.conn), cst.Name("run_sync")), [cst.Arg(lam)]))

    # an ``await`` written above, used as a primary: ``(await conn.run_sync(...)).columns``
    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return updated_node.with_changes(value=parenthesized_await(updated_node.value))

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        return updated_node.with_changes(value=parenthesized_await(updated_node.value))

    def _reflect_table(self, call: cst.Call, bind: cst.BaseExpression) -> cst.BaseExpression:
        """``Table(..., autoload_with=B)`` → ``await conn.run_sync(lambda sync_conn: Table(..., autoload_with=sync_conn))``
        on B when it is a connection, else on the statement's connection of B (an engine)."""
        sync_conn = cst.Name("sync_conn")
        args = [a.with_changes(value=sync_conn) if a.keyword is not None and a.keyword.value == "autoload_with" else a for a in call.args]
        lam = cst.Lambda(cst.Parameters([cst.Param(sync_conn)]), call.with_changes(args=args))
        if self.is_connection(bind):
            self.through_connection = True
            return cst.Await(cst.Call(cst.Attribute(bind, cst.Name("run_sync")), [cst.Arg(lam)]))
        if self.engine is None:
            self.engine = bind
        elif _code(self.engine) != _code(bind):
            return call  # a second engine in one statement: its call is left as it was
        return cst.Await(cst.Call(cst.Attribute(cst.Name(self.conn), cst.Name("run_sync")), [cst.Arg(lam)]))

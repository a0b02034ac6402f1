"""``with`` → ``async with`` for the context managers that become async (rules §3.7, §3.8, §3.17).

Sessions (``with SessionLocal() as s``, ``with Session(engine) as s``, ``with s:``), session
transactions (``with s.begin():``, ``with s.begin_nested():``, ``with SessionLocal.begin() as s:``),
engine connections (``with engine.begin() as conn:``, ``with engine.connect() as conn:``) and
connection transactions (``with conn.begin():``), and project ``@contextmanager`` generators the
plan makes async (``@asynccontextmanager`` now), and instances of project classes whose
``__enter__``/``__exit__`` the plan makes ``__aenter__``/``__aexit__`` (``plan/async_contexts.py``): the plan classifies each item
(``Plan.classify(..., in_with=True)``), and the functions holding them are async per the plan.

A ``with`` whose items are partly async context managers and partly sync ones (``with
SessionLocal() as s, open(path) as f:``) cannot be one statement; ``with A, B:`` is ``with A:``
holding ``with B:`` (the language reference says so: entered in order, exited in reverse, an
exception seen by each), so it is split where the kind changes, each run of items its own
statement, nested in order: ``async with SessionLocal() as s:`` holding ``with open(path) as f:``.
Leaving it whole would leave the async items in a sync ``with``, which raises ``TypeError``. A
``with`` in code that cannot await (module level, a function held sync) is left: the plan reported
that already.

``stack.enter_context(cm)`` on a ``contextlib.ExitStack``, with ``cm`` a context manager that
becomes async, enters it as ``with`` would, and an ``ExitStack`` cannot: it is reported and left
(``AsyncExitStack.enter_async_context`` can, awaited, under ``async with``).
"""

from __future__ import annotations

import itertools

import libcst as cst

from .. import sqla
from ..names import Callee
from ..plan import EXIT_STACK
from .base import AsyncifyCodemod


class AsyncWith(AsyncifyCodemod):
    DESCRIPTION = "Turn `with` on sessions, transactions and connections into `async with`."
    TRIGGERS = ("with", sqla.EXIT_STACK_ENTER_METHOD)

    def _is_async_item(self, item: cst.WithItem) -> bool:
        expr = item.item
        if isinstance(expr, cst.Call):
            callee = Callee.of(expr.func)
            if callee is None:
                return False
            target = self.plan.classify(self.context_qualname, callee, in_with=True)
            if self.plan.enters_async_context(self.context_qualname, callee, True):
                return True  # an instance of a class made an async context manager (``__aenter__``)
            if target.kind == "function":
                # A ``@contextmanager`` generator made async is an ``@asynccontextmanager`` now.
                info = self.plan.functions.get(target.name)
                return info is not None and info.is_generator and self.plan.becomes_async(target.name)
            return target.is_async_context
        callee = Callee.of(expr)  # ``with session:`` — an AsyncSession is an async context manager
        return callee is not None and (
            self.plan.is_session(self.context_qualname, callee)
            or self.plan.enters_async_context(self.context_qualname, callee, False)
        )

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == sqla.EXIT_STACK_ENTER_METHOD and len(node.args) == 1):
            return
        receiver = Callee.of(func.value)
        if receiver is None or self.plan.type_of(self.context_qualname, receiver) != EXIT_STACK:
            return
        if self._is_async_item(cst.WithItem(item=node.args[0].value)):
            entered = cst.Module([]).code_for_node(node.args[0].value)
            self.report(
                node,
                f"`{entered}` becomes an async context manager: an `ExitStack` cannot enter it",
                "use `async with contextlib.AsyncExitStack() as stack:` and "
                f"`await stack.enter_async_context({entered})` (its `close()` is `await stack.aclose()`)",
            )

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.BaseStatement:
        if original_node.asynchronous is not None:
            return updated_node
        flags = [self._is_async_item(item) for item in original_node.items]
        if not any(flags):
            return updated_node
        if not self.in_async_context():
            return updated_node  # the plan reported why this code cannot await
        if not all(flags):
            return _split(updated_node, flags)
        return updated_node.with_changes(asynchronous=cst.Asynchronous())


def _split(node: cst.With, flags: list[bool]) -> cst.With:
    """``node`` as nested statements, one per run of consecutive items of one kind (``flags``: the
    item is an async context manager), the outermost first: ``with A, B, C:`` with only ``B`` async
    is ``with A:`` / ``async with B:`` / ``with C:``."""
    runs = [
        (is_async, [item for item, _ in run])
        for is_async, run in itertools.groupby(zip(node.items, flags), key=lambda pair: pair[1])
    ]

    def items(run: list[cst.WithItem]) -> list[cst.WithItem]:
        # The run's last item ends the statement's item list: no comma after it.
        return [*run[:-1], run[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]

    def asynchronous(is_async: bool) -> cst.Asynchronous | None:
        return cst.Asynchronous() if is_async else None

    body: cst.BaseSuite = node.body
    for is_async, run in reversed(runs[1:]):
        body = cst.IndentedBlock(body=[cst.With(items=items(run), body=body, asynchronous=asynchronous(is_async))])
    is_async, run = runs[0]
    outer = node.with_changes(items=items(run), body=body, asynchronous=asynchronous(is_async))
    if len(run) == 1:
        # ``with (A() as a, B() as b):`` split to one item: the parentheses would read as A()'s own.
        outer = outer.with_changes(lpar=cst.MaybeSentinel.DEFAULT, rpar=cst.MaybeSentinel.DEFAULT)
    return outer

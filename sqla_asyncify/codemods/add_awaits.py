"""``await`` on exactly the calls that return coroutines after the migration.

Two kinds, both decided by the plan (rules §1): ``AsyncSession`` coroutine methods (``execute``,
``scalar(s)``, ``get``, ``commit``, ``rollback``, ``flush``, ``refresh``, ``merge``, ``delete``,
``close``…; never ``add``, ``add_all``, ``expunge*``, ``expire*``, ``begin*``, ``in_transaction``), and
calls of project functions the plan makes async. The await keeps precedence right:
``db.execute(s).scalars()`` becomes ``(await db.execute(s)).scalars()``. Calls already awaited, calls
handed to ``asyncio.run``/``gather``/``create_task``, and calls in code that cannot await (reported by
the plan) are left alone; a call inside a generator expression is reported, since an ``await``
there would turn it into an async generator.
"""

from __future__ import annotations

import libcst as cst

from ..names import Callee
from .base import AsyncifyCodemod


def parenthesized_await(node: cst.BaseExpression) -> cst.BaseExpression:
    """Parenthesize a bare ``await`` used as a primary (``(await x).y``, ``(await x)[0]``, ``(await x)()``)."""
    if isinstance(node, cst.Await) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


class AddAwaits(AsyncifyCodemod):
    DESCRIPTION = "Await AsyncSession coroutines and calls of functions made async."
    PLAN_DRIVEN = True

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._genexp_depth = 0

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._genexp_depth += 1

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp) -> cst.BaseExpression:
        self._genexp_depth -= 1
        return updated_node

    def _needs_await(self, node: cst.Call) -> bool:
        callee = Callee.of(node.func)
        if callee is None:
            return False
        target = self.plan.classify(self.context_qualname, callee)
        if target.is_awaited:  # session, engine and connection coroutines (rules §1.1, §1.4, §1.5)
            return True
        return target.kind == "function" and self.plan.becomes_async(target.name)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated_node = updated_node.with_changes(func=parenthesized_await(updated_node.func))
        if not self._needs_await(original_node) or self.is_consumed_as_coroutine(original_node):
            return updated_node
        if not self.in_async_context():
            return updated_node  # the plan reported why this code cannot await
        if self._genexp_depth:
            self.report(
                original_node,
                "a coroutine call inside a generator expression: awaiting it would make an async generator",
                "use a list comprehension (`[await f(x) for x in xs]`) or a loop",
            )
            return updated_node
        # Keep any parentheses around the call on the await: ``(f())`` → ``(await f())``.
        return cst.Await(
            expression=updated_node.with_changes(lpar=[], rpar=[]),
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        return updated_node.with_changes(value=parenthesized_await(updated_node.value))

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        return updated_node.with_changes(value=parenthesized_await(updated_node.value))

"""``for`` → ``async for`` over the project's generators that become async generators (rules §1).

A generator function the plan makes async (``def get_session(): with Session(engine) as s: yield s``
→ ``async def`` with ``async with``) returns an async generator, which a plain ``for`` cannot iterate
(``TypeError: 'async_generator' object is not iterable``). A ``for`` statement, or a list, set or
dict comprehension, iterating a call of one becomes ``async for``; the plan makes the function
holding the loop async for that reason. A generator expression would itself become an async
generator that its consumer (``list(...)``, ``next(...)``) cannot iterate: reported and left.

``yield from gen()`` as a statement of a pytest fixture made async (the plan keeps any other
delegating generator sync: it may be sent to or thrown into) becomes ``async for item in gen():
yield item`` on the same line (the formatter splits it) when ``gen`` becomes an async generator:
async generators have no ``yield from``, and pytest only advances a fixture. A ``yield from`` over a
generator that stays sync becomes a plain loop (``async-tests``).
"""

from __future__ import annotations

import libcst as cst

from ..names import Callee
from .base import AsyncifyCodemod

_Comprehension = cst.ListComp | cst.SetComp | cst.DictComp


class AsyncFor(AsyncifyCodemod):
    DESCRIPTION = "Iterate generators made async with `async for`."
    PLAN_DRIVEN = True
    TRIGGERS = ("for ", "yield from")

    def _iterates_async_generator(self, iterable: cst.BaseExpression) -> bool:
        if not isinstance(iterable, cst.Call):
            return False
        callee = Callee.of(iterable.func)
        if callee is None:
            return False
        target = self.plan.classify(self.context_qualname, callee)
        if target.kind != "function":
            return False
        info = self.plan.functions.get(target.name)
        return (
            info is not None
            and info.is_generator
            and not info.is_async
            and self.plan.becomes_async(target.name)
        )

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        if len(updated_node.body) != 1 or not self.in_async_context():
            return updated_node
        statement = updated_node.body[0]
        if not (
            isinstance(statement, cst.Expr)
            and isinstance(statement.value, cst.Yield)
            and isinstance(statement.value.value, cst.From)
        ):
            return updated_node
        original = original_node.body[0]
        assert isinstance(original, cst.Expr) and isinstance(original.value, cst.Yield)
        assert isinstance(original.value.value, cst.From)
        if not self._iterates_async_generator(original.value.value.item):
            return updated_node
        item = cst.Name(self.unused_local("item", reads=True))
        return cst.For(
            target=item,
            iter=statement.value.value.item,
            body=cst.SimpleStatementSuite(body=[cst.Expr(cst.Yield(value=item))]),
            asynchronous=cst.Asynchronous(),
            leading_lines=updated_node.leading_lines,
        )

    def leave_For(
        self, original_node: cst.For, updated_node: cst.For
    ) -> cst.BaseStatement:
        if original_node.asynchronous is None and self._iterates_async_generator(
            original_node.iter
        ):
            if (
                self.in_async_context()
            ):  # else the plan reported why this code cannot await
                return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return updated_node

    def _comp_for(
        self, original: cst.CompFor, updated: cst.CompFor
    ) -> tuple[cst.CompFor, bool]:
        """The ``for`` clauses of one comprehension, inner first: ``async for`` where they iterate an
        async generator."""
        inner, changed = None, False
        if original.inner_for_in is not None and updated.inner_for_in is not None:
            inner, changed = self._comp_for(original.inner_for_in, updated.inner_for_in)
        result = updated.with_changes(inner_for_in=inner) if changed else updated
        if original.asynchronous is None and self._iterates_async_generator(
            original.iter
        ):
            return result.with_changes(asynchronous=cst.Asynchronous()), True
        return result, changed

    def _leave_comprehension(
        self, original_node: _Comprehension, updated_node: _Comprehension
    ) -> cst.BaseExpression:
        if not self.in_async_context():
            return updated_node
        for_in, changed = self._comp_for(original_node.for_in, updated_node.for_in)
        return updated_node.with_changes(for_in=for_in) if changed else updated_node

    def leave_ListComp(
        self, original_node: cst.ListComp, updated_node: cst.ListComp
    ) -> cst.BaseExpression:
        return self._leave_comprehension(original_node, updated_node)

    def leave_SetComp(
        self, original_node: cst.SetComp, updated_node: cst.SetComp
    ) -> cst.BaseExpression:
        return self._leave_comprehension(original_node, updated_node)

    def leave_DictComp(
        self, original_node: cst.DictComp, updated_node: cst.DictComp
    ) -> cst.BaseExpression:
        return self._leave_comprehension(original_node, updated_node)

    def leave_GeneratorExp(
        self, original_node: cst.GeneratorExp, updated_node: cst.GeneratorExp
    ) -> cst.BaseExpression:
        clause: cst.CompFor | None = original_node.for_in
        while clause is not None:
            if clause.asynchronous is None and self._iterates_async_generator(
                clause.iter
            ):
                self.report(
                    clause.iter,
                    "a generator expression iterates a generator made async: `async for` would make it an "
                    "async generator, which its consumer cannot iterate",
                    "collect it first: `[x async for x in gen()]`, then consume the list",
                )
            clause = clause.inner_for_in
        return updated_node

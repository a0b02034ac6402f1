"""``time.sleep(n)`` → ``await asyncio.sleep(n)`` in functions made async.

A background loop (``while True: purge(db); time.sleep(60)``) that the plan makes async would block
the whole event loop in ``time.sleep``; ``asyncio.sleep`` yields it. Only functions the plan turns
into coroutines are touched: ``time.sleep`` in code that stays sync is left alone.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import QualifiedNameProvider

from .base import AsyncifyCodemod

SLEEPS = frozenset({"time.sleep"})


class AsyncSleep(AsyncifyCodemod):
    DESCRIPTION = "Sleep with `await asyncio.sleep(...)` in functions made async."
    BATCHABLE = True
    TRIGGERS = ("sleep",)
    PLAN_DRIVEN = True
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.scope_kind != "function" or not self.plan.becomes_async(self.scope_qualname):
            return updated_node
        names = self.qualified_names(original_node.func)
        if not names & SLEEPS or self.is_consumed_as_coroutine(original_node):
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, "asyncio")
        call = updated_node.with_changes(func=cst.Attribute(cst.Name("asyncio"), cst.Name("sleep")), lpar=[], rpar=[])
        return cst.Await(expression=call, lpar=updated_node.lpar, rpar=updated_node.rpar)

"""``loop.run_until_complete(c)`` / ``asyncio.run(c)`` → ``await c`` in functions made async.

Sync code (a test, a command) may drive a coroutine to completion on an event loop of its own. Once
the plan makes that function ``async def``, a loop is already running when it runs, and both calls
raise ``RuntimeError`` every time (``This event loop is already running``; ``asyncio.run() cannot
be called from a running event loop``). Awaiting the coroutine runs it to completion on the running
loop and gives its result, which is what the call did. Recognized loops: ``asyncio.get_event_loop()``,
``asyncio.new_event_loop()`` or ``asyncio.get_running_loop()``, called in place or bound to a name in
the same function by such a call alone. Functions that stay sync, or were ``async def`` already, are
left as they are.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import QualifiedNameProvider

from ..names import Callee
from .base import AsyncifyCodemod

#: Calls that give an event loop.
LOOP_FACTORIES = frozenset({"asyncio.get_event_loop", "asyncio.new_event_loop", "asyncio.get_running_loop"})
#: Calls that run a coroutine to completion on a loop of their own.
RUNNERS = frozenset({"asyncio.run"})


class AwaitLoopRuns(AsyncifyCodemod):
    DESCRIPTION = "Await the coroutine a function made async ran with `run_until_complete`/`asyncio.run`."
    BATCHABLE = True
    TRIGGERS = ("run_until_complete", "run(")
    PLAN_DRIVEN = True
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.scope_kind != "function" or not self.plan.becomes_async(self.scope_qualname):
            return updated_node
        if len(updated_node.args) != 1 or updated_node.args[0].keyword is not None or updated_node.args[0].star:
            return updated_node
        if not (self._runs_on_a_loop(original_node.func) or self.qualified_names(original_node.func) & RUNNERS):
            return updated_node
        value = updated_node.args[0].value
        if not isinstance(value, (cst.Call, cst.Name, cst.Attribute, cst.Subscript)) and not value.lpar:
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])  # ``await (a or b)``
        return cst.Await(expression=value, lpar=updated_node.lpar, rpar=updated_node.rpar)

    def _runs_on_a_loop(self, func: cst.BaseExpression) -> bool:
        """``<loop>.run_until_complete`` on a loop from ``LOOP_FACTORIES``."""
        if not isinstance(func, cst.Attribute) or func.attr.value != "run_until_complete":
            return False
        loop = func.value
        if isinstance(loop, cst.Call):
            return bool(self.qualified_names(loop.func) & LOOP_FACTORIES)
        if not isinstance(loop, cst.Name):
            return False
        fn = self.plan.functions.get(self.scope_qualname)
        if fn is None or any(p.name == loop.value for p in fn.params):
            return False
        bindings = [b for b in fn.bindings if b.name == loop.value]
        return bool(bindings) and all(b.called and self._is_loop_factory(b.value) for b in bindings)

    def _is_loop_factory(self, callee: Callee) -> bool:
        return self.plan.qualify(self.module_name, callee) in LOOP_FACTORIES

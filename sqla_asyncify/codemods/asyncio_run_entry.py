"""``if __name__ == "__main__": main()`` → ``asyncio.run(main())`` when ``main`` becomes async.

Module-level code under a ``__main__`` guard is the one place where no event loop can be running,
so a call of a function the plan makes async is handed to ``asyncio.run``. Module-level calls
outside the guard (import time) are not rewritten: the plan reports them as ``sync-boundary``.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from ..index import is_main_guard
from ..names import Callee
from .base import AsyncifyCodemod


class AsyncioRunEntry(AsyncifyCodemod):
    DESCRIPTION = "Run an entry point made async with `asyncio.run(...)` under `if __name__ == '__main__':`."
    PLAN_DRIVEN = True
    TRIGGERS = ("__main__",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._guard = 0

    def visit_If(self, node: cst.If) -> None:
        if self.scope_kind == "module" and is_main_guard(node):
            self._guard += 1

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.BaseStatement:
        if self.scope_kind == "module" and is_main_guard(original_node):
            self._guard -= 1
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self._guard or self.scope_kind != "module":
            return updated_node
        callee = Callee.of(original_node.func)
        if callee is None:
            return updated_node
        target = self.plan.classify(self.context_qualname, callee)
        if target.kind != "function" or not self.plan.becomes_async(target.name):
            return updated_node
        if self.is_consumed_as_coroutine(original_node):
            return updated_node  # already ``asyncio.run(main())``
        AddImportsVisitor.add_needed_import(self.context, "asyncio")
        return cst.Call(
            func=cst.Attribute(cst.Name("asyncio"), cst.Name("run")),
            args=[cst.Arg(updated_node.with_changes(lpar=[], rpar=[]))],
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

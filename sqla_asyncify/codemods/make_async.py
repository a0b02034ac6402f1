"""``def`` → ``async def`` for every function the plan makes async.

The plan decides (direct session I/O, or a call of a function that becomes async, across modules);
this transformer only flips the keyword. A generator becomes an async generator, which FastAPI
accepts as a dependency. Functions that cannot become async were reported by the plan and stay.
"""

from __future__ import annotations

import libcst as cst

from .base import AsyncifyCodemod


class MakeAsync(AsyncifyCodemod):
    DESCRIPTION = "Turn functions that reach session I/O into `async def`."

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        qualname = self.scope_qualname
        result = super().leave_FunctionDef(original_node, updated_node)
        if updated_node.asynchronous is None and self.plan.becomes_async(qualname):
            return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return result

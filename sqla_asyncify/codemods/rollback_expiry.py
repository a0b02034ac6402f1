"""Reports reads that a rollback turns into hidden I/O: the one expiry hazard left after migration.

``expire_on_commit=False`` keeps objects readable after ``commit()``, but ``rollback()`` expires
every object of the session whatever that setting: a later ``obj.attr`` — in this function, or in a
caller that catches the exception it re-raises — must reload, and under asyncio that raises
``MissingGreenlet`` (rules §3.2). Nothing is rewritten (which reads follow cannot be known from
here); each rollback in a function being made async is reported as ``rollback-expiry`` with the fix.
Reads after a generator's ``yield`` (a fixture's teardown, a context manager's exit) of the objects
it held get their reload run first by ``greenlet-loads``.
Code already async is not reported again, so ``--check`` passes once the migration is done; test
modules and conftests are not reported (a fixture's teardown rollback is followed by no read).
"""

from __future__ import annotations

import libcst as cst

from ..names import Callee
from .base import AsyncifyCodemod


class RollbackExpiry(AsyncifyCodemod):
    DESCRIPTION = "Report session rollbacks in code made async: objects read after them need a refresh."
    BATCHABLE = True
    TRIGGERS = ("rollback",)
    PLAN_DRIVEN = True

    def _in_tests(self) -> bool:
        name = self.module_name.rsplit(".", 1)[-1]
        return name == "conftest" or name.startswith("test_") or name.endswith("_test")

    def visit_Call(self, node: cst.Call) -> None:
        callee = Callee.of(node.func)
        if callee is None or not callee.path or callee.path[-1] != "rollback":
            return
        if self.scope_kind != "function" or not self.plan.becomes_async(self.scope_qualname):
            return
        if self._in_tests():
            return  # a fixture's teardown rollback is followed by nothing that reads
        if not self.plan.is_session(self.context_qualname, callee.prefix(len(callee.path) - 1)):
            return
        self.report(
            node,
            "rollback() expires every object of this session: reading an attribute of one afterwards (here or in a "
            "caller catching what is re-raised) reloads it, which raises MissingGreenlet under asyncio",
            "read what you need (ids) before the rollback, or `await session.refresh(obj)` after it",
            rule="rollback-expiry",
        )

"""A function made async handed to a call that runs it in a worker thread is called in place.

``await run_in_threadpool(f, *a, **k)`` (starlette, fastapi), ``await asyncio.to_thread(f, *a, **k)``,
``await anyio.to_thread.run_sync(f, *a)``, ``await loop.run_in_executor(executor, f, *a)``: the
thread calls ``f``; made ``async def``, ``f`` hands it a coroutine, which is dropped unrun (the
work silently never happens). The call becomes ``await f(*a, **k)``: the coroutine runs on the
loop the awaiting code runs on, with the same arguments, and the await gives its result, as the
thread's result was given.

The call is read by ``thread_calls.py``, which the index uses too: the plan sees it as the call
of ``f`` it becomes (callers, commits), on the first run as on a second. The first three are coroutine functions: wherever they are called (awaited, gathered, handed to
``create_task``) ``f(*a, **k)`` is a coroutine of the same result, so every such call is rewritten.
anyio's keywords (``limiter``, ``cancellable``, ``abandon_on_cancel``) are the thread's options and
go with it. ``run_in_executor`` returns a future, scheduled at once: only one awaited right there is
rewritten; any other is left to ``asyncio-run-entry`` (handed through ``_run_async_call``).

``functools.partial(f, *p, **q)`` handed in: ``f(*p, *a, **q, **k)`` (the partial's arguments
first, as it passes them). ``lambda: f(x)`` handed alone, its arguments calling nothing: ``f(x)``
(the plan leaves that lambda unreported, ``Fixpoint._inlined_in_thread``); any other lambda
reaching code made async stays, a ``sync-boundary`` item of the plan. Left and reported: a
generator function made async (the thread only built the generator), and a partial whose
arguments the call cannot merge (a keyword given twice, or the partial's keywords and the call's
positional arguments both running code: putting the keywords last would change the order that
code runs in).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor
from libcst.metadata import ParentNodeProvider

from .. import sqla
from ..names import Callee
from ..thread_calls import handed, in_place, lambda_call, runner
from .base import AsyncifyCodemod

GENERATOR_REASON = (
    "`{function}` becomes an async generator and is handed to `{runner}`, which calls it in a thread: "
    "the thread only builds the generator, and an async generator cannot be iterated there"
)
GENERATOR_FIX = "iterate it in the async code (`async for x in {function}(...)`), or hold it sync (`# asyncify: keep-sync -- why`)"
PARTIAL_REASON = (
    "`{function}` becomes async and is handed to `{runner}` through `functools.partial` whose arguments "
    "cannot be merged with the call's: the thread would call it and drop its coroutine"
)
PARTIAL_FIX = "call it in place: `await {function}(<the partial's arguments, then the call's>)`"


class ThreadRunners(AsyncifyCodemod):
    DESCRIPTION = "Call functions made async in place where they were handed to a worker thread."
    PLAN_DRIVEN = True
    TRIGGERS = ("run_in_threadpool", "to_thread", "run_sync", sqla.RUN_IN_EXECUTOR)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        awaited = isinstance(self.get_metadata(ParentNodeProvider, original_node, None), cst.Await)
        found = runner(
            self.qualified_names(original_node.func, sqla.THREAD_RUNNER_COROUTINES.keys()), original_node.func, awaited
        )
        if found is None:
            return updated_node
        if found.name == sqla.RUN_IN_EXECUTOR:
            callee = Callee.of(original_node.func)
            if callee is None or self.plan.type_of(self.context_qualname, callee).kind == "function":
                return updated_node  # a project's own method of that name
        value = handed(original_node, found)
        if value is None:
            return updated_node
        partial = isinstance(value, cst.Call) and self._is_partial(value.func)
        function = value.args[0].value if partial and value.args else value  # type: ignore[union-attr]
        if isinstance(value, cst.Lambda):
            body = lambda_call(value)
            handed_on = isinstance(self.get_metadata(ParentNodeProvider, original_node, None), cst.Arg)
            if body is None or not (awaited or handed_on):
                # Any other lambda calling code made async is a ``sync-boundary`` item of the plan
                # (as is one whose runner call is kept for later: the index reads only those awaited
                # or handed on as calls of the body, ``Index._thread_call``).
                return updated_node
            function = body.func
        target = self._made_async(function)
        if target is None:
            return updated_node
        shown = self.module.code_for_node(function)
        runner_code = self.module.code_for_node(original_node.func)
        if self.plan.functions[target].is_generator:
            self.report(original_node, GENERATOR_REASON.format(function=shown, runner=runner_code), GENERATOR_FIX.format(function=shown))
            return updated_node
        call = in_place(updated_node, found, self._is_partial)
        if call is None:
            if partial:
                self.report(original_node, PARTIAL_REASON.format(function=shown, runner=runner_code), PARTIAL_FIX.format(function=shown))
            return updated_node
        self._forget_import(original_node.func)
        if partial:
            self._forget_import(value.func)  # type: ignore[union-attr]
        return call

    def _is_partial(self, func: cst.BaseExpression) -> bool:
        return sqla.PARTIAL in self.qualified_names(func, {sqla.PARTIAL})

    def _made_async(self, node: cst.BaseExpression) -> str | None:
        """The project function made async that ``node`` (a name or attribute chain) denotes."""
        callee = Callee.of(node)
        if callee is None or callee.calls:
            return None
        target = self.plan.type_of(self.context_qualname, callee)
        if target.kind != "function" or not self.plan.becomes_async(target.name):
            return None
        return target.name

    def _forget_import(self, func: cst.BaseExpression) -> None:
        """``from m import run_in_threadpool`` (or ``partial``) goes once nothing else uses it."""
        if not isinstance(func, cst.Name):
            return
        for name in self.qualified_names(func, {*sqla.THREAD_RUNNER_COROUTINES, sqla.PARTIAL}):
            module, _, short = name.rpartition(".")
            if short == func.value:
                RemoveImportsVisitor.remove_unused_import(self.context, module, short)

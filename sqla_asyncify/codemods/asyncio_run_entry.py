"""Entry points where no event loop runs hand calls of code made async to ``asyncio.run``.

* ``if __name__ == "__main__": main()`` → ``asyncio.run(main())`` when ``main`` becomes async.
* A command or task a framework calls synchronously — ``@click.command()``, ``@cli.command()``,
  ``@app.command()`` on a ``typer.Typer()``, ``@celery.task``, ``@shared_task``,
  ``@dramatiq.actor`` (``Plan.entries``) — stays ``def`` (the framework would get a coroutine
  that never runs), and each call it makes into code made async becomes ``_run_async(call)``:
  ``asyncio.run`` on a new loop that leaves the thread's current event loop as it was
  (``entry_runner.py``; ``asyncio.run`` would set it to None, which a caller that had one set,
  such as a test suite sharing a loop between async tests, would not survive).
  A task in a worker runs many times in one process, each time on a new event loop: that is
  reported (pooled async connections must not outlive the loop that opened them).

* A function made async handed to a call that runs it synchronously in a thread or process
  (``pool.submit(job, ...)``, ``loop.run_in_executor(None, job)``, ``Thread(target=job)``,
  ``Process(target=job)``: ``Plan.sync_runner_arguments``) is handed as
  ``functools.partial(_run_async_call, job)``: called there, it runs its coroutine on a new event
  loop in that thread or process, where the sync original ran its body (the runner would otherwise
  get a coroutine and drop it). Reported like a worker task: each run has a loop of its own. An
  awaited ``loop.run_in_executor(...)`` is left to ``thread_runners.py``, which awaits the function
  in place.

The plan leaves out, and reports, entries that do session I/O themselves (``sync-boundary``); it
reports entries async code also calls directly (``sync-calls-async``): a loop runs there, and the
helper runs the call on a new loop in a worker thread, blocking that loop as the sync code did.
Module-level calls outside the guard (import time) are not rewritten: the plan reports them.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider
from libcst.codemod.visitors import AddImportsVisitor

from .. import sqla
from ..index import is_main_guard
from ..names import Callee
from ..plan import Plan
from .base import AsyncifyCodemod
from .entry_runner import call_on_new_loop, run_on_new_loop

WORKER_LOOP_REASON = (
    "`{entry}` is a {framework} task: each run runs its coroutine on a new event loop in the same worker "
    "process, and async connections pooled by a module-level engine belong to the loop that opened them"
)
HANDED_REASON = (
    "`{function}` becomes async and is handed to `{runner}`, which calls it synchronously in a thread or process: "
    "it is handed as `functools.partial({helper}, ...)`, which runs its coroutine there on a new event loop each "
    "time, and async connections pooled by a module-level engine belong to the loop that opened them"
)
WORKER_LOOP_FIX = (
    "give the worker's async engine `poolclass=NullPool`, or `await engine.dispose()` at the end of the coroutine it runs"
)

IMPORT_LOOP_REASON = (
    "`{callee}()` runs at import time, where no event loop runs, on a new loop of its own (`_run_async`): "
    "async connections it leaves in a module-level engine's pool belong to that closed loop"
)
IMPORT_LOOP_FIX = (
    "with a driver whose connections are bound to their loop (asyncpg), `await engine.dispose()` at the end of "
    "the coroutine it runs, or give the engine `poolclass=NullPool`"
)


class AsyncioRunEntry(AsyncifyCodemod):
    DESCRIPTION = "Run code made async with `asyncio.run(...)` from `__main__` guards, and on a new loop leaving the current one as it was from CLI commands and worker tasks."
    PLAN_DRIVEN = True
    TRIGGERS = ("__main__", "command", "task", "actor", "callback", "group", "submit", "run_in_executor", "Thread", "Process", "Timer")

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

    @classmethod
    def triggered(cls, plan: Plan, module_name: str, source: str) -> bool:
        return f"{module_name}.<module>" in plan.entries or super().triggered(plan, module_name, source)

    def _in_entry(self) -> str | None:
        """The sync entry point whose own body this is (not a nested function or lambda), or None;
        module-level code (class bodies included) of a module imported where no loop runs is one."""
        if self.scope_kind == "function" and self.scope_qualname in self.plan.entries:
            return self.scope_qualname
        if self.scope_kind in ("module", "class") and self.context_qualname in self.plan.entries:
            return self.context_qualname
        return None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated_node = self._hand_to_runner(original_node, updated_node)
        entry = self._in_entry()
        if entry is None and (not self._guard or self.scope_kind != "module"):
            return updated_node
        callee = Callee.of(original_node.func)
        if callee is None:
            return updated_node
        target = self.plan.classify(self.context_qualname, callee)
        if target.kind != "function" or not self.plan.is_async(target.name):
            return updated_node
        if (entry is None or self.plan.functions[entry].kind == "module") and not self.plan.becomes_async(target.name):
            return updated_node
        if self.plan.functions[target.name].is_generator:
            return updated_node  # iterated or entered, not run: the plan reports it
        if self.is_consumed_as_coroutine(original_node):
            return updated_node  # already ``asyncio.run(main())``
        if entry is not None and self.plan.functions[entry].kind == "module":
            self.report(original_node, IMPORT_LOOP_REASON.format(callee=target.name.rpartition(".")[2]), IMPORT_LOOP_FIX)
        elif entry is not None:
            framework = self.plan.entry_framework(self.plan.functions[entry])
            if framework in sqla.WORKER_FRAMEWORKS:
                self.report(
                    original_node,
                    WORKER_LOOP_REASON.format(entry=entry.rpartition(".")[2], framework=framework),
                    WORKER_LOOP_FIX,
                )
        inner = updated_node.with_changes(lpar=[], rpar=[])
        if entry is not None:
            return run_on_new_loop(self.context, inner).with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)
        AddImportsVisitor.add_needed_import(self.context, "asyncio")
        return cst.Call(
            func=cst.Attribute(cst.Name("asyncio"), cst.Name("run")),
            args=[cst.Arg(inner)],
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

    def _hand_to_runner(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        """``pool.submit(job, ...)`` with ``job`` made async → ``pool.submit(functools.partial(
        _run_async_call, job), ...)`` (a function or method named as written, not a call's result)."""
        callee = Callee.of(original_node.func)
        keys = self.plan.sync_runner_arguments(self.context_qualname, callee) if callee is not None else ()
        if not keys or len(original_node.args) != len(updated_node.args):
            return updated_node
        if callee is not None and callee.path and callee.path[-1] == sqla.RUN_IN_EXECUTOR and isinstance(
            self.get_metadata(ParentNodeProvider, original_node, None), cst.Await
        ):
            return updated_node  # ``await loop.run_in_executor(None, job, x)`` → ``await job(x)``: thread-runners
        args = list(updated_node.args)
        position = 0
        for i, arg in enumerate(original_node.args):
            if arg.star:
                break  # positions past ``*args`` are not known
            key = arg.keyword.value if arg.keyword is not None else str(position)
            position += arg.keyword is None
            handed = Callee.of(arg.value)
            if key not in keys or handed is None or handed.calls:
                continue
            target = self.plan.type_of(self.context_qualname, handed)
            if target.kind != "function" or not self.plan.becomes_async(target.name):
                continue
            args[i] = args[i].with_changes(value=call_on_new_loop(self.context, args[i].value))
            self.report(
                original_node,
                HANDED_REASON.format(function=handed, runner=callee, helper=sqla.CALL_RUNNER),
                WORKER_LOOP_FIX,
            )
        return updated_node.with_changes(args=args)

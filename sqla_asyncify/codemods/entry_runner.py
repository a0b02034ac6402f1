"""The helper a sync command or task runs code made async with: ``asyncio.run`` that leaves the
thread's current event loop as it found it.

``asyncio.run`` ends by setting the thread's current event loop to None. The sync original touched
no event loop, so a caller that had one set (a test suite whose async tests share a loop, an
application embedding the command) would find it gone: ``There is no current event loop``. The
helper runs the coroutine the way ``asyncio.run`` does (a new loop, remaining tasks cancelled, async
generators and the default executor shut down) through ``asyncio.Runner`` with a ``loop_factory``,
which never sets the current loop. Before Python 3.11 (no ``Runner``) it is ``asyncio.run`` itself.

Called where an event loop already runs in this thread (the sync function was called, directly or
through other sync code, from async code: a test made async calling a command), ``asyncio.run``
would raise. The sync original ran there, blocking the loop until done; the helper does the same:
it runs the coroutine on a new loop in a worker thread (with the caller's context variables) and
blocks until it is done. What the coroutine uses that is bound to the caller's loop (a connection
of a session opened there, on a driver whose connections belong to one loop) is the caller's to
keep out of it.

A function made async that the code hands to a thread or process calling it synchronously
(``pool.submit(job, ...)``, ``Thread(target=job)``) is handed as ``functools.partial(_run_async_call,
job)`` instead: the second helper calls it there and runs its coroutine the same way. A partial of
two module-level functions pickles, so a process pool or a spawned process can take it.

A call of a value that may be a function made async (``handler(db)`` with ``handler`` looked up
in a dict of handlers: ``Plan.value_call``) is awaited through the third helper, ``await
_await_if_coroutine(handler(db))``: it awaits what the call returns when that is a coroutine, and
returns anything else as it is (what a sync function handed the same way returns; another
awaitable, an ``AsyncConnection`` that awaiting would start, included).

The helpers are written once into the module that needs them (after its imports), so the migrated code
depends on nothing of asyncify's; transformers call ``run_on_new_loop`` (it queues the helper) and
``rewrite.py`` adds it after every transformer has run.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from .. import sqla
from .module_helpers import queue_helper

#: The helper's name in the user's module.
HELPER = sqla.ENTRY_RUNNER

HELPER_SOURCE = (
    f"def {HELPER}(coro):\n"
    '    """Run coro on a new event loop as asyncio.run does, but leave this thread\'s\n'
    "    current event loop as it was (asyncio.run sets it to None). Called where a loop\n"
    "    runs (sync code called from async code), run it in a worker thread, blocking\n"
    "    this one as the sync original did. Added by asyncify.\n"
    '    """\n'
    "    import asyncio\n"
    "\n"
    "    try:\n"
    "        asyncio.get_running_loop()\n"
    "    except RuntimeError:\n"
    "        pass\n"
    "    else:\n"
    "        import concurrent.futures\n"
    "        import contextvars\n"
    "\n"
    "        context = contextvars.copy_context()\n"
    "        with concurrent.futures.ThreadPoolExecutor(1) as pool:\n"
    f"            return pool.submit(context.run, {HELPER}, coro).result()\n"
    '    if not hasattr(asyncio, "Runner"):  # Python < 3.11\n'
    "        return asyncio.run(coro)\n"
    "    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:\n"
    "        return runner.run(coro)\n"
)


CALL_HELPER = sqla.CALL_RUNNER

CALL_HELPER_SOURCE = (
    f"def {CALL_HELPER}(fn, /, *args, **kwargs):\n"
    '    """Call fn, a coroutine function handed to a thread or process that calls it\n'
    "    synchronously, and run its coroutine on a new event loop as asyncio.run does,\n"
    "    leaving this thread's current event loop as it was. Added by asyncify.\n"
    '    """\n'
    "    import asyncio\n"
    "\n"
    '    if not hasattr(asyncio, "Runner"):  # Python < 3.11\n'
    "        return asyncio.run(fn(*args, **kwargs))\n"
    "    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:\n"
    "        return runner.run(fn(*args, **kwargs))\n"
)


AWAIT_HELPER = sqla.AWAIT_IF_COROUTINE

AWAIT_HELPER_SOURCE = (
    f"async def {AWAIT_HELPER}(value):\n"
    '    """Await value if it is a coroutine (of a function made async, handed here\n'
    "    as a value), else return it as it is (what a sync function handed the same\n"
    "    way returned). Added by asyncify.\n"
    '    """\n'
    "    import inspect\n"
    "\n"
    "    if inspect.iscoroutine(value):\n"
    "        return await value\n"
    "    return value\n"
)


def await_if_coroutine(context: CodemodContext, call: cst.BaseExpression) -> cst.Await:
    """``await _await_if_coroutine(call)``; the helper is added to the module when the rewrite ends."""
    queue_helper(context, AWAIT_HELPER, AWAIT_HELPER_SOURCE)
    return cst.Await(expression=cst.Call(func=cst.Name(AWAIT_HELPER), args=[cst.Arg(call)]))


def run_on_new_loop(context: CodemodContext, call: cst.BaseExpression) -> cst.Call:
    """``_run_async(call)``; the helper is added to the module when the rewrite ends."""
    queue_helper(context, HELPER, HELPER_SOURCE)
    return cst.Call(func=cst.Name(HELPER), args=[cst.Arg(call)])


def call_on_new_loop(context: CodemodContext, function: cst.BaseExpression) -> cst.Call:
    """``functools.partial(_run_async_call, function)``: a sync callable running the coroutine
    function; ``functools`` is imported and the helper added to the module when the rewrite ends."""
    queue_helper(context, CALL_HELPER, CALL_HELPER_SOURCE)
    AddImportsVisitor.add_needed_import(context, "functools")
    return cst.Call(
        func=cst.Attribute(cst.Name("functools"), cst.Name("partial")),
        args=[cst.Arg(cst.Name(CALL_HELPER), comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), cst.Arg(function)],
    )


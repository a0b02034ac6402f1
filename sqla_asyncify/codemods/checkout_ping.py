"""The pool's liveness check in one round trip, where SQLAlchemy's asyncpg ping takes three.

``pool_pre_ping=True`` pings every connection the pool hands out again. psycopg2, psycopg 3 and the
MySQL drivers ping in one round trip; SQLAlchemy's asyncpg dialect pings with an empty statement in
a transaction of its own (``BEGIN; ; ROLLBACK``, for PgBouncer's transaction mode), three round trips
on every checkout (every other async driver's ping costs what its sync one did: the installed
SQLAlchemy's ``do_ping`` of each dialect). On an engine that reaches asyncpg, ``async_pool.py``
drops the keyword and wraps the engine::

    engine = _ping_on_checkout(create_async_engine(url, pool_size=20))

The helper, written once into the module (after its imports), registers pool listeners that do
what ``pool_pre_ping`` does, through SQLAlchemy's public pool events:

* a connection just opened is not pinged (the pool's ``connect`` event marks it);
* any other checkout runs one ``SELECT 1`` — under asyncpg as one simple query outside any
  transaction (no prepared statement: safe behind PgBouncer), under any other driver with the
  dialect's own ``do_ping`` (a URL known only at run time may name another database);
* a ping that fails on a connection the dialect's ``is_disconnect`` says is gone raises
  ``InvalidatePoolError``, the exception ``pool_pre_ping`` raises: the pool discards it and every
  connection it opened before, and hands out a fresh one; any other error is raised.

Wrapping the call (rather than a statement after it) works wherever the engine is built (an
assignment, a ``return``, an argument) and keeps the engine's type (the helper is annotated). The
keyword itself is dropped, and the helper added, when the rewrite ends (``rewrite.py``): removing
an argument written on a line of its own would move the lines later transformers report.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from .module_helpers import is_queued, queue_helper

#: The helper's name in the user's module.
HELPER = "_ping_on_checkout"

HELPER_SOURCE = (
    f"def {HELPER}(engine: AsyncEngine) -> AsyncEngine:\n"
    '    """Check each pooled connection as it is checked out, as pool_pre_ping=True\n'
    "    does, in one round trip (SQLAlchemy's asyncpg ping is BEGIN; ; ROLLBACK:\n"
    "    three). Added by asyncify.\n"
    '    """\n'
    "    from sqlalchemy import event, exc\n"
    "\n"
    "    dialect = engine.sync_engine.dialect\n"
    "\n"
    '    @event.listens_for(engine.sync_engine, "connect")\n'
    "    def connected(dbapi_connection, connection_record):\n"
    '        connection_record.info["asyncify_fresh"] = True  # just opened\n'
    "\n"
    '    @event.listens_for(engine.sync_engine, "checkout")\n'
    "    def ping(dbapi_connection, connection_record, connection_proxy):\n"
    '        if connection_record.info.pop("asyncify_fresh", False):\n'
    "            return\n"
    "        try:\n"
    '            if dialect.driver == "asyncpg":  # one simple query, no transaction\n'
    '                dbapi_connection.run_async(lambda c: c.execute("SELECT 1"))\n'
    "            else:\n"
    "                dialect.do_ping(dbapi_connection)\n"
    "        except Exception as error:\n"
    "            if not dialect.is_disconnect(error, dbapi_connection, None):\n"
    "                raise\n"
    "            # as pool_pre_ping: replaced, with the pool's older connections\n"
    "            raise exc.InvalidatePoolError() from error\n"
    "\n"
    "    return engine\n"
)


def ping_on_checkout(context: CodemodContext, engine: cst.BaseExpression) -> cst.Call:
    """``_ping_on_checkout(engine)``; the helper (and its ``AsyncEngine`` import) is added to the
    module when the rewrite ends."""
    queue_helper(context, HELPER, HELPER_SOURCE)
    AddImportsVisitor.add_needed_import(context, "sqlalchemy.ext.asyncio", "AsyncEngine")
    return cst.Call(func=cst.Name(HELPER), args=[cst.Arg(engine)])


def drop_pre_ping(context: CodemodContext, tree: cst.Module) -> cst.Module:
    """Drop ``pool_pre_ping`` from the engines wrapped in the helper (the helper pings instead)."""
    if not is_queued(context, HELPER):
        return tree
    return tree.visit(_DropPrePing())


class _DropPrePing(cst.CSTTransformer):
    """``_ping_on_checkout(create_async_engine(url, pool_pre_ping=True, ...))`` → without the keyword."""

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not (
            isinstance(updated_node.func, cst.Name)
            and updated_node.func.value == HELPER
            and len(updated_node.args) == 1
            and isinstance(updated_node.args[0].value, cst.Call)
        ):
            return updated_node
        engine = updated_node.args[0].value
        args = list(engine.args)
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == "pool_pre_ping":
                if i and i == len(args) - 1:  # the last argument: the one before takes its comma
                    args[i - 1] = args[i - 1].with_changes(comma=arg.comma, whitespace_after_arg=arg.whitespace_after_arg)
                del args[i]
                break
        return updated_node.with_changes(args=[updated_node.args[0].with_changes(value=engine.with_changes(args=args))])

"""``Base.metadata.create_all(bind=engine)`` → ``conn.run_sync(Base.metadata.create_all)`` (rules §3.15).

``MetaData.create_all`` / ``drop_all`` / ``reflect`` take a sync bind; on an AsyncEngine they run
through ``AsyncConnection.run_sync``. A statement calling one on an engine, in a function that is
async per the plan (a FastAPI lifespan, an ``init_models()`` the plan made async), becomes::

    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)

with any further arguments passed on (``run_sync(fn, *args, **kwargs)`` calls ``fn(conn, ...)``).
Each statement gets its own block, as each sync call ran in its own transaction: adjacent
``drop_all``/``create_all`` are not merged into one (a failure would then roll back both). On
a connection (``with engine.begin() as conn: Base.metadata.create_all(conn)``) it becomes
``await conn.run_sync(Base.metadata.create_all)``. At module level (import time) nothing can await:
the plan reports it (``sync-boundary``) with the fix to move it into the lifespan; a bind the plan
cannot type is reported here and left. A metadata the plan cannot type (``models.Base.metadata`` of
a module it cannot read) is DDL all the same when the bind handed to it becomes async.

This transformer adds lines, so it runs after every transformer that reports by line, and it
writes its ``await`` and ``async with`` itself (the connection it introduces is not in the plan).
"""

from __future__ import annotations

import libcst as cst

from ..index import named_args
from ..names import Callee
from ..plan import CONNECTION, ENGINE
from .base import AsyncifyCodemod


class RunSyncCreateAll(AsyncifyCodemod):
    DESCRIPTION = "metadata.create_all(engine) → async with engine.begin() as conn: await conn.run_sync(...)."
    TRIGGERS = ("create_all", "drop_all", "reflect")

    def _ddl_call(self, statement: cst.SimpleStatementLine) -> cst.Call | None:
        if len(statement.body) != 1 or not isinstance(statement.body[0], cst.Expr):
            return None
        call = statement.body[0].value
        if not isinstance(call, cst.Call):
            return None
        callee = Callee.of(call.func)
        if callee is None or self.plan.classify(self.context_qualname, callee, args=named_args(call)).kind != "metadata-io":
            return None
        return call

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        call = self._ddl_call(original_node)
        if call is None or not self.in_async_context():
            return updated_node  # not DDL, or code that cannot await: the plan reported it
        bind_index = next(
            (i for i, a in enumerate(call.args) if (a.keyword is None and not a.star) or (a.keyword and a.keyword.value == "bind")),
            None,
        )
        bind_callee = None if bind_index is None else Callee.of(call.args[bind_index].value)
        bind_type = None if bind_callee is None else self.plan.type_of(self.context_qualname, bind_callee)
        if bind_type not in (ENGINE, CONNECTION):
            self.report(
                original_node,
                "metadata DDL on a bind that is not a known engine or connection: it cannot run on an AsyncEngine directly",
                "`async with engine.begin() as conn: await conn.run_sync(Base.metadata.create_all)`",
                rule="create-all",
            )
            return updated_node
        assert bind_index is not None
        bind = call.args[bind_index].value
        rest = [a for i, a in enumerate(call.args) if i != bind_index]
        fn_arg = cst.Arg(call.func)
        conn: cst.BaseExpression = bind if bind_type == CONNECTION else cst.Name(self.unused_local("conn"))
        if rest:
            fn_arg = fn_arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            rest[-1] = rest[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        run_sync = cst.Await(
            cst.Call(func=cst.Attribute(conn, cst.Name("run_sync")), args=[fn_arg, *rest]),
        )
        line = updated_node.with_changes(body=[cst.Expr(run_sync)])
        if bind_type == CONNECTION:
            return line
        block = cst.With(
            items=[
                cst.WithItem(
                    cst.Call(cst.Attribute(bind, cst.Name("begin"))),
                    asname=cst.AsName(conn),
                )
            ],
            body=cst.IndentedBlock([line.with_changes(leading_lines=[])]),
            asynchronous=cst.Asynchronous(),
            leading_lines=updated_node.leading_lines,
        )
        return block


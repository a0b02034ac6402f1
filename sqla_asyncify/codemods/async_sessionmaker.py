"""Session factories: ``sessionmaker`` → ``async_sessionmaker``, ``Session(...)`` → ``AsyncSession(...)``,
``scoped_session`` → ``async_scoped_session`` (rules §1.2, §1.3, §3.2, §3.3, §3.11, §3.13).

* ``sessionmaker(...)`` → ``async_sessionmaker(..., expire_on_commit=False)``. The keyword is added
  only when absent, and reported (``expire-on-commit``): with the sync default, reading an attribute
  after ``commit()`` re-SELECTs it; on an AsyncSession that implicit load raises MissingGreenlet, and
  with ``expire_on_commit=False`` it returns the value held in memory instead, which is not
  refreshed from the database (rules §3.3). With ``[tool.asyncify] expire-on-commit = "keep"`` the
  call is left to expire, as the sync one did (the exact rewrite): the ``expire-on-commit``
  transformer refreshes, or reports, the reads after its sessions' commits. ``autocommit=True`` is reported: no 2.x session
  accepts it (rules §3.11).
* ``scoped_session(<a sessionmaker>)`` → ``async_scoped_session(<it>, scopefunc=asyncio.current_task)``
  (one session per task instead of per thread; a ``scopefunc=`` given is kept), reported
  (``scoped-session``): ``remove()`` becomes a coroutine to await at the end of each task, and
  ``query_property()``, ``run_sync`` and ``in_transaction`` are not proxied. A ``scoped_session``
  of anything else is only reported.
* ``Session(engine)`` / ``Session(bind=engine)`` (``sqlalchemy.orm.Session``) → ``AsyncSession(...)``,
  given ``expire_on_commit=False`` under the default policy like a sessionmaker (reported); with
  ``"keep"``, or ``expire_on_commit=True`` written, it keeps expiring (reported: reads after a commit
  need the refreshes ``expire-on-commit`` adds). Inside an ``@event.listens_for`` listener it stays
  ``Session``: SQLAlchemy calls the listener synchronously (for an AsyncSession, inside its greenlet),
  where a sync session on the connection it is handed works and an AsyncSession could not be awaited.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from .. import sqla
from ..names import Callee
from .base import AsyncifyCodemod, keyword_arg
from .imports import ImportSwaps

SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
SCOPED_SESSIONS = frozenset({"sqlalchemy.orm.scoped_session", "sqlalchemy.orm.scoping.scoped_session"})

EXPIRE_ON_COMMIT_REASON = (
    "`expire_on_commit=False` was set: an AsyncSession cannot re-load expired attributes implicitly, "
    "so attributes read after `commit()` now return the values held in memory instead of re-SELECTing them"
)
EXPIRE_ON_COMMIT_FIX = (
    "where code must see values changed in the database by others after a commit, "
    "`await session.refresh(obj)` (or keep expire_on_commit=True and use `await obj.awaitable_attrs.x`)"
)


def _separator(call: cst.Call) -> cst.Comma:
    """The comma between arguments as this call writes it (``, `` or ``,\\n    ``)."""
    for arg in call.args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            return arg.comma
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def with_expire_on_commit_false(call: cst.Call) -> cst.Call:
    """``call`` with ``expire_on_commit=False`` added last, in the layout of its arguments."""
    args = list(call.args)
    if args:
        last = args[-1]
        if last.comma == cst.MaybeSentinel.DEFAULT or isinstance(last.comma, cst.MaybeSentinel):
            args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            trailing: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
        else:
            # A trailing comma (often a multi-line call): the new keyword goes last, in the same layout.
            trailing = last.comma
            args[-1] = last.with_changes(comma=_separator(call))
        args.append(keyword_arg("expire_on_commit", cst.Name("False"), trailing))
    else:
        args.append(keyword_arg("expire_on_commit", cst.Name("False")))
    return call.with_changes(args=args)


class AsyncSessionmaker(ImportSwaps, AsyncifyCodemod):
    DESCRIPTION = "sessionmaker → async_sessionmaker, Session(...) → AsyncSession(...), scoped_session → async_scoped_session."
    TRIGGERS = ("sessionmaker", "Session", "scoped_session")

    def _qualname(self, call: cst.Call) -> str | None:
        callee = Callee.of(call.func)
        if callee is None or callee.calls:
            return None
        return self.plan.qualify(self.module_name, callee)

    def _rename(self, call: cst.Call, new: str, module: str = "sqlalchemy.ext.asyncio") -> cst.Call:
        """Call ``new`` (imported from ``module``) instead of ``call.func``; drop the old import if unused."""
        callee = Callee.of(call.func)
        assert callee is not None
        self.queue_swap(call.func, self.plan.qualify(self.module_name, callee), module, new)
        return call.with_changes(func=cst.Name(new))

    @staticmethod
    def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
        return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)

    def visit_Module(self, node: cst.Module) -> None:
        self._kept = self.kept_values(node)  # sessionmakers that stay sync for held code

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) in self._kept or self.in_held_sync():
            return updated_node  # wiring held code keeps, or builds for itself: it stays sync
        qualname = self._qualname(original_node)
        if qualname in sqla.SYNC_SESSION_CLASSES and self.in_event_listener():
            # SQLAlchemy calls a listener synchronously (for an AsyncSession, inside its greenlet):
            # a Session there on the connection it is given works; an AsyncSession could not be awaited.
            return updated_node
        if qualname in SESSIONMAKERS:
            return self._sessionmaker(original_node, updated_node)
        if qualname in sqla.SYNC_SESSION_CLASSES:
            if self._keyword(original_node, "expire_on_commit") is None and not self.plan.keeps_expiry:
                # The default policy, as for sessionmakers: reads after commit keep what memory
                # holds instead of raising MissingGreenlet; queries after it re-read (populate-existing).
                self.report(original_node, EXPIRE_ON_COMMIT_REASON, EXPIRE_ON_COMMIT_FIX, rule="expire-on-commit")
                updated_node = with_expire_on_commit_false(updated_node)
            else:
                self._report_expiring_session(original_node)
            return self._rename(updated_node, "AsyncSession", sqla.ASYNC_SESSION_MODULE[qualname])
        if qualname in SCOPED_SESSIONS:
            return self._scoped_session(original_node, updated_node)
        return updated_node

    def _report_expiring_session(self, original: cst.Call) -> None:
        """A session that keeps ``expire_on_commit=True`` (written, or the "keep" policy): after a
        commit, reading an attribute reloads it, which raises MissingGreenlet (rules §3.2): reported."""
        keyword = self._keyword(original, "expire_on_commit")
        if keyword is None or (isinstance(keyword.value, cst.Name) and keyword.value.value == "True"):
            self.report(
                original,
                "this AsyncSession expires objects on commit: an attribute read after `await session.commit()` "
                "reloads it, which raises MissingGreenlet under asyncio",
                "pass `expire_on_commit=False`, or `await session.refresh(obj)` after each commit before reading",
                rule="expire-on-commit",
            )

    def _sessionmaker(self, original: cst.Call, call: cst.Call) -> cst.Call:
        autocommit = self._keyword(original, "autocommit")
        if autocommit is not None and not (isinstance(autocommit.value, cst.Name) and autocommit.value.value == "False"):
            self.report(
                original,
                "`autocommit=True` is no longer supported (ArgumentError in SQLAlchemy 2.x, sync and async)",
                "drop it and commit explicitly (`await session.commit()`, or `async with Maker.begin() as session:`)",
                rule="autocommit",
            )
        if self._keyword(original, "class_") is not None:
            self.report(
                original,
                "a custom session class: async_sessionmaker builds AsyncSession, whose `sync_session_class` "
                "is what wraps a sync Session subclass",
                "use `async_sessionmaker(..., sync_session_class=YourSession)` (or an AsyncSession subclass as `class_`)",
                rule="custom-session-class",
            )
        if self._keyword(original, "expire_on_commit") is not None:
            self._report_expiring_session(original)  # explicitly True: reads after commit need a refresh
        if self._keyword(original, "expire_on_commit") is None and not self.plan.keeps_expiry:
            self.report(original, EXPIRE_ON_COMMIT_REASON, EXPIRE_ON_COMMIT_FIX, rule="expire-on-commit")
            call = with_expire_on_commit_false(call)
        return self._rename(call, "async_sessionmaker")

    def _scoped_session(self, original: cst.Call, call: cst.Call) -> cst.BaseExpression:
        factory = original.args[0] if original.args and original.args[0].keyword is None else None
        convertible = False
        if factory is not None:
            value = factory.value
            if isinstance(value, cst.Call):
                convertible = self._qualname(value) in SESSIONMAKERS
            elif (callee := Callee.of(value)) is not None:
                convertible = self.plan.type_of(self.context_qualname, callee).kind == "sessionmaker"
        if not convertible:
            self.report(
                original,
                "scoped_session of a factory that is not a sessionmaker: async_scoped_session needs an async_sessionmaker",
                "build it as `async_scoped_session(async_sessionmaker(engine, expire_on_commit=False), scopefunc=asyncio.current_task)`",
                rule="scoped-session",
            )
            return call
        self.report(
            original,
            "scoped_session → async_scoped_session: sessions are now per asyncio task (scopefunc), "
            "`remove()` is a coroutine, and `query_property()`, `run_sync`, `in_transaction` are not proxied",
            "`await Scoped.remove()` at the end of each task (e.g. in a middleware/dependency's finally); "
            "replace `Model.query` with `select(Model)` executed on the session",
            rule="scoped-session",
        )
        if self._keyword(original, "scopefunc") is None:
            AddImportsVisitor.add_needed_import(self.context, "asyncio")
            args = list(call.args)
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(keyword_arg("scopefunc", cst.parse_expression("asyncio.current_task")))
            call = call.with_changes(args=args)
        return self._rename(call, "async_scoped_session")

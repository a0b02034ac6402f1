"""Calls from async code into functions held sync go through ``session.run_sync`` (rules §1.1, §3.15).

``AsyncSession.run_sync(fn, *args)`` calls ``fn(sync_session, *args)`` in a greenlet where lazy loads
and legacy ``Query`` work. So, inside a function that is (or becomes) async:

* ``crud.get_user(db, 5)`` with ``crud.get_user`` held sync and the session first →
  ``db.run_sync(crud.get_user, 5)``;
* any other shape (session elsewhere in the arguments, or in a constructor:
  ``LegacyService(db).total(x)``) → ``db.run_sync(lambda sync_session: LegacyService(sync_session).total(x))``;
* an instance of a class held sync, built in async code: ``svc = LegacyService(db)`` →
  ``LegacyService(db.sync_session)`` (the sync ``Session`` behind the ``AsyncSession``), and each
  ``svc.total(x)`` → ``db.run_sync(lambda sync_session: svc.total(x))``, where that session can do I/O.
* a held method that reaches its session only as ``self.<attr>`` of an instance of a migrated class
  (``Plan.instance_session``): ``dao.page(1)`` → ``dao.db.run_sync(lambda sync_session: dao.page(1))``,
  and in the method ``self.db`` → ``self.db.sync_session``, the sync ``Session`` of that very
  ``AsyncSession``, which does I/O inside the bridge;
* such a method handing back a lazy legacy ``Query`` (``Plan.hands_back_query``) is bridged
  together with the expression that executes it, so the SQL still runs inside the bridge:
  ``dao.listing(x).filter(c).first()`` → ``dao.db.run_sync(lambda sync_session:
  dao.listing(x).filter(c).first())`` (builders then an executing terminal: ``all``, ``first``,
  ``one``, ``count``, an index…); iterated (``for``, a comprehension, ``list()``/``sorted()``/
  ``enumerate()``…) → over ``dao.db.run_sync(lambda sync_session: list(dao.listing(x)))``, the
  rows legacy iteration reads, in the same order. Any other use (returned, stored, passed on)
  cannot be bridged and is reported (``sync-calls-async``);
* a class whose ``__init__`` (a sync protocol method, or the wrapper a decorator puts in its place)
  does I/O on the session handed to it, built in async code: ``User(session=db, **data)`` →
  ``db.run_sync(lambda sync_session: User(session=sync_session, **data))`` (reported), also through
  a name shown to hold a class (``self.model(session=db, **data)``, see ``class_values``) when some
  project class builds that way. The ``__init__`` keeps using the sync session it is handed.

The ``await`` is added by ``AddAwaits`` (``run_sync`` is a session coroutine). A call into held code
that hands it no session cannot be bridged: it is reported as ``sync-calls-async``.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from ..class_values import class_valued, metaclass_aliases
from ..names import Callee, dotted
from .base import AsyncifyCodemod
from .query_chain.model import _BUILDERS, _EXECUTED, _ITERATING_BUILTINS

SYNC_SESSION = "sync_session"


class _ReplaceSession(cst.CSTTransformer):
    """Replace every occurrence of one session expression (by code) with ``sync_session``."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return cst.Name(SYNC_SESSION) if original_node.value == self.code else updated_node

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if cst.Module([]).code_for_node(original_node) == self.code:
            return cst.Name(SYNC_SESSION)
        return updated_node.with_changes(attr=original_node.attr)  # `x.db` names an attribute of x

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        # `f(db=db)`: the keyword is the callee's parameter name, only the value is the session
        return updated_node.with_changes(keyword=original_node.keyword)


class RunSyncBridge(AsyncifyCodemod):
    DESCRIPTION = "Bridge async callers to functions held sync with `session.run_sync`."
    PLAN_DRIVEN = True

    def _session_in(self, node: cst.CSTNode) -> cst.BaseExpression | None:
        """The first expression in ``node`` that denotes a session here (``db``, ``self.db``)."""
        found: list[cst.BaseExpression] = []
        scope = self.context_qualname
        plan = self.plan

        class _Find(cst.CSTVisitor):
            def visit_Name(self, n: cst.Name) -> None:
                if not found and plan.is_session(scope, Callee(n.value)):
                    found.append(n)

            def visit_Attribute(self, n: cst.Attribute) -> bool:
                callee = Callee.of(n)
                if not found and callee is not None and not callee.calls and plan.is_session(scope, callee):
                    found.append(n)
                    return False
                return True

        node.visit(_Find())
        return found[0] if found else None

    def _on_held_instance(self, callee: Callee) -> bool:
        """``x.method`` where ``x`` is an instance of a class held sync."""
        if not callee.path:
            return False
        receiver = self.plan.type_of(self.context_qualname, callee.prefix(len(callee.path) - 1))
        return receiver.kind == "instance" and self.plan.is_held_class(receiver.name)

    def _held_constructor(self, callee: Callee, updated_node: cst.Call) -> cst.Call | None:
        """``OrderService(db)`` of a held class in async code → ``OrderService(db.sync_session)``."""
        built = self.plan.type_of(self.context_qualname, callee)
        if built.kind != "class" or not self.plan.is_held_class(built.name):
            return None
        args, changed = [], False
        for arg in updated_node.args:
            value = Callee.of(arg.value)
            if value is not None and not value.calls and self.plan.is_session(self.context_qualname, value):
                arg = arg.with_changes(value=cst.Attribute(arg.value, cst.Name("sync_session")))
                changed = True
            args.append(arg)
        return updated_node.with_changes(args=args) if changed else None

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._scope_nodes: list[cst.CSTNode] = []  # enclosing classes and functions, for ``class_valued``
        self._metaclasses: frozenset[str] | None = None
        #: Outer node (original) executing a lazy query a bridged method hands back → (iterated, where to bridge).
        self._consumers: dict[cst.CSTNode, tuple[bool, cst.BaseExpression]] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> bool | None:
        self._scope_nodes.append(node)
        return super().visit_ClassDef(node)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.BaseStatement:
        self._scope_nodes.pop()
        return super().leave_ClassDef(original_node, updated_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        self._scope_nodes.append(node)
        return super().visit_FunctionDef(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        self._scope_nodes.pop()
        return super().leave_FunctionDef(original_node, updated_node)

    def _builds_with_io(self, callee: Callee, node: cst.Call) -> str | None:
        """The class ``node`` builds (or the class-valued name it calls) when its constructor does
        session I/O, else None."""
        built = self.plan.type_of(self.context_qualname, callee)
        if built.kind == "class" and self.plan.constructs_with_io(built.name):
            return built.name
        if built.kind == "class" and not any(self.plan.constructs_with_io(sub) for sub in self.plan._subclasses.get(built.name, ())):
            return None
        # a base (``type[M]``, ``M`` bound to it) some of whose subclasses do: as a class-valued name
        if callee.calls or not self.plan.any_constructs_with_io:
            return None
        name = dotted(node.func)
        if self._metaclasses is None:
            self._metaclasses = metaclass_aliases(self.module)
        return name if name in class_valued(self.module, self._scope_nodes, self._metaclasses) else None

    def _io_constructor(self, callee: Callee, original_node: cst.Call, updated_node: cst.Call) -> cst.Call | None:
        """``User(session=db, **data)`` → ``db.run_sync(lambda sync_session: User(session=sync_session, **data))``."""
        built = self._builds_with_io(callee, original_node)
        if built is None:
            return None
        session = next((s for arg in original_node.args if (s := self._session_in(arg.value)) is not None), None)
        if session is None:
            return None
        code = cst.Module([]).code_for_node(session)
        keeps = self.plan.init_keeps_session(built)
        self.report(
            original_node,
            f"building `{built}` runs session I/O in its sync `__init__`: it is built inside `run_sync`, "
            + ("handed the AsyncSession it keeps, whose sync session its held methods use there" if keeps else "with the sync session"),
            "load what the constructor needs in async code before building the object, then build it directly",
        )
        body = updated_node.with_changes(lpar=[], rpar=[])
        if not keeps:
            body = body.visit(_ReplaceSession(code))
        return cst.Call(
            func=cst.Attribute(session.deep_clone(), cst.Name("run_sync")),
            args=[cst.Arg(cst.Lambda(cst.Parameters([cst.Param(cst.Name(SYNC_SESSION))]), body))],  # type: ignore[arg-type]
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )

    def _bridge_on_instance(
        self,
        callee: Callee,
        attr: str,
        session: cst.BaseExpression | None,
        original_node: cst.Call,
        updated_node: cst.Call,
    ) -> cst.Call | None:
        """``dao.listing(...)`` of a held method that reads its session as ``self.<attr>`` →
        ``dao.<attr>.run_sync(lambda sync_session: dao.listing(...))``: the method reads
        ``self.<attr>.sync_session`` (``leave_Attribute``), the sync ``Session`` of that very
        ``AsyncSession``, inside the bridge's greenlet. The instance keeps its ``AsyncSession``: a
        session among the arguments is the sync one, a receiver built here (``Dao(db).listing()``)
        is not touched."""
        where = self._bridge_session(callee, attr, session, original_node)
        if where is None:
            return None
        code = cst.Module([]).code_for_node(where)
        args = [arg.visit(_ReplaceSession(code)) for arg in updated_node.args]
        return _run_sync(where, updated_node.with_changes(args=args))

    def _bridge_session(
        self, callee: Callee, attr: str, session: cst.BaseExpression | None, original_node: cst.Call
    ) -> cst.BaseExpression | None:
        """``dao.<attr>`` for ``dao.listing(...)`` on an instance, else a session among the arguments."""
        receiver = callee.prefix(len(callee.path) - 1) if callee.path else None
        if (
            receiver is not None
            and not receiver.calls
            and self.plan.type_of(self.context_qualname, receiver).kind == "instance"
        ):
            func = cst.ensure_type(original_node.func, cst.Attribute)
            return cst.Attribute(func.value.deep_clone(), cst.Name(attr))
        return session

    def _query_consumer(self, call: cst.Call) -> tuple[str, cst.BaseExpression] | None:
        """How the lazy ``Query`` that ``call`` hands back is executed here: ``("terminal", outer)``
        for builders ending in an executing terminal (``outer`` is that terminal's node),
        ``("iter", outer)`` for builders (or none) iterated where they stand; None otherwise."""
        cur: cst.BaseExpression = call
        while True:
            parent = self.get_metadata(ParentNodeProvider, cur, None)
            if isinstance(parent, cst.Subscript) and parent.value is cur:
                return "terminal", parent  # ``q[0]``, ``q[a:b]``: executed, as legacy
            if not (isinstance(parent, cst.Attribute) and parent.value is cur):
                break
            grand = self.get_metadata(ParentNodeProvider, parent, None)
            if not (isinstance(grand, cst.Call) and grand.func is parent):
                return None  # ``q.statement``, ``q.session``: the Query object itself is read
            if parent.attr.value in _EXECUTED:
                return "terminal", grand
            if parent.attr.value not in _BUILDERS or parent.attr.value == "yield_per":
                return None
            cur = grand
        parent = self.get_metadata(ParentNodeProvider, cur, None)
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is cur:
            return "iter", cur
        if isinstance(parent, cst.Arg) and parent.keyword is None and not parent.star:
            builtin = self.get_metadata(ParentNodeProvider, parent, None)
            if (
                isinstance(builtin, cst.Call)
                and isinstance(builtin.func, cst.Name)
                and builtin.func.value in _ITERATING_BUILTINS
                and builtin.args
                and builtin.args[0] is parent
            ):
                return "iter", cur
        return None

    def _bridge_query_consumer(
        self,
        target: str,
        callee: Callee,
        attr: str,
        session: cst.BaseExpression | None,
        original_node: cst.Call,
        updated_node: cst.Call,
    ) -> cst.Call:
        """Queue the expression executing the ``Query`` a held method hands back (``hands_back_query``)
        to be bridged whole when it is left (``_bridged_consumer``); report a use that does not
        execute it here."""
        consumer = self._query_consumer(original_node)
        where = self._bridge_session(callee, attr, session, original_node)
        if consumer is None or where is None:
            self.report(
                original_node,
                f"`{target}` is held sync and hands back a lazy `Query`, which is not executed where it is "
                "called: its SQL would run outside `run_sync`, on the AsyncSession",
                "execute it where it is called (`.all()`, `.first()`, a `for` loop), or hold the caller sync",
                rule="sync-calls-async",
            )
            return updated_node
        kind, outer = consumer
        self._consumers[outer] = (kind == "iter", where)
        # a session handed to the method is the sync one; a receiver built here keeps its own
        code = cst.Module([]).code_for_node(where)
        return updated_node.with_changes(args=[arg.visit(_ReplaceSession(code)) for arg in updated_node.args])

    def _bridged_consumer(self, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        """``outer`` queued by ``_bridge_query_consumer`` → ``<session>.run_sync(lambda sync_session: outer)``,
        an iterated one as ``list(outer)``."""
        queued = self._consumers.pop(original, None)
        if queued is None:
            return updated
        iterated, where = queued
        body = cst.Call(cst.Name("list"), [cst.Arg(updated.with_changes(lpar=[], rpar=[]))]) if iterated else updated
        return _run_sync(where, body).with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_Subscript(self, original_node: cst.Subscript, updated_node: cst.Subscript) -> cst.BaseExpression:
        return self._bridged_consumer(original_node, updated_node)

    def _instance_session_here(self) -> str | None:
        """The session attribute the held method around this code reads through ``self``."""
        for kind, qualname in reversed(self._scopes):
            if kind == "class":
                return None  # ``self`` of a nested class is another object
            if kind == "function":
                attr = self.plan.instance_session(qualname)
                if attr is not None:
                    return attr
        return None

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        """``self.<attr>`` in a held method bridged on its instance → ``self.<attr>.sync_session``."""
        if not (
            isinstance(original_node.value, cst.Name)
            and original_node.value.value == "self"
            and original_node.attr.value == self._instance_session_here()
        ):
            return updated_node
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if isinstance(parent, cst.AssignTarget) or (
            isinstance(parent, cst.Attribute) and parent.value is original_node and parent.attr.value == SYNC_SESSION
        ):
            return updated_node
        return cst.Attribute(updated_node.with_changes(lpar=[], rpar=[]), cst.Name(SYNC_SESSION), lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        updated = self._call(original_node, updated_node)
        return self._bridged_consumer(original_node, updated)

    def _call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        callee = Callee.of(original_node.func)
        if callee is None or not self.in_async_context():
            return updated_node
        bridged = self._io_constructor(callee, original_node, updated_node)
        if bridged is not None:
            return bridged
        constructed = self._held_constructor(callee, updated_node)
        if constructed is not None:
            return constructed
        target = self.plan.classify(self.context_qualname, callee)
        if target.kind != "function" or target.name not in self.plan.bridged:
            return updated_node
        session = self._session_in(original_node)
        if session is None and self._on_held_instance(callee):
            # ``service.place_order(...)`` on ``service = OrderService(db.sync_session)``: run the
            # method where the sync session it holds can do I/O.
            names = self.plan.session_names(self.context_qualname)
            if names:
                body = updated_node.with_changes(lpar=[], rpar=[])
                return cst.Call(
                    func=cst.Attribute(cst.Name(names[0]), cst.Name("run_sync")),
                    args=[cst.Arg(cst.Lambda(cst.Parameters([cst.Param(cst.Name(SYNC_SESSION))]), body))],  # type: ignore[arg-type]
                    lpar=updated_node.lpar,
                    rpar=updated_node.rpar,
                )
        attr = self.plan.instance_session(target.name)
        if attr is not None and self.plan.hands_back_query(target.name):
            return self._bridge_query_consumer(target.name, callee, attr, session, original_node, updated_node)
        if attr is not None:
            bridge = self._bridge_on_instance(callee, attr, session, original_node, updated_node)
            if bridge is not None:
                return bridge
        if session is None:
            self.report(
                original_node,
                f"`{target.name}` is held sync and reaches session I/O, but this call hands it no session to bridge with",
                f"pass the session and call it as `await session.run_sync({target.name.rsplit('.', 1)[-1]}, ...)`",
                rule="sync-calls-async",
            )
            return updated_node
        code = cst.Module([]).code_for_node(session)
        first = original_node.args[0] if original_node.args else None
        if (
            not callee.calls
            and first is not None
            and first.keyword is None
            and not first.star
            and cst.Module([]).code_for_node(first.value) == code
        ):
            # ``f(db, a, b)`` → ``db.run_sync(f, a, b)``
            args = [cst.Arg(updated_node.func), *updated_node.args[1:]]
        else:
            # From the original call: a held constructor inside it gets ``sync_session`` itself,
            # not the ``db.sync_session`` this pass gives one standing alone.
            body = original_node.with_changes(lpar=[], rpar=[]).visit(_ReplaceSession(code))
            args = [cst.Arg(cst.Lambda(cst.Parameters([cst.Param(cst.Name(SYNC_SESSION))]), body))]  # type: ignore[arg-type]
        return cst.Call(
            func=cst.Attribute(session.deep_clone(), cst.Name("run_sync")),
            args=args,
            lpar=updated_node.lpar,
            rpar=updated_node.rpar,
        )


def _run_sync(where: cst.BaseExpression, body: cst.BaseExpression) -> cst.Call:
    """``<where>.run_sync(lambda sync_session: <body>)``, keeping ``body``'s brackets outside."""
    return cst.Call(
        func=cst.Attribute(where.deep_clone(), cst.Name("run_sync")),
        args=[cst.Arg(cst.Lambda(cst.Parameters([cst.Param(cst.Name(SYNC_SESSION))]), body.with_changes(lpar=[], rpar=[])))],  # type: ignore[arg-type]
        lpar=body.lpar,
        rpar=body.rpar,
    )

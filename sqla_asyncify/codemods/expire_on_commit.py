"""Reads after ``commit()`` on a session that still expires on commit, and reads of a new object's
relationships after ``commit()``/``flush()``: ``await db.refresh(obj)`` (rules §3.2, §3.3, §3.6).

A session built by ``Session(engine)``, or by a factory given ``expire_on_commit=True`` (theirs: the
migration keeps it), expires every object it holds on ``commit()``. Sync code then re-SELECTs on the
next attribute read; under asyncio that implicit load raises ``MissingGreenlet`` (2.1: a
``StatementError`` wrapping it). Where the plan traces a session of a function being made async to
such a factory (``Plan.session_expires``: a local ``Session(...)``, ``SessionLocal()``, or a
``Depends(get_db)`` provider), this transformer follows, in source order, the objects of that function
that belong to the session — bound from one of its queries (``db.query(...).one()``, ``db.get(...)``,
``db.execute(...)…``) or given to ``db.add``/``add_all`` — and finds the first read of each after a
``commit()`` of it: an attribute (``obj.name``) or ``return obj`` (a FastAPI response model reads
every attribute; any caller may).

The fix loads what the sync read would have loaded, at the commit instead of the read:
``db.refresh(obj)`` (awaited by add-awaits) right after the ``commit()`` statement, written on the
commit's own line (``; ``) so the report lines of later transformers stay the input's; black, for
files that were black-clean, puts it on a line of its own. It is applied only when it cannot fail
where the sync code would not: the session is a local name, the object a local name bound (or added)
in the commit's block or an enclosing one, before it, and not None there (``one()``, ``get_one()``,
``add``, or a ``get()``/``first()`` result checked by ``if obj is None: raise``/``return``, or a
commit under ``if obj:``), and the session writes no SQL of its own (``update()``, ``delete()``,
``text()``) between the commit and the read (the sync read would see those writes). Otherwise the
read is reported (``expire-on-commit``) with the fix.
Deleted objects are left alone (a committed delete detaches them unexpired). Sessions whose origin
cannot be traced are not followed: the factory's own report covers them.

Bulk writes left unsynchronised (``synchronize_session=False``) under the default policy: the sync
commit after one expired the objects it left stale, so every read after the commit saw the rows as
written; the migrated commit keeps them. Where the next statement of the write's block is
``commit()`` of the session that ran it (the write a statement of its own), nothing reads the
objects in between, so synchronising them at the write gives what the sync reads after the commit
re-SELECTed: the write becomes ``synchronize_session="fetch"`` (the rows matched by the database,
``UPDATE/DELETE ... RETURNING`` on SQLite and PostgreSQL: no extra statement, and no SELECT per
object read afterwards), unless a value it writes is visibly an SQL construct (``func.now()``, a
subquery: not computable in Python, so expired by the synchronisation, and a read would load it),
or the session is built with ``autoflush=False`` (``Plan.session_autoflushes``): a change pending
on a matched object was flushed by the sync commit after the write, and won; the synchronisation
would expire it instead (``_apply_update_set_values_to_objects`` in SQLAlchemy's
``bulk_persistence.py``). Elsewhere, in a module that commits, they are reported
(``expire-on-commit``): a statement between the write and the commit ran on the stale objects in
the sync code, and which objects the rows are is known only at run time, so there is nothing to
refresh.

Commits in called functions (``plan/callee_commits.py``): a call of a project function that commits
(itself or through its callees) is a commit of the caller's session when it is given that session —
as an argument, to the object it is a method of (``Service(db).place(...)``, or ``service`` bound
to such a call), or as the same pytest fixture (a closure of a fixture taking ``db``, called from a
test taking ``db``). It expires the caller's objects as ``commit()`` does; the refresh goes after
the call's statement, or, when the same statement reads the object after the call (an argument
evaluated later), in place: ``db.refresh(obj) or obj`` (``refresh`` gives None), where neither the
call nor the read is in a branch, loop or comprehension of the statement. An object handed to a
project function that reads its attributes is read there. What the callee leaves loaded needs no
refresh (the sync code would not re-SELECT it): an object it returns after refreshing it following
its last commit (or returns from such a function), or one given to it and refreshed there; one
given to a callee that deletes is no longer followed. An object returned by such a callee belongs
to the session it was given; it is refreshed only when the callee always returns an object.

New objects (rules §3.6), on every session whatever its expiry: an object built from a project
model class with relationships (``Plan.relationships``) and given to ``db.add`` has its
relationships unloaded once ``commit()`` or ``flush()`` made it persistent, unless they were
assigned or touched before (``User(addresses=[])``, ``u.addresses = [...]``,
``u.addresses.append(...)``: a pending object's collection is initialised empty, without SQL). Sync
code lazy-loads such a relationship on its first read; under asyncio that raises ``MissingGreenlet``
even with ``expire_on_commit=False`` (the default migration), e.g. in a FastAPI response model of
``return user``. A read of one (``u.addresses``, ``len(u.addresses)``, ``for a in u.addresses``) or
``return u`` gets the same ``db.refresh(u)`` right after that commit/flush, which loads them (they
are ``lazy="selectin"`` after the migration, or eager already). This is the faithful translation:
in the sync original a read after commit reloads the object anyway (its sessions usually expire),
and a read after flush loads the relationship as it is in the database then. It is applied on the
same conditions as above, and only when the session staged nothing since (``add``, ``add_all``,
``delete``, ``merge``, or SQL of its own: the sync lazy load, autoflushing, would see it);
otherwise the read is reported (``lazy-load``) with the fix. A query of the session between the
``add`` and the first ``commit()``/``flush()`` may have autoflushed the object (the default
``autoflush=True``), leaving no statement to refresh at: a read of its relationships is reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m
from libcst.metadata import ParentNodeProvider

from ..dispatch import VisitorDispatch
from ..plan import Plan
from ..names import Callee, dotted, target_names
from .base import AsyncifyCodemod

#: Calls taking ``synchronize_session=``: ``Query.update``/``delete``, a statement's execution options.
_BULK_WRITE_METHODS = frozenset({"update", "delete", "execution_options"})
#: Result methods giving one object (or None) of a single-entity statement.
_OBJECT_TERMINALS = frozenset({"scalar", "scalar_one", "scalar_one_or_none"})
#: Terminals that never give None: the object is always there to refresh.
_NEVER_NONE = frozenset({"one", "get_one", "scalar_one", "merge"})
#: Session methods that query, and so autoflush pending objects first (the default ``autoflush=True``).
_AUTOFLUSHING = frozenset({"query", "execute", "scalar", "scalars", "get", "get_one", "stream", "stream_scalars"})
#: Builders that change a select list: the result is no longer the entity.
_RESHAPERS = frozenset({"with_entities", "add_columns", "add_entity", "with_only_columns", "values", "union", "union_all"})

REASON = (
    "`{obj}` belongs to `{session}`, which expires its objects on commit (expire_on_commit=True is kept); "
    "after {commit} this read reloads it, which raises MissingGreenlet under asyncio"
)
FIX = "`await {session}.refresh({obj})` right after the commit, before the read"
#: A commit in a called function: where the refresh goes.
CALLEE_FIX = (
    "`await {session}.refresh({obj})` in a statement of its own between that call and the read "
    "(bind the call's result to a name first)"
)
NEW_REASON = (
    "`{obj}` is a new object of `{session}`: after {event} (line {line}) its relationship{s} {rels} "
    "{are} not loaded, and {what} lazy-loads {them}, which raises MissingGreenlet under asyncio"
)
NEW_FIX = (
    "before the read, `await {session}.refresh({obj})` (after `await {session}.flush()` if the session "
    "staged anything since; the relationships are selectin), or assign {them} before {event} (`{obj}.{rel} = []`)"
)


@dataclass
class _Tracked:
    """An object of an expiring session, as the walk through the function body sees it."""

    session: str
    bound: cst.CSTNode  # the statement that bound (or added) it
    never_none: bool
    #: The commit statement that expired it, until it is read or refreshed.
    expired_by: cst.CSTNode | None = None
    #: The function whose commit that was, when the statement calls one (not ``session.commit()``),
    #: and that call.
    expired_via: str | None = None
    expired_call: cst.Call | None = None
    #: The session wrote SQL of its own (``update()``, ``delete()``…) since that commit: a refresh at
    #: the commit would load what the sync read, later, would not.
    written_since: bool = False
    #: A new object's relationships not assigned nor touched (rules §3.6); empty for loaded objects.
    unloaded: frozenset[str] = frozenset()
    #: The commit/flush that made the new object persistent with ``unloaded`` not loaded.
    flushed_by: cst.SimpleStatementLine | None = None
    #: The session staged or wrote something since that commit/flush (autoflushed by a sync lazy load).
    staged_since: bool = False
    #: A query of the session since the ``add`` may have autoflushed the new object (no statement
    #: of ours to refresh at): a read of an unloaded relationship is reported.
    autoflushed_by: cst.CSTNode | None = None


@dataclass(frozen=True)
class _Returned:
    """``name = f(...)`` where ``f`` commits ``sessions`` of the caller: what it returns belongs to
    them, loaded (``f`` refreshed it after its last commit) or expired by the call."""

    target: str
    sessions: frozenset[str]
    loaded: bool
    never_none: bool


@dataclass(frozen=True)
class _Constructed:
    """``name = Model(kw=...)``: the class as written and the keywords given."""

    callee: Callee
    keywords: frozenset[str]


class ExpireOnCommit(AsyncifyCodemod):
    DESCRIPTION = "After commit() on a session that expires on commit, refresh the objects read afterwards."
    PLAN_DRIVEN = True

    @classmethod
    def wanted(cls, plan: Plan, module_name: str) -> bool:
        # Not a spelling: a module may commit only through the functions it calls.
        return plan.commits_in_module(module_name)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: Commit statement (original node) → ``(session, object)`` refreshes to add after it.
        self._refresh: dict[cst.SimpleStatementLine, list[tuple[str, str]]] = {}
        #: A name read later in the statement of a call that committed (original node) →
        #: ``(session, object)``: refreshed in place.
        self._inline: dict[cst.Name, tuple[str, str, bool]] = {}
        #: ``synchronize_session=False`` arguments (original nodes) of bulk writes a commit follows: ``"fetch"``.
        self._synchronise: set[cst.Arg] = set()

    # -- analysis ------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        if self.plan.becomes_async(self.scope_qualname):
            sessions = set(self.plan.session_names(self.scope_qualname))
            expiring = {name for name in sessions if self.plan.session_expires(self.scope_qualname, Callee(name)) is True}
            if sessions:
                self._analyze(node, sessions, expiring)
        return None

    def visit_Call(self, node: cst.Call) -> None:
        """A bulk write left unsynchronised (``synchronize_session=False``) under the default policy:
        the commit that used to expire its objects no longer does. Synchronised at the write
        (``"fetch"``) when the next statement commits its session; reported otherwise."""
        if self.plan.keeps_expiry or not self.plan.becomes_async(self.scope_qualname):
            return
        if not isinstance(node.func, cst.Attribute) or node.func.attr.value not in _BULK_WRITE_METHODS:
            return
        unsynchronised = next(
            (
                a
                for a in node.args
                if a.keyword is not None and a.keyword.value == "synchronize_session" and m.matches(a.value, m.Name("False"))
            ),
            None,
        )
        if unsynchronised is None:
            return
        root, _ = _method_chain(node)
        session = Callee.of(root) if isinstance(root, (cst.Name, cst.Attribute)) else None
        if session is not None and self.plan.session_expires(self.scope_qualname, session) is True:
            return  # still expires: a read after the commit re-loads (refreshed above)
        committing = self._session_committing_next(node)
        if committing is not None and self._autoflushes(committing) is False:
            self.report(
                node,
                "a bulk write with `synchronize_session=False` on a session with `autoflush=False`: the sync "
                "commit after it flushed any change still pending on its objects (that value won over the "
                "write's) and then expired them; `synchronize_session=\"fetch\"` would instead drop a pending "
                "change of an attribute the write sets (SQLAlchemy expires it), so it is not added, and with "
                "`expire_on_commit=False` the objects keep their old values after the commit",
                "`await session.refresh(obj)` before reading one after the commit, or, where no change can be "
                "pending on these objects, `synchronize_session=\"fetch\"`",
            )
            return
        if committing is not None:
            self._synchronise.add(unsynchronised)
            return
        self.report(
            node,
            "a bulk write with `synchronize_session=False` leaves the session's objects of the rows it "
            "changes (or deletes) as they were: the sync session's next commit expired them, so a read after it saw "
            "the new values; with `expire_on_commit=False` they keep the old ones",
            "`synchronize_session=\"fetch\"` (the objects take the new values at the statement), or "
            "`await session.refresh(obj)` before reading one after the commit",
        )

    def _autoflushes(self, session: str) -> bool | None:
        """Whether the session named ``session`` (``db``, ``self.db``) autoflushes; None when not traceable."""
        root, *path = session.split(".")
        return self.plan.session_autoflushes(self.scope_qualname, Callee(root, tuple(path)))

    def _session_committing_next(self, write: cst.Call) -> str | None:
        """The session (as written) whose ``commit()`` is the next statement, when the statement of
        bulk write ``write`` is the write alone (``q.update(...)``, ``n = q.delete(...)``,
        ``db.execute(update(M)...)``, ``.rowcount`` of it) and that session runs it: nothing reads the
        objects between the write and the commit, after which the sync session re-read them all from
        the database. None otherwise."""
        executed = write
        root, calls = _method_chain(write)
        if calls and _name(calls[0]) == "query" and _name(write) in ("update", "delete"):
            session = dotted(root)  # ``db.query(M).filter(...).update(...)``
        else:  # ``db.execute(update(M)....execution_options(synchronize_session=False))``
            if not (isinstance(root, cst.Call) and (dotted(root.func) or "").rsplit(".", 1)[-1] in ("update", "delete")):
                return None
            arg = self._parent(write)
            execute = self._parent(arg) if isinstance(arg, cst.Arg) else None
            if not (
                isinstance(execute, cst.Call)
                and isinstance(execute.func, cst.Attribute)
                and execute.func.attr.value == "execute"
                and len(execute.args) == 1
                and execute.args[0] is arg
            ):
                return None
            session, executed = dotted(execute.func.value), execute
        if session is None or _sql_values(write, query_form=executed is write):
            return None
        value: cst.CSTNode | None = self._parent(executed)
        if isinstance(value, cst.Attribute) and value.attr.value == "rowcount":
            value = self._parent(value)
        line = self._parent(value) if isinstance(value, (cst.Expr, cst.Assign, cst.AnnAssign)) else None
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            return None
        block = self._parent(line)
        body = list(getattr(block, "body", ()))
        after = body[body.index(line) + 1] if line in body and body.index(line) + 1 < len(body) else None
        if not isinstance(after, cst.SimpleStatementLine) or len(after.body) != 1:
            return None
        commit = after.body[0].value if isinstance(after.body[0], cst.Expr) else None
        committed = (
            isinstance(commit, cst.Call)
            and not commit.args
            and isinstance(commit.func, cst.Attribute)
            and commit.func.attr.value == "commit"
            and dotted(commit.func.value) == session
        )
        return session if committed else None

    # -- what the plan says about calls of project functions -------------------------------------
    def _call_target(self, call: cst.Call) -> str | None:
        """The project function ``call`` runs, when the plan resolves it."""
        callee = Callee.of(call.func)
        if callee is None:
            return None
        target = self.plan.classify(self.scope_qualname, callee)
        return target.name if target.kind == "function" else None

    def _committing_target(self, call: cst.Call) -> str | None:
        """The function ``call`` runs when it commits a session, itself or through its callees."""
        target = self._call_target(call)
        return target if target is not None and target in self.plan.committing else None

    def _fixture_session(self, target: str, session: str) -> bool:
        """``target`` is a function defined in a pytest fixture that takes ``session``, and this
        function takes it too: pytest hands both the one instance of that fixture."""
        fn = self.plan.functions.get(target)
        parent = self.plan.functions.get(fn.parent) if fn is not None and fn.parent else None
        caller = self.plan.functions.get(self.scope_qualname)
        if parent is None or caller is None or parent.qualname not in self.plan.fixtures.get(parent.name, []):
            return False
        return any(p.name == session for p in parent.params) and any(p.name == session for p in caller.params)

    def _reads_argument(self, call: cst.Call, position: int | str) -> frozenset[str]:
        """The attributes the project function ``call`` runs reads of that argument."""
        target = self._call_target(call)
        if target is None:
            return frozenset()
        return self.plan.reads_argument(target, position, isinstance(call.func, cst.Attribute))

    def _passed_state(self, target: str, call: cst.Call, position: int | str) -> str:
        return self.plan.passed_state(target, position, isinstance(call.func, cst.Attribute))

    def _returned(self, target: str) -> tuple[bool, bool]:
        """For an object returned by ``target`` (which commits): (loaded when returned, never None)."""
        return self.plan.returns_loaded(target), self.plan.returns_object(target)

    def _parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def _analyze(self, fn: cst.FunctionDef, sessions: set[str], expiring: set[str]) -> None:
        tracked: dict[str, _Tracked] = {}
        #: New objects of a model class with relationships, not yet added → unloaded relationships.
        constructed: dict[str, set[str]] = {}
        for kind, node, name, extra in _events(fn, sessions, self._parent, self):
            if kind == "bind":
                constructed.pop(name, None)
                if isinstance(extra, _Returned):
                    tracked.pop(name, None)
                    for session in extra.sessions & expiring:  # one session: the walker asks for one
                        expired, via = (None, None) if extra.loaded else (node, extra.target)
                        tracked[name] = _Tracked(session, node, extra.never_none, expired_by=expired, expired_via=via)
                elif isinstance(extra, _Constructed):
                    tracked.pop(name, None)
                    ty = self.plan.type_of(self.scope_qualname, extra.callee)
                    relationships = self.plan.relationships(ty.name) if ty.kind == "class" else frozenset()
                    unloaded = set(relationships - extra.keywords)
                    if unloaded:
                        # a proxy through an unloaded relationship reads it too
                        proxies = self.plan.proxies(ty.name).items()
                        constructed[name] = unloaded | {attr for attr, rel in proxies if rel in unloaded}
                elif not isinstance(extra, tuple) or extra[0] not in expiring:
                    tracked.pop(name, None)  # rebound to something else
                else:
                    session, never_none = extra
                    tracked[name] = _Tracked(session, node, never_none)
            elif kind == "add" and name not in tracked:
                unloaded = frozenset(constructed.pop(name, ()))
                if extra in expiring or unloaded:
                    tracked[name] = _Tracked(extra, node, True, unloaded=unloaded)
                for obj in tracked.values():
                    obj.staged_since |= obj.session == extra and obj.flushed_by is not None
            elif kind in ("add", "stage"):
                for obj in tracked.values():
                    obj.staged_since |= obj.session == extra and obj.flushed_by is not None
            elif kind == "delete":
                tracked.pop(name, None)
                for obj in tracked.values():
                    obj.staged_since |= obj.session == extra and obj.flushed_by is not None
            elif kind == "passed" and name in tracked:
                if extra == "deleted":
                    tracked.pop(name)  # perhaps deleted there: a committed delete detaches it unexpired
                elif extra == "loaded":
                    tracked[name].expired_by = None  # the callee refreshed it after its commit
            elif kind == "refresh" and name in tracked:
                tracked[name].expired_by = tracked[name].flushed_by = None
                tracked[name].unloaded = frozenset()
            elif kind in ("commit", "flush"):
                for obj in tracked.values():
                    if obj.session == name:
                        if kind == "commit" and name in expiring:
                            via, call = extra if isinstance(extra, tuple) else (None, None)
                            obj.expired_by, obj.expired_via, obj.expired_call, obj.written_since = node, via, call, False
                        if obj.unloaded and extra is None:  # a commit of ours (not a callee's)
                            obj.flushed_by, obj.staged_since, obj.autoflushed_by = node, False, None
            elif kind == "io":
                for obj in tracked.values():
                    if obj.session == name and obj.unloaded and obj.flushed_by is None:
                        obj.autoflushed_by = obj.autoflushed_by or node
            elif kind == "write":
                for obj in tracked.values():
                    obj.written_since |= obj.session == name and obj.expired_by is not None
                    obj.staged_since |= obj.session == name and obj.flushed_by is not None
            elif kind == "store":
                if name in constructed:
                    constructed[name].discard(extra)
                elif name in tracked and extra in tracked[name].unloaded:
                    tracked[name].unloaded -= {extra}  # assigned: loaded, whatever happened before
            elif kind == "read" and name in constructed:
                constructed[name].discard(extra)  # a transient object's collection starts empty, no SQL
            elif kind == "read" and name in tracked:
                self._read(node, name, extra, tracked[name])

    def _read(self, node: cst.CSTNode, name: str, attr: object, obj: _Tracked) -> None:
        """A read of ``name.attr`` (``attr`` None: ``return name``, which may read anything)."""
        if obj.expired_by is not None:
            commit = obj.expired_by
            # Refreshed by the fix (which loads the relationships too), or reported once.
            obj.expired_by, obj.unloaded, obj.flushed_by = None, frozenset(), None
            call = obj.expired_call
            if not obj.written_since and self._refreshable(obj, name, commit, node):
                self._add_refresh(commit, obj.session, name)
            elif not obj.written_since and call is not None and self._inline_refreshable(obj, name, commit, call, node):
                self._inline[self._read_name(node)] = (obj.session, name, isinstance(node, cst.Attribute))
            else:
                via = obj.expired_via
                self.report(
                    node,
                    REASON.format(
                        obj=name,
                        session=obj.session,
                        commit=(
                            f"`{obj.session}.commit()` (line {self.line_of(commit)})"
                            if via is None
                            else f"the call of `{via}` (line {self.line_of(commit)}), which commits it,"
                        ),
                    ),
                    (FIX if via is None else CALLEE_FIX).format(obj=name, session=obj.session),
                )
            return
        if not (obj.unloaded and (attr is None or attr in obj.unloaded)):
            return
        if obj.flushed_by is None and obj.autoflushed_by is None:
            if attr is not None:
                obj.unloaded -= {attr}  # still pending: initialised empty, no SQL
            return
        persisted = obj.flushed_by or obj.autoflushed_by
        assert persisted is not None
        # Only a commit()/flush() of ours is a statement to refresh after, and only if nothing was staged since.
        refresh_at = obj.flushed_by if not obj.staged_since else None
        unloaded, obj.unloaded, obj.flushed_by = obj.unloaded, frozenset(), None  # fixed, or reported once
        if refresh_at is not None and self._refreshable(obj, name, refresh_at, node):
            self._add_refresh(refresh_at, obj.session, name)
            return
        rels = sorted(unloaded) if attr is None else [str(attr)]
        event = _persisting(persisted, obj.session)
        them = "them" if len(rels) > 1 else "it"
        self.report(
            node,
            NEW_REASON.format(
                obj=name,
                session=obj.session,
                event=event,
                line=self.line_of(persisted),
                s="s" if len(rels) > 1 else "",
                rels=", ".join(f"`{r}`" for r in rels),
                are="are" if len(rels) > 1 else "is",
                what="this read" if attr is not None else "whatever reads the returned object",
                them=them,
            ),
            NEW_FIX.format(session=obj.session, obj=name, event=event, them=them, rel=rels[0]),
            rule="lazy-load",
        )

    @staticmethod
    def _read_name(node: cst.CSTNode) -> cst.Name:
        """The name a read event reads: ``obj`` of ``obj.attr``, or the argument ``obj`` itself."""
        return cst.ensure_type(node.value if isinstance(node, cst.Attribute) else node, cst.Name)

    def _inline_refreshable(
        self, obj: _Tracked, name: str, commit: cst.CSTNode, call: cst.Call, read: cst.CSTNode
    ) -> bool:
        """A read later in the statement whose call committed: refreshed where it is read
        (``await db.refresh(obj) or obj``), when both always run, in that order, once (no branch
        of ``if``/``and``/``or``, no comprehension or lambda between them and the statement), and the
        object is there and not None at the statement, as for a refresh after it."""
        if not isinstance(read, (cst.Attribute, cst.Name)) or not self._within(read, commit):
            return False
        if self._conditional(read, commit) or self._conditional(call, commit):
            return False
        bound_block = self._parent(obj.bound)
        blocks = self._blocks(commit)
        if bound_block not in blocks:
            return False
        return obj.never_none or self._checked_not_none(name, obj, commit, blocks, bound_block)

    def _conditional(self, node: cst.CSTNode, statement: cst.CSTNode) -> bool:
        """Whether ``node`` may run zero or several times per run of ``statement``."""
        cur = self._parent(node)
        while cur is not None and cur is not statement:
            if isinstance(cur, (cst.IfExp, cst.BooleanOperation, cst.Lambda, cst.CompFor, cst.ListComp, cst.SetComp,
                                cst.DictComp, cst.GeneratorExp, cst.If, cst.While, cst.For)):
                return True
            cur = self._parent(cur)
        return False

    def _add_refresh(self, commit: cst.SimpleStatementLine, session: str, obj: str) -> None:
        pairs = self._refresh.setdefault(commit, [])
        if (session, obj) not in pairs:
            pairs.append((session, obj))

    def _blocks(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        """The statement blocks around ``node``, innermost first, up to the function."""
        found: list[cst.CSTNode] = []
        cur = self._parent(node)
        while cur is not None and not isinstance(cur, cst.FunctionDef):
            if isinstance(cur, cst.IndentedBlock):
                found.append(cur)
            cur = self._parent(cur)
        return found

    def _refreshable(self, obj: _Tracked, name: str, commit: cst.CSTNode, read: cst.CSTNode) -> bool:
        """``refresh`` right after ``commit`` runs only where the sync read would not fail first:
        the object was bound in the commit's block or an enclosing one, and is not None there. A
        commit in a callee counts only from a statement of its own, with the read in a later one."""
        if not isinstance(commit, cst.SimpleStatementLine) or self._within(read, commit):
            return False
        bound_block = self._parent(obj.bound)
        commit_blocks = self._blocks(commit)
        if bound_block not in commit_blocks:
            return False
        return obj.never_none or self._checked_not_none(name, obj, commit, commit_blocks, bound_block)

    def _checked_not_none(
        self,
        name: str,
        obj: _Tracked,
        commit: cst.SimpleStatementLine,
        commit_blocks: list[cst.CSTNode],
        bound_block: cst.CSTNode,
    ) -> bool:
        not_none = m.Name(name) | m.Comparison(
            left=m.Name(name), comparisons=[m.ComparisonTarget(operator=m.IsNot(), comparator=m.Name("None"))]
        )
        is_none = m.UnaryOperation(operator=m.Not(), expression=m.Name(name)) | m.Comparison(
            left=m.Name(name), comparisons=[m.ComparisonTarget(operator=m.Is(), comparator=m.Name("None"))]
        )
        # ``if obj: ... commit`` (the commit in the body, not the else)
        for block in commit_blocks[: commit_blocks.index(bound_block)]:
            parent = self._parent(block)
            if isinstance(parent, cst.If) and parent.body is block and m.matches(parent.test, not_none):
                return True
        # ``if obj is None: raise ...`` between the binding and the commit, in the binding's block
        body = list(cst.ensure_type(bound_block, cst.IndentedBlock).body)
        outer = commit if bound_block is commit_blocks[0] else self._statement_in(bound_block, commit)
        start, end = body.index(obj.bound) if obj.bound in body else -1, body.index(outer) if outer in body else -1
        for stmt in body[start + 1 : end] if start >= 0 and end > start else ():
            if isinstance(stmt, cst.If) and stmt.orelse is None and m.matches(stmt.test, is_none):
                last = stmt.body.body[-1] if isinstance(stmt.body, cst.IndentedBlock) else None
                if isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Raise, cst.Return)):
                    return True
        return False

    def _within(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        cur: cst.CSTNode | None = node
        while cur is not None and cur is not ancestor:
            cur = self._parent(cur)
        return cur is ancestor

    def _statement_in(self, block: cst.CSTNode, node: cst.CSTNode) -> cst.CSTNode | None:
        """The statement of ``block`` that contains ``node``."""
        cur: cst.CSTNode | None = node
        while cur is not None and self._parent(cur) is not block:
            cur = self._parent(cur)
        return cur

    # -- rewriting -----------------------------------------------------------------------------
    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        if original_node not in self._synchronise:
            return updated_node
        self.changed = True
        return updated_node.with_changes(value=cst.SimpleString('"fetch"'))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        found = self._inline.get(original_node)
        if found is None:
            return updated_node
        self.changed = True
        session, obj, attribute = found
        # ``db.refresh(obj) or obj`` (awaited by add-awaits): refresh() gives None, so the value is obj.
        refresh = cst.Call(cst.Attribute(cst.Name(session), cst.Name("refresh")), args=[cst.Arg(cst.Name(obj))])
        parens = ([cst.LeftParen()], [cst.RightParen()]) if attribute else ([], [])  # ``(… or obj).attr``
        return cst.BooleanOperation(refresh, cst.Or(), updated_node, lpar=parens[0], rpar=parens[1])

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        pairs = self._refresh.get(original_node)
        if not pairs:
            return updated_node
        self.changed = True
        body = list(updated_node.body)
        def semicolon() -> cst.Semicolon:  # a node of its own each time: passes share trees uncopied
            return cst.Semicolon(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(" "))

        body[-1] = body[-1].with_changes(semicolon=semicolon())
        for i, (session, obj) in enumerate(pairs):
            refresh = cst.Expr(
                cst.Call(cst.Attribute(cst.Name(session), cst.Name("refresh")), args=[cst.Arg(cst.Name(obj))]),
                semicolon=semicolon() if i < len(pairs) - 1 else cst.MaybeSentinel.DEFAULT,
            )
            body.append(refresh)
        return updated_node.with_changes(body=body)


# -- the walk -----------------------------------------------------------------------------------
Event = tuple[str, cst.CSTNode, str, object]


def _method_chain(node: cst.BaseExpression) -> tuple[cst.BaseExpression, list[cst.Call]]:
    """``a.m1(...).m2(...)`` → (``a``, [m1 call, m2 call]); awaits and parentheses are looked through."""
    calls: list[cst.Call] = []
    cur = node
    while True:
        if isinstance(cur, cst.Await):
            cur = cur.expression
        elif isinstance(cur, cst.Call) and isinstance(cur.func, cst.Attribute):
            calls.append(cur)
            cur = cur.func.value
        else:
            break
    calls.reverse()
    return cur, calls


#: SQL constructs SQLAlchemy cannot compute in Python (``func.now()``, a subquery): a value written
#: from one is expired by the synchronisation, not set, and a later read would have to load it.
_SQL_CONSTRUCTS = frozenset({"func", "select", "text", "literal_column", "case", "cast", "type_coerce", "exists", "scalar_subquery", "over"})


def _sql_values(write: cst.Call, query_form: bool) -> bool:
    """Whether a value the bulk update ``write`` sets is visibly an SQL construct: its
    ``update(values)`` argument (Query form) or the ``values(...)`` of its statement chain."""
    if query_form:
        sources = list(write.args[:1]) if _name(write) == "update" else []
    else:
        sources = [a for c in _method_chain(write)[1] if _name(c) == "values" for a in c.args]
    return any(
        isinstance(n, cst.Name) and n.value in _SQL_CONSTRUCTS
        for arg in sources
        for n in _names_in_node(arg.value)
    )


def _names_in_node(node: cst.CSTNode) -> Iterator[cst.Name]:
    """Every name in ``node``, attribute names included (``func.now`` gives ``func`` and ``now``)."""
    found: list[cst.Name] = []

    class _Collect(cst.CSTVisitor):
        def visit_Name(self, name: cst.Name) -> None:
            found.append(name)

    node.visit(_Collect())
    return iter(found)


def _name(call: cst.Call) -> str:
    return cst.ensure_type(call.func, cst.Attribute).attr.value


def _one_entity(args: Sequence[cst.Arg]) -> bool:
    """A select list of exactly one class (``User``, ``models.User``): ORM objects, not rows."""
    if len(args) != 1 or args[0].keyword is not None or args[0].star:
        return False
    text = dotted(args[0].value)
    return text is not None and text.rsplit(".", 1)[-1][:1].isupper()


def _select_of_one_entity(node: cst.BaseExpression) -> bool:
    """``select(User).where(...)…`` with the select list never changed."""
    root, calls = _method_chain(node)
    if not (isinstance(root, cst.Call) and m.matches(root.func, m.Name("select"))):
        return False
    return _one_entity(root.args) and not any(_name(c) in _RESHAPERS for c in calls)


def _loaded_object(value: cst.BaseExpression, sessions: set[str]) -> tuple[str, bool] | None:
    """For an expression giving one ORM object of a session: ``(session, never None)``.

    ``db.get(M, pk)`` / ``get_one`` / ``merge``; ``db.query(M)…first()`` (``one``, ``one_or_none``,
    ``scalar``); ``db.scalar(select(M)…)``, ``db.scalars(select(M)…).first()``,
    ``db.execute(select(M)…).scalar_one()`` and the like. Rows, columns, lists: None."""
    root, calls = _method_chain(value)
    if not (isinstance(root, cst.Name) and root.value in sessions and calls):
        return None
    session, method, last = root.value, _name(calls[0]), _name(calls[-1])
    if method in ("get", "get_one", "merge") and len(calls) == 1:
        return session, method != "get"
    if method == "query":
        if not _one_entity(calls[0].args) or any(_name(c) in _RESHAPERS for c in calls):
            return None
        return (session, last == "one") if last in ("first", "one", "one_or_none", "scalar") else None
    if method in ("scalar", "scalars", "execute") and calls[0].args and _select_of_one_entity(calls[0].args[0].value):
        if method == "scalar" and len(calls) == 1:
            return session, False
        if method == "execute" and last in _OBJECT_TERMINALS and len(calls) == 2:
            return session, last in _NEVER_NONE
        if method in ("scalars", "execute") and last in ("first", "one", "one_or_none") and len(calls) >= 2:
            return (session, last == "one") if method == "scalars" or _name(calls[1]) == "scalars" else None
    return None


def _persisting(statement: cst.CSTNode, session: str) -> str:
    """What made a new object persistent, for a report: ``db.commit()``/``db.flush()`` (a statement
    of its own), else the autoflush of a query."""
    if isinstance(statement, cst.SimpleStatementLine) and isinstance(statement.body[0], cst.Expr):
        call = statement.body[0].value
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in ("commit", "flush"):
            return f"`{session}.{call.func.attr.value}()`"
    return f"the autoflush of a query of `{session}`"


def _is_dml(statement: cst.BaseExpression) -> bool:
    """``update(M)…``, ``delete(M)…``, ``insert(M)…`` or ``text(...)``: SQL that may write."""
    root, _ = _method_chain(statement)
    return isinstance(root, cst.Call) and m.matches(root.func, m.Name("update") | m.Name("delete") | m.Name("insert") | m.Name("text"))


class _Walker(VisitorDispatch, cst.CSTVisitor):
    """Events of one function body in source order; nested functions, lambdas and classes are
    not entered (what they read runs at another time)."""

    def __init__(self, sessions: set[str], parent: object, owner: ExpireOnCommit) -> None:
        self.sessions = sessions
        self.parent = parent
        self.owner = owner  # asks the plan about calls of project functions
        self.events: list[Event] = []
        #: Local names bound to a call given a session (``service = OrderService(db)``) → those sessions.
        self.linked: dict[str, frozenset[str]] = {}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def _statement(self, node: cst.CSTNode) -> cst.CSTNode:
        cur = node
        while not isinstance(cur, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            cur = self.parent(cur)  # type: ignore[operator]
        return cur

    def leave_Assign(self, original_node: cst.Assign) -> None:
        # After the value's own reads: ``user = db.get(User, user.id)`` reads the old one first.
        if len(original_node.targets) != 1 or not isinstance(original_node.targets[0].target, cst.Name):
            for target in original_node.targets:  # ``a, b = ...``: rebound; ``obj.x = ...``: not
                for name in target_names(target.target):
                    self.events.append(("bind", original_node, name, None))
            return
        self._bind(original_node, original_node.targets[0].target.value, original_node.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if isinstance(original_node.target, cst.Name) and original_node.value is not None:
            self._bind(original_node, original_node.target.value, original_node.value)

    def _given(self, call: cst.Call) -> frozenset[str]:
        """The sessions a call is given: as an argument or to the object it is a method of
        (``OrderService(db).place_order(...)``, ``service.place_order(...)`` with ``service`` bound
        to such a call)."""
        found = {n.value for n in _names_in(call) if n.value in self.sessions}
        root, _ = _method_chain(call.func) if isinstance(call.func, cst.Attribute) else (call.func, [])
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Name):
            found |= self.linked.get(root.value, frozenset())
        return frozenset(found)

    def _committed(self, call: cst.Call) -> tuple[str, frozenset[str]] | None:
        """For a call of a project function that commits: (that function, the sessions of this
        one it commits, when it is given exactly one — or pytest gives both the same fixture)."""
        target = self.owner._committing_target(call)
        if target is None:
            return None
        given = self._given(call) | {s for s in self.sessions if self.owner._fixture_session(target, s)}
        return (target, given) if len(given) == 1 else None

    def _bind(self, node: cst.CSTNode, name: str, value: cst.BaseExpression) -> None:
        extra: object = _loaded_object(value, self.sessions)
        call = value.expression if isinstance(value, cst.Await) else value
        if isinstance(call, cst.Call):
            given = self._given(call)
            if given and not _loaded_object(value, self.sessions):
                self.linked[name] = given
            else:
                self.linked.pop(name, None)
            committed = self._committed(call) if extra is None else None
            if committed is not None:
                loaded, never_none = self.owner._returned(committed[0])
                extra = _Returned(committed[0], committed[1], loaded, never_none)
        else:
            self.linked.pop(name, None)
        if extra is None and isinstance(value, cst.Call):
            callee = Callee.of(value.func)
            if callee is not None and not callee.calls and (callee.path or [callee.root])[-1][:1].isupper():
                # ``Model(**data)`` may set a relationship too: a refresh after the commit still loads
                # what the sync read would (the flushed collection), so only named keywords count.
                keywords = frozenset(a.keyword.value for a in value.args if a.keyword is not None)
                extra = _Constructed(callee, keywords)  # perhaps a model: the plan tells
        self.events.append(("bind", self._statement(node), name, extra))

    def visit_For(self, node: cst.For) -> None:
        for name in target_names(node.target):
            self.events.append(("bind", node, name, None))

    def leave_Call(self, original_node: cst.Call) -> None:
        # After the arguments' own reads: the callee runs (and commits) once they are evaluated.
        if isinstance(original_node.func, cst.Attribute) and m.matches(original_node.func.value, m.Name()):
            if cst.ensure_type(original_node.func.value, cst.Name).value in self.sessions:
                return  # a method of the session itself: visit_Call saw it
        committed = self._committed(original_node)
        if committed is not None:
            target, sessions = committed
            stmt = self._statement(original_node)
            self.events += [("commit", stmt, s, (target, original_node)) for s in sessions]
            # What the callee's commit left of the objects it was given: refreshed there, or deleted.
            for position, name in self._object_arguments(original_node):
                state = self.owner._passed_state(target, original_node, position)
                self.events.append(("passed", stmt, name.value, state))

    def _object_arguments(self, call: cst.Call) -> Iterator[tuple[int | str, cst.Name]]:
        """The plain names (not sessions) handed to ``call``, with their position or keyword;
        nothing after a ``*args``, whose positions are unknown."""
        positional = 0
        for arg in call.args:
            if arg.star:
                return
            position: int | str = arg.keyword.value if arg.keyword is not None else positional
            positional += arg.keyword is None
            if isinstance(arg.value, cst.Name) and arg.value.value not in self.sessions:
                yield position, arg.value

    def visit_Call(self, node: cst.Call) -> None:
        # An object handed to a project function that reads its attributes is read there.
        for position, name in self._object_arguments(node):
            for attr in sorted(self.owner._reads_argument(node, position)):
                self.events.append(("read", name, name.value, attr))
        root, calls = _method_chain(node)
        if (
            isinstance(root, cst.Name)
            and root.value in self.sessions
            and len(calls) > 1
            and _name(calls[0]) == "query"
            and _name(calls[-1]) in ("update", "delete")
        ):
            self.events.append(("write", self._statement(node), root.value, None))  # bulk Query.update/delete
        if not (isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name)):
            return
        session, method = node.func.value.value, node.func.attr.value
        if session not in self.sessions:
            return
        names = [a.value.value for a in node.args if isinstance(a.value, cst.Name)]
        if method == "add_all" and node.args and isinstance(node.args[0].value, (cst.List, cst.Tuple)):
            names = [e.value.value for e in node.args[0].value.elements if isinstance(e.value, cst.Name)]
        stmt = self._statement(node)
        if method in ("add", "add_all"):
            self.events += [("add", stmt, n, session) for n in names]
            if len(names) < len(node.args) or method == "add_all":
                self.events.append(("stage", stmt, "", session))  # something else staged too
        elif method == "delete":
            self.events += [("delete", stmt, n, session) for n in names[:1]]
            if not names:
                self.events.append(("stage", stmt, "", session))
        elif method == "merge":
            self.events.append(("stage", stmt, "", session))
        elif method == "refresh":
            self.events += [("refresh", stmt, n, session) for n in names[:1]]
        elif method == "execute" and node.args and _is_dml(node.args[0].value):
            self.events.append(("write", stmt, session, None))
        elif method in _AUTOFLUSHING:
            self.events.append(("io", stmt, session, None))
        elif method in ("commit", "flush") and isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
            if isinstance(stmt.body[0], cst.Expr) and stmt.body[0].value is node and not node.args:
                self.events.append((method, stmt, session, None))

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            kind = "store" if self._stored(node) else "read"
            self.events.append((kind, node, node.value.value, node.attr.value))

    def _stored(self, node: cst.Attribute) -> bool:
        parent = self.parent(node)  # type: ignore[operator]
        if isinstance(parent, (cst.AssignTarget, cst.Del)):
            return True
        return isinstance(parent, cst.AnnAssign) and parent.target is node

    def visit_Return(self, node: cst.Return) -> None:
        if isinstance(node.value, cst.Name):
            self.events.append(("read", node, node.value.value, None))  # any attribute, later


def _names_in(node: cst.CSTNode) -> Iterator[cst.Name]:
    """The names in a call's arguments and in its function's receivers (not attribute names)."""
    if isinstance(node, cst.Call):
        yield from _names_in(node.func)
        for arg in node.args:
            yield from _names_in(arg.value)
    elif isinstance(node, cst.Attribute):
        yield from _names_in(node.value)
    elif isinstance(node, cst.Name):
        yield node
    elif isinstance(node, cst.Await):
        yield from _names_in(node.expression)
    elif isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        for el in node.elements:
            yield from _names_in(el.value)


def _events(fn: cst.FunctionDef, sessions: set[str], parent: object, owner: ExpireOnCommit) -> Iterator[Event]:
    walker = _Walker(sessions, parent, owner)
    fn.body.visit(walker)
    yield from walker.events

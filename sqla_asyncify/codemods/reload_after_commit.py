"""``expire_on_commit`` switched on for one session, as its queries see it, without implicit I/O.

Under the default policy every converted session keeps ``expire_on_commit=False``; a project that
sets ``session.expire_on_commit = value`` on one of them (a test fixture turning the sync default
back on) relied on the sync session expiring its objects at each commit, so that the next query
re-read their rows — including a commit the code cannot see (a request handled by the app on that
same session). ``session-expiry-setting`` writes ``_reload_after_commit(session, value)`` there; the
helper, written once into the module (after its imports), registers two listeners on the session's
``sync_session``:

* ``after_commit``: while the value given is true, the session's objects are now stale;
* ``persistent_to_deleted`` / ``after_rollback``: the objects the session deletes, until it commits
  or rolls back; at the commit, each loaded collection drops those objects (``set_committed_value``,
  no SQL), as the sync session's expired collection, reloaded, no longer held them;
* ``do_orm_execute``: every ORM ``SELECT`` of a stale session runs with ``populate_existing``: the
  rows overwrite the objects already in the session, collections and eager-loaded relationships
  included, as the sync session re-read the objects it had expired.

Nothing is expired, so no attribute read lazy-loads (``MissingGreenlet``); an attribute read (or a
``get()``) of an object already loaded, with no query, still gives the value in memory (reported).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

from .module_helpers import queue_helper

#: The helper's name in the user's module.
HELPER = "_reload_after_commit"

HELPER_SOURCE = (
    f"def {HELPER}(session: AsyncSession, expire: bool) -> None:\n"
    '    """expire_on_commit=expire, as this session\'s queries see it: after a commit,\n'
    "    each ORM query re-reads the rows of the objects it returns (populate_existing),\n"
    "    as the sync session re-read the objects it had expired, and loaded collections\n"
    "    drop the objects the commit deleted. Nothing is expired: attributes read\n"
    "    without a query keep their values. Added by asyncify.\n"
    '    """\n'
    "    from sqlalchemy import event\n"
    "    from sqlalchemy.orm.attributes import instance_state, set_committed_value\n"
    "    from sqlalchemy.orm.collections import collection_adapter\n"
    "\n"
    "    info = session.sync_session.info\n"
    '    info["asyncify_expire_on_commit"] = bool(expire)\n'
    '    if info.get("asyncify_reload_listeners"):  # listeners once per session\n'
    "        return\n"
    '    info["asyncify_reload_listeners"] = True\n'
    "\n"
    '    @event.listens_for(session.sync_session, "persistent_to_deleted")\n'
    "    def deleted(sync_session, instance):\n"
    '        sync_session.info.setdefault("asyncify_deleted", []).append(instance)\n'
    "\n"
    '    @event.listens_for(session.sync_session, "after_rollback")\n'
    "    def rolled_back(sync_session):\n"
    '        sync_session.info.pop("asyncify_deleted", None)\n'
    "\n"
    '    @event.listens_for(session.sync_session, "after_commit")\n'
    "    def committed(sync_session):\n"
    '        gone = sync_session.info.pop("asyncify_deleted", [])\n'
    '        if not sync_session.info.get("asyncify_expire_on_commit"):\n'
    "            return\n"
    '        sync_session.info["asyncify_stale"] = True\n'
    "        # the sync commit expired loaded collections: reloaded, they no longer held the rows it\n"
    "        # deleted; drop those objects from them (no SQL)\n"
    "        gone_ids = {id(obj) for obj in gone}\n"
    "        for obj in list(sync_session.identity_map.values()) if gone_ids else ():\n"
    "            state = instance_state(obj)\n"
    "            for rel in state.mapper.relationships:\n"
    "                loaded = state.dict.get(rel.key) if rel.uselist else None\n"
    "                members = list(collection_adapter(loaded)) if loaded is not None else []\n"
    "                if any(id(member) in gone_ids for member in members):\n"
    "                    kept = [member for member in members if id(member) not in gone_ids]\n"
    "                    set_committed_value(obj, rel.key, kept)\n"
    "\n"
    '    @event.listens_for(session.sync_session, "do_orm_execute")\n'
    "    def reload(orm_execute_state):\n"
    '        stale = orm_execute_state.session.info.get("asyncify_stale")\n'
    "        if stale and orm_execute_state.is_select:\n"
    "            orm_execute_state.update_execution_options(populate_existing=True)\n"
)


def reload_after_commit(context: CodemodContext, session: cst.BaseExpression, value: cst.BaseExpression) -> cst.Expr:
    """``_reload_after_commit(session, value)``; the helper (and its ``AsyncSession`` import) is
    added to the module when the rewrite ends."""
    queue_helper(context, HELPER, HELPER_SOURCE)
    AddImportsVisitor.add_needed_import(context, "sqlalchemy.ext.asyncio", "AsyncSession")
    return cst.Expr(cst.Call(func=cst.Name(HELPER), args=[cst.Arg(session), cst.Arg(value)]))


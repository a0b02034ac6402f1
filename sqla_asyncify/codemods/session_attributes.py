"""Options a ``Session`` keeps as plain attributes move to ``session.sync_session`` on an AsyncSession.

Sync code may change a session's option after building it (``session.expire_on_commit = False``)
or read it back. ``AsyncSession`` proxies some ``Session`` attributes (``autoflush``, ``info``…)
but not these (``sqla.SESSION_SYNC_ATTRIBUTES``): a store lands on the async wrapper, where the
session never looks, so the option is silently lost, and a read raises ``AttributeError``.
``session.sync_session`` is the ``Session`` the async one drives (the same object for its whole
life) and reads these options when it commits, so ``session.expire_on_commit`` →
``session.sync_session.expire_on_commit`` is exact, for stores and reads alike.
"""

from __future__ import annotations

import libcst as cst

from .. import sqla
from ..names import Callee
from ..plan import SESSION
from .base import AsyncifyCodemod


class SessionAttributes(AsyncifyCodemod):
    DESCRIPTION = "session.expire_on_commit → session.sync_session.expire_on_commit on an AsyncSession."
    BATCHABLE = True
    TRIGGERS = tuple(sorted(sqla.SESSION_SYNC_ATTRIBUTES))

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value not in sqla.SESSION_SYNC_ATTRIBUTES or self.in_held_sync():
            return updated_node
        receiver = Callee.of(original_node.value)
        if receiver is None or receiver.calls or self.plan.type_of(self.context_qualname, receiver) != SESSION:
            return updated_node
        self.changed = True
        return updated_node.with_changes(value=cst.Attribute(updated_node.value, cst.Name("sync_session")))

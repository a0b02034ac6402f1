"""``session.expire_on_commit`` set or read on a session that becomes an ``AsyncSession``.

``AsyncSession`` keeps no ``expire_on_commit`` of its own: the ``Session`` it wraps
(``session.sync_session``) decides at each commit. An assignment on the async session only sets a
plain attribute on the wrapper, silently lost, and a read raises ``AttributeError`` (or gives that
lost value back).

* A read becomes ``session.sync_session.expire_on_commit``: the value in effect, exactly.
* An assignment follows the ``expire-on-commit`` policy the rest of the migration assumes. Where
  the session keeps expiring (``Plan.session_expires``: the policy is ``"keep"``, or the project's
  factory says ``expire_on_commit=True``, which is kept), the project decides expiry itself:
  it is carried over, ``session.sync_session.expire_on_commit = value``, exact. Otherwise the
  session keeps the policy's ``expire_on_commit=False``, which the refreshes and loader choices
  of the migration rely on (switching expiry back on would expire objects they leave unrefreshed,
  and the next read raises ``MissingGreenlet``). What the assignment asked for, as queries see it,
  is kept: it becomes ``_reload_after_commit(session, value)`` (``reload_after_commit.py``), after
  which every query following a commit re-reads its rows, as the expired objects were re-read
  (reported, ``expire-on-commit``: reads without a query keep memory's values). An assignment of
  ``False`` itself changes nothing and stays; one with several targets is left and reported.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from ..names import Callee
from .base import AsyncifyCodemod
from .reload_after_commit import HELPER, reload_after_commit

_ATTR = "expire_on_commit"


class SessionExpirySetting(AsyncifyCodemod):
    DESCRIPTION = "session.expire_on_commit on an AsyncSession → its sync_session's, or, under the default policy, queries that re-read after a commit."
    TRIGGERS = (_ATTR,)
    BATCHABLE = True

    def _async_session(self, receiver: cst.BaseExpression) -> Callee | None:
        """The session ``receiver`` names, when it becomes an ``AsyncSession`` here."""
        callee = Callee.of(receiver)
        if callee is None or callee.calls or (callee.path and callee.path[-1] == "sync_session") or self.in_held_sync():
            return None
        return callee if self.plan.is_session(self.context_qualname, callee) else None

    def _carried_over(self, session: Callee) -> bool:
        """The session keeps expiring after the migration: the project's setting applies as written."""
        expires = self.plan.session_expires(self.context_qualname, session)
        return expires is True or (expires is None and self.plan.keeps_expiry)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign | cst.Expr:
        targets = []
        for original, updated in zip(original_node.targets, updated_node.targets):
            target = original.target
            session = (
                self._async_session(target.value)
                if isinstance(target, cst.Attribute) and target.attr.value == _ATTR
                else None
            )
            if session is None:
                targets.append(updated)
            elif self._carried_over(session):
                self.changed = True
                targets.append(updated.with_changes(target=_through_sync_session(updated.target)))
            elif isinstance(original_node.value, cst.Name) and original_node.value.value == "False":
                targets.append(updated)  # the policy's own value: nothing changes
            elif len(original_node.targets) == 1:
                self.changed = True
                self.report(
                    original_node,
                    f"`{session}` becomes an AsyncSession, which keeps `expire_on_commit=False` (as every session the "
                    f"migration converts) and cannot reload expired attributes implicitly: `{HELPER}` makes each "
                    "query after a commit re-read the rows of the objects it returns (populate_existing), as the "
                    "sync session re-read the objects it had expired, commits made elsewhere on this session "
                    "included; an attribute read or `get()` of an object already loaded, with no query, keeps the "
                    "value in memory",
                    f"where code reads an object changed by a commit without querying it again, `await {session}"
                    ".refresh(obj)` first",
                    rule="expire-on-commit",
                )
                return reload_after_commit(self.context, updated.target.value, updated_node.value)
            else:
                self.report(
                    original_node,
                    f"`{session}` becomes an AsyncSession, which keeps no `expire_on_commit` of its own: this "
                    "assignment has no effect; the session keeps `expire_on_commit=False`, as every session the "
                    "migration converts (the refreshes and loads it writes rely on it)",
                    "to expire on commit, migrate with `--expire-on-commit keep` (refreshes are then written "
                    f"after commits) and set `{session}.sync_session.expire_on_commit`",
                    rule="expire-on-commit",
                )
                targets.append(updated)
        return updated_node.with_changes(targets=targets)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        # Reads only: assignment targets are handled whole by ``leave_Assign``.
        if original_node.attr.value != _ATTR or self._is_assign_target(original_node):
            return updated_node
        if self._async_session(original_node.value) is None:
            return updated_node
        self.changed = True
        return _through_sync_session(updated_node)

    def _is_assign_target(self, node: cst.Attribute) -> bool:
        return isinstance(self.get_metadata(ParentNodeProvider, node, None), cst.AssignTarget)


def _through_sync_session(node: cst.BaseExpression) -> cst.BaseExpression:
    """``s.expire_on_commit`` → ``s.sync_session.expire_on_commit``."""
    assert isinstance(node, cst.Attribute)
    return node.with_changes(value=cst.Attribute(node.value, cst.Name("sync_session")))

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
  and the next read raises ``MissingGreenlet``): the assignment is left as written and reported
  (``expire-on-commit``), unless it sets ``False`` itself.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from ..names import Callee
from .base import AsyncifyCodemod

_ATTR = "expire_on_commit"


class SessionExpirySetting(AsyncifyCodemod):
    DESCRIPTION = "session.expire_on_commit on an AsyncSession → its sync_session's, or reported under the expiry policy."
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

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
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
            else:
                if not (isinstance(original_node.value, cst.Name) and original_node.value.value == "False"):
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

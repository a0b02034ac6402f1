"""The project's own attributes on a connection move to ``conn.sync_connection``.

Sync code may store a value of its own on a ``Connection`` (``conn.label = "test"``) and read it
back. ``AsyncConnection`` has ``__slots__``: the store raises ``AttributeError`` and so does the
read. ``conn.sync_connection`` is the ``Connection`` the sync code had (the same object for the
connection's whole life), and setting or reading a plain attribute on it does no I/O, so
``conn.label`` → ``conn.sync_connection.label`` is exact, for stores, reads and ``del`` alike.
Attributes of ``Connection`` or ``AsyncConnection`` themselves (``sqla.CONNECTION_ATTRIBUTES``)
are left: the async connection has its own forms of those.
"""

from __future__ import annotations

import libcst as cst

from .. import sqla
from ..names import Callee
from ..plan import CONNECTION
from .base import AsyncifyCodemod


class ConnectionAttributes(AsyncifyCodemod):
    DESCRIPTION = "conn.<own attribute> → conn.sync_connection.<own attribute> on an AsyncConnection."
    BATCHABLE = True

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value in sqla.CONNECTION_ATTRIBUTES or self.in_held_sync():
            return updated_node
        receiver = Callee.of(original_node.value)
        if receiver is None or receiver.calls or self.plan.type_of(self.context_qualname, receiver) != CONNECTION:
            return updated_node
        self.changed = True
        return updated_node.with_changes(value=cst.Attribute(updated_node.value, cst.Name("sync_connection")))

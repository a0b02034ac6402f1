"""The project's own attributes on a connection move to ``conn.sync_connection``.

Sync code may store a value of its own on a ``Connection`` (``conn.label = "test"``) and read it
back. ``AsyncConnection`` has ``__slots__``: the store raises ``AttributeError`` and so does the
read. ``conn.sync_connection`` is the ``Connection`` the sync code had (the same object for the
connection's whole life), and setting or reading a plain attribute on it does no I/O, so
``conn.label`` → ``conn.sync_connection.label`` is exact, for stores, reads and ``del`` alike.
Attributes of ``Connection`` or ``AsyncConnection`` themselves (``sqla.CONNECTION_ATTRIBUTES``)
are left: the async connection has its own forms of those.

A connection handed to Alembic (``cfg.attributes["connection"] = conn``, read by ``env.py``) stays
an ``AsyncConnection``: the project's Alembic commands run on its sync connection
(``alembic_run_sync``). In a project that calls no Alembic command (something outside it runs
them) the hand-off is reported (``alembic-connection``): Alembic runs sync and cannot inspect an
``AsyncConnection``.
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

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            subscript = target.target
            if (
                isinstance(subscript, cst.Subscript)
                and isinstance(subscript.value, cst.Attribute)
                and subscript.value.attr.value == "attributes"
                and not self.in_held_sync()
            ):
                value = Callee.of(node.value)
                if (
                    value is not None
                    and not value.calls
                    and self.plan.type_of(self.context_qualname, value) == CONNECTION
                    and not self.plan.alembic_command_sites
                ):
                    self.report(
                        node,
                        f"`{value}` becomes an AsyncConnection, handed on in `.attributes` (Alembic's `env.py` reads "
                        "it there) and no Alembic command of the project runs it: Alembic runs sync and cannot use "
                        "it (NoInspectionAvailable)",
                        "run the Alembic command inside the connection's greenlet: `await conn.run_sync(run_upgrade, cfg)` "
                        "with `def run_upgrade(sync_conn, cfg): cfg.attributes['connection'] = sync_conn; "
                        "command.upgrade(cfg, 'head')`",
                        rule="alembic-connection",
                    )

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        if original_node.attr.value in sqla.CONNECTION_ATTRIBUTES or self.in_held_sync():
            return updated_node
        receiver = Callee.of(original_node.value)
        if receiver is None or receiver.calls or self.plan.type_of(self.context_qualname, receiver) != CONNECTION:
            return updated_node
        self.changed = True
        return updated_node.with_changes(value=cst.Attribute(updated_node.value, cst.Name("sync_connection")))

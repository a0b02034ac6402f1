"""Alembic commands run on the sync connection inside the ``AsyncConnection`` handed to them.

Alembic runs sync: its ``env.py`` reads the connection a program hands it in the config's
``attributes`` (``cfg.attributes["connection"] = conn``, Alembic's "sharing a connection" recipe)
and inspects it, which an ``AsyncConnection`` refuses (``NoInspectionAvailable``). Its sync
``Connection`` (``conn.sync_connection``) works only inside the connection's greenlet, so the
command itself must run there: Alembic's asyncio cookbook runs it through ``await
conn.run_sync(fn)`` with ``cfg.attributes["connection"] = sync_conn`` inside ``fn``.

Where the project hands such a connection to a config (the plan's ``alembic_handoffs``), any
Alembic command it calls may get that config, handed on through fixtures and parameters, so the
plan makes each function calling one async and this pass rewrites the call::

    command.upgrade(cfg, "head")   →   await _run_alembic(command.upgrade, cfg, "head")

``_run_alembic`` (written into the module) checks at run time: a config carrying no
``AsyncConnection`` (or no ``attributes`` dict at all: a mock, None) runs the command as before; one carrying some runs it inside the first one's
``run_sync``, each ``AsyncConnection`` in ``attributes`` replaced by its sync ``Connection`` while the
command runs (any of them works there: every greenlet ``run_sync`` starts can drive a connection of
the same loop), then put back. ``env.py`` is left as it is: it gets the sync ``Connection`` it always
did, and from the shell (nothing handed) it builds its own sync engine from the URL, as before.
The command is looked up at the call, so a test patching ``alembic.command.revision`` still sees
its mock called with the same arguments.

A command call that stays sync (held code, a lambda, a command-line entry point) or has no config
as its first argument is reported (``alembic-connection``) and left; so is a hand-off in a project
that calls no Alembic command (something outside the project runs it), and an engine that becomes
an ``AsyncEngine`` handed the same way (in a module that uses Alembic): ``env.py`` would connect it
sync, and the helper hands over connections only.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.metadata import QualifiedNameProvider

from ..names import Callee
from ..plan import ENGINE
from ..plan.fixpoint import ALEMBIC_COMMANDS
from .base import AsyncifyCodemod
from .module_helpers import queue_helper

#: The helper's name in the user's module.
HELPER = "_run_alembic"

HELPER_SOURCE = (
    f"async def {HELPER}(command, config, /, *args, **kwargs):\n"
    '    """Run the Alembic command(config, ...), which runs sync. An AsyncConnection handed\n'
    "    to it in config.attributes (where env.py reads it) runs it inside run_sync, with its\n"
    "    sync Connection in its place while the command runs. Added by asyncify.\n"
    '    """\n'
    "    from sqlalchemy.ext.asyncio import AsyncConnection\n"
    "\n"
    "    attributes = getattr(config, \"attributes\", None)\n"
    "    handed = {\n"
    "        key: value\n"
    "        for key, value in (attributes if isinstance(attributes, dict) else {}).items()\n"
    "        if isinstance(value, AsyncConnection)\n"
    "    }\n"
    "    if not handed:\n"
    "        return command(config, *args, **kwargs)\n"
    "\n"
    "    def run(_):\n"
    "        for key, value in handed.items():\n"
    "            config.attributes[key] = value.sync_connection\n"
    "        try:\n"
    "            return command(config, *args, **kwargs)\n"
    "        finally:\n"
    "            config.attributes.update(handed)\n"
    "\n"
    "    return await next(iter(handed.values())).run_sync(run)\n"
)

_FIX = (
    "run the command inside the connection's greenlet: `await conn.run_sync(run_upgrade, cfg)` with "
    "`def run_upgrade(sync_conn, cfg): cfg.attributes['connection'] = sync_conn; command.upgrade(cfg, 'head')`"
)


class AlembicRunSync(AsyncifyCodemod):
    DESCRIPTION = "command.upgrade(cfg, ...) → await _run_alembic(command.upgrade, cfg, ...) where an AsyncConnection is handed to Alembic."
    TRIGGERS = ("alembic",)
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def visit_Assign(self, node: cst.Assign) -> None:
        """``cfg.attributes[key] = engine`` with an engine that becomes an ``AsyncEngine``: reported."""
        for target in node.targets:
            subscript = target.target
            if not (
                isinstance(subscript, cst.Subscript)
                and isinstance(subscript.value, cst.Attribute)
                and subscript.value.attr.value == "attributes"
            ) or self.in_held_sync():
                continue
            value = Callee.of(node.value)
            if value is not None and not value.calls and self.plan.type_of(self.context_qualname, value) == ENGINE:
                self.report(
                    node,
                    f"`{value}` becomes an AsyncEngine, handed on in `.attributes` (Alembic's `env.py` reads it "
                    "there): Alembic connects it sync, and an AsyncEngine's connection is an AsyncConnection, "
                    "which it cannot use",
                    "hand Alembic a connection instead: `async with engine.connect() as conn: await "
                    "conn.run_sync(run_upgrade, cfg)` with `def run_upgrade(sync_conn, cfg): "
                    "cfg.attributes['connection'] = sync_conn; command.upgrade(cfg, 'head')`",
                    rule="alembic-connection",
                )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self.plan.alembic_handoffs or not self._is_command(original_node):
            return updated_node
        if not self.in_async_context() or self.in_held_sync():
            self.report(
                original_node,
                "this Alembic command stays sync, and its config may carry the AsyncConnection the project "
                "hands Alembic in `.attributes`: Alembic cannot use it (NoInspectionAvailable)",
                _FIX,
                rule="alembic-connection",
            )
            return updated_node
        args = list(updated_node.args)
        config = next((i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == "config"), None)
        if config is not None:
            args.insert(0, args.pop(config).with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT))
        if not args or args[0].keyword is not None or args[0].star:
            self.report(
                original_node,
                "an Alembic command whose config is not its first argument: it is not run through `run_sync`",
                _FIX,
                rule="alembic-connection",
            )
            return updated_node
        self.changed = True
        return cst.Await(alembic_runner(self.context, updated_node.func, args))

    def _is_command(self, node: cst.Call) -> bool:
        return any(name.startswith(ALEMBIC_COMMANDS) for name in self.qualified_names(node.func))


def alembic_runner(context: CodemodContext, command: cst.BaseExpression, args: list[cst.Arg]) -> cst.Call:
    """``_run_alembic(command, *args)``; the helper is added to the module when the rewrite ends."""
    queue_helper(context, HELPER, HELPER_SOURCE)
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    every = [cst.Arg(command), *args]
    every = [a.with_changes(comma=comma) for a in every[:-1]] + [every[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return cst.Call(func=cst.Name(HELPER), args=every)


"""Alembic's ``env.py`` keeps a sync engine: a URL it takes from the migrated app gets a sync driver.

Alembic runs migrations sync, and its ``env.py`` and revision files are left sync (they are held,
and no other transformer touches them). But an ``env.py`` that builds its engine from the app's
URL (``from app.database import DATABASE_URL``) would now get an async driver
(``sqlite+aiosqlite://``) that a sync engine cannot load. That URL, wherever ``env.py`` hands it to
``create_engine(...)``, ``engine_from_config(..., url=...)``, ``context.configure(url=...)`` or
``config.set_main_option("sqlalchemy.url", ...)``, is given the dialect's default sync driver:
``make_url(URL).set(drivername=make_url(URL).get_backend_name())`` (for ``set_main_option``, rendered
back to a string with its password). Reported as ``alembic-env``: a URL that named a sync driver
explicitly (``postgresql+psycopg2://``) now gets the dialect's default one.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import QualifiedNameProvider

from ..names import Callee
from .base import AsyncifyCodemod

_URL_TAKERS = {
    "sqlalchemy.create_engine": ("url", 0),
    "sqlalchemy.engine.create_engine": ("url", 0),
    "sqlalchemy.engine_from_config": ("url", None),
    "alembic.context.configure": ("url", None),
}


class AlembicSyncUrl(AsyncifyCodemod):
    DESCRIPTION = "Give alembic's env.py a sync URL when it takes the migrated app's URL."
    TRIGGERS = ("alembic",)
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def _from_project(self, node: cst.BaseExpression) -> bool:
        """A name (or attribute of one) imported from a migrated project module."""
        callee = Callee.of(node)
        if callee is None or callee.calls:
            return False
        target = self.plan.qualify(self.module_name, callee)
        module = target.rpartition(".")[0]
        while module and module not in self.plan.modules:
            module = module.rpartition(".")[0]
        return bool(module) and module != self.module_name and f"{module}.<module>" not in self.plan.held_sync

    def _sync_url(self, value: cst.BaseExpression, as_string: bool) -> cst.BaseExpression:
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.engine", "make_url")
        code = cst.Module([]).code_for_node(value)
        text = f"make_url({code}).set(drivername=make_url({code}).get_backend_name())"
        if as_string:
            text += ".render_as_string(hide_password=False)"
        return cst.parse_expression(text)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        names = self.qualified_names(original_node.func)
        args = list(updated_node.args)
        changed = False
        if names & {"alembic.context.config.set_main_option"} or (
            isinstance(original_node.func, cst.Attribute) and original_node.func.attr.value == "set_main_option"
        ):
            if len(args) == 2 and isinstance(args[0].value, cst.SimpleString) and args[0].value.evaluated_value == "sqlalchemy.url":
                if self._from_project(args[1].value):
                    args[1] = args[1].with_changes(value=self._sync_url(args[1].value, as_string=True))
                    changed = True
        for name in names & set(_URL_TAKERS):
            keyword, position = _URL_TAKERS[name]
            for i, arg in enumerate(args):
                by_keyword = arg.keyword is not None and arg.keyword.value == keyword
                by_position = arg.keyword is None and position is not None and i == position
                if (by_keyword or by_position) and self._from_project(arg.value):
                    args[i] = arg.with_changes(value=self._sync_url(arg.value, as_string=False))
                    changed = True
        if not changed:
            return updated_node
        self.report(
            original_node,
            "alembic runs sync: the app's URL, now naming an async driver, is handed to it with the dialect's "
            "default sync driver",
            "if the app named a sync driver explicitly (postgresql+psycopg2://), set it here instead of the default",
            rule="alembic-env",
        )
        return updated_node.with_changes(args=args)

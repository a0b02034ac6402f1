"""``populate_existing`` on the queries that can follow a commit of their session (rules §3.3).

The sync session expired every object on commit, so a query after it re-read the rows (a collection
grown through a foreign key, a column a bulk ``update()`` or another connection changed). Migrated
sessions keep their objects (``expire_on_commit=False``), and the same query would hand back what
memory holds. ``freshness.py`` finds the sites; this writes, where the query starts,
``db.query(M).populate_existing()`` (``query-to-select`` carries it into the ``select()``),
``select(M).execution_options(populate_existing=True)`` or ``db.get(M, pk, populate_existing=True)``:
the rows overwrite the identity map's objects, with no extra statement for a query and the one
SELECT sync ``get()`` of an expired object ran. Runs right after ``eager-load-options`` (the loaders
it adds reload the collections read afterwards); each site is reported (``populate-existing``).
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import PositionProvider

from ..loading_facts import POPULATES
from .base import AsyncifyCodemod, keyword_arg
from .eager_load_options import _is_site_call


class PopulateExisting(AsyncifyCodemod):
    DESCRIPTION = "Re-read the rows, as the sync code's expired objects were, in queries that follow a commit."
    TRIGGERS = ("query", "get", "select")

    @classmethod
    def wanted(cls, plan: object, module_name: str) -> bool:
        return any(key[0] == module_name for key in plan.freshness.sites)  # type: ignore[attr-defined]

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        position = self.get_metadata(PositionProvider, original_node, None)
        if position is None:
            return updated_node
        fresh = self.plan.freshness.site(self.module_name, position.start.line, position.start.column)
        if fresh is None or not _is_site_call(original_node, fresh.site.form) or POPULATES in fresh.site.options:
            return updated_node
        where = "this function" if fresh.via == fresh.scope else f"`{fresh.via}`"
        self.report(
            original_node,
            f"this query can follow the commit at line {fresh.commit_line} of {where}: the sync session had expired "
            "its objects there, so the query re-read them; the migrated session keeps them, so the query now "
            "overwrites them with the rows (populate_existing)",
        )
        if fresh.site.form == "get":
            args = list(updated_node.args)
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            return updated_node.with_changes(args=[*args, keyword_arg("populate_existing", cst.Name("True"))])
        if fresh.site.form == "query":
            return cst.Call(cst.Attribute(updated_node, cst.Name("populate_existing")), [])
        return cst.Call(
            cst.Attribute(updated_node, cst.Name("execution_options")),
            [keyword_arg("populate_existing", cst.Name("True"))],
        )

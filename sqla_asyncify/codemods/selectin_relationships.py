"""Lazy-loaded relationships → ``lazy="selectin"``, so no attribute access does hidden I/O (rules §3.1).

Under asyncio a lazy load raises ``MissingGreenlet`` (wrapped in ``StatementError`` on 2.1) — in the
code that touches ``order.items``, and equally in FastAPI's serialization of a response model with
``from_attributes``, which runs outside any code a codemod can rewrite. Loading the relationship
with its parent removes the hazard everywhere: each ``relationship(...)`` (and ``backref(...)``)
whose loader strategy is the lazy default (no ``lazy=``, ``lazy="select"`` or ``lazy=True``) gets
``lazy="selectin"``, and so does the reverse relationship a string ``backref="name"`` declares
(``backref=backref("name", lazy="selectin")``). The objects and values are the same; the SQL is issued earlier (one
``SELECT … WHERE … IN`` per relationship and query), so each change is reported as ``lazy-load``
with the narrower alternative (per-query ``selectinload()`` plus ``lazy="raise"``).

SQLModel's ``Relationship(...)`` takes no ``lazy=``: it passes ``sa_relationship_kwargs`` on to
``relationship()``, so the strategy goes there (``sa_relationship_kwargs={"lazy": "selectin"}``,
or the key added to / replaced in a literal dict already given).

A ``**name`` argument is seen through when ``name`` is a dict literal bound once in the module
with string keys, no ``lazy``, and used only in such spreads (``_constant_dicts``); any other
``**kwargs`` may set ``lazy=``, and the call is left.

Refused and reported: ``lazy="dynamic"`` (incompatible with asyncio, rules §3.16) and a ``lazy=``
that is not a literal. Other strategies (``joined``, ``selectin``, ``subquery``, ``immediate``,
``raise``, ``noload``, ``write_only``) do no lazy I/O and are left alone.

Deferred columns are the same hazard for a column: ``column_property(expr, deferred=True)``,
``mapped_column(..., deferred=True)`` and ``deferred(expr)`` load on first access (a SELECT of the
column, a correlated subquery for a computed one), which raises ``MissingGreenlet`` under asyncio,
in a response model's serialization too. One whose attribute name the project reads somewhere (an
attribute read on any object, or a field of that name in another class: a schema validating the
objects) is loaded with its row instead: the ``deferred=True`` keyword is dropped (``deferred(expr)``
becomes ``column_property(expr)``), reported as ``lazy-load``. One with ``raiseload=True`` never
loads lazily and is left, as is one whose name is read nowhere.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ParentNodeProvider, QualifiedNameProvider

from ..plan.loading import Decision
from ..sqla import DEFERRABLE_COLUMN_FUNCTIONS, DEFERRED_FUNCTIONS, RELATIONSHIP_FUNCTIONS, SQLMODEL_RELATIONSHIP_FUNCTIONS
from ..kwarg_dicts import constant_dicts, spreads_constant_dicts
from .base import AsyncifyCodemod, keyword_arg

LAZY_DEFAULTS = frozenset({"'select'", '"select"', "True"})


class SelectinRelationships(AsyncifyCodemod):
    DESCRIPTION = 'Load lazy relationships with `lazy="selectin"` (no implicit I/O under asyncio).'
    BATCHABLE = True
    TRIGGERS = ("relationship", "backref", "Relationship", "deferred")
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        # The names the provider gives, without its scope analysis where the imports tell.
        names = self.qualified_names(original_node.func)
        if names & (DEFERRABLE_COLUMN_FUNCTIONS | DEFERRED_FUNCTIONS):
            return self._undefer(original_node, updated_node, bool(names & DEFERRED_FUNCTIONS))
        if names & SQLMODEL_RELATIONSHIP_FUNCTIONS:
            return self._sqlmodel_relationship(original_node, updated_node)
        if not names & RELATIONSHIP_FUNCTIONS:
            return updated_node
        what = "backref" if any(name.endswith("backref") for name in names) else "relationship"
        target = self._describe(original_node)
        lazy = next((a for a in original_node.args if a.keyword and a.keyword.value == "lazy"), None)
        if any(a.star == "**" for a in original_node.args) and not self._spreads_known_dicts(original_node):
            return updated_node  # ``**kwargs`` may set lazy: nothing to see statically
        if lazy is not None:
            code = cst.Module([]).code_for_node(lazy.value)
            if code in ('"dynamic"', "'dynamic'"):
                self.report(
                    original_node,
                    f'{what} {target} uses lazy="dynamic", which does not work under asyncio',
                    'use lazy="write_only" with explicit select() statements, or reach it through `await session.run_sync(...)`',
                    rule="lazy-load",
                )
                return updated_node
            if code not in LAZY_DEFAULTS:
                if not isinstance(lazy.value, (cst.SimpleString, cst.Name)):
                    self.report(original_node, f"{what} {target}: lazy= is not a literal; cannot tell if it loads lazily", rule="lazy-load")
                return updated_node
        updated_node = self._string_backref(original_node, updated_node, target)
        decision = self._decision(original_node)
        if decision is not None and decision.kind != "selectin":
            return updated_node  # never read, or loaded by the queries that read it (eager-load-options)
        self._report_selectin(original_node, what, target, decision)
        selectin = cst.SimpleString('"selectin"')
        if lazy is not None:
            args = [a.with_changes(value=selectin) if a.keyword and a.keyword.value == "lazy" else a for a in updated_node.args]
        else:
            args = list(updated_node.args)
            new = keyword_arg("lazy", selectin)
            if args and not isinstance(args[-1].comma, cst.MaybeSentinel):
                # keep a trailing comma layout (``relationship(\n    "X",\n)``) by adding after it
                new = new.with_changes(comma=args[-1].comma)
                args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(new)
        return updated_node.with_changes(args=args)

    def _undefer(self, original: cst.Call, updated: cst.Call, deferred_form: bool) -> cst.Call:
        """A deferred column whose name is read somewhere → loaded with its row (reported)."""
        keywords = {a.keyword.value: a.value for a in original.args if a.keyword is not None}
        if any(a.star == "**" for a in original.args) or "raiseload" in keywords:
            return updated  # ``**kwargs`` may defer it; ``raiseload=True`` never loads lazily
        flag = keywords.get("deferred")
        if not deferred_form and not (isinstance(flag, cst.Name) and flag.value == "True"):
            return updated
        attr = self._class_attribute(original)
        if attr is None:
            return updated
        where = self.plan.attribute_read(attr, self.scope_qualname)
        if where is None:
            return updated  # never read: it stays deferred
        self.report(
            original,
            f"deferred column `{self.scope_qualname}.{attr}` is read (`.{attr}`, {where}): loaded on first access, "
            "it would raise MissingGreenlet under asyncio: loaded with its row instead (not deferred; the same value)",
            f"for less eager SQL: keep it deferred and add `.options(undefer({self.scope_qualname.rsplit('.', 1)[-1]}.{attr}))` "
            "to the queries whose objects read it",
            rule="lazy-load",
        )
        self.changed = True
        args = [a for a in updated.args if not (a.keyword is not None and a.keyword.value == "deferred")]
        if args and updated.args[-1] is not args[-1]:
            args[-1] = args[-1].with_changes(comma=_last_comma(args[-1].comma, updated.args[-1].comma))
        if not deferred_form:
            return updated.with_changes(args=args)
        AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", "column_property")
        return updated.with_changes(func=cst.Name("column_property"), args=args)

    def _class_attribute(self, node: cst.Call) -> str | None:
        """``attr`` of ``attr = <node>`` / ``attr: T = <node>`` in a class body, else None."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        target = None
        if isinstance(parent, cst.AnnAssign):
            target = parent.target
        elif isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        return target.value if isinstance(target, cst.Name) and self.scope_kind == "class" else None

    def _spreads_known_dicts(self, node: cst.Call) -> bool:
        """Every ``**name`` of the call spreads a module constant dict without ``lazy``
        (``kwarg_dicts.spreads_constant_dicts``, as the index reads it): the lazy default."""
        if getattr(self, "_literal_dicts", None) is None:
            self._literal_dicts = constant_dicts(self.module)  # once per module, on first need
        return spreads_constant_dicts(node, self._literal_dicts, "lazy")

    def _report_selectin(self, node: cst.Call, what: str, target: str, decision: Decision | None) -> None:
        why = f" ({'; '.join(decision.reasons[:3])})" if decision is not None else ""
        self.report(
            node,
            f'{what} {target} is read where the plan cannot follow the objects back to their query{why}; '
            'loaded lazily it would raise MissingGreenlet under asyncio: set lazy="selectin" (same objects, loaded with the parent)',
            'for less eager SQL: lazy="raise" here and `.options(selectinload(...))` on the queries that need it',
            rule="lazy-load",
        )

    def _sqlmodel_relationship(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """``Relationship(...)`` with the lazy default the plan loads with its parent →
        ``sa_relationship_kwargs={"lazy": "selectin"}``. The index gives a decision only where the
        strategy is readable and the lazy default (``_sqlmodel_lazy``)."""
        decision = self._decision(original)
        if decision is None or decision.kind != "selectin":
            return updated
        self._report_selectin(original, "relationship", self._describe(original), decision)
        entry = cst.DictElement(cst.SimpleString('"lazy"'), cst.SimpleString('"selectin"'))
        args = list(updated.args)
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == "sa_relationship_kwargs":
                kwargs = cst.ensure_type(arg.value, cst.Dict)
                elements = [e for e in kwargs.elements if not (isinstance(e, cst.DictElement) and isinstance(e.key, cst.SimpleString) and e.key.evaluated_value == "lazy")]
                if elements:
                    elements[-1] = elements[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                args[i] = arg.with_changes(value=kwargs.with_changes(elements=[*elements, entry]))
                return updated.with_changes(args=args)
        new = keyword_arg("sa_relationship_kwargs", cst.Dict([entry]))
        if args and not isinstance(args[-1].comma, cst.MaybeSentinel):
            new = new.with_changes(comma=args[-1].comma)
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(new)
        return updated.with_changes(args=args)

    def _decision(self, node: cst.Call) -> Decision | None:
        """The plan's decision for ``attr = relationship(...)`` in the class being visited, or for
        the reverse relationship a ``backref("name")`` given to one declares on its target."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Arg):
            outer = self.get_metadata(ParentNodeProvider, parent, None)
            first = node.args[0].value if node.args else None
            target = outer.args[0].value if isinstance(outer, cst.Call) and outer.args else None
            if isinstance(first, cst.SimpleString) and isinstance(target, cst.SimpleString):
                name, owner = first.evaluated_value, target.evaluated_value
                if isinstance(name, str) and isinstance(owner, str):
                    return self.plan.loading.backref_decision(self.module_name, owner, name)
            return None
        target = None
        if isinstance(parent, cst.AnnAssign):
            target = parent.target
        elif isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        if not isinstance(target, cst.Name) or self.scope_kind != "class":
            return None
        return self.plan.loading.decision(self.scope_qualname, target.value)

    def _string_backref(self, original: cst.Call, updated: cst.Call, target: str) -> cst.Call:
        """``backref="user"`` declares the reverse relationship with the lazy default: it becomes
        ``backref=backref("user", lazy="selectin")``, the same relationship loaded eagerly."""
        index = next((i for i, a in enumerate(original.args) if a.keyword and a.keyword.value == "backref"), None)
        if index is None:
            return updated
        value = original.args[index].value
        if not isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) or not isinstance(
            value.evaluated_value, str
        ):
            if not isinstance(value, cst.Call):  # ``backref(...)`` calls are visited on their own
                self.report(
                    original,
                    f"the backref of {target} is not a literal: cannot tell whether it loads lazily",
                    'spell it `backref=backref("name", lazy="selectin")`',
                    rule="lazy-load",
                )
            return updated
        owner = next((a.value for a in original.args if a.keyword is None and not a.star), None)
        written = owner.evaluated_value if isinstance(owner, cst.SimpleString) else None
        decision = self.plan.loading.backref_decision(self.module_name, written, value.evaluated_value) if isinstance(written, str) else None
        if decision is not None and decision.kind != "selectin":
            return updated
        name = self._tree_metadata.local_name_for("sqlalchemy.orm.backref")
        if name is None and self._tree_metadata.is_free("backref"):
            name = "backref"
            AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", "backref")
        if name is None:
            self.report(
                original,
                f'the backref "{value.evaluated_value}" of {target} loads lazily and `backref` cannot be imported here',
                f'spell it `backref=backref("{value.evaluated_value}", lazy="selectin")`',
                rule="lazy-load",
            )
            return updated
        self.report(
            original,
            f'the backref "{value.evaluated_value}" of {target} (the reverse relationship) loaded lazily would '
            'raise MissingGreenlet under asyncio; declared with lazy="selectin"',
            "for less eager SQL: lazy=\"raise\" there and `.options(selectinload(...))` on the queries that need it",
            rule="lazy-load",
        )
        eager = cst.Call(cst.Name(name), [cst.Arg(value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), keyword_arg("lazy", cst.SimpleString('"selectin"'))])
        args = list(updated.args)
        args[index] = args[index].with_changes(value=eager)
        return updated.with_changes(args=args)

    def _describe(self, node: cst.Call) -> str:
        """``Order.items`` for ``items = relationship(...)`` in class ``Order``; ``"owner" of
        `User.orders``` for the ``backref("owner")`` given to it."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Arg):
            outer = self.get_metadata(ParentNodeProvider, parent, None)
            first = node.args[0].value if node.args else None
            if isinstance(outer, cst.Call) and isinstance(first, cst.SimpleString):
                return f"{first.value} of {self._describe(outer)}"
        target = None
        if isinstance(parent, cst.AnnAssign):
            target = parent.target
        elif isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
        attr = f".{target.value}" if isinstance(target, cst.Name) else ""
        return f"`{self.scope_qualname.rsplit('.', 1)[-1]}{attr}`"


def _last_comma(kept: cst.Comma | cst.MaybeSentinel, removed: cst.Comma | cst.MaybeSentinel) -> cst.Comma | cst.MaybeSentinel:
    """The comma after the argument that becomes last once the one after it is removed: the removed
    one's (the call's closing layout), keeping a comment that followed the kept one (``# type: ignore``)."""
    if (
        isinstance(kept, cst.Comma)
        and isinstance(removed, cst.Comma)
        and isinstance(kept.whitespace_after, cst.ParenthesizedWhitespace)
        and isinstance(removed.whitespace_after, cst.ParenthesizedWhitespace)
        and kept.whitespace_after.first_line.comment is not None
    ):
        return kept.with_changes(whitespace_after=kept.whitespace_after.with_changes(last_line=removed.whitespace_after.last_line))
    return removed

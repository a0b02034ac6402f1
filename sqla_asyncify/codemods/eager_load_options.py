"""Loader options on the queries whose objects are read through a lazy relationship (rules §3.1).

``loading.py`` decides, per query site, which relationships the code reads on its results (in the
function, in the functions they are passed or returned to, or serialized by a route's response
model); this transformer writes them where the query starts: ``db.query(M)`` →
``db.query(M).options(...)`` (``query-to-select`` carries them into the ``select()``),
``select(M)`` → ``select(M).options(...)``, ``db.get(M, pk)`` → ``db.get(M, pk, options=[...])``.
A collection gets ``selectinload``, a many-to-one ``joinedload`` (no ``.unique()`` needed), chained
as the reads nest. A path the query already loads (an option naming the same attribute) is left to
the query's own loader. Runs first, so the sites are found at the input's positions; each site is
reported (``eager-load-options``) with the read that needs it.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import PositionProvider

from ..plan.loading import Rel, SiteLoads
from .base import AsyncifyCodemod, keyword_arg

LOADERS = {True: "selectinload", None: "selectinload", False: "joinedload"}


#: What the load a caller runs itself starts with (``await db.run_sync(lambda _: None if user is None else …)``).
LOAD_MARK = re.compile(r"\.run_sync\(\s*lambda _: \(?\s*None if ")


class EagerLoadOptions(AsyncifyCodemod):
    DESCRIPTION = "Eager-load, per query, the relationships the code reads on its results."
    TRIGGERS = ()  # sites are found by position, consumers by line: ``wanted`` says where

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._loaded: set[int] = set()

    @classmethod
    def wanted(cls, plan: object, module_name: str) -> bool:
        loading = plan.loading  # type: ignore[attr-defined]
        return any(key[0] == module_name for key in (*loading.sites, *loading.consumers))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        position = self.get_metadata(PositionProvider, original_node, None)
        if position is None:
            return updated_node
        loads = self.plan.loading.site_loads(self.module_name, position.start.line, position.start.column)
        if loads is None or not _is_site_call(original_node, loads.site.form):
            return updated_node  # a chain's calls all start where its receiver does
        options, described = self._options(loads, original_node)
        if not options:
            return updated_node
        self.report(
            original_node,
            f"this query's {loads.entity.rsplit('.', 1)[-1]} objects are read through {', '.join(described)}: "
            "loaded here, once per query, instead of lazily (which raises MissingGreenlet under asyncio)",
        )
        if loads.site.form == "get":
            return self._get_options(updated_node, options)
        if loads.site.form == "refresh":
            return self._refresh_as_get(loads, updated_node, options)
        return cst.Call(func=cst.Attribute(value=updated_node, attr=cst.Name("options")), args=self._args(options))

    def _refresh_as_get(self, loads: SiteLoads, node: cst.Call, options: list[cst.BaseExpression]) -> cst.Call:
        """``db.refresh(obj)`` → ``db.get(M, obj.pk, options=[...], populate_existing=True)``: the
        same SELECT of the row, overwriting what is loaded as refresh does, plus the loaders
        (``refresh`` takes none; verified: ``populate_existing`` reloads a loaded collection too)."""
        assert isinstance(node.func, cst.Attribute)
        key = self.plan.loading.primary_key(loads.entity)
        entity = self._root(loads)
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        ident: cst.BaseExpression = cst.Attribute(cst.Name(loads.site.target), cst.Name(key or ""))
        if self._expires(loads):
            # An expired object's ``obj.id`` would itself reload (MissingGreenlet): its identity
            # key is kept in its state.
            inspect = self._inspect_name()
            if inspect is None:
                return node
            ident = cst.parse_expression(f"{inspect}({loads.site.target}).identity")
        return cst.Call(
            func=node.func.with_changes(attr=cst.Name("get")),
            args=[
                cst.Arg(cst.parse_expression(entity or ""), comma=comma),
                cst.Arg(ident, comma=comma),
                keyword_arg("options", cst.List([cst.Element(o, comma=c) for o, c in zip(
                    options, [comma] * (len(options) - 1) + [cst.MaybeSentinel.DEFAULT]
                )]), comma=comma),
                keyword_arg("populate_existing", cst.Name("True")),
            ],
        )

    def _expires(self, loads: SiteLoads) -> bool:
        """Whether the refreshed object's session may still expire on commit after the migration."""
        session = loads.site.session
        expires = self.plan.session_expires(loads.scope, session) if session is not None else None
        return bool(expires) or expires is None and self.plan.keeps_expiry

    def _inspect_name(self) -> str | None:
        local = self._tree_metadata.local_name_for("sqlalchemy.inspect")
        if local is not None:
            return local
        for name in ("inspect", "sa_inspect"):
            if self._tree_metadata.is_free(name):
                AddImportsVisitor.add_needed_import(
                    self.context, "sqlalchemy", "inspect", asname=None if name == "inspect" else name
                )
                return name
        return None

    def _root(self, loads: SiteLoads) -> str | None:
        """The query's entity as this module spells it."""
        return loads.site.entity if loads.site.form != "refresh" else self._class_name(loads.entity)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        # A second run: the load already follows its statement (black put it on a line of its own).
        for statement, following in zip(node.body, node.body[1:]):
            if LOAD_MARK.search(cst.Module([]).code_for_node(following)):
                self._loaded.add(id(statement))

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        """``user = crud.get_user(db, user_id)`` whose caller alone reads ``user.orders``: the lazy
        loads the sync read ran, run here in the session's greenlet, on the same line."""
        position = self.get_metadata(PositionProvider, original_node, None)
        found = self.plan.loading.consumer_loads(self.module_name, position.start.line) if position else None
        if found is None or not self.in_async_context():
            return updated_node
        scope, var, chains = found
        session = self.plan.loading.session_in(scope)
        if session is None or id(original_node) in self._loaded or LOAD_MARK.search(cst.Module([]).code_for_node(original_node)):
            return updated_node
        touches = [_touch(var, chain, 1) for chain in sorted(chains, key=lambda c: [r.name for r in c])]
        body = touches[0] if len(touches) == 1 else f"({', '.join(touches)})"
        load = cst.parse_statement(f"await {session}.run_sync(lambda _: None if {var} is None else {body})\n")
        assert isinstance(load, cst.SimpleStatementLine)
        described = ", ".join(" -> ".join(r.name for r in c) for c in chains)
        self.report(
            original_node,
            f"`{var}` comes from a function other callers use without {described}: loaded here, by the same lazy "
            "loads the sync code ran, in the session's greenlet (options on that function's query would load it for every caller)",
        )
        last = updated_node.body[-1].with_changes(semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" ")))
        return updated_node.with_changes(body=[*updated_node.body[:-1], last, *load.body])

    @staticmethod
    def _args(options: list[cst.BaseExpression]) -> list[cst.Arg]:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return [cst.Arg(o, comma=comma if i < len(options) - 1 else cst.MaybeSentinel.DEFAULT) for i, o in enumerate(options)]

    def _get_options(self, node: cst.Call, options: list[cst.BaseExpression]) -> cst.Call:
        args = list(node.args)
        for i, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == "options" and isinstance(arg.value, cst.List):
                elements = [e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) for e in arg.value.elements]
                elements += [cst.Element(o) for o in options]
                elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                args[i] = arg.with_changes(value=arg.value.with_changes(elements=elements))
                return node.with_changes(args=args)
        if args:
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        args.append(keyword_arg("options", cst.List([cst.Element(o, comma=c) for o, c in zip(
            options, [cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))] * (len(options) - 1) + [cst.MaybeSentinel.DEFAULT]
        )])))
        return node.with_changes(args=args)

    def _options(self, loads: SiteLoads, node: cst.Call) -> tuple[list[cst.BaseExpression], list[str]]:
        options: list[cst.BaseExpression] = []
        described: list[str] = []
        existing = " ".join(loads.site.options) if loads.site.form != "refresh" else ""
        root = self._root(loads)
        if root is None or loads.site.form == "refresh" and not self.plan.loading.primary_key(loads.entity):
            return options, described
        for chain in sorted(loads.chains, key=lambda c: [r.name for r in c]):
            chain = self._own_part(chain)
            if not chain:
                continue
            first = f"{root}.{chain[0].attr}"
            own = re.search(rf"(\w+)\({re.escape(first)}\)", existing)
            if own is not None and (len(chain) == 1 or self._covered(existing, chain[1:])):
                continue  # the query's own loaders cover this path
            # the query's own loader for the first step stands; the rest is chained on it
            option = self._chain(root, chain, own.group(1) if own is not None else None)
            if option is None:
                self.report(
                    node,
                    f"cannot spell a loader option for {' -> '.join(r.name for r in chain)} here (a class name is taken)",
                    f"add `.options(...)` loading {' -> '.join(r.name for r in chain)} to this query by hand",
                    rule="lazy-load",
                )
                continue
            options.append(option)
            described.append(" -> ".join(r.name for r in chain))
        return options, described

    def _own_part(self, chain: tuple[Rel, ...]) -> tuple[Rel, ...]:
        """Without its tail of relationships the model loads itself (``lazy="selectin"`` where the
        plan falls back to it): an option for those would only repeat the model's strategy."""
        while chain:
            decision = self.plan.loading.decision(chain[-1].owner, chain[-1].attr)
            if decision is None or decision.kind != "selectin":
                break
            chain = chain[:-1]
        return chain

    @staticmethod
    def _covered(existing: str, rest: tuple[Rel, ...]) -> bool:
        """Whether the written options already name every later step (``….joinedload(B.c)``)."""
        return all(f".{r.attr})" in existing for r in rest)

    def _chain(self, root: str, chain: tuple[Rel, ...], first_loader: str | None = None) -> cst.BaseExpression | None:
        expr: cst.BaseExpression | None = None
        owner_text = root
        for i, rel in enumerate(chain):
            if i > 0:
                owner = chain[i - 1].target or rel.owner
                spelled = self._class_name(owner)
                if spelled is None:
                    return None
                owner_text = spelled
            loader = first_loader if i == 0 and first_loader else self._loader(LOADERS[rel.collection])
            if loader is None:
                return None
            attr = cst.parse_expression(f"{owner_text}.{rel.attr}")
            if expr is None:
                expr = cst.Call(cst.Name(loader), [cst.Arg(attr)])
            else:
                expr = cst.Call(cst.Attribute(expr, cst.Name(LOADERS[rel.collection])), [cst.Arg(attr)])
        return expr

    def _loader(self, name: str) -> str | None:
        local = self._tree_metadata.local_name_for(f"sqlalchemy.orm.{name}")
        if local is not None:
            return local
        if self._tree_metadata.is_free(name):
            AddImportsVisitor.add_needed_import(self.context, "sqlalchemy.orm", name)
            return name
        return None

    def _class_name(self, qualname: str) -> str | None:
        local = self._tree_metadata.local_name_for(qualname)
        if local is not None:
            return local
        for local, imported in self.plan.modules[self.module_name].imports:
            if imported == qualname and local not in self._tree_metadata._bound().other:
                return local  # ``from .models import Order``: the index resolved the relative import
        module, _, name = qualname.rpartition(".")
        if module == self.module_name:
            return name
        if self._tree_metadata.is_free(name):
            spelled, relative = self._spelled_module(module)
            AddImportsVisitor.add_needed_import(self.context, spelled, name, relative=relative)
            return name
        return None

    def _spelled_module(self, module: str) -> tuple[str, int]:
        """``module`` as this file already imports from it: ``from .models import User`` makes the
        new name join that relative import rather than start an absolute one beside it."""
        resolved = dict(self.plan.modules[self.module_name].imports)
        for local, written in self._tree_metadata._bound().imports.items():
            for text in written:
                if text.startswith(".") and resolved.get(local, "").rpartition(".")[0] == module:
                    level = len(text) - len(text.lstrip("."))
                    return text[level:].rpartition(".")[0], level
        return module, 0


def _is_site_call(node: cst.Call, form: str) -> bool:
    """The ``query(M)`` / ``get(M, pk)`` / ``select(M)`` call itself, not a call chained on it."""
    func = node.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return name == form


def _touch(expr: str, chain: tuple[Rel, ...], depth: int) -> str:
    """Source reading ``expr.a.b…`` along ``chain`` through every element of each collection (what
    the sync reads lazy-loaded), e.g. ``[x1.items for x1 in user.orders]``."""
    step = f"{expr}.{chain[0].attr}"
    if len(chain) == 1:
        return step
    name = f"x{depth}"
    inner = _touch(name, chain[1:], depth + 1)
    if chain[0].collection is False:  # a many-to-one may be None
        return f"[{inner} for {name} in [{step}] if {name} is not None]"
    return f"[{inner} for {name} in {step}]"

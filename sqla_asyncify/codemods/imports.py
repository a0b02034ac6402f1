"""Swapping one imported name for another where the old import stands, as a person would.

``from sqlalchemy import create_engine`` becomes ``from sqlalchemy.ext.asyncio import
create_async_engine`` in the same place (blank lines and comments kept); a second swap into the
same module merges into that line (``from sqlalchemy.ext.asyncio import async_sessionmaker,
create_async_engine``). The old name is dropped only when nothing else in the module uses it.
When the old import is not a plain top-level ``from`` import, the new one is queued with
``AddImportsVisitor`` instead (and the old one with ``RemoveImportsVisitor``).

A module that imports SQLAlchemy only inside ``try: ... except ImportError:`` (an optional
dependency) keeps importing without it: the SQLAlchemy imports the rewrite adds go into that
``try`` body, each name with a ``= None`` fallback in the handler, as the module's own have
(``into_import_guard``).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from ..dispatch import VisitorDispatch
from ..names import dotted


class _Uses(VisitorDispatch, cst.CSTVisitor):
    """How many times a local name is referenced outside import statements."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # ``x.name``: the attribute is not a reference
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)  # ``f(name=...)``: the keyword is not a reference
        return False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == self.name:
            self.count += 1


def _from_import(statement: cst.CSTNode) -> cst.ImportFrom | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        imp = statement.body[0]
        if isinstance(imp, cst.ImportFrom) and not imp.relative and not isinstance(imp.names, cst.ImportStar):
            return imp
    return None


def _local(alias: cst.ImportAlias) -> str:
    return alias.evaluated_alias or alias.evaluated_name


def _with_names(imp: cst.ImportFrom, names: list[cst.ImportAlias]) -> cst.ImportFrom:
    names = [n.with_changes(comma=cst.MaybeSentinel.DEFAULT) for n in names]
    if imp.lpar is None:
        names = [
            n.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) if i < len(names) - 1 else n
            for i, n in enumerate(names)
        ]
    else:  # a parenthesized multi-line import: keep its layout (one name a line, trailing comma)
        first_comma = next((n.comma for n in imp.names if isinstance(n.comma, cst.Comma)), cst.Comma())  # type: ignore[union-attr]
        names = [n.with_changes(comma=first_comma) for n in names]
    return imp.with_changes(names=names)


def swap_import(
    tree: cst.Module,
    context: CodemodContext,
    old_modules: frozenset[str] | set[str],
    old_name: str,
    local: str,
    new_module: str,
    new_name: str,
) -> cst.Module:
    """Import ``new_name`` from ``new_module`` where ``local`` (``old_name`` from one of
    ``old_modules``) is imported, dropping the old name if ``tree`` no longer uses it."""
    uses = _Uses(local)
    tree.visit(uses)
    keep_old = uses.count > 0
    body = list(tree.body)
    old_at = next(
        (
            i
            for i, st in enumerate(body)
            if (imp := _from_import(st)) is not None
            and dotted(imp.module) in old_modules  # type: ignore[arg-type]
            and any(a.evaluated_name == old_name and _local(a) == local for a in imp.names)  # type: ignore[union-attr]
        ),
        None,
    )
    if old_at is None:
        AddImportsVisitor.add_needed_import(context, new_module, new_name)
        if not keep_old:
            for module in old_modules:
                RemoveImportsVisitor.remove_unused_import(context, module, old_name, None if local == old_name else local)
        return tree
    new_at = next(
        (i for i, st in enumerate(body) if (imp := _from_import(st)) is not None and dotted(imp.module) == new_module),  # type: ignore[arg-type]
        None,
    )
    if new_at is not None:
        imp = _from_import(body[new_at])
        assert imp is not None
        if not any(a.evaluated_name == new_name and a.asname is None for a in imp.names):  # type: ignore[union-attr]
            names = sorted([*imp.names, cst.ImportAlias(cst.Name(new_name))], key=lambda a: a.evaluated_name)  # type: ignore[misc]
            body[new_at] = body[new_at].with_changes(body=[_with_names(imp, names)])  # type: ignore[attr-defined]
    old_statement = body[old_at]
    old_imp = _from_import(old_statement)
    assert old_imp is not None
    kept = [a for a in old_imp.names if keep_old or not (a.evaluated_name == old_name and _local(a) == local)]  # type: ignore[union-attr]
    new_statement = cst.SimpleStatementLine(
        body=[cst.ImportFrom(module=cst.parse_expression(new_module), names=[cst.ImportAlias(cst.Name(new_name))])]  # type: ignore[arg-type]
    )
    replacement: list[cst.BaseStatement] = []
    if kept:
        replacement.append(old_statement.with_changes(body=[_with_names(old_imp, kept)]))  # type: ignore[arg-type]
        if new_at is None:
            replacement.append(new_statement)
    elif new_at is None:
        replacement.append(new_statement.with_changes(leading_lines=old_statement.leading_lines))  # type: ignore[attr-defined]
    elif old_at + 1 < len(body):
        # The old line goes; its blank lines and comments stay with what follows it.
        nxt = body[old_at + 1]
        body[old_at + 1] = nxt.with_changes(leading_lines=[*old_statement.leading_lines, *nxt.leading_lines])  # type: ignore[attr-defined]
    body[old_at : old_at + 1] = replacement
    return tree.with_changes(body=body)


SWAPS_KEY = "asyncify_import_swaps"


class ImportSwaps:
    """Mixin for transformers: queue swaps in the shared context while visiting; ``rewrite.py``
    applies them once, after every transformer, with the other queued imports (so the lines
    every transformer reports stay those of the input)."""

    context: CodemodContext

    def queue_swap(self, call_func: cst.BaseExpression, qualified: str, new_module: str, new_name: str) -> None:
        """``call_func`` (how the old callable is written; ``qualified`` its absolute name) is now
        ``new_name`` from ``new_module``."""
        swaps: list[tuple[str, str, str, str, str]] = self.context.scratch.setdefault(SWAPS_KEY, [])
        old_module, _, old_name = qualified.rpartition(".")
        if isinstance(call_func, cst.Name):
            swap = (old_module, old_name, call_func.value, new_module, new_name)
            if swap not in swaps:
                swaps.append(swap)
        else:  # ``sa.create_engine``: the module import stays (it may serve other uses)
            AddImportsVisitor.add_needed_import(self.context, new_module, new_name)


def apply_swaps(context: CodemodContext, tree: cst.Module) -> cst.Module:
    """Apply the swaps queued with ``ImportSwaps.queue_swap`` (in queue order)."""
    for old_module, old_name, local, new_module, new_name in context.scratch.get(SWAPS_KEY, []):
        tree = swap_import(tree, context, {old_module}, old_name, local, new_module, new_name)
    return tree


def _leading_docstring(tree: cst.Module) -> bool:
    """Whether the module starts with a docstring or ``__strict__`` line (imports go after it)."""
    if not tree.body or not isinstance(tree.body[0], cst.SimpleStatementLine) or len(tree.body[0].body) != 1:
        return False
    first = tree.body[0].body[0]
    if isinstance(first, cst.Expr):
        return isinstance(first.value, cst.SimpleString)
    return (
        isinstance(first, cst.Assign)
        and len(first.targets) == 1
        and isinstance(first.targets[0].target, cst.Name)
        and first.targets[0].target.value == "__strict__"
    )


def _import_line(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], (cst.Import, cst.ImportFrom))
    )


def add_queued_imports(context: CodemodContext, tree: cst.Module) -> cst.Module:
    """``AddImportsVisitor(context).transform_module(tree)``, run on the module's leading import
    block only: that visitor reads and edits nothing else (it merges into, and inserts after, the
    imports before the first other statement), but traverses the whole module with matchers,
    ≈ 12 parses of it. The first statement after the block stands in as a bare ``pass`` carrying
    its leading lines, which is all the visitor may change of it (a blank line before it)."""
    body = list(tree.body)
    end = 1 if _leading_docstring(tree) else 0
    while end < len(body) and _import_line(body[end]):
        end += 1
    stand_in = (
        [cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=body[end].leading_lines)] if end < len(body) else []
    )
    head = tree.with_changes(body=[*body[:end], *stand_in])
    new_head = AddImportsVisitor(context).transform_module(head)
    if new_head is head:
        return tree
    new_body = list(new_head.body)
    tail = []
    if stand_in:
        moved = new_body.pop()
        tail = [body[end].with_changes(leading_lines=moved.leading_lines), *body[end + 1 :]]
    return tree.with_changes(body=[*new_body, *tail])


_GUARDED_ROOTS = frozenset({"sqlalchemy", "sqlmodel"})
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def _sqlalchemy_import(statement: cst.CSTNode) -> cst.Import | cst.ImportFrom | None:
    """A one-import line of a SQLAlchemy (or SQLModel) module."""
    if not _import_line(statement):
        return None
    imp = statement.body[0]  # type: ignore[attr-defined]
    if isinstance(imp, cst.ImportFrom):
        module = dotted(imp.module) if imp.module is not None and not imp.relative else None
        roots = [module] if module else []
    else:
        roots = [dotted(a.name) or "" for a in imp.names]
    return imp if roots and all(r.split(".")[0] in _GUARDED_ROOTS for r in roots) else None


def _is_pass(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(isinstance(b, cst.Pass) for b in statement.body)


def _catches_import_error(handler: cst.ExceptHandler) -> bool:
    kinds = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type] if handler.type else []
    names = {dotted(k.value if isinstance(k, cst.Element) else k) for k in kinds}  # type: ignore[arg-type]
    return bool(names & _IMPORT_ERRORS)


def _import_guard(tree: cst.Module) -> int | None:
    """Which top-level ``try:`` (0 for the first) imports SQLAlchemy in a handler of ``ImportError``."""
    tries = [st for st in tree.body if isinstance(st, cst.Try)]
    for k, statement in enumerate(tries):
        if any(_sqlalchemy_import(st) for st in statement.body.body) and any(
            _catches_import_error(h) for h in statement.handlers
        ):
            return k
    return None


def into_import_guard(original: cst.Module, tree: cst.Module) -> cst.Module:
    """Move the top-level SQLAlchemy imports ``tree`` gained into the module's import guard, with
    ``= None`` fallbacks in its handler; a module that imported SQLAlchemy unguarded too is left."""
    if any(_sqlalchemy_import(st) for st in original.body):
        return tree
    k = _import_guard(original)  # the rewrite may have emptied it (``Session`` no longer used)
    moved = [st for st in tree.body if _sqlalchemy_import(st)]
    tries = [i for i, st in enumerate(tree.body) if isinstance(st, cst.Try)]
    if k is None or not moved or k >= len(tries):
        return tree
    at = tries[k]
    guard = tree.body[at]
    assert isinstance(guard, cst.Try)
    names: list[str] = []
    for st in moved:
        imp = _sqlalchemy_import(st)
        if isinstance(imp, cst.ImportFrom) and not isinstance(imp.names, cst.ImportStar):
            names += [_local(a) for a in imp.names]
        elif isinstance(imp, cst.Import):
            names += [(a.evaluated_alias or a.evaluated_name).split(".")[0] for a in imp.names]
    inner = [st for st in guard.body.body if not _is_pass(st)]  # ``pass`` left where imports went
    last = max((i for i, st in enumerate(inner) if _import_line(st)), default=-1)
    inner[last + 1 : last + 1] = [st.with_changes(leading_lines=[]) for st in moved]  # type: ignore[attr-defined]
    handlers = list(guard.handlers)
    h = next(i for i, handler in enumerate(handlers) if _catches_import_error(handler))
    fallbacks = [cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(n))], cst.Name("None"))]) for n in dict.fromkeys(names)]
    handler_body = list(handlers[h].body.body)
    handlers[h] = handlers[h].with_changes(body=handlers[h].body.with_changes(body=[*fallbacks, *handler_body]))
    guard = guard.with_changes(body=guard.body.with_changes(body=inner), handlers=handlers)
    body = [guard if i == at else st for i, st in enumerate(tree.body) if not any(st is m for m in moved)]
    return tree.with_changes(body=body)

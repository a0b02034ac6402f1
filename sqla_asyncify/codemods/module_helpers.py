"""Functions asyncify writes into a user's module (the run-time URL helper, the entry-point runner,
the pool and ping helpers, …): transformers queue them while they rewrite, and the rewrite adds the
queued ones when it ends, after the module's docstring and leading imports, with the blank lines
around them.

Written into the module rather than imported, so the migrated code depends on nothing of asyncify's.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.codemod import CodemodContext

from .imports import _leading_docstring

_QUEUED = "asyncify.module_helpers"


def queue_helper(context: CodemodContext, name: str, source: str) -> None:
    """Have the rewrite add the function ``source`` (named ``name``) to the module when it ends."""
    context.scratch.setdefault(_QUEUED, {})[name] = source


def is_queued(context: CodemodContext, name: str) -> bool:
    return name in context.scratch.get(_QUEUED, {})


def add_queued_helpers(context: CodemodContext, tree: cst.Module, order: Sequence[str]) -> cst.Module:
    """The queued helpers after the module's leading imports, inserted in ``order`` (each lands
    right after the imports, so the last inserted comes first: a fixed order keeps the output
    the same whichever transformer queued first)."""
    queued: dict[str, str] = context.scratch.get(_QUEUED, {})
    for name in order:
        if name in queued:
            tree = insert_after_imports(tree, name, queued[name])
    return tree


def insert_after_imports(tree: cst.Module, name: str, source: str) -> cst.Module:
    """``tree`` with the function ``source`` (named ``name``) after its docstring and leading imports,
    once: a module that already has a top-level function ``name`` keeps its own."""
    body = list(tree.body)
    if any(isinstance(s, cst.FunctionDef) and s.name.value == name for s in body):
        return tree
    end = 1 if _leading_docstring(tree) else 0
    while end < len(body) and _imports_only(body[end]):
        end += 1
    helper = cst.parse_statement(source)
    assert isinstance(helper, cst.FunctionDef)
    blank = cst.EmptyLine()
    helper = helper.with_changes(leading_lines=[blank, blank] if end else [])
    rest = body[end:]
    if rest:
        # two blank lines after the helper; the statement keeps its own comments above it
        rest[0] = rest[0].with_changes(leading_lines=[blank, blank, *_comments(rest[0].leading_lines)])
    return tree.with_changes(body=[*body[:end], helper, *rest])


def _imports_only(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def _comments(lines: object) -> list[cst.EmptyLine]:
    return [line for line in lines if isinstance(line, cst.EmptyLine) and line.comment is not None]  # type: ignore[attr-defined]

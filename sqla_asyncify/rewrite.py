"""Rewriting one module: run the ordered transformers, then apply queued imports once."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from .codemods import CODEMODS, HELD_MODULE_CODEMODS, MIGRATION_SCRIPT_CODEMODS
from .holds import is_migration_script
from .codemods.imports import add_queued_imports, apply_swaps
from .codemods.metadata import TreeMetadata
from .codemods.runtime_url import add_runtime_url_helper
from .plan import Plan
from .report import ReportItem


def rewrite_module(tree: cst.Module, plan: Plan, module_name: str, path: str) -> tuple[cst.Module, list[ReportItem]]:
    """Apply every transformer of ``CODEMODS`` in order; return the new tree and the report items."""
    items: list[ReportItem] = []
    context = CodemodContext(filename=path, full_module_name=module_name)
    source = tree.code
    async_work = plan.has_async_work(module_name)
    index = plan.modules.get(module_name)
    codemods = MIGRATION_SCRIPT_CODEMODS if index is not None and is_migration_script(index) else CODEMODS
    if plan.is_module_held(module_name):
        # A module held whole keeps every line; it only gains the async twins of its wiring.
        codemods = HELD_MODULE_CODEMODS
    metadata = TreeMetadata(tree)  # shared while passes leave the tree unchanged
    for codemod in codemods:
        if not codemod.wanted(plan, module_name):
            continue
        # A pass costs a full traversal with metadata: skip the ones with nothing to do here.
        if codemod.TRIGGERS and not any(word in source for word in codemod.TRIGGERS):
            continue
        if codemod.PLAN_DRIVEN and not async_work:
            continue
        tree = codemod(context, plan, module_name, path, items).transform_module(tree, metadata)
        if tree is not metadata.tree:
            metadata = TreeMetadata(tree)
    # Imports last and once: transformers only queued them (line numbers stay the input's).
    tree = apply_swaps(context, tree)  # in place: ``create_engine`` → ``create_async_engine`` …
    tree = add_runtime_url_helper(context, tree)  # after the imports, which go before it
    if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
        tree = add_queued_imports(context, tree)
    # A scope analysis of the whole module (is the name still used?): only when one is queued.
    if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        tree = RemoveImportsVisitor(context).transform_module(tree)
    return tree, items

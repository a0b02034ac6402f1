"""Rewriting one module: run the ordered transformers (neighbours marked ``BATCHABLE`` in one
traversal, ``codemods/batch.py``), then apply queued imports once."""

from __future__ import annotations

import copy

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from .codemods import CODEMODS, HELD_MODULE_CODEMODS, MIGRATION_SCRIPT_CODEMODS
from .codemods.base import AsyncifyCodemod
from .codemods.batch import BatchedTransformers, Unbatchable
from .holds import is_migration_script
from .codemods.imports import add_queued_imports, apply_swaps, into_import_guard
from .codemods.metadata import TreeMetadata
from .codemods import matcher_lookup
from .codemods import (
    alembic_run_sync,
    app_lifespan,
    cached_async_property,
    checkout_ping,
    entry_runner,
    fifo_pool,
    reload_after_commit,
    runtime_url,
)
from .codemods.module_helpers import add_queued_helpers
from .plan import Plan
from .report import ReportItem

#: The order the helpers a rewrite queued are inserted in; each goes right after the imports, so
#: the module shows them in reverse: the Alembic runner first, the pool helper last.
HELPER_ORDER = (
    fifo_pool.HELPER,
    checkout_ping.HELPER,
    runtime_url.HELPER,
    entry_runner.CALL_HELPER,
    entry_runner.HELPER,
    entry_runner.AWAIT_HELPER,
    reload_after_commit.HELPER,
    app_lifespan.HELPER,
    cached_async_property.HELPER,
    alembic_run_sync.HELPER,
)

matcher_lookup.install()  # libcst's import visitors look up their (absent) matchers once per class


def rewrite_module(
    tree: cst.Module, plan: Plan, module_name: str, path: str, source: str | None = None
) -> tuple[cst.Module, list[ReportItem]]:
    """Apply every transformer of ``CODEMODS`` in order; return the new tree and the report items.
    ``source``: ``tree.code``, when the caller has it (generating it costs a fifth of a parse)."""
    items: list[ReportItem] = []
    original = tree
    context = CodemodContext(filename=path, full_module_name=module_name)
    if source is None:
        source = tree.code
    async_work = plan.has_async_work(module_name)
    index = plan.modules.get(module_name)
    codemods = MIGRATION_SCRIPT_CODEMODS if index is not None and is_migration_script(index) else CODEMODS
    if plan.is_module_held(module_name):
        # A module held whole keeps every line; it only gains the async twins of its wiring.
        codemods = HELD_MODULE_CODEMODS
    metadata = TreeMetadata(tree)  # shared while passes leave the tree unchanged
    runs: list[type[AsyncifyCodemod]] = []
    for codemod in codemods:
        if not codemod.wanted(plan, module_name):
            continue
        # A pass costs a full traversal with metadata: skip the ones with nothing to do here.
        if not codemod.triggered(plan, module_name, source):
            continue
        if codemod.PLAN_DRIVEN and not async_work:
            continue
        runs.append(codemod)
    for group in _batches(runs):
        if len(group) > 1:
            batched = _run_batch(group, tree, metadata, context, plan, module_name, path, items)
            if batched is not None:
                tree = batched
                if tree is not metadata.tree:
                    metadata = TreeMetadata(tree)
                continue
        for codemod in group:
            tree = codemod(context, plan, module_name, path, items).transform_module(tree, metadata)
            if tree is not metadata.tree:
                metadata = TreeMetadata(tree)
    # Imports last and once: transformers only queued them (line numbers stay the input's).
    tree = apply_swaps(context, tree)  # in place: ``create_engine`` → ``create_async_engine`` …
    tree = checkout_ping.drop_pre_ping(context, tree)
    tree = add_queued_helpers(context, tree, HELPER_ORDER)
    if context.scratch.get(AddImportsVisitor.CONTEXT_KEY):
        tree = add_queued_imports(context, tree)
    # A scope analysis of the whole module (is the name still used?): only when one is queued.
    if context.scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        tree = RemoveImportsVisitor(context).transform_module(tree)
    tree = into_import_guard(original, tree)  # an optional dependency stays optional
    return tree, items


def _batches(runs: list[type[AsyncifyCodemod]]) -> list[list[type[AsyncifyCodemod]]]:
    """``runs`` in order, consecutive ``BATCHABLE`` transformers grouped (one traversal each group)."""
    groups: list[list[type[AsyncifyCodemod]]] = []
    for codemod in runs:
        if codemod.BATCHABLE and groups and groups[-1][-1].BATCHABLE:
            groups[-1].append(codemod)
        else:
            groups.append([codemod])
    return groups


def _run_batch(
    group: list[type[AsyncifyCodemod]],
    tree: cst.Module,
    metadata: TreeMetadata,
    context: CodemodContext,
    plan: Plan,
    module_name: str,
    path: str,
    items: list[ReportItem],
) -> cst.Module | None:
    """``group`` in one traversal of ``tree``; None (and nothing recorded) when the members cannot
    share it (``batch.Unbatchable``): the caller then runs them one by one."""
    reported = len(items)
    scratch = copy.deepcopy(context.scratch)
    members = [codemod(context, plan, module_name, path, items) for codemod in group]
    for member in members:
        member.start(tree, metadata)
    try:
        return tree.visit(BatchedTransformers(members))
    except Unbatchable:
        del items[reported:]
        context.scratch.clear()
        context.scratch.update(scratch)
        return None

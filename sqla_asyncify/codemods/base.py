"""The base every asyncify transformer shares: the plan, the scope being visited, and reporting.

A transformer decides nothing project-wide: it asks the ``Plan`` (built from the whole project's
index) and rewrites one concern. Imports are only queued (``AddImportsVisitor`` /
``RemoveImportsVisitor`` through the shared ``CodemodContext``); ``rewrite.py`` applies them once,
after every transformer has run, so report line numbers stay those of the input file.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any, ClassVar

import libcst as cst
import libcst.matchers as m
from libcst.codemod import Codemod, CodemodContext
from libcst.metadata import ParentNodeProvider, PositionProvider

from .. import sqla
from ..dispatch import TransformerDispatch
from ..names import Callee, QualnameTracker
from ..plan import Plan
from ..report import ReportItem
from .metadata import TreeMetadata

_MISSING: Any = object()


def keyword_arg(
    name: str, value: cst.BaseExpression, comma: cst.Comma | cst.MaybeSentinel = cst.MaybeSentinel.DEFAULT
) -> cst.Arg:
    """``name=value``, spaced as PEP 8 writes keyword arguments."""
    return cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        comma=comma,
    )


def rule_id(module_name: str) -> str:
    """``sqla_asyncify.codemods.query_to_select`` → ``query-to-select``."""
    return module_name.rsplit(".", 1)[-1].replace("_", "-")


class AsyncifyCodemod(TransformerDispatch, QualnameTracker, Codemod, cst.CSTTransformer):
    """One rewrite concern, reading the project ``Plan``."""

    DESCRIPTION: ClassVar[str] = ""
    #: Words without which the module cannot contain anything this transformer rewrites (import
    #: aliases still spell them); a module whose source has none of them skips the pass. Empty:
    #: always run (the transformers driven by the plan rather than by a spelling).
    TRIGGERS: ClassVar[tuple[str, ...]] = ()
    #: Acts only where the plan has async work in the module (``Plan.has_async_work``).
    PLAN_DRIVEN: ClassVar[bool] = False
    #: May share one traversal with the batchable transformers next to it in the registry
    #: (``codemods/batch.py``): it decides from the plan, the original nodes and the metadata of
    #: the tree the batch starts from, never from what the transformers before it changed.
    BATCHABLE: ClassVar[bool] = False
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(
        self,
        context: CodemodContext,
        plan: Plan,
        module_name: str,
        path: str,
        items: list[ReportItem],
    ) -> None:
        super().__init__(context)
        self._scope_init(module_name)
        self.plan = plan
        self.path = path
        self.items = items
        #: Set when the transformer changed something that needs no import or report to show.
        self.changed = False

    @classmethod
    def wanted(cls, plan: Plan, module_name: str) -> bool:
        """Whether the pass can have anything to do in this project (checked before the traversal)."""
        return True

    @classmethod
    def triggered(cls, plan: Plan, module_name: str, source: str) -> bool:
        """Whether the source can hold anything for the pass (a cheap text check before the
        traversal: one of ``TRIGGERS`` occurs, or there are none)."""
        return not cls.TRIGGERS or any(word in source for word in cls.TRIGGERS)

    @classmethod
    def rule(cls) -> str:
        return rule_id(cls.__module__)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        return tree.visit(self)

    def transform_module(self, tree: cst.Module, metadata: TreeMetadata | None = None) -> cst.Module:
        """Visit ``tree`` as is (no copy), with ``metadata`` of that same tree when the previous
        pass left it unchanged. Imports queued in the shared context are applied once by the
        pipeline, not here."""
        self.start(tree, metadata)
        return self.transform_module_impl(tree)

    def start(self, tree: cst.Module, metadata: TreeMetadata | None = None) -> None:
        """Get ready to visit ``tree`` (alone or in a batch): its metadata, shared when given."""
        self._tree_metadata = metadata if metadata is not None and metadata.tree is tree else TreeMetadata(tree)

    @property
    def module(self) -> cst.Module:
        """The module being visited (as handed to ``transform_module``)."""
        return self._tree_metadata.tree

    def get_metadata(self, key: Any, node: cst.CSTNode, default: Any = _MISSING) -> Any:
        value = self._tree_metadata.get(key, node, default)
        if value is _MISSING:
            raise KeyError(f"no {key.__name__} for {type(node).__name__}")
        return value

    def qualified_names(self, node: cst.CSTNode, among: AbstractSet[str] | None = None) -> set[str]:
        """Qualified names of a name or attribute chain (``QualifiedNameProvider``), empty for one
        no import binds; ``among``: only these names matter to the caller, which can spare a scope
        analysis (see ``TreeMetadata.qualified_names``)."""
        return self._tree_metadata.qualified_names(node, among)

    def import_spelling(self, module: str, name: str) -> tuple[str, str | None]:
        """How code added to this module spells ``module.name``: (local name, alias to import it as
        or None); see ``TreeMetadata.import_spelling``."""
        return self._tree_metadata.import_spelling(module, name)

    # -- reporting -----------------------------------------------------------------------------
    def line_of(self, node: cst.CSTNode) -> int:
        try:
            return self.get_metadata(PositionProvider, node).start.line
        except KeyError:
            return 0

    def report(self, node: cst.CSTNode, reason: str, fix: str = "", rule: str | None = None) -> None:
        """Record a manual-attention item at ``node`` (an original node) and leave it unchanged."""
        item = ReportItem(self.path, self.line_of(node), rule or self.rule(), reason, fix)
        if item not in self.items:
            self.items.append(item)

    # -- scope tracking (qualnames shared with the index) ---------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> bool | None:
        self._push("class", node.name.value)
        return None

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.BaseStatement:
        self._pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        self._push("function", node.name.value)
        return None

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        self._pop()
        return updated_node

    def visit_Lambda(self, node: cst.Lambda) -> bool | None:
        self._push("lambda", "<lambda>")
        return None

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.Lambda) -> cst.BaseExpression:
        self._pop()
        return updated_node

    def is_consumed_as_coroutine(self, node: cst.Call) -> bool:
        """Already awaited, a ``with`` item, or handed to ``asyncio.run``/``gather``/``create_task``…"""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, (cst.Await, cst.WithItem)):
            return True
        if isinstance(parent, cst.Arg):
            outer = self.get_metadata(ParentNodeProvider, parent, None)
            if isinstance(outer, cst.Call):
                callee = Callee.of(outer.func)
                if callee is not None and self.plan.qualify(self.module_name, callee) in sqla.COROUTINE_CONSUMERS:
                    return True
                if isinstance(outer.func, cst.Name) and outer.func.value in (sqla.ENTRY_RUNNER, sqla.AWAIT_IF_COROUTINE):
                    return True  # a second run: the helpers running or awaiting coroutines
        return False

    def kept_values(self, module: cst.Module) -> set[int]:
        """Ids of the values of top-level ``name = <call>`` bindings of wiring that stays sync for held
        code (``Plan.sync_wiring``): the transformers converting engines and sessionmakers skip them."""
        if not self.plan.sync_wiring:
            return set()
        kept = set()
        for statement in module.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1:
                        target = small.targets[0].target
                        if isinstance(target, cst.Name) and self.plan.keeps_sync(f"{self.module_name}.{target.value}"):
                            kept.add(id(small.value))
        return kept

    def in_held_sync(self) -> bool:
        """Whether code here belongs to a function held sync, or to an ``__init__`` doing session
        I/O that async code runs through ``run_sync``: it keeps its sync ``Session``."""
        return any(q in self.plan.held_sync or q in self.plan.io_inits for _, q in self._scopes)

    def in_event_listener(self) -> bool:
        """Inside a function registered with ``@event.listens_for(...)``: SQLAlchemy calls it
        synchronously, with the sync session or connection, so sessions there stay sync."""
        fn = self.plan.functions.get(self.function_qualname or "")
        return fn is not None and sqla.LISTENS_FOR in fn.decorators

    def in_async_context(self) -> bool:
        """Whether code here runs inside a function that is (or becomes) ``async def``."""
        # Only a function body itself: a lambda or a class body nested in it cannot await.
        return self.scope_kind == "function" and self.plan.is_async(self.scope_qualname)

    def unused_local(self, name: str, *, reads: bool = False) -> str:
        """``name``, or ``name_``, ``name__``…: the first that no parameter or binding of the
        function being rewritten already uses (for a variable the rewrite introduces); with
        ``reads``, nor a name it reads (a global the new local would shadow)."""
        fn = self.plan.functions.get(self.context_qualname)
        taken = set() if fn is None else {p.name for p in fn.params} | {b.name for b in fn.bindings}
        if reads and fn is not None:
            taken |= {ref.split(".", 1)[0] for ref in fn.refs}
        while name in taken:
            name += "_"
        return name


def bound_names(module: cst.Module) -> frozenset[str]:
    """Every name the module binds somewhere (definitions, assignments, imports, parameters)."""
    names: set[str] = set()
    for node in m.findall(
        module,
        m.FunctionDef() | m.ClassDef() | m.Param() | m.AssignTarget() | m.ImportAlias(),
    ):
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Param)):
            names.add(node.name.value)
        elif isinstance(node, cst.AssignTarget):
            names.update(n.value for n in m.findall(node.target, m.Name()))
        elif isinstance(node, cst.ImportAlias):
            root = node.asname.name if node.asname is not None else node.name
            while isinstance(root, cst.Attribute):  # `import a.b` binds `a`
                root = root.value
            if isinstance(root, cst.Name):
                names.add(root.value)
    return frozenset(names)

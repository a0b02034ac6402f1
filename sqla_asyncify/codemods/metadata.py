"""Metadata of one tree, resolved on first use and shared by the transformers that visit it.

libcst's ``Codemod.transform_module`` deep-copies the tree and resolves every declared provider
before each pass, whether the pass asks for them or not. With a dozen transformers per file that
was most of the rewrite's cost (docs/performance.md). Nodes are immutable, so metadata computed
for a tree stays true for as long as that tree object is the one being visited: consecutive
transformers that leave the tree unchanged share it, and a provider nobody asks for (scope
analysis for qualified names, positions for a file with nothing to report) is never computed.
"""

from __future__ import annotations

from collections.abc import Mapping, Set as AbstractSet
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider, QualifiedNameProvider
from libcst.metadata.base_provider import LazyValue

from ..dispatch import VisitorDispatch
from ..names import dotted, target_names
from ..positions import positions
from ..walk import parents, walk_in_order


class _Parents(VisitorDispatch, cst.CSTVisitor):
    """Child → parent for every node: ``ParentNodeProvider``'s answer in one plain traversal
    (the provider walks ``node.children`` of every node, which costs a second traversal)."""

    def __init__(self) -> None:
        super().__init__()
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.parents[node] = self._stack[-1]
        self._stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self._stack.pop()


#: The node types ``_Bindings`` reads (libcst's node classes have no subclasses).
_BINDING_KINDS: frozenset[type] = frozenset(
    {
        cst.Import, cst.ImportFrom, cst.Attribute, cst.Arg, cst.FunctionDef, cst.ClassDef, cst.Param,
        cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor, cst.AsName,
        cst.Global, cst.Nonlocal, cst.MatchAs, cst.MatchStar, cst.MatchMapping,
    }
)


class _Bindings:
    """What a module binds, in one read-only walk (``walk.walk_in_order``: libcst's traversal
    would rebuild every node, and this runs again on each tree a pass changed): per local root
    name the absolute names its imports give it (anywhere in the module, in source order), the
    names bound any other way (assignments, parameters, definitions, loop and ``with`` targets,
    …), and the ``Name`` nodes that are not references at all (attribute names, keywords,
    definition and parameter names)."""

    def __init__(self, tree: cst.Module) -> None:
        self.imports: dict[str, set[str]] = {}
        self.other: set[str] = set()
        self.not_references: set[int] = set()
        self.star = False
        walk_in_order(tree, self._enter)

    def _import(self, node: cst.Import | cst.ImportFrom) -> None:
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:  # the names an import spells are not references
                part: cst.BaseExpression = alias.name
                while isinstance(part, cst.Attribute):
                    self.not_references.update((id(part), id(part.attr)))
                    part = part.value
                self.not_references.add(id(part))
                if alias.asname is not None:
                    self.not_references.add(id(alias.asname.name))
        if isinstance(node, cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                self.star = True
                return
            base = "." * len(node.relative) + ((dotted(node.module) or "") if node.module is not None else "")
            for alias in node.names:
                local = alias.evaluated_alias or alias.evaluated_name
                joined = f"{base}.{alias.evaluated_name}" if base and not base.endswith(".") else base + alias.evaluated_name
                self.imports.setdefault(local, set()).add(joined)
            return
        for alias in node.names:
            if alias.asname is not None:
                self.imports.setdefault(alias.evaluated_alias or "", set()).add(alias.evaluated_name)
            else:
                root = alias.evaluated_name.split(".")[0]
                self.imports.setdefault(root, set()).add(root)

    def _targets(self, node: cst.CSTNode) -> None:
        self.other.update(target_names(node))

    def _enter(self, node: cst.CSTNode) -> bool:
        if type(node) not in _BINDING_KINDS:  # most nodes: one set lookup
            return True
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            self._import(node)
            return False
        if isinstance(node, cst.Attribute):
            self.not_references.add(id(node.attr))
        elif isinstance(node, cst.Arg) and node.keyword is not None:
            self.not_references.add(id(node.keyword))
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self.other.add(node.name.value)
            self.not_references.add(id(node.name))
        elif isinstance(node, cst.Param):
            self.other.add(node.name.value)
            self.not_references.add(id(node.name))
        elif isinstance(node, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
            self._targets(node.target)
        elif isinstance(node, (cst.For, cst.CompFor)):
            self._targets(node.target)
        elif isinstance(node, cst.AsName):
            self._targets(node.name)
        elif isinstance(node, (cst.Global, cst.Nonlocal)):
            self.other.update(item.name.value for item in node.names)
        elif isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
            self.other.add(node.name.value)
        elif isinstance(node, cst.MatchMapping) and node.rest is not None:
            self.other.add(node.rest.value)
        return True


class TreeMetadata:
    """Providers resolved lazily for ``tree`` (visited as is: never copied)."""

    __slots__ = ("tree", "_wrapper", "_resolved", "_bindings")

    def __init__(self, tree: cst.Module) -> None:
        self.tree = tree
        self._wrapper: MetadataWrapper | None = None
        self._resolved: dict[type, Mapping[cst.CSTNode, Any]] = {}
        self._bindings: _Bindings | None = None

    def table(self, provider: type) -> Mapping[cst.CSTNode, Any]:
        found = self._resolved.get(provider)
        if found is None:
            if provider is ParentNodeProvider:
                found = parents(self.tree)  # without libcst's traversal, which rebuilds every node
                if found is None:
                    collector = _Parents()
                    self.tree.visit(collector)
                    found = collector.parents
            elif provider is PositionProvider:
                found = positions(self.tree)  # the provider's table, computed faster
            else:
                if self._wrapper is None:
                    self._wrapper = MetadataWrapper(self.tree, unsafe_skip_copy=True)
                found = self._wrapper.resolve(provider)
            self._resolved[provider] = found
        return found

    def get(self, provider: type, node: cst.CSTNode, default: Any) -> Any:
        value = self.table(provider).get(node, default)
        return value() if isinstance(value, LazyValue) else value

    def _bound(self) -> _Bindings:
        if self._bindings is None:
            self._bindings = _Bindings(self.tree)
        return self._bindings

    def local_name_for(self, qualified: str) -> str | None:
        """The name this module can spell ``qualified`` with: a name imported as exactly it and
        bound no other way; None when there is none (or a star import makes it uncertain)."""
        bindings = self._bound()
        if bindings.star:
            return None
        for local, names in bindings.imports.items():
            if names == {qualified} and local not in bindings.other:
                return local
        return None

    def import_spelling(self, module: str, name: str) -> tuple[str, str | None]:
        """How code added to this module spells ``module.name``: (the local name, the alias to
        import it as, or None for a plain ``from module import name``). The plain name, unless the
        module binds it to something else (``def func(...)`` in a test module, a parameter, an
        import from another package): then a name imported as exactly it, or ``sa_name``."""
        bindings = self._bound()
        package = module.split(".")[0]
        imported = bindings.imports.get(name, set())
        if name not in bindings.other and all(q.split(".")[0] == package for q in imported):
            return name, None
        local = self.local_name_for(f"{module}.{name}")
        if local is not None:
            return local, None
        alias = f"sa_{name}"
        while not self.is_free(alias):
            alias = f"_{alias}"
        return alias, alias

    def is_free(self, name: str) -> bool:
        """Whether nothing in the module binds ``name`` (an import of it may be added)."""
        bindings = self._bound()
        return not bindings.star and name not in bindings.imports and name not in bindings.other

    def qualified_names(self, node: cst.CSTNode, among: AbstractSet[str] | None = None) -> set[str]:
        """``QualifiedNameProvider``'s names for ``node`` where they are plain to see, without its
        scope analysis of the whole module (≈ 7 parses): a name, or attribute chain, whose root
        only imports bind qualifies to the imported names; one nothing imports qualifies to a local
        definition or a builtin, never to anything asyncify looks for (all absolute names), so to
        no name here. A root both imported and bound otherwise (shadowing), or a star import,
        takes the provider's answer — unless the caller only asks ``among`` a set of absolute names
        and none of the imported names is in it: then neither reading can be (a local binding never
        qualifies to an absolute name), and the answer is empty."""
        bindings = self._bound()
        # The dotted name libcst's provider reads (``get_full_name_for_node``): a call or a
        # subscript in the chain stands for what it calls or subscripts (``a.b().c`` → ``a.b.c``).
        rest: list[str] = []
        root = node
        while isinstance(root, (cst.Attribute, cst.Call, cst.Subscript)):
            if isinstance(root, cst.Attribute):
                rest.append(root.attr.value)
                root = root.value
            else:
                root = root.func if isinstance(root, cst.Call) else root.value
        if id(node) in bindings.not_references:
            return set()
        if isinstance(root, cst.Name) and not bindings.star:
            imported = bindings.imports.get(root.value)
            if imported is None:
                return set()
            suffix = "".join(f".{part}" for part in reversed(rest))
            derived = {name + suffix for name in imported}
            if root.value not in bindings.other:
                return derived
            if among is not None and derived.isdisjoint(among):
                return set()
        return {q.name for q in self.get(QualifiedNameProvider, node, set())}

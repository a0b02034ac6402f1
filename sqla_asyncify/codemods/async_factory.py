"""Constructors calling code made async → an async factory awaited at every construction.

For each family the plan converts (``Plan.factories``, decided by ``plan/async_factories.py``):
its ``__init__`` methods become ``async def _async_init`` (their awaits already written by
``add-awaits``: the plan makes them async), ``super().__init__(...)`` between them
``await super()._async_init(...)``, the root class gets ``create`` (``cls.__new__(cls)`` then the
awaited ``_async_init``: what ``cls(...)`` did, in the same order), and every construction
``Cls(...)``, ``table[k](...)`` or ``picked(...)`` over a closed class table (``class_lookups``)
becomes ``await ….create(...)``.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ParentNodeProvider

from ..class_lookups import ClassLookup, lookup_calls
from ..names import Callee
from ..plan.async_factories import ASYNC_INIT, CREATE
from .add_awaits import parenthesized_await
from .base import AsyncifyCodemod

_CREATE_SOURCE = f'''@classmethod
async def {CREATE}(cls, *args, **kwargs):
    # ``cls(...)`` with its ``__init__`` awaited: the same steps, in the same order.
    instance = cls.__new__(cls)
    await instance.{ASYNC_INIT}(*args, **kwargs)
    return instance
'''


class AsyncFactory(AsyncifyCodemod):
    DESCRIPTION = "Build classes whose constructor calls code made async through an awaited async factory."

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        #: Per enclosing function: ids of its calls that build from a closed class table.
        self._lookup_calls: list[dict[int, ClassLookup]] = []

    @classmethod
    def wanted(cls, plan: object, module_name: str) -> bool:
        return bool(getattr(plan, "factories", None))

    def _family_of(self, name: str) -> str | None:
        for root, factory in self.plan.factories.items():
            if name in factory.family:
                return root
        return None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        result = super().visit_FunctionDef(node)
        fn = self.plan.functions.get(self.scope_qualname)
        found: dict[int, ClassLookup] = {}
        if fn is not None and fn.class_lookups:
            families = self._factory_tables(fn.qualname, fn.class_lookups)
            if families:
                found = lookup_calls(node.body, families)
        self._lookup_calls.append(found)
        return result

    def _factory_tables(
        self, scope: str, lookups: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    ) -> tuple[ClassLookup, ...]:
        """The closed tables of ``scope`` whose values are all classes of one converted family."""
        found = []
        for table, values, picked in lookups:
            roots = set()
            for value in values:
                root, *rest = value.split(".")
                ty = self.plan.type_of(scope, Callee(root, tuple(rest)))
                roots.add(self._family_of(ty.name) if ty.kind == "class" else None)
            if len(roots) == 1 and None not in roots:
                found.append(ClassLookup(table, values, picked))
        return tuple(found)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        qualname = self.scope_qualname
        self._lookup_calls.pop()
        result = super().leave_FunctionDef(original_node, updated_node)
        root = self.plan.factory_inits.get(qualname)
        if root is None:
            return result
        factory = self.plan.factories[root]
        if qualname == f"{root}.__init__":
            built = ", ".join(f"`{c.rsplit('.', 1)[-1]}`" for c in factory.family)
            self.report(
                original_node,
                f"`{qualname}` calls code made async: {built} are built through "
                f"`await {root.rsplit('.', 1)[-1]}.{CREATE}(...)` ({len(factory.sites)} construction sites), "
                f"its body is `async def {ASYNC_INIT}`",
                f"code outside the project building it with `{root.rsplit('.', 1)[-1]}(...)` must call "
                f"`await {root.rsplit('.', 1)[-1]}.{CREATE}(...)` instead",
            )
        return updated_node.with_changes(name=cst.Name(ASYNC_INIT), asynchronous=cst.Asynchronous())

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.BaseStatement:
        qualname = self.scope_qualname
        result = super().leave_ClassDef(original_node, updated_node)
        if qualname not in self.plan.factories or not isinstance(updated_node.body, cst.IndentedBlock):
            return result
        create = cst.parse_statement(_CREATE_SOURCE).with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        body = list(updated_node.body.body)
        at = next(
            (i + 1 for i, s in enumerate(body) if isinstance(s, cst.FunctionDef) and s.name.value == ASYNC_INIT),
            len(body),
        )
        body.insert(at, create)
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        scope = self.context_qualname
        if scope in self.plan.factory_inits and self._super_init(original_node):
            assert isinstance(updated_node.func, cst.Attribute)
            call = updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name(ASYNC_INIT)))
            return self._awaited(original_node, call)
        if not self.in_async_context():
            return updated_node
        built = self._builds(original_node, scope)
        if not built:
            return updated_node
        call = updated_node.with_changes(func=cst.Attribute(updated_node.func, cst.Name(CREATE)))
        return self._awaited(original_node, call)

    def _super_init(self, node: cst.Call) -> bool:
        """``super().__init__(...)`` chaining to a base of the same converted family."""
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "__init__"
            and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name)
            and func.value.func.value == "super"
        ):
            return False
        fn = self.plan.functions.get(self.context_qualname)
        if fn is None or fn.class_qualname is None:
            return False
        root = self.plan.factory_inits[self.context_qualname]
        base = next((c for c in self.plan._mro(fn.class_qualname)[1:] if f"{c}.__init__" in self.plan.functions), None)
        return base is not None and f"{base}.__init__" in self.plan.factory_inits and self.plan.factory_inits[f"{base}.__init__"] == root

    def _builds(self, node: cst.Call, scope: str) -> bool:
        """``node`` builds a class of a converted family: it names one, or picks one from a closed table."""
        if self._lookup_calls and id(node) in self._lookup_calls[-1]:
            return True
        callee = Callee.of(node.func) if isinstance(node.func, (cst.Name, cst.Attribute)) else None
        if callee is None or callee.calls:
            return False
        ty = self.plan.type_of(scope, callee)
        return ty.kind == "class" and self._family_of(ty.name) is not None

    def _awaited(self, original_node: cst.Call, call: cst.Call) -> cst.BaseExpression:
        """``await call`` (unless already awaited), parenthesized where it is a primary."""
        parent = self.get_metadata(ParentNodeProvider, original_node, None)
        if isinstance(parent, cst.Await):
            return call
        awaited = cst.Await(expression=call.with_changes(lpar=[], rpar=[]), lpar=call.lpar, rpar=call.rpar)
        primary = (
            (isinstance(parent, cst.Attribute) and parent.value is original_node)
            or (isinstance(parent, cst.Call) and parent.func is original_node)
            or (isinstance(parent, cst.Subscript) and parent.value is original_node)
        )
        self.changed = True
        return parenthesized_await(awaited) if primary else awaited

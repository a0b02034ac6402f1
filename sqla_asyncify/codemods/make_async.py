"""``def`` → ``async def`` for every function the plan makes async.

The plan decides (direct session I/O, or a call of a function that becomes async, across modules);
this transformer flips the keyword. A generator becomes an async generator, which FastAPI accepts
as a dependency; its return annotation follows (``Iterator[X]`` → ``AsyncIterator[X]``,
``Generator[X, S, R]`` → ``AsyncGenerator[X, S]``, imported from where the old one came from).
A ``@contextmanager`` generator becomes an ``@asynccontextmanager`` one (its ``with`` users
``async with``), and so does the decorator applied by a call: ``cm = contextmanager(gen)`` →
``cm = asynccontextmanager(gen)`` (the plan sees ``cm`` as ``gen``); a ``@cached_property`` getter,
an ``@_cached_async_property`` one (the helper keeps the awaited value: ``cached_async_property``).
A class's ``__enter__``/``__exit__`` the plan makes async become ``__aenter__``/``__aexit__``
(``plan/async_contexts.py``; ``async-with`` enters its instances with ``async with``).
Functions that cannot become async were reported by the plan and stay.
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import QualifiedNameProvider

from .. import sqla
from ..names import Callee
from ..plan.async_contexts import ASYNC_NAMES
from .base import AsyncifyCodemod
from .cached_async_property import cached_async_property_decorator

#: Sync generator annotations → their async counterpart (same module: typing or collections.abc).
_GENERATOR_TYPES = {
    "Iterator": "AsyncIterator",
    "Iterable": "AsyncIterable",
    "Generator": "AsyncGenerator",
}
_TYPE_MODULES = ("typing", "collections.abc", "typing_extensions")


class MakeAsync(AsyncifyCodemod):
    DESCRIPTION = "Turn functions that reach session I/O into `async def`."
    BATCHABLE = True
    PLAN_DRIVEN = True
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        qualname = self.scope_qualname
        result = super().leave_FunctionDef(original_node, updated_node)
        if updated_node.asynchronous is not None or not self.plan.becomes_async(qualname):
            return result
        cached = self.plan.cached_async_property(qualname)
        decorators = [
            self._async_decorator(o, u, cached) for o, u in zip(original_node.decorators, updated_node.decorators)
        ]
        updated_node = updated_node.with_changes(asynchronous=cst.Asynchronous(), decorators=decorators)
        if qualname in self.plan.context_methods:
            # ``async with`` awaits ``__aenter__``/``__aexit__`` where ``with`` called these
            updated_node = updated_node.with_changes(name=cst.Name(ASYNC_NAMES[updated_node.name.value]))
        info = self.plan.functions.get(qualname)
        if info is not None and info.is_generator and original_node.returns is not None and updated_node.returns is not None:
            returns = self._async_generator_annotation(original_node.returns.annotation, updated_node.returns.annotation)
            if returns is not None:
                updated_node = updated_node.with_changes(returns=cst.Annotation(returns))
        return updated_node

    def _async_decorator(self, original: cst.Decorator, decorator: cst.Decorator, cached: bool) -> cst.Decorator:
        """``@contextmanager`` → ``@asynccontextmanager`` (``@contextlib.…`` keeps its module);
        ``@cached_property`` of a getter made async (``cached``) → ``@_cached_async_property``.
        Names are read on the ``original`` decorator (in a batch the updated one may be a new node)."""
        if cached and self.qualified_names(original.decorator, sqla.CACHED_PROPERTY_DECORATORS) & sqla.CACHED_PROPERTY_DECORATORS:
            if isinstance(decorator.decorator, cst.Name):
                RemoveImportsVisitor.remove_unused_import(self.context, "functools", decorator.decorator.value)
            elif isinstance(decorator.decorator, cst.Attribute):
                RemoveImportsVisitor.remove_unused_import(self.context, "functools")
            return decorator.with_changes(decorator=cached_async_property_decorator(self.context).decorator)
        new = self._async_context_decorator(original.decorator, decorator.decorator)
        return decorator if new is None else decorator.with_changes(decorator=new)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        """``contextmanager(gen)`` → ``asynccontextmanager(gen)`` where the plan makes ``gen`` an async
        generator: the decorator applied by a call (the plan sees ``cm = contextmanager(gen)`` as
        ``gen`` itself, so ``with cm(...)`` became ``async with`` and its function async)."""
        if len(original_node.args) != 1 or original_node.args[0].keyword is not None or original_node.args[0].star:
            return updated_node
        handed = Callee.of(original_node.args[0].value)
        if handed is None or handed.calls:
            return updated_node
        target = self.plan.type_of(self.context_qualname, handed)
        info = self.plan.functions.get(target.name) if target.kind == "function" else None
        if info is None or not info.is_generator or not self.plan.becomes_async(target.name):
            return updated_node
        new = self._async_context_decorator(original_node.func, updated_node.func)
        return updated_node if new is None else updated_node.with_changes(func=new)

    def _async_context_decorator(
        self, original: cst.BaseExpression, expression: cst.BaseExpression
    ) -> cst.BaseExpression | None:
        """``contextmanager`` → ``asynccontextmanager`` (``contextlib.…`` keeps its module), read on
        ``original``, built from ``expression``; None when ``original`` names no such decorator."""
        for name in self.qualified_names(original, sqla.ASYNC_CONTEXT_DECORATORS.keys()):
            new = sqla.ASYNC_CONTEXT_DECORATORS.get(name)
            if new is None:
                continue
            module = name.rpartition(".")[0]
            if isinstance(expression, cst.Attribute):
                return expression.with_changes(attr=cst.Name(new))
            if isinstance(expression, cst.Name):
                AddImportsVisitor.add_needed_import(self.context, module, new)
                RemoveImportsVisitor.remove_unused_import(self.context, module, expression.value)
                return cst.Name(new)
        return None

    def _async_generator_annotation(
        self, original: cst.BaseExpression, annotation: cst.BaseExpression
    ) -> cst.BaseExpression | None:
        """``Iterator[X]`` → ``AsyncIterator[X]``; ``Generator[X, S, R]`` → ``AsyncGenerator[X, S]``.
        Names are read on the ``original`` annotation; the new one is built from ``annotation``
        (the updated one: in a batch, ``X`` may already be renamed)."""
        if not isinstance(original, cst.Subscript) or not isinstance(annotation, cst.Subscript):
            return None
        names = self.qualified_names(original.value)
        for name in names:
            module, _, short = name.rpartition(".")
            if module in _TYPE_MODULES and short in _GENERATOR_TYPES:
                new = _GENERATOR_TYPES[short]
                if isinstance(annotation.value, cst.Attribute):
                    value: cst.BaseExpression = annotation.value.with_changes(attr=cst.Name(new))
                else:
                    AddImportsVisitor.add_needed_import(self.context, module, new)
                    RemoveImportsVisitor.remove_unused_import(self.context, module, short)
                    value = cst.Name(new)
                elements = list(annotation.slice)
                if short == "Generator":
                    elements = elements[:2]
                    elements[-1] = elements[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                return annotation.with_changes(value=value, slice=elements)
        return None

"""Tests follow the code: async fixtures, async tests, ``IsolatedAsyncioTestCase``.

The plan already makes a test ``async def`` when it calls migrated code (fixtures are typed by name,
like ``Depends``: a ``db`` parameter is what the ``db`` fixture yields). This transformer makes
pytest and unittest run what became a coroutine, without requiring any configuration:

* a ``@pytest.fixture`` made async → ``@pytest_asyncio.fixture(…, loop_scope="session")``; its
  ``yield from helper()`` statements become ``for value in helper(): yield value`` (an async
  generator cannot delegate; pytest only advances a fixture, so the loop is the same);
* a ``test_*`` function made async → ``@pytest.mark.asyncio(loop_scope="session")`` added.
  One loop for all tests and fixtures: the app's module-level async engine pools connections, and
  a connection made on one loop cannot be used from another;
* a ``unittest.TestCase`` with a method made async → ``unittest.IsolatedAsyncioTestCase``, and its
  ``setUp``/``tearDown`` made async → ``asyncSetUp``/``asyncTearDown`` (what that class awaits).

The migrated project needs ``pytest-asyncio`` (the summary lists it).
"""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import QualifiedNameProvider

from .base import AsyncifyCodemod, keyword_arg

#: One event loop for every async test and fixture: pooled connections of a module-level async
#: engine must not cross loops ("Future attached to a different loop").
_LOOP_SCOPE = keyword_arg("loop_scope", cst.SimpleString('"session"'))
_UNITTEST_RENAMES = {"setUp": "asyncSetUp", "tearDown": "asyncTearDown"}
_TESTCASE = frozenset({"unittest.TestCase", "unittest.case.TestCase"})


def _decorator_target(decorator: cst.Decorator) -> cst.BaseExpression:
    return decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator


class AsyncTests(AsyncifyCodemod):
    DESCRIPTION = "Run migrated tests and fixtures as coroutines (pytest-asyncio, IsolatedAsyncioTestCase)."
    BATCHABLE = True
    PLAN_DRIVEN = True
    TRIGGERS = ("test", "fixture", "TestCase")
    METADATA_DEPENDENCIES = (*AsyncifyCodemod.METADATA_DEPENDENCIES, QualifiedNameProvider)

    def _names(self, node: cst.CSTNode) -> set[str]:
        return self.qualified_names(node)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        qualname = self.scope_qualname
        in_class = len(self._scopes) > 1 and self._scopes[-2][0] == "class"
        result = super().leave_FunctionDef(original_node, updated_node)
        if not self.plan.becomes_async(qualname):
            return result
        decorators = list(updated_node.decorators)
        fixture = next(
            (i for i, d in enumerate(original_node.decorators) if self._names(_decorator_target(d)) & {"pytest.fixture"}),
            None,
        )
        if fixture is not None:
            AddImportsVisitor.add_needed_import(self.context, "pytest_asyncio")
            d = decorators[fixture]
            args = list(d.decorator.args) if isinstance(d.decorator, cst.Call) else []
            if not any(a.keyword and a.keyword.value == "loop_scope" for a in args):
                args.append(_LOOP_SCOPE)
            decorators[fixture] = d.with_changes(
                decorator=cst.Call(cst.Attribute(cst.Name("pytest_asyncio"), cst.Name("fixture")), args=args)
            )
            body = updated_node.body.visit(_YieldFromAsLoop(_free_name(original_node, "value")))
            return updated_node.with_changes(decorators=decorators, body=body)
        if in_class and self._in_testcase and original_node.name.value in _UNITTEST_RENAMES:
            return updated_node.with_changes(name=cst.Name(_UNITTEST_RENAMES[original_node.name.value]))
        if original_node.name.value.startswith("test") and not in_class and self._is_test_module():
            marked = any("pytest.mark.asyncio" in self._names(_decorator_target(d)) for d in original_node.decorators)
            if not marked:
                AddImportsVisitor.add_needed_import(self.context, "pytest")
                mark = cst.Decorator(cst.parse_expression('pytest.mark.asyncio(loop_scope="session")'))
                return updated_node.with_changes(decorators=[mark, *decorators])
        return updated_node

    def _is_test_module(self) -> bool:
        name = self.module_name.rsplit(".", 1)[-1]
        return name.startswith("test_") or name.endswith("_test")

    # -- unittest -------------------------------------------------------------------------------
    @property
    def _in_testcase(self) -> bool:
        return bool(self._testcase_stack and self._testcase_stack[-1])

    def visit_Module(self, node: cst.Module) -> None:
        self._testcase_stack: list[bool] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> bool | None:
        is_testcase = any(self._names(base.value) & _TESTCASE for base in node.bases)
        self._testcase_stack.append(is_testcase)
        return super().visit_ClassDef(node)

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.BaseStatement:
        qualname = self.scope_qualname
        is_testcase = self._testcase_stack.pop()
        result = super().leave_ClassDef(original_node, updated_node)
        if not is_testcase or not any(
            self.plan.becomes_async(f"{qualname}.{name}") for name in self.plan.methods_of(qualname)
        ):
            return result
        bases = []
        for original, base in zip(original_node.bases, updated_node.bases):
            if self._names(original.value) & _TESTCASE:
                target = cst.parse_expression("unittest.IsolatedAsyncioTestCase")
                if isinstance(original.value, cst.Name):
                    AddImportsVisitor.add_needed_import(self.context, "unittest", "IsolatedAsyncioTestCase")
                    target = cst.Name("IsolatedAsyncioTestCase")
                else:
                    AddImportsVisitor.add_needed_import(self.context, "unittest")
                base = base.with_changes(value=target)
            bases.append(base)
        return updated_node.with_changes(bases=bases)



class _Names(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: set[str] = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.found.add(node.value)


def _free_name(node: cst.FunctionDef, base: str) -> str:
    """``base`` (or ``base_1``, ``base_2``…): a name ``node`` does not use."""
    names = _Names()
    node.visit(names)
    name, n = base, 0
    while name in names.found:
        n += 1
        name = f"{base}_{n}"
    return name


class _YieldFromAsLoop(cst.CSTTransformer):
    """``yield from g`` statements of one function body (not of functions nested in it) →
    ``for value in g: yield value``."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        if len(updated_node.body) != 1:
            return updated_node
        stmt = updated_node.body[0]
        if not (isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.Yield) and isinstance(stmt.value.value, cst.From)):
            return updated_node
        target = cst.Name(self.name)
        loop_body = cst.IndentedBlock([cst.SimpleStatementLine([cst.Expr(cst.Yield(target))])])
        return cst.For(
            target=target,
            iter=stmt.value.value.item,
            body=loop_body,
            leading_lines=updated_node.leading_lines,
        )

"""query-to-select's layers depend one way: ``model ← parse ← shape ← emit``, then the transformer.

A module imports only the ``query_chain`` modules before it, and a layer class's methods use only
what an instance of that layer has (its own members and those of the layers below), so parsing
never calls a shape rule and the shape rules never reach the transformer's decisions.
"""

from __future__ import annotations

import ast
import gc
import importlib
import inspect

import pytest
from libcst.codemod import CodemodContext

from sqla_asyncify.codemods.query_chain.parse import ChainParsing
from sqla_asyncify.codemods.query_chain.shape import ChainShape
from sqla_asyncify.codemods.query_to_select import QueryToSelect
from test_plan import build


@pytest.fixture(autouse=True)
def _garbage_of_earlier_tests_collected() -> None:
    # These tests ast.parse sources. On CPython 3.11.7, garbage earlier tests leave, collected in the
    # middle of such a parse, made it fail with "SystemError: AST constructor recursion depth
    # mismatch" (the parser's state is per interpreter); collecting it first avoids that.
    gc.collect()


ORDER = ["model", "parse", "shape", "emit"]


def _package_imports(source: str) -> set[str]:
    """The ``query_chain`` modules a module's source imports (``from .x`` / ``from .query_chain.x``)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is not None:
            name = node.module.removeprefix("query_chain.")
            if name in ORDER:
                found.add(name)
    return found


def test_each_query_chain_module_imports_only_the_ones_before_it() -> None:
    for i, name in enumerate(ORDER):
        module = importlib.import_module(f"sqla_asyncify.codemods.query_chain.{name}")
        above = _package_imports(inspect.getsource(module)) - set(ORDER[:i])
        assert not above, f"query_chain.{name} imports {sorted(above)}, which build on it"


def test_the_transformer_reads_the_chain_package_rather_than_defining_it() -> None:
    import sqla_asyncify.codemods.query_to_select as transformer

    source = inspect.getsource(transformer)
    assert _package_imports(source) == set(ORDER)
    defined = {n.name for n in ast.parse(source).body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    assert defined == {"QueryToSelect"}


def test_each_layer_uses_only_itself_and_the_layers_below() -> None:
    plan = build({"app.db": "from sqlalchemy.orm import Session\n\ndef save(db: Session):\n    db.query(int).all()\n"})
    assert QueryToSelect.__mro__[1:3] == (ChainShape, ChainParsing)
    for layer in (ChainParsing, ChainShape, QueryToSelect):
        used = {
            node.attr
            for node in ast.walk(ast.parse(inspect.getsource(layer)))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
        }
        instance = layer(CodemodContext(), plan, "app.db", "app/db.py", [])
        available = set(dir(instance))
        assert used <= available, f"{layer.__module__}.{layer.__name__} reaches up to {sorted(used - available)}"

"""The plan's layers depend one way: a layer's methods use only its own layer and the layers below."""

from __future__ import annotations

import ast
import dataclasses
import gc
import inspect
import pickle

import pytest

from sqla_asyncify.plan import Plan
from test_plan import build


@pytest.fixture(autouse=True)
def _garbage_of_earlier_tests_collected() -> None:
    # These tests ast.parse sources. On CPython 3.11.7, garbage earlier tests leave, collected in the
    # middle of such a parse, made it fail with "SystemError: AST constructor recursion depth
    # mismatch" (the parser's state is per interpreter); collecting it first avoids that.
    gc.collect()



def test_each_plan_layer_uses_only_itself_and_the_layers_below() -> None:
    fields = {f.name for f in dataclasses.fields(Plan)}
    for layer in Plan.__mro__[1:-1]:
        tree = ast.parse(inspect.getsource(layer))
        used = {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
        }
        available = fields | {"__dict__"} | {name for cls in layer.__mro__ for name in vars(cls)}
        assert used <= available, f"{layer.__module__}.{layer.__name__} reaches up to {sorted(used - available)}"


def test_a_built_plan_pickles_with_its_answers() -> None:
    plan = build(
        {
            "app.db": "from sqlalchemy.orm import Session\n\ndef save(db: Session):\n    db.commit()\n",
            "app.svc": "from app.db import save\n\ndef run(db):\n    save(db)\n",
        }
    )
    copy = pickle.loads(pickle.dumps(plan))
    assert type(copy) is Plan and copy.to_async == plan.to_async
    assert copy.chain("app.svc.run") == ["app.svc.run", "app.db.save", "db.commit"]

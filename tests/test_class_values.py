"""class_values: which names hold a class (an ORM entity in a select list), and which do not."""

from __future__ import annotations

import libcst as cst

from sqla_asyncify.class_values import class_valued, metaclass_aliases


def names_in(source: str, function: str) -> set[str]:
    """What holds a class inside the function named ``function`` (any depth) of ``source``."""
    module = cst.parse_module(source)
    path: list[cst.CSTNode] = []

    def find(node: cst.CSTNode, trail: list[cst.CSTNode]) -> bool:
        for child in node.children:
            here = (
                trail + [child]
                if isinstance(child, (cst.FunctionDef, cst.ClassDef))
                else trail
            )
            if isinstance(child, cst.FunctionDef) and child.name.value == function:
                path.extend(here)
                return True
            if find(child, here):
                return True
        return False

    assert find(module, [])
    return class_valued(module, path, metaclass_aliases(module))


def test_parameters_annotated_as_classes() -> None:
    src = (
        "from typing import Type\n"
        "def f(db, a: Type[M], b: 'type[Base]', c: M, d): pass\n"
    )
    assert names_in(src, "f") == {"a", "b"}


def test_declarative_metaclass_under_an_alias_even_in_try() -> None:
    src = (
        "try:\n"
        "    from sqlalchemy.ext.declarative import DeclarativeMeta as Model\n"
        "except ImportError:\n"
        "    Model = None\n"
        "class R:\n"
        "    def __init__(self, db_model: Model):\n"
        "        self.db_model = db_model\n"
        "    def outer(self):\n"
        "        def route(db):\n"
        "            return db\n"
        "        return route\n"
    )
    assert names_in(src, "route") == {"self.db_model"}
    assert metaclass_aliases(cst.parse_module(src)) >= {"Model"}


def test_constructor_call_and_mapped_attributes_are_evidence() -> None:
    src = (
        "class R:\n"
        "    def __init__(self, a, b, c, d):\n"
        "        self.a, self.b, self.c, self.d = a, b, c, d\n"
        "    def use(self, data):\n"
        "        self.a(**data)\n"
        "        self.b.__table__\n"
        "        self.c(1, 2)\n"  # positional: a function as much as a class
        "        self.d()\n"  # no arguments: the same
        "        self.helper(x=1)\n"  # a method of the class, never a class
        "    def helper(self, x):\n"
        "        return x\n"
    )
    assert names_in(src, "use") == {"self.a", "self.b"}


def test_rebinding_hides_the_evidence() -> None:
    src = (
        "from typing import Type\n"
        "class R:\n"
        "    model: Type[Base]\n"
        "    def m(self, model: Type[Base]):\n"
        "        def inner(self):\n"  # another `self`: not R's
        "            return self\n"
        "        model = model.id\n"  # rebound: no longer the class
        "        return inner\n"
        "    @staticmethod\n"
        "    def s(self):\n"
        "        return self\n"
    )
    assert names_in(src, "m") == {"self.model"}
    assert names_in(src, "inner") == set()
    assert names_in(src, "s") == set()

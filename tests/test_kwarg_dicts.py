"""Keyword dicts spread into ``relationship(...)``: the index reads the strategy through a module
constant dict as the ``selectin-relationships`` transformer does, so the plan decides for it."""

from __future__ import annotations

import textwrap

import libcst as cst

from sqla_asyncify.index import index_module
from sqla_asyncify.kwarg_dicts import constant_dicts, spreads_constant_dicts

MODELS = textwrap.dedent(
    """\
    from sqlalchemy.orm import DeclarativeBase, relationship

    common = {"cascade": "all", "order_by": "Child.id"}
    eager = {"lazy": "joined"}
    changed = {"order_by": "Child.id"}
    changed["lazy"] = "joined"


    def extra():
        return {}


    class Base(DeclarativeBase):
        pass


    class Parent(Base):
        __tablename__ = "parents"
        plain = relationship("Child", **common)
        with_lazy = relationship("Child", **common, lazy="joined")
        eager_dict = relationship("Child", **eager)
        mutated = relationship("Child", **changed)
        computed = relationship("Child", **extra())
    """
)


def _lazies() -> dict[str, str | None]:
    index = index_module(cst.parse_module(MODELS), "app.models", "app/models.py")
    parent = next(c for c in index.classes if c.qualname == "app.models.Parent")
    return dict(parent.relationships)


def test_a_spread_constant_dict_without_lazy_is_the_lazy_default() -> None:
    lazies = _lazies()
    assert lazies["plain"] is None
    assert lazies["with_lazy"] == '"joined"'


def test_a_spread_the_plan_cannot_read_is_unknown() -> None:
    lazies = _lazies()
    assert lazies["eager_dict"] == "**"  # sets lazy itself
    assert lazies["mutated"] == "**"  # bound, then changed: not a constant
    assert lazies["computed"] == "**"  # not a name


def test_constant_dicts_are_bound_once_and_only_spread() -> None:
    module = cst.parse_module(MODELS)
    dicts = constant_dicts(module)
    assert dicts == {"common": frozenset({"cascade", "order_by"}), "eager": frozenset({"lazy"})}
    call = cst.parse_expression('relationship("Child", **common)')
    assert isinstance(call, cst.Call)
    assert spreads_constant_dicts(call, dicts, "lazy")
    assert not spreads_constant_dicts(call, dicts, "cascade")

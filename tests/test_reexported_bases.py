"""A class whose base is imported through a re-export (``from app import Base``, the package's
``__init__`` importing it from its module) inherits that base's methods and properties: calls and
reads through ``self`` resolve to them, and override families include them."""

from __future__ import annotations

from test_async_properties import REPO  # the same repository class reached through self
from test_plan import build

BASE = """
from app.repo import Repo


class Base:
    def __init__(self, repo: Repo) -> None:
        self.repo = repo

    @property
    def group(self):
        return self.repo.get_one(1)

    def load(self):
        return self.repo.get_one(2)
"""

CHILD = """
from app import Base


class Child(Base):
    def title(self) -> str:
        return self.group.name

    def both(self):
        return self.load()
"""


def test_methods_and_properties_of_a_base_imported_through_a_re_export_are_inherited() -> None:
    plan = build(
        {"app.__init__": "from app.base import Base\n", "app.repo": REPO, "app.base": BASE, "app.child": CHILD}
    )
    assert plan._mro("app.child.Child") == ["app.child.Child", "app.base.Base"]
    assert plan.becomes_async("app.child.Child.title")  # reads the inherited property
    assert plan.becomes_async("app.child.Child.both")  # calls the inherited method

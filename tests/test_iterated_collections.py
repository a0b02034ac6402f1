"""``for x in f()`` with ``f`` annotated to return a collection of one type (``-> list[Listener]``):
``x`` is an instance of that type, so the calls on it are seen — a method made async (here through
its override family) is awaited in the loop, and the loop's function becomes async with it.
"""

from __future__ import annotations

import textwrap

from sqla_asyncify.pipeline import RunConfig, run
from test_plan import build

LISTENERS = """
from abc import ABC, abstractmethod
from typing import Iterator, Sequence

from sqlalchemy.orm import Session


class Listener(ABC):
    def __init__(self, db: Session) -> None:
        self.db = db

    @abstractmethod
    def publish(self, event: str) -> None: ...


class Audit(Listener):
    def publish(self, event: str) -> None:
        self.db.add(event)
        self.db.flush()


class Printer(Listener):
    def publish(self, event: str) -> None:
        print(event)


class Bus:
    def __init__(self, db: Session) -> None:
        self.db = db

    def _listeners(self) -> list[Listener]:
        return [Audit(self.db), Printer(self.db)]

    def _by_name(self) -> dict[str, Listener]:
        return {"audit": Audit(self.db)}

    def _typed(self) -> Sequence[Listener]:
        return self._listeners()

    def _pairs(self) -> tuple[str, Listener]:
        return ("audit", Audit(self.db))

    def dispatch(self, event: str) -> None:
        for listener in self._listeners():
            listener.publish(event)

    def dispatch_typed(self, event: str) -> None:
        for listener in self._typed():
            listener.publish(event)

    def names(self, event: str) -> None:
        for name in self._by_name():
            name.publish(event)

    def pairs(self, event: str) -> None:
        for part in self._pairs():
            part.publish(event)
"""


def test_a_loop_over_a_returned_list_sees_its_elements_type() -> None:
    plan = build({"app.bus": LISTENERS})
    assert plan.becomes_async("app.bus.Listener.publish")  # the family of ``Audit.publish``
    assert plan.becomes_async("app.bus.Bus.dispatch")
    assert plan.becomes_async("app.bus.Bus.dispatch_typed")
    # a mapping iterates its keys, a two-type tuple gives either: neither is a ``Listener``
    assert not plan.becomes_async("app.bus.Bus.names")
    assert not plan.becomes_async("app.bus.Bus.pairs")


def test_the_call_in_the_loop_is_awaited(tmp_path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "bus.py").write_text(textwrap.dedent(LISTENERS))
    result = run(RunConfig(paths=(tmp_path / "app",), jobs=1, cache=False))
    assert not result.errors
    out = next(o.updated for o in result.outcomes if o.path.name == "bus.py").decode()
    assert "    async def dispatch(self, event: str) -> None:\n        for listener in self._listeners():\n            await listener.publish(event)" in out
    assert "            name.publish(event)" in out

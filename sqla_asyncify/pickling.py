"""Pickling frozen, slotted dataclasses fast (the cache's indexes and plans are made of them).

``dataclass(frozen=True, slots=True)`` pickles through ``dataclasses._dataclass_getstate`` /
``_dataclass_setstate``, which call ``dataclasses.fields()`` for every object: on a warm run that
was most of the time spent loading the indexes and the plan from the cache (docs/performance.md).
``fast_state`` gives the class the same state (the field values, in field order) read and written
with the field names computed once.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def fast_state(cls: type[T]) -> type[T]:
    """Class decorator, above ``@dataclass(frozen=True, slots=True)``."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    assign = object.__setattr__

    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, name) for name in names]

    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state):
            assign(self, name, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls

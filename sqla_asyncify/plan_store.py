"""Storing a ``Plan`` in the cache without the module indexes it was built from.

A plan holds every index of the project (``Plan.modules``) and tables of their functions,
classes and bindings (``functions``, ``_globals``…). Pickled as it is, a warm run would load
each index twice: from the cache's ``index`` table, then again inside the plan (on the dense
benchmark corpus, most of a warm run). ``dumps`` writes each index — and each function, class
and binding directly in it — as a reference (module name and where in it); ``loads`` resolves
those references against the indexes the run already loaded. Everything else the plan computed
(``to_async``, reports, memoized tables) is stored as it is, so the plan loaded is the plan built,
sharing the run's index objects instead of copies of them.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterable, Mapping
from typing import Any

from .index import ModuleIndex
from .plan import Plan

#: ``ModuleIndex`` fields whose elements (or the second item of whose pairs) are referenced.
_FIELDS = ("functions", "classes", "globals")
#: ``FunctionInfo`` fields whose elements are referenced, one level further down.
_FUNCTION_FIELDS = ("params", "bindings", "attr_bindings", "returns", "calls", "local_attr_bindings")

Ref = tuple[str, ...] | tuple[Any, ...]


def _references(indexes: Iterable[ModuleIndex]) -> dict[int, Ref]:
    """``id(obj)`` → how to find ``obj`` again from its module's index."""
    refs: dict[int, Ref] = {}
    for index in indexes:
        module = index.module
        refs[id(index)] = (module,)
        for name in _FIELDS:
            for i, obj in enumerate(getattr(index, name)):
                refs.setdefault(id(obj), (module, name, i))
        for i, fn in enumerate(index.functions):
            for name in _FUNCTION_FIELDS:
                for j, obj in enumerate(getattr(fn, name)):
                    refs.setdefault(id(obj), (module, "functions", i, name, j))
    return refs


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, refs: Mapping[int, Ref]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._refs = refs

    def persistent_id(self, obj: Any) -> Ref | None:  # noqa: D102 - pickle's hook
        return self._refs.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, modules: Mapping[str, ModuleIndex]) -> None:
        super().__init__(file)
        self._modules = modules

    def persistent_load(self, pid: Any) -> Any:  # noqa: D102 - pickle's hook
        obj: Any = self._modules[pid[0]]
        for step in pid[1:]:
            obj = obj[step] if isinstance(step, int) else getattr(obj, step)
        return obj


def dumps(plan: Plan) -> bytes:
    """The plan's bytes, its indexes (and their functions, classes and bindings) by reference."""
    buffer = io.BytesIO()
    # The ids stay valid: every referenced object is alive in ``plan.modules`` while pickling.
    _Pickler(buffer, _references(plan.modules.values())).dump(plan)
    return buffer.getvalue()


def loads(data: bytes, indexes: Iterable[ModuleIndex]) -> Plan | None:
    """The plan stored by ``dumps``, over ``indexes`` (those it was built from, as this run loaded
    them); None when it cannot be loaded (a module missing, a stale entry): a cache miss."""
    try:
        plan = _Unpickler(io.BytesIO(data), {index.module: index for index in indexes}).load()
    except Exception:
        return None
    return plan if isinstance(plan, Plan) else None

"""Constructors calling code made async, rewritten as async factories where every build is known.

    class Importer:                                  class Importer:
        def __init__(self, repo, user_id):              async def _async_init(self, repo, user_id):
            user = repo.get_one(user_id)                    user = await repo.get_one(user_id)
            ...                                             ...
                                                        @classmethod
                                                        async def create(cls, *args, **kwargs):
                                                            self = cls.__new__(cls)
                                                            await self._async_init(*args, **kwargs)
                                                            return self
    Importer(repo, 1)                                await Importer.create(repo, 1)

``cls(...)`` is ``cls.__new__(cls)`` then ``__init__``: with no ``__new__`` of the project's in the
way, ``create`` does the same two steps, the second awaited, so every statement of ``__init__`` runs
in the same order with the same values. A family converts whole: the class, and its subclasses
whose construction runs its ``__init__`` (they inherit it, or chain with ``super().__init__(...)``,
which becomes ``await super()._async_init(...)``). Only when every construction is known: a call
naming a class of the family, or a closed class table (``class_lookups``: ``table[k](...)``, ``v =
table.get(k)`` then ``v(...)``) all of whose values are in it; and every function building one can
become async. Otherwise nothing of the family changes and ``async_inits`` reports it.

Analysis only: ``Fixpoint._mark`` asks ``factory_for`` when a sync ``__init__`` calls a function
made async; the ``async-factory`` transformer rewrites what ``Plan.factories`` holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..names import Callee
from .async_inits import family_of, of_family

if TYPE_CHECKING:
    from ..index import FunctionInfo
    from .fixpoint import Fixpoint

#: The names the rewrite adds to the family's root class.
CREATE = "create"
ASYNC_INIT = "_async_init"


#: Bases outside the project that build instances as ``object`` does.
_PLAIN_BASES = frozenset({"object", "abc.ABC", "typing.Generic"})


@dataclass(frozen=True, slots=True)
class Factory:
    """A family converted to an async factory."""

    #: The class whose ``__init__`` calls code made async: it gets ``create``.
    root: str
    #: It and the subclasses built through its ``__init__``.
    family: tuple[str, ...]
    #: Their own ``__init__`` methods (each becomes ``_async_init``).
    inits: tuple[str, ...]
    #: (function, line) of each construction, sorted.
    sites: tuple[tuple[str, int], ...]


def _plain_init(fn: FunctionInfo | None) -> bool:
    return fn is not None and fn.kind == "function" and not fn.is_async and not fn.decorators and not fn.is_generator


def _chains_by_super_only(plan: Fixpoint, init: FunctionInfo) -> bool:
    """Every ``…__init__(...)`` call in ``init`` is ``super().__init__(...)``."""
    return all(
        site.callee.root == "super" and site.callee.path == ("__init__",)
        for site in init.calls
        if site.callee.path[-1:] == ("__init__",)
    )


def _table_types(plan: Fixpoint, fn: FunctionInfo, family: set[str]) -> dict[str, tuple[str, ...]]:
    """Closed class tables of ``fn`` all of whose values are classes of ``family``: table → picked names."""
    return {
        table: picked
        for table, values, picked in fn.class_lookups
        if all(of_family(plan, fn.qualname, v, family) for v in values)
    }


def _sites(plan: Fixpoint, family: set[str], inits: set[str]) -> list[tuple[str, int]] | None:
    """(function, line) of every construction of a class of ``family``; None when a class of it is
    used as a value the analysis cannot follow to its calls."""
    sites: set[tuple[str, int]] = set()
    for fn in plan.functions.values():
        tables = _table_types(plan, fn, family) if fn.class_lookups else {}
        for site in fn.calls:
            if not site.callee.calls and of_family(plan, fn.qualname, site.callee, family):
                sites.add((fn.qualname, site.line))
            elif tables and not site.callee.calls and (
                (site.callee.root in tables and site.callee.path in (("[]",), ("get",)))
                or any(site.callee == Callee(p) for ps in tables.values() for p in ps)
            ):
                sites.add((fn.qualname, site.line))
        # the table's values, and the names a picked class is bound to (tested, called)
        covered = {v for table, values, picked in fn.class_lookups if table in tables for v in (*values, *picked)}
        for ref in fn.value_refs:
            if ref not in covered and of_family(plan, fn.qualname, ref, family):
                return None  # read as a value (stored, handed on, returned): built where no call names it
    if any(scope in inits for scope, _ in sites):
        return None
    return sorted(sites)


def factory_for(plan: Fixpoint, cls: str) -> Factory | None:
    """The async factory for ``cls`` (whose ``__init__`` calls code made async), or None when its
    family cannot convert whole."""
    root_init = plan.functions.get(f"{cls}.__init__")
    if not _plain_init(root_init) or root_init is None or root_init.keep_sync is not None:
        return None
    family = family_of(plan, cls)
    if set(plan._subclasses.get(cls, ())) - set(family):
        return None  # a subclass built without this ``__init__``: it would inherit a wrong ``create``
    inits = [f"{c}.__init__" for c in family if f"{c}.__init__" in plan.functions]
    for init in inits[1:]:
        info = plan.functions[init]
        if not _plain_init(info) or info.keep_sync is not None or not _chains_by_super_only(plan, info):
            return None
    if any(i in plan.held_sync or i in plan.factory_inits for i in inits):
        return None
    for c in family:
        for owner in plan._mro(c):
            if any(f"{owner}.{name}" in plan.functions for name in ("__new__", CREATE, ASYNC_INIT)):
                return None  # a ``__new__`` of its own, or the names the rewrite adds are taken
            if any(base not in plan.classes and base not in _PLAIN_BASES for base in plan.class_bases(owner)):
                return None  # a library base (an ORM model, a pydantic model) may build instances its own way
    sites = _sites(plan, set(family), set(inits))
    if not sites:
        return None  # unknown, or built nowhere the project shows: by code it does not (a library's API)
    for scope, _ in sites:
        fn = plan.functions[scope]
        if fn.is_async:
            continue
        if (
            fn.kind != "function"
            or plan.boundary_reason(fn) is not None
            or plan._is_held_code(fn)
            or plan.entry_framework(fn) is not None
        ):
            return None  # a construction that cannot await
    return Factory(cls, tuple(family), tuple(inits), tuple(sites))

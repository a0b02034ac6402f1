"""Context managers whose ``__enter__``/``__exit__`` call code made async, made async context managers.

    class Case:                                      class Case:
        def __enter__(self):                             async def __aenter__(self):
            return self                                      return self
        def __exit__(self, *exc):                        async def __aexit__(self, *exc):
            self.cleanup()  # made async                     await self.cleanup()
    with Case(repo) as case: ...                     async with Case(repo) as case: ...

Python calls ``__exit__`` synchronously: left as it is, ``self.cleanup()`` returns a coroutine
nothing awaits and the cleanup never runs. ``async with`` calls ``await __aenter__()`` and ``await
__aexit__(...)`` at the same points with the same arguments, so the statements run in the same
order. A family converts whole: the topmost project class defining either method and every
subclass (they inherit the methods, or override them: overrides convert too). Only when every
``with`` entering an instance is known (its item is typed as one: ``with Case():``, ``with case:``,
``case = case_type(...)`` with ``case_type: type[Case]``), can await, and nothing else enters one:
no ``with`` on a value the plan cannot type, no ``ExitStack.enter_context``, no explicit
``__enter__``/``__exit__`` call. Otherwise nothing of the family changes and the method is reported
(``async-context``) with the reason and the fix.

Analysis only: ``Fixpoint._mark`` asks ``context_for`` when a sync ``__enter__``/``__exit__`` reaches
code made async; ``make-async`` renames the methods, ``async-with`` writes the ``async with``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import sqla
from ..names import Callee
from .async_factories import _PLAIN_BASES
from .types import EXIT_STACK, UNKNOWN

if TYPE_CHECKING:
    from .fixpoint import Fixpoint

#: Sync protocol method → its async counterpart.
ASYNC_NAMES = {"__enter__": "__aenter__", "__exit__": "__aexit__"}


@dataclass(frozen=True, slots=True)
class AsyncContext:
    """A family of context managers converted to async ones."""

    #: The topmost project class defining ``__enter__`` or ``__exit__``.
    root: str
    #: It and its project subclasses.
    family: tuple[str, ...]
    #: Their own ``__enter__``/``__exit__`` methods (each becomes ``async def __aenter__``/``__aexit__``).
    methods: tuple[str, ...]
    #: (function, line) of each ``with`` entering an instance, sorted.
    sites: tuple[tuple[str, int], ...]


def _root(plan: Fixpoint, cls: str) -> str:
    return next(
        c for c in reversed(plan._mro(cls)) if c in plan.classes and any(f"{c}.{m}" in plan.functions for m in ASYNC_NAMES)
    )


def entered_type(plan: Fixpoint, scope: str, callee: Callee, called: bool) -> str | None:
    """The project class an item ``with callee`` (``with callee(...)`` when ``called``) enters an
    instance of; "" when the plan cannot type it; None when it is something else."""
    ty = plan.type_of(scope, callee)
    if called:
        ty = plan._call_type(ty, frozenset())
    if ty == UNKNOWN:
        return ""
    return ty.name if ty.kind == "instance" and ty.name in plan.classes else None


def _with_sites(plan: Fixpoint, family: set[str]) -> tuple[list[tuple[str, int]], str | None]:
    """(function, line) of every ``with`` entering an instance of ``family``, and why not every
    entry is known (None when it is)."""
    sites: set[tuple[str, int]] = set()
    for fn in plan.functions.values():
        path = plan.path_of(fn.qualname)
        for site in fn.calls:
            if site.callee.path[-1:] and site.callee.path[-1] in ASYNC_NAMES:
                if entered_type(plan, fn.qualname, site.callee.prefix(len(site.callee.path) - 1), False) in (family | {""}):
                    return [], f"{path}:{site.line} calls `{site.callee}` explicitly"
            if site.callee.path[-1:] == (sqla.EXIT_STACK_ENTER_METHOD,) and site.args:
                receiver = plan.type_of(fn.qualname, site.callee.prefix(len(site.callee.path) - 1))
                entered = next((a for k, a in site.args if k == "0"), None)
                if receiver == EXIT_STACK and entered is not None and entered_type(plan, fn.qualname, entered, False) in family:
                    return [], f"{path}:{site.line} enters one with `ExitStack.enter_context`, which cannot enter an async one"
            if site.in_with and entered_type(plan, fn.qualname, site.callee, True) in family:
                sites.add((fn.qualname, site.line))
        for callee, line in fn.entered:
            entered = entered_type(plan, fn.qualname, callee, False)
            if entered in family:
                sites.add((fn.qualname, line))
            elif entered == "":
                return [], f"{path}:{line} enters `{callee}`, whose type the analysis cannot tell (it may be one)"
    return sorted(sites), None


def context_for(plan: Fixpoint, cls: str) -> AsyncContext | str:
    """The async context family of ``cls`` (whose ``__enter__`` or ``__exit__`` reaches code made
    async), or why it cannot convert whole."""
    root = _root(plan, cls)
    family = [root, *plan._subclasses.get(root, ())]
    methods = [f"{c}.{m}" for c in family for m in ASYNC_NAMES if f"{c}.{m}" in plan.functions]
    for c in family:
        if not all(plan._find_method(c, m) for m in ASYNC_NAMES):
            return f"`{c}` does not define both `__enter__` and `__exit__` in the project"
        for owner in (o for o in plan._mro(c) if o in plan.classes):
            if any(f"{owner}.{name}" in plan.functions for name in ASYNC_NAMES.values()):
                return f"`{owner}` already defines `__aenter__`/`__aexit__`"
            if any(base not in plan.classes and base not in _PLAIN_BASES for base in plan.class_bases(owner)):
                return f"`{owner}` derives from a library class, which may enter it its own way"
    for method in methods:
        fn = plan.functions[method]
        if fn.is_async or fn.decorators or fn.is_generator or fn.keep_sync is not None or method in plan.held_sync:
            return f"`{method}` is held sync or decorated"
    sites, unknown = _with_sites(plan, set(family))
    if unknown is not None:
        return unknown
    if not sites:
        return "no `with` in the project enters one: code outside it does, synchronously"
    for scope, line in sites:
        fn = plan.functions[scope]
        if fn.is_async:
            continue
        if (
            fn.kind != "function"
            or plan.boundary_reason(fn) is not None
            or plan._is_held_code(fn)
            or plan.entry_framework(fn) is not None
        ):
            return f"the `with` at {plan.path_of(scope)}:{line} is in code that must stay sync"
    return AsyncContext(root, tuple(family), tuple(methods), tuple(sites))

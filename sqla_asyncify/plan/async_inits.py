"""Constructors that call code made async: what breaks, where the class is built, and the fix.

    class Importer:                                   # stays as it is
        def __init__(self, repo, user_id):
            user = repo.get_one(user_id)   # get_one becomes `async def`: this is now a coroutine,
            if not user: ...               # always truthy, never awaited: the lookup never runs

Python calls ``__init__`` synchronously, so it cannot await; no sync session makes an ``async def``
work either (``run_sync`` hands a sync ``Session`` to sync code, it does not run coroutines). The
class is left untouched and each such call is reported (``async-init``) with every construction
site the plan resolves (``Importer(...)``, a subclass's), every place the class or a subclass is
used as a value (stored in a collection or dict, handed to a call: built where no call site names
it), and the fix that keeps behaviour: an async factory awaited at each construction site.

Where every construction is known, the fixpoint converts the family instead (``async_factories``);
what is reported here is what it could not.

Analysis only (the plan's items); ``Plan._solve`` calls ``report_async_inits`` once solved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..names import Callee
from ..report import ReportItem

if TYPE_CHECKING:
    from . import Plan

RULE = "async-init"

FIX = (
    "give the class an async factory and build it only through it: move the I/O into "
    "`async def _ainit(self, ...)` (same statements, same order, each call awaited), add "
    "`@classmethod async def create(cls, *args, **kwargs): self = cls(*args, **kwargs); "
    "await self._ainit(...); return self`, and replace each construction site with "
    "`await {cls}.create(...)` (`await constructor.create(**args)` where the class is picked from a "
    "value); `run_sync` cannot help: it runs sync code, not coroutines"
)


def _chains_up(plan: Plan, cls: str) -> bool:
    """``cls`` has no ``__init__`` of its own, or its ``__init__`` calls ``super().__init__`` or a
    base's ``__init__`` by name."""
    init = plan.functions.get(f"{cls}.__init__")
    if init is None:
        return True
    return any(
        site.callee.path[-1:] == ("__init__",)
        and (site.callee.root == "super" or any(b.rsplit(".", 1)[-1] == site.callee.root for b in plan.class_bases(cls)))
        for site in init.calls
    )


def family_of(plan: Plan, cls: str) -> list[str]:
    """``cls`` and the project subclasses whose construction runs ``cls.__init__``: each class
    from the subclass up to ``cls`` inherits ``__init__`` or chains to its base's."""
    family = [cls]
    for sub in plan._subclasses.get(cls, ()):
        mro = plan._mro(sub)
        between = mro[: mro.index(cls)] if cls in mro else []
        if between and all(_chains_up(plan, c) for c in between):
            family.append(sub)
    return family


def of_family(plan: Plan, scope: str, written: Callee | str, family: set[str]) -> bool:
    """What ``written`` (a callee, or a name or attribute chain as text) denotes in ``scope`` is a
    class of ``family`` (not called: the class itself)."""
    if isinstance(written, str):
        root, *rest = written.split(".")
        written = Callee(root, tuple(rest))
    ty = plan.type_of(scope, written)
    return ty.kind == "class" and ty.name in family


def _where(plan: Plan, qualname: str, line: int) -> str:
    return f"{plan.path_of(qualname)}:{line}"


def _construction_sites(plan: Plan, family: set[str]) -> tuple[list[str], list[str]]:
    """(calls that build a class of ``family``, places one is used as a value) as ``path:line``
    with what is built, sorted."""
    built: set[tuple[str, int, str]] = set()
    values: set[tuple[str, int, str]] = set()
    for fn in plan.functions.values():
        path = plan.path_of(fn.qualname)
        for site in fn.calls:
            if not site.callee.calls and of_family(plan, fn.qualname, site.callee, family):
                built.add((path, site.line, f"`{site.callee}(...)`"))
            for _, arg in site.args:
                if of_family(plan, fn.qualname, arg, family):
                    values.add((path, site.line, f"`{arg}` handed to `{site.callee}`"))
        for ref, line in (*fn.stored, *fn.dict_values):
            if of_family(plan, fn.qualname, ref, family):
                values.add((path, line, f"`{ref}` stored as a value"))
    return [f"{p}:{n} {what}" for p, n, what in sorted(built)], [f"{p}:{n} {what}" for p, n, what in sorted(values)]


def report_async_inits(plan: Plan) -> None:
    """One ``async-init`` item per call of a function made async in a sync ``__init__``."""
    for init, reasons in sorted(plan.async_init_calls.items()):
        cls = init.removesuffix(".__init__")
        family = family_of(plan, cls)
        built, values = _construction_sites(plan, set(family))
        sites = "; ".join(built) if built else "none found"
        unresolved = (
            f"; used as a value, built where no call site names it (each such construction must "
            f"be awaited too): {'; '.join(values)}"
            if values
            else ""
        )
        subclasses = f" (and its subclasses {', '.join(f'`{s}`' for s in family[1:])})" if family[1:] else ""
        seen: set[int] = set()
        for reason in sorted(reasons, key=lambda r: r.line):
            if reason.line in seen:
                continue
            seen.add(reason.line)
            plan.items.append(
                ReportItem(
                    plan.path_of(init),
                    reason.line,
                    RULE,
                    f"`{init}` stays sync (`__init__` is a sync protocol method) but calls "
                    f"`{reason.detail}`, which becomes `async def` ({' -> '.join(plan.chain_from(reason))}): the call at "
                    f"{_where(plan, init, reason.line)} now returns a coroutine that is never awaited "
                    f"(always truthy, its session I/O never runs), so building `{cls}`{subclasses} "
                    f"silently changes behaviour; left untouched. Construction sites: {sites}{unresolved}",
                    FIX.replace("{cls}", cls.rsplit(".", 1)[-1]),
                )
            )

"""Sessions handed to untyped parameters of code that stays sync: reported, not followed.

A session that becomes an ``AsyncSession``, handed to a project function or class whose parameter
has no type the plan can read (``Worker(db, queue)`` with ``def __init__(self, db, queue)``),
reaches code the plan cannot follow: what that code does with the session stays sync and calls
the AsyncSession as if it were a ``Session`` (``'AsyncSession' object has no attribute 'query'``),
silently. A parameter every call hands a session is one (``_caller_instance_params``); where the
calls disagree the plan does not guess: it names the parameter (``session-to-untyped``) so an
annotation lets the next run follow it. So is an instance of a
migrated class whose attribute holds such a session (``update_indexes(dao)`` with ``dao = Dao(db)``).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..index import CallSite, FunctionInfo, Param
from ..names import Callee
from ..report import ReportItem
from .entries import EntryPoints
from .types import SESSION, UNKNOWN, Ty


class UntypedSessions(EntryPoints):
    """``_report_untyped_session_params``: after the plan is solved."""

    def _report_untyped_session_params(self) -> None:
        reported: set[str] = set()
        for fn in self.functions.values():
            if self._is_held_code(fn):
                continue  # its sessions stay sync
            for site in fn.calls:
                for callee, param, arg in self._bound_including_constructors(fn.qualname, site):
                    key = f"{callee.qualname}:{param.name}"
                    if key in reported or self.is_async(callee.qualname) or self._is_held_code(callee):
                        continue
                    if self.name_type(callee.qualname, param.name) != UNKNOWN:
                        continue
                    ty = self.type_of(fn.qualname, arg)
                    if ty == SESSION:
                        what, annotation = "which becomes an AsyncSession: what it does with the session", "Session"
                    else:
                        attr = self._session_attribute(ty)
                        if attr is None:
                            continue
                        cls = ty.name.rpartition(".")[2]
                        what = f"a `{ty.name}` whose `{attr}` becomes an AsyncSession: what it does with it"
                        annotation = cls
                    reported.add(key)
                    self.items.append(
                        ReportItem(
                            self.path_of(callee.qualname),
                            callee.line,
                            "session-to-untyped",
                            f"`{callee.qualname}` stays sync and its parameter `{param.name}` has no type, but "
                            f"`{fn.qualname}` (line {site.line}) hands it `{arg}`, {what} is not converted",
                            f"annotate it (`{param.name}: {annotation}`) and run asyncify again",
                        )
                    )

    def _session_attribute(self, ty: Ty) -> str | None:
        """For an instance of a project class the migration keeps (not held), the first attribute
        that holds a session, which becomes an ``AsyncSession``; else None."""
        if ty.kind != "instance" or ty.name not in self.classes or self.is_held_class(ty.name):
            return None
        names: dict[str, None] = {}
        for cls in self._mro(ty.name):
            if cls not in self.classes:
                continue
            names.update(dict.fromkeys(a for a, _ in self.classes[cls].annotations))
            for method in self._methods.get(cls, ()):
                names.update(dict.fromkeys(b.name for b in method.attr_bindings))
        return next((a for a in names if self._instance_attr_type(ty.name, a, frozenset()) == SESSION), None)

    def _bound_including_constructors(self, scope: str, site: CallSite) -> Iterator[tuple[FunctionInfo, Param, Callee]]:
        """``bound_arguments``, and for ``SomeClass(...)`` of a project class its ``__init__``'s."""
        yield from self.bound_arguments(scope, site)
        if not site.args or site.callee.calls:
            return
        ty = self.type_of(scope, site.callee)
        init = self.functions.get(f"{ty.name}.__init__") if ty.kind == "class" else None
        if init is None or init.kind != "function":
            return
        params = list(init.params)[1:]  # past ``self``
        for key, arg in site.args:
            param = params[int(key)] if key.isdigit() and int(key) < len(params) else None
            if param is None and not key.isdigit():
                param = next((p for p in params if p.name == key), None)
            if param is not None:
                yield init, param, arg

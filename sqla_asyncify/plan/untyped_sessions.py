"""Sessions handed to untyped parameters of code that stays sync: reported, not followed.

A session that becomes an ``AsyncSession``, handed to a project function or class whose parameter
has no type the plan can read (``Worker(db, queue)`` with ``def __init__(self, db, queue)``),
reaches code the plan cannot follow: what that code does with the session stays sync and calls
the AsyncSession as if it were a ``Session`` (``'AsyncSession' object has no attribute 'query'``),
silently. The plan does not guess the parameter's type from its callers; it names the parameter
(``session-to-untyped``) so an annotation lets the next run follow it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..index import CallSite, FunctionInfo, Param
from ..names import Callee
from ..report import ReportItem
from .entries import EntryPoints
from .types import SESSION, UNKNOWN


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
                    if self.type_of(fn.qualname, arg) != SESSION or self.name_type(callee.qualname, param.name) != UNKNOWN:
                        continue
                    reported.add(key)
                    self.items.append(
                        ReportItem(
                            self.path_of(callee.qualname),
                            callee.line,
                            "session-to-untyped",
                            f"`{callee.qualname}` stays sync and its parameter `{param.name}` has no type, but "
                            f"`{fn.qualname}` (line {site.line}) hands it `{arg}`, which becomes an AsyncSession: "
                            "what it does with the session is not converted",
                            f"annotate it (`{param.name}: Session`) and run asyncify again",
                        )
                    )

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

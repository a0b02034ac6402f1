"""Sync entry points: which commands and tasks can run the code made async under ``asyncio.run``.

A function a framework calls synchronously (``Boundaries.entry_framework``: click, typer, Celery,
dramatiq) that reaches code made async stays ``def`` (``entries``, filled by the fixpoint's
``_mark``), and its calls of that code run under ``asyncio.run``. After the fixpoint, an entry
point that async code also calls directly is taken back and reported: an event loop may be running
where it is called, and ``asyncio.run`` would raise there.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..report import ReportItem
from .fixpoint import Fixpoint


class EntryPoints(Fixpoint):
    """``_settle_entries``: the last step of solving the plan."""

    def _settle_entries(self, callers: Mapping[str, list[tuple[str, int]]]) -> None:
        """An entry point that async code also calls directly may run where an event loop is running,
        and ``asyncio.run`` would raise there: it is left as it is and reported (``sync-calls-async``)."""
        for qualname, reason in list(self.entries.items()):
            if qualname in self._entry_io:
                del self.entries[qualname]
                continue
            for caller, line in callers.get(qualname, ()):
                if self.is_async(caller):
                    del self.entries[qualname]
                    chain = " -> ".join([qualname, *self.chain_from(reason)])
                    self.items.append(
                        ReportItem(
                            self._function_module[qualname].path,
                            self.functions[qualname].line,
                            "sync-calls-async",
                            f"`{qualname}` is called synchronously ({self.entry_framework(self.functions[qualname])}) "
                            f"and also by async `{caller}` (line {line}), where an event loop runs and `asyncio.run` "
                            f"would raise; it calls code made async: {chain}",
                            "split it: an `async def` the async caller awaits, and the sync entry running it "
                            "with `asyncio.run(...)`",
                        )
                    )
                    break

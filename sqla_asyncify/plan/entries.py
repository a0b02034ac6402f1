"""Sync entry points: which commands and tasks can run the code made async under ``asyncio.run``.

A function a framework calls synchronously (``Boundaries.entry_framework``: click, typer, Celery,
dramatiq) that reaches code made async stays ``def`` (``entries``, filled by the fixpoint's
``_mark``), and its calls of that code run under the entry runner (``codemods/entry_runner.py``:
``asyncio.run`` leaving the current loop alone). After the fixpoint, an entry point that async code
also calls directly is reported: an event loop runs where it is called, so the runner runs the
call on a new loop in a worker thread, blocking the caller's loop as the sync code did.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from ..report import ReportItem
from .fixpoint import Fixpoint


class EntryPoints(Fixpoint):
    """``_settle_entries``: the last step of solving the plan."""

    def _settle_entries(self, callers: Mapping[str, list[tuple[str, int]]]) -> None:
        """An entry point that async code also calls (directly, or through sync functions) runs where
        an event loop is running: its calls of code made async run on a new loop in a worker thread
        (the entry runner), blocking the caller's loop as the sync code did; reported
        (``sync-calls-async``)."""
        for qualname, reason in list(self.entries.items()):
            if qualname in self._entry_io:
                del self.entries[qualname]
                continue
            found = self._async_caller(qualname, callers)
            if found is None:
                continue
            caller, line, through = found
            via = f" through sync `{' -> '.join(through)}`" if through else ""
            chain = " -> ".join([qualname, *self.chain_from(reason)])
            self.items.append(
                ReportItem(
                    self._function_module[qualname].path,
                    self.functions[qualname].line,
                    "sync-calls-async",
                    f"`{qualname}` is called synchronously ({self.entry_framework(self.functions[qualname])}) "
                    f"and also by async `{caller}` (line {line}){via}, where an event loop runs: the code made async "
                    f"it calls runs on a new loop in a worker thread, blocking that loop as the sync code did "
                    f"({chain}); what is bound to the caller's loop (its session's connections) must not reach it",
                    "split it: an `async def` the async caller awaits, and the sync entry running it "
                    "with `asyncio.run(...)`",
                )
            )

    def _async_caller(
        self, qualname: str, callers: Mapping[str, list[tuple[str, int]]]
    ) -> tuple[str, int, list[str]] | None:
        """The nearest async function calling ``qualname``, directly or through sync functions
        (an event loop runs in those too), with its line and the sync functions between."""
        seen = {qualname}
        queue: deque[tuple[str, list[str]]] = deque([(qualname, [])])
        while queue:
            current, through = queue.popleft()
            for caller, line in callers.get(current, ()):
                if caller in seen:
                    continue
                seen.add(caller)
                if self.is_async(caller):
                    return caller, line, through
                if self.functions[caller].kind == "function":
                    queue.append((caller, [caller, *through]))
        return None

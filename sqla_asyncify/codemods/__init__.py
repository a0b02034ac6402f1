"""The ordered registry of transformers. Order matters and is stated here, nowhere else."""

from __future__ import annotations

from .add_awaits import AddAwaits
from .base import AsyncifyCodemod
from .make_async import MakeAsync
from .session_to_async_session import SessionToAsyncSession

CODEMODS: tuple[type[AsyncifyCodemod], ...] = (
    # Awaits after every transformer that produces session calls (query-to-select emits
    # ``db.execute(select(...))``, which add-awaits then awaits and parenthesizes).
    AddAwaits,
    MakeAsync,
    SessionToAsyncSession,
)

__all__ = ["CODEMODS", "AsyncifyCodemod"]

"""Reads whose sync form loads from the database, run first in the session's greenlet (rules §3.1,
§3.2, §3.6): ``await db.run_sync(lambda _: (obj.rel, …))`` right before the statement that reads.

``loading.py`` (``Loading.preloads``) decides where: a relationship of a new object that another
function built, committed and handed over (returned it, or a pytest fixture yielded it: nothing
loaded it, and a refresh at that commit would load it for every caller), and an attribute of a
mapped object a generator held across its ``yield`` (a fixture's teardown, a context manager's
exit) where the code it yielded to may have rolled the session back. In sync code the read itself
runs the load (a lazy SELECT, or the reload of an expired object); under asyncio it raises
``MissingGreenlet``. ``run_sync`` runs the very same attribute reads where I/O can happen: the same
SELECTs where the sync read loaded, none where it found the value loaded.

Only reads the statement always evaluates (``Read.plain``: not in a branch, a lambda, a compound
statement's header) are loaded this way, so the load runs exactly when the read would. The load
shares the statement's line (``await …; stmt``), so report lines stay the input's. In a block, a
statement whose loads an earlier one ran already, with nothing between them that awaits (or
expires) anything, gets none: the object is loaded still.
"""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import PositionProvider

from ..names import Callee
from .base import AsyncifyCodemod

#: A load this transformer wrote (a second run finds it and writes none).
LOAD_MARK = re.compile(r"^await \w+(\.\w+)*\.run_sync\(lambda _: ")
#: Calls that expire an object without awaiting (a later read loads again).
_EXPIRING = frozenset({"expire", "expire_all", "expunge", "expunge_all"})


class GreenletLoads(AsyncifyCodemod):
    DESCRIPTION = "Run, before a statement, the loads its sync reads ran: in the session's greenlet."
    TRIGGERS = ()  # found by line: ``wanted`` says where

    @classmethod
    def wanted(cls, plan: object, module_name: str) -> bool:
        return any(key[0] == module_name for key in plan.loading.preloads)  # type: ignore[attr-defined]

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        loaded: set[tuple[str, str]] = set()
        body = list(updated_node.body)
        for i, (original, updated) in enumerate(zip(original_node.body, updated_node.body)):
            if not isinstance(original, cst.SimpleStatementLine) or not isinstance(updated, cst.SimpleStatementLine):
                loaded = set()
                continue
            parts = list(original.body)
            first = cst.Module([]).code_for_node(parts[0]) if parts else ""
            if LOAD_MARK.search(first):
                # a second run: the load written by the first (black may have put it on a line of its own)
                loaded |= set(re.findall(r"(\w+)\.(\w+)", first.partition("lambda _:")[2]))
                parts = parts[1:]
            touches, session, whys = self._touches(original)
            wanted = [t for t in touches if t not in loaded]
            if wanted and parts and self.in_async_context():
                body[i] = self._with_load(updated, session, wanted)
                self.report(
                    original,
                    f"{'; '.join(dict.fromkeys(whys))}: the sync read loads here; run first in the session's greenlet "
                    "(the same SELECT where the sync read ran one, none where it did not)",
                )
            loaded |= set(touches)
            if any(self._may_expire(part) for part in parts):
                loaded = set()
        return updated_node.with_changes(body=body)

    def _may_expire(self, statement: cst.BaseSmallStatement) -> bool:
        """Whether running ``statement`` may let other code run or expire objects (then what was
        loaded may need loading again): an ``await``, a call awaited after the migration (session
        I/O, a function made async), a legacy query, or ``expire``/``expunge`` on a session."""
        todo: list[cst.CSTNode] = [statement]
        while todo:
            node = todo.pop()
            todo.extend(node.children)
            if isinstance(node, cst.Await):
                return True
            callee = Callee.of(node.func) if isinstance(node, cst.Call) else None
            if callee is None:
                continue
            target = self.plan.classify(self.scope_qualname, callee)
            if target.is_awaited or target.kind in ("session-query", "session-context"):
                return True
            if target.kind == "session-sync" and target.name in _EXPIRING:
                return True
            if target.kind == "function" and self.plan.is_async(target.name):
                return True
        return False

    def _touches(self, statement: cst.SimpleStatementLine) -> tuple[list[tuple[str, str]], str, list[str]]:
        position = self.get_metadata(PositionProvider, statement, None)
        if position is None:
            return [], "", []
        touches: list[tuple[str, str]] = []
        session, whys = "", []
        for line in range(position.start.line, position.end.line + 1):
            preload = self.plan.loading.preload(self.module_name, line)
            if preload is None or preload.scope != self.scope_qualname:
                continue
            session = session or preload.session
            touches += [t for t in preload.touches if t not in touches]
            whys += preload.whys
        return touches, session, whys

    @staticmethod
    def _with_load(statement: cst.SimpleStatementLine, session: str, touches: list[tuple[str, str]]) -> cst.SimpleStatementLine:
        reads = [f"{name}.{attr}" for name, attr in touches]
        body = reads[0] if len(reads) == 1 else f"({', '.join(reads)})"
        load = cst.parse_statement(f"await {session}.run_sync(lambda _: {body})\n")
        assert isinstance(load, cst.SimpleStatementLine)
        first = load.body[0].with_changes(semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" ")))
        return statement.with_changes(body=[first, *statement.body])

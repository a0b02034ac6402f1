"""A pytest plugin (``-p select_counter``) counting the SELECT statements a test run sends.

Listened for on the ``Engine`` class, so the sync engine an ``AsyncEngine`` drives counts too; the
total is written to the file ``SELECT_COUNT_FILE`` names when the run ends. Used on the example app's
HTTP suite before and after its migration (statement parity, issue 13).
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_COUNT = [0]


@event.listens_for(Engine, "before_cursor_execute")
def _count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
    if statement.lstrip().upper().startswith("SELECT"):
        _COUNT[0] += 1


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    target = os.environ.get("SELECT_COUNT_FILE")
    if target:
        with open(target, "w") as out:
            out.write(str(_COUNT[0]))

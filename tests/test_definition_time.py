"""A function's decorators and parameter defaults run where its ``def`` runs (a class body, the
module, an enclosing function), not in its body: add-awaits decides them there. A method made
async keeps ``@router.delete(...)`` as written even when a project method ``delete`` is made async
(``@await ...`` in a class body does not compile). A parameter default is left the same way.
(The index still counts such calls as the defined function's own: a call of a function made
async in the decorator of a nested function makes that function async, not the one around it.)"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from golden_harness import migrate

REPOS = """\
from sqlalchemy.orm import Session

class Rows:
    def __init__(self, db: Session):
        self.db = db

    def delete(self, row_id):
        self.db.execute("delete from rows where id = :id", {"id": row_id})

class Memory:
    def delete(self, row_id):
        return None
"""


def run(files: dict[str, str], tmp_path: Path) -> tuple[dict[str, str], set[str]]:
    sources = {"app/__init__.py": "", "app/repos.py": REPOS, **files}
    out, report = migrate({k: textwrap.dedent(v).encode() for k, v in sources.items()}, tmp_path / "run")
    return {k: v.decode() for k, v in out.items()}, report


def test_a_decorator_of_a_method_made_async_runs_in_the_class_body(tmp_path: Path) -> None:
    out, report = run(
        {
            "app/routes.py": """\
                from sqlalchemy.orm import Session
                from web import Router
                from app.repos import Rows

                router = Router()

                class Controller:
                    def __init__(self, db: Session):
                        self.rows = Rows(db)

                    @router.delete("/rows/{row_id}", status=204)
                    def remove(self, row_id, handler):
                        handler.delete(row_id)
                        return self.rows.delete(row_id)

                    def undo(self, row_id, route=router.delete("/undo")):
                        return self.rows.delete(row_id)
                """,
        },
        tmp_path,
    )
    routes = out["app/routes.py"]
    ast.parse(routes)
    assert '    @router.delete("/rows/{row_id}", status=204)\n    async def remove(self, row_id, handler):' in routes
    assert "return await self.rows.delete(row_id)" in routes
    # in the body, a receiver the plan cannot type still gets the value-call treatment
    assert "await _await_if_coroutine(handler.delete(row_id))" in routes
    assert '    async def undo(self, row_id, route=router.delete("/undo")):' in routes
    assert not any(item.startswith(("app/routes.py:11 ", "app/routes.py:17 ")) for item in report)

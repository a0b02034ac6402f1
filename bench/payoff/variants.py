"""The three variants of the payoff app, all generated from the one sync source in ``app/``.

* ``sync``: the source as written (``def`` routes: FastAPI runs them in its thread pool).
* ``blocking``: the same with every route made ``async def`` and nothing else changed, so the sync
  ``Session`` runs on the event loop and blocks it during every query — where many teams stand
  before migrating. Generated with libcst from the sync source.
* ``migrated``: the output of ``asyncify apply`` run on a copy of the source (the tool's JSON report
  is kept beside it).
* ``cleaned`` (only when asked for): ``migrated`` with what the tool's report asks of a person done by
  the bench, as a user who reads the report would: ``lazy="selectin"`` edits taken out (``lazy-load``;
  the tool no longer makes them) and the ``asyncpg-pre-ping`` fix from its rule page applied
  (``pool_pre_ping`` dropped, the liveness check done in one round trip by a pool ``checkout``
  listener) where the tool left it. It is NOT the tool's output: it measures what following the
  report is worth. Since the tool writes that check itself, it is the migrated app unchanged.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "app"
VARIANTS = ("sync", "blocking", "migrated")
OPTIONAL = ("cleaned",)
_SELECTIN = re.compile(r',\s*lazy="selectin"|lazy="selectin",\s*')
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete"})


class _AsyncRoutes(cst.CSTTransformer):
    """``@app.get(...)``/``@router.post(...)`` ``def`` → ``async def``; the body stays as it is."""

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        for decorator in original_node.decorators:
            call = decorator.decorator
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in ROUTE_METHODS
                and updated_node.asynchronous is None
            ):
                return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return updated_node


def blocking_source(code: str) -> str:
    return cst.parse_module(code).visit(_AsyncRoutes()).code


def _copy(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(SOURCE, dest / "app", ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def build(root: Path, asyncify: list[str] | None = None, cleaned: bool = False) -> dict[str, Path]:
    """Write ``root/<variant>/app`` for each variant; returns variant → folder to run uvicorn in."""
    root.mkdir(parents=True, exist_ok=True)
    assert "lazy=" not in (SOURCE / "models.py").read_text(), "cleaned assumes the source sets no loader strategy"
    out = {name: _copy(root / name) for name in VARIANTS}
    for path in (out["blocking"] / "app").glob("*.py"):
        path.write_text(blocking_source(path.read_text()))
    command = asyncify or [sys.executable, "-m", "sqla_asyncify"]
    report = root / "asyncify-report.json"
    done = subprocess.run(
        [*command, "apply", "app", "--report", str(report)],
        cwd=out["migrated"],
        capture_output=True,
        text=True,
    )
    (root / "asyncify-apply.log").write_text(done.stdout + done.stderr)
    if done.returncode not in (0, 1) or not report.exists():
        raise RuntimeError(f"asyncify apply failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    shutil.rmtree(out["migrated"] / ".asyncify_cache", ignore_errors=True)
    if cleaned:
        out["cleaned"] = root / "cleaned"
        if out["cleaned"].exists():
            shutil.rmtree(out["cleaned"])
        shutil.copytree(out["migrated"], out["cleaned"])
        models = out["cleaned"] / "app" / "models.py"
        models.write_text(_SELECTIN.sub("", models.read_text()))
        database = out["cleaned"] / "app" / "database.py"
        database.write_text(one_round_trip_ping(database.read_text()))
    return out


#: The ``asyncpg-pre-ping`` rule page's fix: the pool's liveness check in one round trip.
_CHECKOUT_PING = '''

@event.listens_for(engine.sync_engine, "checkout")
def _ping(dbapi_connection, connection_record, connection_proxy):
    try:
        dbapi_connection.run_async(lambda connection: connection.execute("SELECT 1"))
    except Exception as error:  # a closed or broken connection: replace it, as pool_pre_ping does
        raise exc.InvalidatePoolError() from error


'''


def one_round_trip_ping(source: str) -> str:
    """The migrated ``database.py`` with ``pool_pre_ping=True`` replaced by the checkout listener
    (unchanged when the tool already wrote its one-round-trip check)."""
    if "_ping_on_checkout(" in source:
        return source
    assert "    pool_pre_ping=True,\n" in source and "engine = create_async_engine(" in source, "unexpected database.py"
    source = source.replace("    pool_pre_ping=True,\n", "", 1)
    end = source.index("\n)\n", source.index("engine = create_async_engine(")) + len("\n)\n")
    source = source[:end] + _CHECKOUT_PING + source[end:]
    return "from sqlalchemy import event, exc\n" + source


def report_rules(root: Path) -> dict[str, int]:
    """How many report items of each rule ``asyncify apply`` left on the migrated variant."""
    items = json.loads((root / "asyncify-report.json").read_text())["items"]
    counts: dict[str, int] = {}
    for item in items:
        counts[item["rule"]] = counts.get(item["rule"], 0) + 1
    return counts


if __name__ == "__main__":
    for name, folder in build(Path(sys.argv[1])).items():
        print(name, folder)

"""Loading golden cases, running the pipeline on them, and executing before (sync) vs after (async).

A case is ``golden/<codemod>/<case>/`` with either ``before.py``/``after.py`` or ``before/``/``after/``
trees. Optional files:

* ``report.txt`` — the report items the run must produce, one ``<file>:<line> <rule>`` a line
  (without it, the run must produce none);
* ``scenario.py`` — makes the case executable: ``CALLS = [(target, args), ...]`` where ``target`` is
  ``func`` or ``Class.method`` (single-file cases) or ``module:func`` / ``module:Class.method``
  (trees). The session is the first argument (for ``Class.method``, the constructor's). Each call
  runs on a fresh copy of the seed data: ``before`` with a sync ``Session`` on sqlite, ``after`` with
  an ``AsyncSession`` on aiosqlite; the harness commits after each call, as a caller would.
  Results (and exceptions by type) and the database contents afterwards must be equal. A target
  already ``async def`` in ``before`` (an async handler on a sync session) runs on the thread's loop.
  ``SESSION = {"expire_on_commit": True}`` in it makes the async session keep the sync default
  (a case whose project keeps it); otherwise it is built as the migration builds sessions, with
  ``expire_on_commit=False``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import importlib
import inspect
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqla_asyncify.config import load_config
from sqla_asyncify.pipeline import RunConfig, run

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
SUPPORT = GOLDEN / "_support"


@dataclass(frozen=True)
class GoldenCase:
    codemod: str
    name: str
    directory: Path

    @property
    def id(self) -> str:
        return f"{self.codemod}/{self.name}"

    @property
    def is_tree(self) -> bool:
        return (self.directory / "before").is_dir()

    def side(self, which: str) -> dict[str, bytes]:
        """``{relative path: bytes}`` of ``before`` or ``after``."""
        if self.is_tree:
            base = self.directory / which
            return {
                p.relative_to(base).as_posix(): p.read_bytes()
                for p in sorted(base.rglob("*"))
                if p.is_file() and "__pycache__" not in p.parts
            }
        return {"case.py": (self.directory / f"{which}.py").read_bytes()}

    def expected_report(self) -> set[str]:
        path = self.directory / "report.txt"
        if not path.exists():
            return set()
        return {line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")}


def golden_cases() -> list[GoldenCase]:
    cases = []
    for codemod_dir in sorted(p for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for case_dir in sorted(p for p in codemod_dir.iterdir() if p.is_dir()):
            cases.append(GoldenCase(codemod_dir.name, case_dir.name, case_dir))
    return cases


def materialize(files: dict[str, bytes], directory: Path) -> None:
    for rel, data in files.items():
        target = directory / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def migrate(files: dict[str, bytes], workdir: Path) -> tuple[dict[str, bytes], set[str]]:
    """Run the whole pipeline over ``files`` laid out in ``workdir``; return outputs and report lines."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    materialize(files, workdir)
    config = load_config([workdir])  # a case may carry a pyproject.toml with [tool.asyncify]
    result = run(
        RunConfig(
            paths=(workdir,),
            keep_sync=config.keep_sync,
            async_drivers=config.async_driver,
            expire_on_commit=config.expire_on_commit or "false",
        )
    )
    assert not result.errors, [f"{e.path}: {e.error}" for e in result.errors]
    out = dict(files)
    for outcome in result.outcomes:
        out[outcome.path.relative_to(workdir).as_posix()] = outcome.updated
    report = set()
    for item in result.items:
        rel = Path(item.path).resolve().relative_to(workdir.resolve()).as_posix()
        report.add(f"{rel}:{item.line} {item.rule}")
    return out, report


# -- execution ---------------------------------------------------------------------------------
def normalize(value: Any) -> Any:
    """Comparable form of a result: ORM objects by class and primary key, rows by value."""
    from sqlalchemy import inspect as sa_inspect
    from sqlalchemy.engine import Row

    if isinstance(value, Row):
        return ("Row", tuple(normalize(v) for v in value))
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    try:
        state = sa_inspect(value)
    except Exception:
        return repr(value)
    identity = getattr(state, "identity", None)
    return (type(value).__name__, tuple(identity) if identity else None)


def _dump(sync_engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    from sqlalchemy import inspect as sa_inspect, text

    with sync_engine.connect() as conn:
        return {
            table: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
            for table in sa_inspect(conn).get_table_names()
        }


def _fresh_db(path: Path) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    import golden_models

    if path.exists():
        path.unlink()
    engine = create_engine(f"sqlite:///{path}")
    golden_models.Base.metadata.create_all(engine)
    with Session(engine) as session:
        golden_models.seed(session)
    engine.dispose()
    return str(path)


@dataclass
class Call:
    module: str
    target: str
    args: tuple[Any, ...]
    raises: bool = False


def _scenario(case: GoldenCase) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec((case.directory / "scenario.py").read_text(), namespace)
    return namespace


def scenario_session(case: GoldenCase) -> dict[str, Any]:
    """Keyword arguments of the async side's ``AsyncSession``."""
    return {"expire_on_commit": False, **_scenario(case).get("SESSION", {})}


def parity_exceptions(case: GoldenCase) -> dict[str, str]:
    """``PARITY_EXCEPTIONS = {"target": "why"}`` in ``scenario.py``: calls allowed more SELECTs
    after the migration than before, each with the reason (a load the sync code does later, outside
    the call: a response model serializing the returned object)."""
    return dict(_scenario(case).get("PARITY_EXCEPTIONS", {}))


def scenario_calls(case: GoldenCase) -> list[Call]:
    namespace = _scenario(case)
    calls = []
    for target, args, *marks in namespace["CALLS"]:
        module, _, func = target.rpartition(":") if ":" in target else ("case", "", target)
        calls.append(Call(module, func, tuple(args), "raises" in marks))
    return calls


@contextlib.contextmanager
def imported_tree(directory: Path) -> Iterator[None]:
    """Make ``directory`` importable, and forget every module loaded from it afterwards."""
    sys.path.insert(0, str(directory))
    sys.path.insert(0, str(SUPPORT))
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path.remove(str(directory))
        sys.path.remove(str(SUPPORT))
        loaded = []
        # dict.copy(), not list(items()): a garbage collection while the list is built can run a
        # finalizer that imports (an unawaited coroutine's warning does), resizing sys.modules.
        for name, module in sys.modules.copy().items():
            file = getattr(module, "__file__", None) or ""
            # Namespace packages (PEP 420) have no file, only a path (read before any is forgotten:
            # reading it looks their parent package up).
            paths = list(getattr(module, "__path__", None) or [])
            if file.startswith(str(directory)) or any(str(p).startswith(str(directory)) for p in paths):
                loaded.append(name)
        for name in loaded:
            del sys.modules[name]
        _forget_sqlmodel_tables(set(loaded))


def _forget_sqlmodel_tables(modules: set[str]) -> None:
    """SQLModel maps every table model in one registry and one ``MetaData`` shared by the process:
    the other side of a case would define its tables again. They go with their modules."""
    main = sys.modules.get("sqlmodel.main")
    if main is None:
        return
    registry = main.default_registry
    if any(m.class_.__module__ in modules for m in registry.mappers):
        registry.dispose()
        registry._class_registry.clear()
        main.SQLModel.metadata.clear()


def _resolve(call: Call, session: Any) -> Any:
    module = importlib.import_module(call.module)
    head, _, method = call.target.partition(".")
    obj = getattr(module, head)
    return getattr(obj(session), method) if method else functools.partial(obj, session)


@contextlib.contextmanager
def counted_selects() -> Iterator[list[int]]:
    """Count the SELECT statements every engine sends while inside (listened for on the ``Engine``
    class, so the sync engine an ``AsyncEngine`` drives counts too); ``box[0]`` is the count."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    box = [0]

    def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            box[0] += 1

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield box
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def run_sync_side(directory: Path, calls: list[Call], db_path: Path, selects: list[int] | None = None) -> list[Any]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    results = []
    # As in a fresh process's main thread, where ``asyncio.get_event_loop()`` has a loop to give
    # sync code driving a coroutine; not the none an earlier test's ``asyncio.run`` left behind.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        with imported_tree(directory):
            for call in calls:
                engine = create_engine(f"sqlite:///{_fresh_db(db_path)}")
                with Session(engine) as session, counted_selects() as counted:
                    try:
                        value = _resolve(call, session)(*call.args)
                        if inspect.isawaitable(value):  # async code of the original (a handler) on its sync session
                            value = loop.run_until_complete(value)
                        value = normalize(value)
                        session.commit()  # as the caller would: the data left behind is compared too
                    except Exception as exc:
                        value = ("!raised", type(exc).__name__)
                if selects is not None:
                    selects.append(counted[0])
                results.append((value, _dump(engine)))
                engine.dispose()
    finally:  # a scenario that fails to import must not leave its loop to the next test
        asyncio.set_event_loop(None)
        loop.close()
    return results


def _collect_leftovers() -> None:
    """Finalize now what the tree left behind (sessions, pooled aiosqlite connections whose loop is
    gone). Left to a later automatic collection, their finalizers run inside whatever the next test
    is doing: a warning's traceback formatting calls ``ast.parse`` from within a running
    ``ast.parse`` (CPython 3.11: "AST constructor recursion depth mismatch"), or an import lands
    while ``sys.modules`` is iterated."""
    gc.collect()


def run_async_side(
    directory: Path,
    calls: list[Call],
    db_path: Path,
    session_options: dict[str, Any] | None = None,
    selects: list[int] | None = None,
) -> list[Any]:
    from sqlalchemy import create_engine
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    async def one(call: Call) -> Any:
        engine = create_async_engine(f"sqlite+aiosqlite:///{_fresh_db(db_path)}")
        # Sessions as the migration builds them: async_sessionmaker(..., expire_on_commit=False).
        async with AsyncSession(engine, **(session_options or {"expire_on_commit": False})) as session:
            with counted_selects() as counted:
                try:
                    func = _resolve(call, session)
                    value = func(*call.args)
                    if inspect.isawaitable(value):
                        value = await value
                    value = normalize(value)
                    await session.commit()
                except Exception as exc:
                    value = ("!raised", type(exc).__name__)
            if selects is not None:
                selects.append(counted[0])
        await engine.dispose()
        return value

    results = []
    with imported_tree(directory):
        for call in calls:
            value = asyncio.run(one(call))
            sync_engine = create_engine(f"sqlite:///{db_path}")
            results.append((value, _dump(sync_engine)))
            sync_engine.dispose()
    _collect_leftovers()
    return results


# -- executed through HTTP: a FastAPI app with its own database wiring ----------------------------
@dataclass
class AppScenario:
    """``scenario.py`` with ``APP = "pkg.main:app"``, ``DATABASE = "app.db"`` (the file the tree's own
    engine URL names, relative to the working directory) and ``REQUESTS = [(method, path[, params]),
    ...]``: the requests run in order on one app (what one writes, the next reads), through
    FastAPI's ``TestClient``, on a database seeded like every other case."""

    app: str
    database: str
    requests: list[tuple[Any, ...]]


def app_scenario(case: GoldenCase) -> AppScenario | None:
    namespace: dict[str, Any] = {}
    exec((case.directory / "scenario.py").read_text(), namespace)
    if "APP" not in namespace:
        return None
    return AppScenario(namespace["APP"], namespace["DATABASE"], list(namespace["REQUESTS"]))


@contextlib.contextmanager
def _served_tree(directory: Path, workdir: Path, database: str, target: str) -> Iterator[Any]:
    """Import ``directory`` as run from ``workdir`` on a fresh ``database``; yield ``target``
    (``module:attribute``) of it."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / database
    cwd = os.getcwd()
    os.chdir(workdir)  # the tree's engines open ``./<database>``
    try:
        with imported_tree(directory):
            _fresh_db(db_path)
            module_name, _, attr = target.partition(":")
            yield getattr(importlib.import_module(module_name), attr)
    finally:
        os.chdir(cwd)


def _database_contents(workdir: Path, database: str) -> dict[str, Any]:
    from sqlalchemy import create_engine

    sync_engine = create_engine(f"sqlite:///{workdir / database}")
    data = _dump(sync_engine)
    sync_engine.dispose()
    return data


def run_app_side(directory: Path, scenario: AppScenario, workdir: Path) -> tuple[list[Any], dict[str, Any]]:
    """Serve ``scenario.requests`` with the app of ``directory`` run from ``workdir``; return each
    response (status, JSON) and the database contents afterwards."""
    from fastapi.testclient import TestClient
    from sqlalchemy.engine import Engine
    from sqlalchemy.ext.asyncio import AsyncEngine

    responses = []
    with _served_tree(directory, workdir, scenario.database, scenario.app) as app:
        with TestClient(app) as client:
            for method, path, *params in scenario.requests:
                response = client.request(method, path, params=params[0] if params else None)
                responses.append((response.status_code, response.json()))
            # The tree's engines hold pooled connections to the file: close them on the app's loop.
            engines = {
                id(v): v
                for name, m in sys.modules.copy().items()
                if (getattr(m, "__file__", None) or "").startswith(str(directory))
                for v in vars(m).values()
                if isinstance(v, (Engine, AsyncEngine))
            }
            for engine in engines.values():
                if isinstance(engine, AsyncEngine):
                    client.portal.call(engine.dispose)
                else:
                    engine.dispose()
    _collect_leftovers()
    return responses, _database_contents(workdir, scenario.database)


# -- executed as a command line: click/typer commands run in-process --------------------------------
@dataclass
class CliScenario:
    """``scenario.py`` with ``CLI = "module:obj"`` (a click command/group or a ``typer.Typer``),
    ``DATABASE`` as for apps, and ``INVOCATIONS = [[arg, ...], ...]``, run in order in one process."""

    cli: str
    database: str
    invocations: list[list[str]]


def _current_loop() -> Any:
    """The thread's current event loop, or None (``asyncio.run`` leaves None behind)."""
    import asyncio

    try:
        return asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return None


def cli_scenario(case: GoldenCase) -> CliScenario | None:
    namespace: dict[str, Any] = {}
    exec((case.directory / "scenario.py").read_text(), namespace)
    if "CLI" not in namespace:
        return None
    return CliScenario(namespace["CLI"], namespace["DATABASE"], [list(i) for i in namespace["INVOCATIONS"]])


def run_cli_side(directory: Path, scenario: CliScenario, workdir: Path) -> tuple[list[Any], dict[str, Any]]:
    """Invoke the command line of ``directory`` from ``workdir``; return (exit code, output, exception
    type, whether the thread's current event loop is still the one set before) per invocation and the
    database contents afterwards. A current event loop is set first, as a test suite sharing one loop
    between async tests has: the sync command touched none, the migrated one must leave it in place."""
    import asyncio

    import click.testing
    import typer
    import typer.testing

    results = []
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        with _served_tree(directory, workdir, scenario.database, scenario.cli) as cli:
            runner = typer.testing.CliRunner() if isinstance(cli, typer.Typer) else click.testing.CliRunner()
            for args in scenario.invocations:
                result = runner.invoke(cli, args)
                error = None if result.exception is None or isinstance(result.exception, SystemExit) else type(result.exception).__name__
                results.append((result.exit_code, result.output, error, _current_loop() is loop))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    _collect_leftovers()
    return results, _database_contents(workdir, scenario.database)


# -- executed by importing: module-level code that runs at import time ------------------------------
@dataclass
class ImportScenario:
    """``scenario.py`` with ``IMPORT = "module:attribute"`` and ``DATABASE`` as for apps: the module
    is imported where no event loop runs (as pytest imports a ``conftest``), and the attribute's
    value, whether the thread's current event loop is still the one set before, and the data are
    compared."""

    target: str
    database: str


def import_scenario(case: GoldenCase) -> ImportScenario | None:
    namespace: dict[str, Any] = {}
    exec((case.directory / "scenario.py").read_text(), namespace)
    if "IMPORT" not in namespace:
        return None
    return ImportScenario(namespace["IMPORT"], namespace["DATABASE"])


def run_import_side(directory: Path, scenario: ImportScenario, workdir: Path) -> tuple[Any, dict[str, Any]]:
    """Import ``scenario.target`` of ``directory`` from ``workdir`` with a current (not running)
    event loop set; return (its value, whether that loop is still current) and the data after."""
    import asyncio

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        with _served_tree(directory, workdir, scenario.database, scenario.target) as value:
            result = (normalize(value), _current_loop() is loop)
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    _collect_leftovers()
    return result, _database_contents(workdir, scenario.database)

"""Do no harm (issue 8): bytes preserved, per-file errors, atomic writes under Ctrl-C, no crash on
generated code, and a slice of the corpus run (stdlib + SQLAlchemy's own package)."""

from __future__ import annotations

import ast
import os
import signal
import stat
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sqla_asyncify.cli import app
from sqla_asyncify.pipeline import RunConfig, run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

runner = CliRunner()

SOURCE = "from sqlalchemy.orm import Session\ndef f(db: Session):\n    db.commit()\n"
MIGRATED = "from sqlalchemy.ext.asyncio import AsyncSession\nasync def f(db: AsyncSession):\n    await db.commit()\n"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def _variants() -> list:  # type: ignore[type-arg]
    def same(text: str) -> tuple[bytes, bytes]:
        return text.encode(), text.replace(SOURCE, MIGRATED).encode()

    params = []
    raw, expected = same(SOURCE)
    params.append(pytest.param(raw, expected, id="utf8"))
    params.append(pytest.param(b"\xef\xbb\xbf" + raw, b"\xef\xbb\xbf" + expected, id="utf8-bom"))
    header = "# -*- coding: latin-1 -*-\n# caf\xe9 cr\xe8me\n"
    params.append(
        pytest.param((header + SOURCE).encode("latin-1"), (header + MIGRATED).encode("latin-1"), id="latin-1-cookie")
    )
    params.append(
        pytest.param(SOURCE.replace("\n", "\r\n").encode(), MIGRATED.replace("\n", "\r\n").encode(), id="crlf")
    )
    params.append(
        pytest.param(
            SOURCE.replace("    ", "\t").encode(), MIGRATED.replace("    ", "\t").encode(), id="tabs"
        )
    )
    params.append(pytest.param(SOURCE.rstrip("\n").encode(), MIGRATED.rstrip("\n").encode(), id="no-final-newline"))
    ff_src = SOURCE.replace("def f", "\x0c\ndef f")
    ff_out = MIGRATED.replace("async def f", "\x0c\nasync def f")
    params.append(pytest.param(ff_src.encode(), ff_out.encode(), id="form-feed"))
    utf8 = "# café ☕ — 数据库\n"
    params.append(pytest.param((utf8 + SOURCE).encode(), (utf8 + MIGRATED).encode(), id="utf8-non-ascii"))
    return params


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("raw", "expected"), _variants())
def test_encodings_and_layout_are_preserved_exactly(project: Path, raw: bytes, expected: bytes) -> None:
    path = project / "app" / "m.py"
    path.write_bytes(raw)
    result = invoke("apply", "app")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == expected
    # A second run (warm cache) changes nothing and finds nothing left.
    assert invoke("apply", "--check", "app").exit_code == 0
    assert path.read_bytes() == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"x = '\xe9'\n", id="unrelated"),
        pytest.param(b"from sqlalchemy.orm import Session\nx = '\xe9'\n", id="mentions-sqlalchemy"),
        pytest.param(b"# -*- coding: klingon -*-\nx = 1\n", id="unknown-codec"),
    ],
)
def test_undecodable_file_is_a_per_file_error(project: Path, raw: bytes) -> None:
    (project / "app" / "bad.py").write_bytes(raw)
    (project / "app" / "good.py").write_text(SOURCE)
    result = invoke("apply", "app")
    assert result.exit_code == 2
    assert "app/bad.py" in result.stderr
    assert (project / "app" / "bad.py").read_bytes() == raw
    assert (project / "app" / "good.py").read_text() == MIGRATED


def test_read_only_file_is_reported_and_not_written(project: Path) -> None:
    path = project / "app" / "m.py"
    path.write_text(SOURCE)
    (project / "app" / "other.py").write_text(SOURCE.replace("def f", "def g"))
    os.chmod(path, 0o444)
    try:
        result = invoke("apply", "app")
        assert result.exit_code == 2
        assert "app/m.py" in result.stderr and "read-only" in result.stderr
        assert path.read_text() == SOURCE
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
        assert "async def g" in (project / "app" / "other.py").read_text()
    finally:
        os.chmod(path, 0o644)


def test_symlink_out_of_the_tree_is_reported_not_followed(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "target.py"
    outside.write_text(SOURCE)
    (project / "app" / "link.py").symlink_to(outside)
    inside = project / "app" / "real.py"
    inside.write_text(SOURCE)
    (project / "app" / "alias.py").symlink_to(inside)  # in-tree: migrated once, as real.py
    result = invoke("apply", "app")
    assert result.exit_code == 2
    assert "app/link.py" in result.stderr and "symlink" in result.stderr
    assert outside.read_text() == SOURCE
    assert (project / "app" / "link.py").is_symlink()
    assert inside.read_text() == MIGRATED
    assert (project / "app" / "alias.py").is_symlink()


def test_unrelated_files_never_reach_libcst_and_callers_still_migrate(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqla_asyncify.pipeline as pipeline

    (project / "app" / "db.py").write_text(SOURCE)
    # No SQLAlchemy here, but it calls a function that becomes async: relevant through its import.
    (project / "app" / "caller.py").write_text("from .db import f\n\n\ndef g(s):\n    return f(s)\n\n\ndef h(db):\n    return g(db)\n")
    (project / "app" / "unrelated.py").write_text("import os\n\n\ndef cwd():\n    return os.getcwd()\n")
    # Broken, but nothing in it can be affected: not asyncify's to parse, so not reported.
    (project / "app" / "broken.py").write_text("import os\n\ndef f(:\n")
    # Broken and it imports a module the migration changes: reported.
    (project / "app" / "broken_caller.py").write_text("from .caller import g\n\ndef h(:\n")
    parsed: list[bytes] = []
    real = pipeline._parse
    monkeypatch.setattr(pipeline, "_parse", lambda source: parsed.append(source) or real(source))
    result = run(RunConfig(paths=(Path("app"),), jobs=1, cache=False))
    assert [str(e.path) for e in result.errors] == ["app/broken_caller.py"]
    assert b"os.getcwd" not in b"".join(parsed) and b"def f(:" not in b"".join(parsed)
    changed = {o.path.name: o.updated.decode() for o in result.changed}
    assert sorted(changed) == ["caller.py", "db.py"], changed
    assert "async def g(s):\n    return await f(s)" in changed["caller.py"]


def test_warm_cache_parses_nothing_and_agrees_with_cold(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqla_asyncify.pipeline as pipeline

    for i in range(8):
        (project / "app" / f"m{i}.py").write_text(SOURCE.replace("def f", f"def f{i}"))
    (project / "app" / "caller.py").write_text("from . import m1\n\n\ndef g(db):\n    m1.f1(db)\n")
    cold = run(RunConfig(paths=(Path("app"),), jobs=2))
    assert (project / ".asyncify_cache" / ".gitignore").read_text().splitlines()[-1] == "*"

    def no_parse(source: bytes) -> None:
        raise AssertionError("parsed on a warm run")

    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "_parse", no_parse)
        patched.setattr(pipeline.cst, "parse_module", no_parse)
        warm = run(RunConfig(paths=(Path("app"),), jobs=2))
    assert [(o.path, o.updated, o.items) for o in warm.outcomes] == [(o.path, o.updated, o.items) for o in cold.outcomes]
    assert warm.analysis.stats["indexed"] == 0 and warm.analysis.stats["rewritten"] == 0
    # An edit invalidates what it must: the edited file's index, and every outcome (the plan changed).
    (project / "app" / "m1.py").write_text("def f1(db):\n    return 1\n")
    edited = run(RunConfig(paths=(Path("app"),), jobs=1))
    assert edited.analysis.stats["indexed"] == 0  # m1 no longer mentions SQLAlchemy
    by_name = {o.path.name: o for o in edited.outcomes}
    assert not by_name["caller.py"].changed and not by_name["m1.py"].changed


def test_parallel_and_in_process_runs_agree(project: Path) -> None:
    for i in range(8):
        (project / "app" / f"m{i}.py").write_text(SOURCE.replace("def f", f"def f{i}") + f"\n\ndef g{i}(db: Session):\n    return f{i}(db)\n")
    one = run(RunConfig(paths=(Path("app"),), jobs=1, cache=False))
    two = run(RunConfig(paths=(Path("app"),), jobs=2, cache=False))
    assert [o.path for o in two.outcomes] == [o.path for o in one.outcomes]
    assert [(o.updated, o.items) for o in two.outcomes] == [(o.updated, o.items) for o in one.outcomes]
    assert len(one.changed) == 8


# -- Ctrl-C ------------------------------------------------------------------------------------
N_SIGINT_FILES = 30


def test_sigint_mid_run_leaves_every_file_wholly_old_or_wholly_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = tmp_path / "proj"
    (proj / "pkg").mkdir(parents=True)
    (proj / "pkg" / "__init__.py").write_text("")
    originals = {}
    # Each file costs the transformers ~0.3 s; the write phase (temp file, fsync, rename per
    # file) is what the signal must hit, so the expected outputs are computed first, warming the
    # cache the subprocess then reads, and the signal is sent as soon as the first file changes.
    for i in range(N_SIGINT_FILES):
        path = proj / "pkg" / f"m{i:03d}.py"
        text = SOURCE.replace("def f", f"def f{i}")
        path.write_text(text)
        originals[path] = text.encode()
    monkeypatch.chdir(proj)
    expected = {o.path.resolve(): o.updated for o in run(RunConfig(paths=(Path("."),))).outcomes}  # warms the cache
    assert sum(expected[p] != originals[p] for p in originals) == N_SIGINT_FILES
    proc = subprocess.Popen(
        [sys.executable, "-m", "sqla_asyncify", "apply", "."], cwd=proj, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    first = proj / "pkg" / "m000.py"
    deadline = time.monotonic() + 60
    while first.read_bytes() == originals[first] and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.001)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    states = {"old": 0, "new": 0}
    for path, original in originals.items():
        data = path.read_bytes()
        assert data in (original, expected[path.resolve()]), path
        states["old" if data == original else "new"] += 1
    assert not list(proj.rglob("*.asyncify-tmp")), "temporary files left behind"
    assert states["new"] >= 1
    # Usually interrupted mid-write; when the run won the race every file is new, which is fine too.
    if states["old"]:
        assert proc.returncode != 0


# -- generated snippets --------------------------------------------------------------------------
NAMES = st.sampled_from(["db", "session", "s"])
MODEL = st.sampled_from(["User", "Order"])


@st.composite
def statement(draw: st.DrawFn, depth: int = 0) -> list[str]:
    v = draw(NAMES)
    m = draw(MODEL)
    choices = [
        [f"{v}.commit()"],
        [f"{v}.add({m}())"],
        [f"x = {v}.query({m}).filter({m}.id == 1).first()"],
        [f"return {v}.query({m}).order_by({m}.id).all()"],
        [f"rows = {v}.execute(select({m})).scalars().all()"],
        [f"{v}.delete({v}.get({m}, 1))"],
        [f"return [r for r in {v}.query({m})]"],
        [f"y = (lambda: {v}.flush())"],
        [f"total = sum({v}.scalar(select({m}.id)) for _ in range(2))"],
        [f"helper_{draw(st.integers(0, 3))}({v})"],
        [f"yield {v}"],
        ["pass"],
        [f"print({v}.get({m}, 2).id)  # comment"],
    ]
    if depth < 2:
        inner = draw(st.lists(statement(depth + 1), min_size=1, max_size=3))
        body = ["    " + line for stmt in inner for line in stmt]
        choices += [
            [f"with {v}.begin():", *body],
            ["if True:", *body, "else:", f"    {v}.rollback()"],
            ["for i in range(3):", *body],
            ["try:", *body, "except Exception:", f"    {v}.rollback()", "    raise"],
            ["def inner():", *body],
        ]
    return draw(st.sampled_from(choices))


@st.composite
def module(draw: st.DrawFn) -> str:
    lines = [
        "from sqlalchemy import select",
        "from sqlalchemy.orm import Session, sessionmaker",
        "from models import User, Order",
        "",
        "SessionLocal = sessionmaker()",
    ]
    for k in range(draw(st.integers(1, 3))):
        v = draw(NAMES)
        annotation = draw(st.sampled_from([": Session", "", ': "Session"']))
        decorator = draw(st.sampled_from([[], ["@property"], ["@staticmethod"]]))
        body = [line for stmt in draw(st.lists(statement(), min_size=1, max_size=4)) for line in stmt]
        in_class = draw(st.booleans())
        if in_class:
            lines += ["", "", f"class C{k}:"]
            params = f"self, {v}{annotation}" if "@staticmethod" not in decorator else f"{v}{annotation}"
            lines += ["    " + d for d in decorator]
            lines += [f"    def helper_{k}({params}):", *("        " + b for b in body)]
        else:
            lines += ["", "", f"def helper_{k}({v}{annotation}):", *("    " + b for b in body)]
    lines += ["", "", "def main():", "    with SessionLocal() as db:", "        helper_0(db)", ""]
    text = "\n".join(lines)
    try:
        compile(text, "<generated>", "exec")
    except SyntaxError:  # e.g. `return` with a value in a generator is fine; anything else is skipped
        from hypothesis import assume

        assume(False)
    return text


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(source=module())
def test_generated_snippets_never_crash_and_output_parses(source: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("gen")
    (folder / "models.py").write_text("class User:\n    id = 1\n\n\nclass Order:\n    id = 2\n")
    path = folder / "mod.py"
    path.write_text(source)
    result = run(RunConfig(paths=(folder,), jobs=1, cache=False))
    assert not result.errors, [(e.path, e.error) for e in result.errors]
    for outcome in result.outcomes:
        ast.parse(outcome.updated)


# -- corpus slice ----------------------------------------------------------------------------------
def test_corpus_slice_stdlib_and_sqlalchemy() -> None:
    import sqlalchemy
    from corpus_run import run_root

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(p for p in stdlib.glob("*.py"))[:150]
    counts = run_root(stdlib, paths=files, jobs=2)
    assert counts.files == 150 and counts.ok, counts.line()
    assert counts.changed == 0  # the stdlib does not use SQLAlchemy

    package = Path(sqlalchemy.__file__).parent
    # Small files of SQLAlchemy's own package that use sessions (the transformers cost ~0.3 s a
    # file plus ~10 ms a line: bench/corpus_run.py runs the whole package).
    picked = [
        package / rel
        for rel in (
            "sql/_orm_types.py",
            "ext/asyncio/__init__.py",
            "ext/asyncio/exc.py",
            "ext/serializer.py",
            "orm/state_changes.py",
            "testing/fixtures/orm.py",
        )
        if (package / rel).exists()
    ]
    counts = run_root(package, paths=picked, jobs=2)
    assert counts.relevant >= 2 and counts.changed >= 1 and counts.ok, "\n".join([counts.line(), *counts.crashes, *counts.non_idempotent])


# -- pre-scan --------------------------------------------------------------------------------------
def test_prescan_relevance_spreads_through_every_import_form() -> None:
    from sqla_asyncify.prescan import file_facts, relevant_files

    files = {
        "app": ("", True),  # app/__init__.py
        "app.db": ("from sqlalchemy.orm import Session\n", False),
        "app.crud": ("from .db import Session\n", False),  # relative
        "app.svc": ("if TYPE_CHECKING:\n    from app import crud\n", False),  # from-package import, nested
        "app.api.routes": ("def f():\n    from ..svc import x\n", False),  # two dots, in a function
        "jobs": ("import app.api.routes\n", False),  # `import a.b` binds `app`
        "jobs2": ("import app.api.routes as r\n", False),
        "star": ("from app.crud import *\n", False),
        "aliased": ("from app import db as d\n", False),
        "sibling": ("from app import config\n", False),  # app.config is not relevant, app is not
        "other": ("import os\nfrom collections import abc\n", False),
        "docs": ("'''we mention sqlalchemy in prose'''\n", False),  # bytes mention: conservative
        "app.tests": ("", True),
        "app.tests.conftest": ("from app.crud import Session\n", False),
        # fixtures by parameter name, no import: under a relevant conftest
        "app.tests.test_users": ("def test_users(client):\n    client.get('/')\n", False),
        "app.tests.api.test_items": ("def test_items(db):\n    pass\n", False),
        "app.tests.helpers": ("def helper():\n    pass\n", False),  # not a test module
        "other_tests.test_x": ("def test_x():\n    pass\n", False),  # no relevant conftest above
    }
    modules = list(files)
    mentions = [b"sqlalchemy" in src.encode() for src, _ in files.values()]
    facts = {i: file_facts(files[m][0].encode()) for i, m in enumerate(modules) if not mentions[i]}
    relevant = dict(zip(modules, relevant_files(modules, [p for _, p in files.values()], mentions, facts)))
    assert {m for m, r in relevant.items() if r} == {
        "app.db", "app.crud", "app.svc", "app.api.routes", "jobs", "jobs2", "star", "aliased", "docs",
        "app.tests.conftest", "app.tests.test_users", "app.tests.api.test_items",
    }


def test_prescan_indexes_the_project_modules_a_relevant_module_imports() -> None:
    """A helper module that never names SQLAlchemy but is called by relevant code (handed an
    instance whose session becomes async) is indexed, with its importers; one step only."""
    from sqla_asyncify.prescan import file_facts, relevant_files

    files = {
        "app.dao": ("from sqlalchemy.orm import Session\nclass Dao: ...\n", False),
        "app.tasks": ("import sqlalchemy\nfrom app import export\nimport app.render\n", False),
        "app.export": ("import json\nfrom app import textutil\n", False),  # imported by relevant code
        "app.render": ("import json\n", False),  # `import a.b` names the module too
        "app.textutil": ("import re\n", False),  # two steps away: not
        "app.cli": ("from app.export import main\n", False),  # imports a module made relevant
        "app.other": ("import os\n", False),
    }
    modules = list(files)
    mentions = [b"sqlalchemy" in src.encode() for src, _ in files.values()]
    facts = {i: file_facts(files[m][0].encode()) for i, m in enumerate(modules)}
    relevant = dict(zip(modules, relevant_files(modules, [p for _, p in files.values()], mentions, facts)))
    assert {m for m, r in relevant.items() if r} == {"app.dao", "app.tasks", "app.export", "app.render", "app.cli"}


def test_prescan_finds_every_import_ast_finds() -> None:
    """The text scan may find more (import-like lines in strings) but never fewer than ``ast``."""
    import ast as std_ast

    from sqla_asyncify.prescan import text_imports

    paths = sorted(Path(std_ast.__file__).parent.glob("*.py"))
    assert len(paths) > 150
    for path in paths:
        source = path.read_bytes()
        try:
            tree = std_ast.parse(source)
        except SyntaxError:
            continue
        walked: set[tuple[str, int, str, str]] = set()
        for node in std_ast.walk(tree):
            if isinstance(node, std_ast.Import):
                walked.update(("import", 0, a.name, a.asname or "") for a in node.names)
            elif isinstance(node, std_ast.ImportFrom):
                walked.update(("from", node.level or 0, node.module or "", a.name) for a in node.names)
        found: set[tuple[str, int, str, str]] = set()
        for kind, level, module, names in text_imports(source.decode("utf-8")):
            if kind == "import":
                found.add((kind, level, module, names))  # type: ignore[arg-type]
            else:
                found.update((kind, level, module, name) for name in names)  # type: ignore[union-attr]
        assert walked <= found, (path, sorted(walked - found)[:5])


def test_a_planning_bug_is_one_reported_error_and_nothing_is_written(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqla_asyncify.plan import Plan

    real = Plan.build.__func__  # type: ignore[attr-defined]

    def broken(cls, indexes, held_sync=()):  # type: ignore[no-untyped-def]
        indexes = list(indexes)
        if indexes:
            raise RecursionError("maximum recursion depth exceeded")
        return real(cls, indexes, held_sync)

    monkeypatch.setattr(Plan, "build", classmethod(broken))
    (project / "app" / "m.py").write_text(SOURCE)
    result = invoke("apply", "--no-cache", "app")
    assert result.exit_code == 2
    assert "internal error while planning" in result.stderr
    assert (project / "app" / "m.py").read_text() == SOURCE


def test_alembic_sync_url_expression_gives_a_loadable_sync_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The expression AlembicSyncUrl writes into env.py, on what the migrated app's URL now is.
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    sync = make_url(url).set(drivername=make_url(url).get_backend_name())
    assert sync.drivername == "sqlite"
    engine = create_engine(sync)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_a_file_that_cannot_be_rewritten_is_held_and_the_rest_replanned_around_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 12 class 4: an internal error on the data layer left it sync while its callers were
    # rewritten to await it. Now its module is held sync and the others are planned around it.
    from sqla_asyncify import rewrite

    real = rewrite.rewrite_module

    def broken(tree, plan, module_name, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if module_name == "app.data":
            raise IndexError("tuple index out of range")
        return real(tree, plan, module_name, path, *args, **kwargs)

    monkeypatch.setattr(rewrite, "rewrite_module", broken)
    data = (
        "from sqlalchemy.orm import Session\n\n\n"
        "def get_user(db: Session, user_id: int):\n"
        "    return db.get(User, user_id)\n"
    )
    service = (
        "from sqlalchemy.orm import Session\n\n"
        "from . import data\n\n\n"
        "def rename(db: Session, user_id: int, name: str) -> None:\n"
        "    user = data.get_user(db, user_id)\n"
        "    user.name = name\n"
        "    db.commit()\n"
    )
    (project / "app" / "data.py").write_text(data)
    (project / "app" / "service.py").write_text(service)
    result = invoke("apply", "--no-cache", "-j", "1", "app")
    assert result.exit_code == 2
    assert "app/data.py" in result.stderr and "IndexError" in result.stderr and "held sync" in result.stderr
    assert (project / "app" / "data.py").read_text() == data
    migrated = (project / "app" / "service.py").read_text()
    assert "async def rename" in migrated and "await db.commit()" in migrated
    # get_user stays sync: reached through run_sync, never awaited as if it were a coroutine.
    assert "await data.get_user" not in migrated
    assert "await db.run_sync(data.get_user, user_id)" in migrated, migrated

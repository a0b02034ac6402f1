"""``apply --add-dependencies`` and the install command: each dependency file format gets minimal
textual edits (its formatting and comments kept), an existing requirement too loose for the
migrated code is tightened in place, and a second run changes nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_asyncify import depfiles
from sqla_asyncify.cli import app
from sqla_asyncify.dependencies import required_packages

NEEDS = ["aiosqlite", "pytest-asyncio>=0.24", "pytest>=8.2", "sqlalchemy[asyncio]>=2.0"]


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def add_twice(root: Path, expected_kind: str) -> depfiles.DependencyFile:
    dep = depfiles.find(root)
    assert dep is not None and dep.kind == expected_kind
    assert depfiles.add(dep, NEEDS)
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    again = depfiles.find(root)
    assert again is not None and depfiles.add(again, NEEDS) == []
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == snapshot
    return dep


def test_required_packages_have_the_minimum_versions_the_emitted_code_needs() -> None:
    tests = b'@pytest.mark.asyncio(loop_scope="session")\nasync def test_x(): ...\n'
    engine = b'engine = create_async_engine("postgresql+asyncpg://u@h/db")\n'
    assert required_packages([tests, engine]) == [
        "asyncpg", "pytest-asyncio>=0.24", "pytest>=8.2", "sqlalchemy[asyncio]>=2.0",
    ]
    assert required_packages([b'e = create_async_engine("mysql+aiomysql://h/db")']) == [
        "aiomysql", "sqlalchemy[asyncio]>=2.0",
    ]
    # The async twin of an engine kept sync names its driver apart from the URL.
    twin = b'async_engine = create_async_engine(make_url(URL).set(drivername="postgresql+asyncpg"))\n'
    assert required_packages([twin]) == ["asyncpg", "sqlalchemy[asyncio]>=2.0"]
    # one test file needing pytest-asyncio, another its loop_scope=: the bound alone, not both
    plain = b"@pytest.mark.asyncio\nasync def test_y(): ...\n"
    assert required_packages([plain, tests]) == ["pytest-asyncio>=0.24", "pytest>=8.2", "sqlalchemy[asyncio]>=2.0"]


def test_pep621_multiline_array_and_test_extra(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        """\
        [project]
        name = "shop"
        dependencies = [
          "fastapi>=0.110",  # the web layer
          "SQLAlchemy>=1.4,<3"
        ]

        [project.optional-dependencies]
        test = ["pytest>=7", "httpx"]

        [tool.black]
        line-length = 100
        """,
    )
    dep = add_twice(tmp_path, "pep621")
    assert path.read_text() == textwrap.dedent(
        """\
        [project]
        name = "shop"
        dependencies = [
          "fastapi>=0.110",  # the web layer
          "SQLAlchemy[asyncio]>=2.0,<3",
          "aiosqlite",
        ]

        [project.optional-dependencies]
        test = ["pytest>=8.2", "httpx", "pytest-asyncio>=0.24"]

        [tool.black]
        line-length = 100
        """
    )
    assert depfiles.install_command(dep, NEEDS) == [
        "python -m pip install aiosqlite 'pytest-asyncio>=0.24' 'pytest>=8.2' 'sqlalchemy[asyncio]>=2.0'"
    ]


def test_a_requirement_that_already_satisfies_is_left_alone(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\ndependencies = ["sqlalchemy[asyncio]~=2.0.30", "aiosqlite>=0.20"]\n'
    path = write(tmp_path, "pyproject.toml", text)
    dep = depfiles.find(tmp_path)
    assert dep is not None
    assert depfiles.add(dep, ["aiosqlite", "sqlalchemy[asyncio]>=2.0"]) == []
    assert path.read_text() == text


def test_uv_project_with_dependency_group(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        """\
        [project]
        name = "svc"
        dependencies = []

        [dependency-groups]
        dev = [
            "pytest>=8.3",
        ]
        """,
    )
    (tmp_path / "uv.lock").write_text("")
    dep = add_twice(tmp_path, "uv")
    assert path.read_text() == textwrap.dedent(
        """\
        [project]
        name = "svc"
        dependencies = ["aiosqlite", "sqlalchemy[asyncio]>=2.0"]

        [dependency-groups]
        dev = [
            "pytest>=8.3",
            "pytest-asyncio>=0.24",
        ]
        """
    )
    assert depfiles.install_command(dep, NEEDS) == [
        "uv add aiosqlite 'sqlalchemy[asyncio]>=2.0'",
        "uv add --group dev 'pytest-asyncio>=0.24' 'pytest>=8.2'",
    ]


def test_poetry_tables(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        """\
        [tool.poetry]
        name = "app"

        [tool.poetry.dependencies]
        python = "^3.11"
        fastapi = "^0.110"

        [tool.poetry.group.dev.dependencies]
        pytest = "^8.2"

        [build-system]
        requires = ["poetry-core"]
        """,
    )
    dep = add_twice(tmp_path, "poetry")
    assert path.read_text() == textwrap.dedent(
        """\
        [tool.poetry]
        name = "app"

        [tool.poetry.dependencies]
        python = "^3.11"
        fastapi = "^0.110"
        aiosqlite = "*"
        sqlalchemy = {version = ">=2.0", extras = ["asyncio"]}

        [tool.poetry.group.dev.dependencies]
        pytest = "^8.2"
        pytest-asyncio = ">=0.24"

        [build-system]
        requires = ["poetry-core"]
        """
    )
    # An existing Poetry entry is never rewritten: it is named in a note instead.
    assert any("pytest" in note and "pytest>=8.2" in note for note in dep.notes)
    assert depfiles.install_command(dep, NEEDS) == [
        "poetry add aiosqlite 'sqlalchemy[asyncio]>=2.0'",
        "poetry add --group dev 'pytest-asyncio>=0.24' 'pytest>=8.2'",
    ]


def test_requirements_files(tmp_path: Path) -> None:
    main = write(tmp_path, "requirements.txt", "fastapi==0.110.0\nsqlalchemy==1.4.52  # pinned\n-e ./libs/core")
    dev = write(tmp_path, "requirements-dev.txt", "-r requirements.txt\npytest\n")
    add_twice(tmp_path, "requirements")
    assert main.read_text() == (
        "fastapi==0.110.0\nsqlalchemy[asyncio]>=2.0  # pinned\n-e ./libs/core\naiosqlite\n"
    )
    assert dev.read_text() == "-r requirements.txt\npytest>=8.2\npytest-asyncio>=0.24\n"


def test_crlf_requirements_keep_their_newlines(tmp_path: Path) -> None:
    main = tmp_path / "requirements.txt"
    main.write_bytes(b"fastapi\r\n")
    add_twice(tmp_path, "requirements")
    # Runtime requirements first, then the test ones (no test requirements file here).
    assert main.read_bytes() == b"fastapi\r\naiosqlite\r\nsqlalchemy[asyncio]>=2.0\r\npytest-asyncio>=0.24\r\npytest>=8.2\r\n"


ENGINE = 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///app.db")\n'


@pytest.fixture
def app_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/db.py", ENGINE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_apply_prints_the_install_command_for_the_project(app_project: Path) -> None:
    (app_project / "pyproject.toml").write_text('[project]\nname = "a"\ndependencies = []\n')
    (app_project / "uv.lock").write_text("")
    result = CliRunner().invoke(app, ["apply", "app"], catch_exceptions=False)
    assert "The migrated code needs: aiosqlite, sqlalchemy[asyncio]>=2.0" in result.stdout
    assert "uv add aiosqlite 'sqlalchemy[asyncio]>=2.0'" in result.stdout
    assert (app_project / "pyproject.toml").read_text() == '[project]\nname = "a"\ndependencies = []\n'


def test_apply_add_dependencies_writes_them(app_project: Path) -> None:
    (app_project / "requirements.txt").write_text("fastapi\n")
    result = CliRunner().invoke(app, ["apply", "--add-dependencies", "app"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (app_project / "requirements.txt").read_text() == "fastapi\naiosqlite\nsqlalchemy[asyncio]>=2.0\n"
    assert "requirements.txt: added aiosqlite" in result.stdout


def test_add_dependencies_is_not_for_dry_runs(app_project: Path) -> None:
    result = CliRunner().invoke(app, ["apply", "--dry-run", "--add-dependencies", "app"])
    assert result.exit_code == 2

"""Module identity (issue 12 class 3): names from import roots; a shared name never drops a module."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqla_asyncify.modules import module_names
from sqla_asyncify.pipeline import RunConfig, analyze


def layout(root: Path, files: dict[str, str]) -> list[Path]:
    paths = []
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


def names_of(root: Path, files: dict[str, str], run_root: Path | None = None) -> tuple[dict[str, str], dict[str, str]]:
    paths = layout(root, files)
    names, errors = module_names(paths, [run_root or root], [p.read_bytes() for p in paths])
    rel = [p.relative_to(root).as_posix() for p in paths]
    return dict(zip(rel, names)), {rel[i]: message for i, (_, message) in errors.items()}


def test_namespace_folders_inside_a_package_are_part_of_the_name(tmp_path: Path) -> None:
    names, errors = names_of(
        tmp_path,
        {"app/__init__.py": "", "app/features/users/db/api.py": "", "app/features/items/db/api.py": ""},
    )
    assert names["app/features/users/db/api.py"] == "app.features.users.db.api"
    assert names["app/features/items/db/api.py"] == "app.features.items.db.api"
    assert not errors


def test_top_level_namespace_packages_are_named_by_path_when_imported_so(tmp_path: Path) -> None:
    names, _ = names_of(
        tmp_path,
        {
            "features/users/db/api.py": "",
            "main.py": "from features.users.db import api\n",
            "scripts/seed.py": "import os\n",
        },
    )
    assert names["features/users/db/api.py"] == "features.users.db.api"
    assert names["scripts/seed.py"] == "seed"  # a script folder: imported by its basename


def test_shared_basenames_outside_packages_are_told_apart_by_folder(tmp_path: Path) -> None:
    names, errors = names_of(
        tmp_path,
        {
            "plugins/a/tests/conftest.py": "",
            "plugins/a/tests/test_main.py": "",
            "plugins/a/tests/test_only_a.py": "",
            "plugins/b/tests/conftest.py": "",
            "plugins/b/tests/test_main.py": "",
            "tools/run.py": "",
        },
    )
    assert names["plugins/a/tests/conftest.py"] == "plugins.a.tests.conftest"
    assert names["plugins/b/tests/conftest.py"] == "plugins.b.tests.conftest"
    assert names["plugins/b/tests/test_main.py"] == "plugins.b.tests.test_main"
    # The whole folder moves together, so its conftest stays its tests' conftest.
    assert names["plugins/a/tests/test_only_a.py"] == "plugins.a.tests.test_only_a"
    assert names["tools/run.py"] == "run"
    assert not errors


def test_plugins_each_with_its_own_project_file_are_told_apart_from_the_outer_root(tmp_path: Path) -> None:
    # Each plugin folder holds a setup.py (an import root): ``tests.conftest`` in every one of
    # them, so they take their names from the next root out, the run's.
    names, errors = names_of(
        tmp_path,
        {
            "setup.py": "",
            "plugins/a/setup.py": "",
            "plugins/a/tests/conftest.py": "",
            "plugins/b/setup.py": "",
            "plugins/b/tests/conftest.py": "",
            "plugins/b/b_plugin/__init__.py": "",
            "plugins/b/b_plugin/main.py": "",
        },
    )
    assert names["plugins/a/tests/conftest.py"] == "plugins.a.tests.conftest"
    assert names["plugins/b/tests/conftest.py"] == "plugins.b.tests.conftest"
    assert names["plugins/b/setup.py"] == "plugins.b.setup"
    assert names["setup.py"] == "setup"
    assert names["plugins/b/b_plugin/main.py"] == "b_plugin.main"
    assert not errors


def test_a_name_still_shared_is_an_error_naming_both_files(tmp_path: Path) -> None:
    names, errors = names_of(tmp_path, {"pkg/__init__.py": "", "pkg.py": ""})
    assert list(errors) == ["pkg.py"]
    assert "`pkg` is also that of" in errors["pkg.py"] and "pkg/__init__.py" in errors["pkg.py"]


def test_src_layout_and_a_run_inside_a_package(tmp_path: Path) -> None:
    names, _ = names_of(tmp_path, {"src/shop/__init__.py": "", "src/shop/db.py": "", "pyproject.toml": ""})
    assert names["src/shop/db.py"] == "shop.db"
    # ``asyncify apply app`` with ``app/__init__.py``: the package keeps its name.
    names, _ = names_of(tmp_path / "p", {"app/__init__.py": "", "app/db.py": ""}, run_root=tmp_path / "p" / "app")
    assert names["app/db.py"] == "app.db"


def test_pyproject_pythonpath_is_an_import_root(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\npythonpath = ["backend"]\n')
    names, _ = names_of(tmp_path, {"backend/api/users.py": "", "backend/main.py": "from api import users\n"})
    assert names["backend/api/users.py"] == "api.users"


def test_a_colliding_file_is_reported_by_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    session = "from sqlalchemy.orm import Session\n"
    layout(tmp_path, {"pkg/__init__.py": session, "pkg.py": session, "other/__init__.py": "", "other.py": ""})
    analysis = analyze(RunConfig(paths=(tmp_path,), cache=False, jobs=1))
    (error,) = analysis.errors
    other = "pkg.py" if error.path.name == "__init__.py" else "pkg/__init__.py"
    assert f"`pkg` is also that of {other}" in (error.error or "")

"""Module identity: the dotted name each discovered file is imported as, for the whole run.

The plan knows functions by ``module.qualname``, so two files under one name would make one of
them vanish from it. Names come from the import roots, not from the basename alone:

* import roots: the paths the run was given, every folder holding a ``pyproject.toml``,
  ``setup.py`` or ``setup.cfg``, every ``src`` folder, and the folders a ``pyproject.toml`` puts on
  the import path (``[tool.pytest.ini_options] pythonpath``,
  ``[tool.setuptools.packages.find] where``), unless they hold an ``__init__.py`` (a package);
* a file inside a regular package (a folder with ``__init__.py``) is named from the highest such
  package below its import root, through namespace folders (PEP 420, no ``__init__.py``) in
  between: ``app/features/users/db/api.py`` with ``app/__init__.py`` is ``app.features.users.db.api``;
* a file in namespace folders directly under an import root is named by its path from that root
  when the project imports it (or a package of it) that way: ``features/users/db/api.py`` is
  ``features.users.db.api`` when some file does ``from features.users.db import api``;
* otherwise (scripts, test folders that pytest puts on ``sys.path`` themselves) by its basename,
  as before;
* names still shared by several files: every file in those folders (not in a regular package) is
  named by its path from its import root instead; a name still shared after that is an error for
  each file but the first, named, never a module silently dropped.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")

#: ``from a.b import c, d`` / ``import a.b, c`` at the start of a line (evidence, not parsing).
_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+\(?([^\n#)]*)|import[ \t]+([^\n#;]*))", re.M
)


@lru_cache(maxsize=8192)
def _folder(cwd: str, folder: str) -> Path:
    return Path(cwd, folder).resolve()


def imported_names(sources: Iterable[bytes]) -> set[str]:
    """Every absolute dotted name the sources import: ``a.b`` and, for ``from a.b import c``, ``a.b.c``."""
    found: set[str] = set()
    for source in sources:
        for match in _IMPORT.finditer(source):
            module, names, plain = match.groups()
            if module is not None:
                found.add(module.decode())
                for name in names.split(b","):
                    word = name.strip().split(b" ")[0].decode(errors="replace")
                    if word.isidentifier():
                        found.add(f"{module.decode()}.{word}")
            elif plain is not None:
                for name in plain.split(b","):
                    word = name.strip().split(b" ")[0]
                    if word:
                        found.add(word.decode())
    return found


def _pyproject_roots(folder: Path) -> list[Path]:
    """Folders ``folder/pyproject.toml`` puts on the import path."""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    tool = data.get("tool", {})
    entries: list[object] = []
    pytest_options = tool.get("pytest", {}).get("ini_options", {})
    entries += pytest_options.get("pythonpath", []) if isinstance(pytest_options.get("pythonpath"), list) else []
    find = tool.get("setuptools", {}).get("packages", {})
    if isinstance(find, dict):
        where = find.get("find", {}).get("where", [])
        entries += where if isinstance(where, list) else []
    return [(folder / e).resolve() for e in entries if isinstance(e, str)]


class ModuleNamer:
    """Names files against the run's import roots; folders are looked at once each."""

    def __init__(self, run_roots: Sequence[Path], imported: set[str]) -> None:
        self._roots: set[Path] = set()
        for root in run_roots:
            root = root.resolve()
            self._roots.add(root if root.is_dir() else root.parent)
        self._run_roots = frozenset(self._roots)
        self._imported = imported
        self._is_root: dict[Path, bool] = {}
        self._has_init: dict[Path, bool] = {}
        self._scanned: set[Path] = set()
        # Per folder (many files share one): what ``_chain`` and ``run_root_of`` found for it.
        self._chains: dict[Path, tuple[list[Path], bool]] = {}
        self._run_root_by_folder: dict[Path, Path | None] = {}

    def _init(self, folder: Path) -> bool:
        if folder not in self._has_init:
            self._has_init[folder] = (folder / "__init__.py").exists()
        return self._has_init[folder]

    def run_root_of(self, path: Path) -> Path | None:
        """The root of the run (a path it was given) that holds ``path``, the innermost."""
        folder = _folder(os.getcwd(), str(path.parent))
        if folder not in self._run_root_by_folder:
            self._run_root_by_folder[folder] = next((a for a in (folder, *folder.parents) if a in self._run_roots), None)
        return self._run_root_by_folder[folder]

    def _read_pyprojects(self, folder: Path) -> None:
        """The import roots the ``pyproject.toml`` files of ``folder`` and its parents declare."""
        for above in (folder, *folder.parents):
            if above in self._scanned:
                return
            self._scanned.add(above)
            if (above / "pyproject.toml").exists():
                self._roots.update(_pyproject_roots(above))

    def is_root(self, folder: Path) -> bool:
        if folder not in self._is_root:
            self._read_pyprojects(folder)
            marked = folder.name == "src" and not self._init(folder)
            marked = marked or any((folder / name).exists() for name in _PROJECT_FILES)
            # A folder with ``__init__.py`` is a package, never a root (``apply app/`` names ``app.x``).
            self._is_root[folder] = (marked or folder in self._roots) and not self._init(folder)
        return self._is_root[folder]

    def _chain(self, folder: Path) -> tuple[list[Path], bool]:
        """The folders from ``folder`` up to (not including) its import root; whether one was found.
        Computed once per folder (``is_root`` answers each folder once anyway); not to be mutated."""
        if folder not in self._chains:
            self._chains[folder] = self._find_chain(folder)
        return self._chains[folder]

    def _find_chain(self, folder: Path) -> tuple[list[Path], bool]:
        chain = []
        while True:
            if self.is_root(folder) or folder.parent == folder:
                return chain, self.is_root(folder)
            chain.append(folder)
            folder = folder.parent

    def names(self, path: Path) -> tuple[str, list[str]]:
        """``(name, by path)``: the file's module name, and its names by path from each import
        root above it, nearest first, up to the run's own root (empty inside a regular package,
        whose name is already that)."""
        path = _folder(os.getcwd(), str(path.parent)) / path.name
        stem = [] if path.stem == "__init__" else [path.stem]
        chain, rooted = self._chain(path.parent)
        packages = [i for i, folder in enumerate(chain) if self._init(folder)]
        if packages:
            top = packages[-1]
            if not rooted:  # no import root above: the classic rule, contiguous __init__ folders
                top = next((i - 1 for i, folder in enumerate(chain) if not self._init(folder)), len(chain) - 1)
            parts = [folder.name for folder in reversed(chain[: top + 1])]
            while parts and not parts[0].isidentifier():
                parts.pop(0)
            if not all(p.isidentifier() for p in parts):
                parts = [folder.name for folder in reversed(chain[: packages[0] + 1])]
            return ".".join([*parts, *stem]) or path.parent.name, []
        basename = ".".join(stem) or path.parent.name
        if not rooted:
            return basename, []
        by_path = []
        folders = list(chain)
        root = chain[-1].parent if chain else path.parent
        while True:
            parts = [*(folder.name for folder in reversed(folders)), *stem]
            if not parts or not all(p.isidentifier() for p in parts):
                break
            by_path.append(".".join(parts))
            if root in self._run_roots or root.parent == root:
                break
            more, found = self._chain(root.parent)
            if not found:
                break
            folders += [root, *more]
            root = more[-1].parent if more else root.parent
        if chain and by_path and self._imports_by_path(by_path[0]):
            return by_path[0], by_path[1:]
        return basename, [n for n in by_path if n != basename]

    def _imports_by_path(self, name: str) -> bool:
        """Some file imports ``name`` or one of its packages below the top (``a.b`` of ``a.b.c``)."""
        parts = name.split(".")
        return any(".".join(parts[:n]) in self._imported for n in range(2, len(parts) + 1))


def module_names(
    paths: Sequence[Path],
    run_roots: Sequence[Path],
    sources: Sequence[bytes],
    display: Callable[[Path], str] = Path.as_posix,
) -> tuple[list[str], dict[int, tuple[int, str]]]:
    """Each file's module name, and for each file whose name stays shared: the file that has it
    first, and the error message."""
    namer = ModuleNamer(run_roots, imported_names(sources))
    named = [namer.names(p) for p in paths]
    names = [name for name, _ in named]
    # Shared names outside packages: the whole folder takes its next name by path (from the next
    # import root out), until no name is shared or no longer name is left.
    while True:
        owners: dict[str, list[int]] = {}
        for i, path in enumerate(paths):
            if path.suffix == ".py":  # stubs share their module's name on purpose
                owners.setdefault(names[i], []).append(i)
        clashing = {_folder(os.getcwd(), str(paths[i].parent)) for group in owners.values() if len(group) > 1 for i in group}
        moved = False
        for i, (_, by_path) in enumerate(named):
            if _folder(os.getcwd(), str(paths[i].parent)) in clashing:
                step = by_path.index(names[i]) + 1 if names[i] in by_path else 0
                if step < len(by_path):
                    names[i] = by_path[step]
                    moved = True
        if not moved:
            break
    errors: dict[int, tuple[int, str]] = {}
    first: dict[tuple[Path | None, str], int] = {}
    for i, path in enumerate(paths):
        if path.suffix != ".py":
            continue
        # Several projects in one run (``--project`` with files of each) are separate import
        # namespaces: ``pkg.db`` of one is not ``pkg.db`` of the other. Only names shared inside
        # one of the run's roots are an error.
        key = (namer.run_root_of(path), names[i])
        if key in first:
            errors[i] = (
                first[key],
                f"its module name `{names[i]}` is also that of {display(paths[first[key]])}: "
                "not migrated (an `__init__.py` or an import root, e.g. `src/`, tells them apart)",
            )
        else:
            first[key] = i
    return names, errors

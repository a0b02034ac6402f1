"""Which files a run looks at: the given paths, recursively, honouring ``.gitignore`` and excludes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pathspec

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git/",
    ".hg/",
    ".venv/",
    "venv/",
    ".tox/",
    ".nox/",
    "site-packages/",
    "node_modules/",
    "build/",
    "dist/",
    "__pycache__/",
    ".asyncify_cache/",
)


def _gitignore_spec(directory: Path) -> pathspec.PathSpec | None:
    ignore = directory / ".gitignore"
    if not ignore.is_file():
        return None
    try:
        lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.PathSpec.from_lines("gitignore", lines)


def discover(paths: Iterable[Path], exclude: Iterable[str] = ()) -> Iterator[Path]:
    """Every ``.py``/``.pyi`` file under ``paths``, sorted per directory, without duplicates.

    A file named explicitly is always included (unless excluded). Inside folders, ``.gitignore``
    files (each applying to its own folder and below), the default excludes and ``exclude``
    (gitwildmatch patterns) are honoured. Symlinked folders are not followed; a symlinked file is
    skipped when it points inside the folder (its target is found itself), and yielded when it
    points out of it, so that the pipeline reports it without reading it.
    """
    user = pathspec.PathSpec.from_lines("gitignore", [*DEFAULT_EXCLUDES, *exclude])
    user_only = pathspec.PathSpec.from_lines("gitignore", list(exclude))
    seen: set[Path] = set()
    for root in paths:
        root = Path(root)
        if root.is_file():
            if not user_only.match_file(root.as_posix()) and root.resolve() not in seen:
                seen.add(root.resolve())
                yield root
            continue
        root_resolved = root.resolve()
        specs: list[tuple[Path, pathspec.PathSpec]] = []
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            here_resolved = here.resolve()  # once per folder: files are never symlinks below
            spec = _gitignore_spec(here)
            if spec is not None:
                specs.append((here, spec))
            specs = [(d, s) for d, s in specs if d == here or d in here.parents]

            def ignored(path: Path, is_dir: bool) -> bool:
                rel = path.relative_to(root).as_posix() + ("/" if is_dir else "")
                if user.match_file(rel) or user.match_file(path.name + ("/" if is_dir else "")):
                    return True
                for base, s in specs:
                    if s.match_file(path.relative_to(base).as_posix() + ("/" if is_dir else "")):
                        return True
                return False

            dirnames[:] = sorted(
                d for d in dirnames if not (here / d).is_symlink() and not ignored(here / d, True)
            )
            for name in sorted(filenames):
                path = here / name
                if path.suffix not in (".py", ".pyi") or ignored(path, False):
                    continue
                if path.is_symlink():
                    # Never followed: a link to a file inside the tree is found as that file; a
                    # link out of the tree is yielded so the pipeline reports it, unread.
                    target = path.resolve()
                    if root_resolved == target or root_resolved in target.parents:
                        continue
                    yield path
                    continue
                key = here_resolved / name
                if key not in seen:
                    seen.add(key)
                    yield path

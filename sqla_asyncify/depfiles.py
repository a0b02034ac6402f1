"""The project's own dependency file: which one it is, the command that installs what the migrated
code needs, and minimal textual edits that add it there (``apply --add-dependencies``).

Supported: ``pyproject.toml`` ``[project] dependencies`` (pip, uv when ``uv.lock`` or ``[tool.uv]``
is there), Poetry's ``[tool.poetry.dependencies]``, and ``requirements*.txt``. Test-only packages
(``dependencies.TEST_PACKAGES``) go where the project declares ``pytest``: an optional-dependencies
extra, a ``[dependency-groups]`` group, a Poetry group, or ``requirements-dev.txt`` and the like.

Edits never reformat: a requirement is inserted in the style of its neighbours, an existing one
that allows too old a version or lacks an extra is rewritten in place (PEP 508 strings only; a
Poetry entry is reported instead), and one that already satisfies the need is left alone, so a
second run changes nothing.
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from .dependencies import TEST_PACKAGES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_REQUIREMENTS = ("requirements.txt", "requirements.in")
_TEST_REQUIREMENTS = (
    "requirements-dev.txt", "requirements-test.txt", "requirements_dev.txt", "requirements_test.txt",
    "dev-requirements.txt", "test-requirements.txt", "requirements/dev.txt", "requirements/test.txt",
)


@dataclass
class DependencyFile:
    """Where a project declares its dependencies, and how it installs them."""

    kind: str  #: "pep621", "uv", "poetry" or "requirements"
    path: Path
    #: Requirements files for test packages (requirements kind), or the table holding pytest:
    #: ("optional-dependencies", extra) / ("dependency-groups", group) / ("poetry-group", group).
    test_path: Path | None = None
    test_table: tuple[str, str] | None = None
    notes: list[str] = field(default_factory=list)


def project_root(paths: Iterable[Path]) -> Path:
    """The nearest folder at or above the first path holding a dependency file (else the current one)."""
    for start in paths:
        here = Path(start).resolve()
        for folder in [here, *here.parents] if here.is_dir() else list(here.parents):
            if any((folder / name).is_file() for name in ("pyproject.toml", *_REQUIREMENTS, "setup.py", "setup.cfg")):
                return folder
        break
    return Path.cwd()


def find(root: Path) -> DependencyFile | None:
    """The dependency file of the project at ``root``: pyproject first, then requirements files."""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            data = {}
        poetry = data.get("tool", {}).get("poetry", {})
        if "dependencies" in poetry:
            test = next(
                (g for g, t in poetry.get("group", {}).items() if _names(t.get("dependencies", {})) & {"pytest"}),
                "dev" if "dev-dependencies" in poetry else None,
            )
            return DependencyFile("poetry", pyproject, test_table=("poetry-group", test) if test else None)
        project = data.get("project", {})
        if isinstance(project.get("dependencies"), list):
            kind = "uv" if (root / "uv.lock").is_file() or "uv" in data.get("tool", {}) else "pep621"
            test_table = None
            for table in ("optional-dependencies", "dependency-groups"):
                source = project.get(table, {}) if table == "optional-dependencies" else data.get(table, {})
                for group, reqs in source.items():
                    if isinstance(reqs, list) and "pytest" in _names(r for r in reqs if isinstance(r, str)):
                        test_table = (table, group)
                        break
                if test_table:
                    break
            return DependencyFile(kind, pyproject, test_table=test_table)
    for name in _REQUIREMENTS:
        if (root / name).is_file():
            test = next((root / t for t in _TEST_REQUIREMENTS if (root / t).is_file()), None)
            return DependencyFile("requirements", root / name, test_path=test)
    return None


def _names(reqs: Iterable[str]) -> set[str]:
    names = set()
    for r in reqs:
        try:
            names.add(canonicalize_name(Requirement(r).name))
        except InvalidRequirement:
            names.add(canonicalize_name(r))  # Poetry tables: keys are bare names
    return names


def _is_test(req: str) -> bool:
    return canonicalize_name(Requirement(req).name) in TEST_PACKAGES


def quoted(reqs: list[str]) -> str:
    """Requirements as shell words (``'sqlalchemy[asyncio]>=2.0'`` needs its quotes)."""
    return " ".join(shlex.quote(r) for r in reqs)


def install_command(dep: DependencyFile | None, reqs: list[str]) -> list[str]:
    """The command(s) that install ``reqs`` the way this project declares dependencies."""
    runtime = [r for r in reqs if not _is_test(r)]
    test = [r for r in reqs if _is_test(r)]
    commands = []
    if dep is not None and dep.kind == "poetry":
        if runtime:
            commands.append(f"poetry add {quoted(runtime)}")
        if test:
            group = f"--group {dep.test_table[1]} " if dep.test_table else ""
            commands.append(f"poetry add {group}{quoted(test)}")
    elif dep is not None and dep.kind == "uv":
        if runtime:
            commands.append(f"uv add {quoted(runtime)}")
        if test:
            where = ""
            if dep.test_table is not None:
                table, group = dep.test_table
                where = f"--optional {group} " if table == "optional-dependencies" else f"--group {group} "
            commands.append(f"uv add {where}{quoted(test)}")
    elif reqs:
        commands.append(f"python -m pip install {quoted(reqs)}")
    return commands


# -- edits -------------------------------------------------------------------------------------


def _satisfies(existing: Requirement, needed: Requirement) -> bool:
    """``existing`` already gives what ``needed`` asks: its extras, and no version below the minimum."""
    if not set(needed.extras) <= set(existing.extras):
        return False
    minimum = _minimum(needed)
    if minimum is None:
        return True
    return not any(existing.specifier.contains(v, prereleases=True) for v in _below(minimum)) and bool(existing.specifier)


def _minimum(req: Requirement) -> Version | None:
    return next((Version(s.version) for s in req.specifier if s.operator == ">="), None)


def _below(minimum: Version) -> list[Version]:
    """A few versions just below ``minimum`` that a too-loose specifier would let in."""
    major, minor = minimum.major, minimum.minor
    candidates = [Version("0"), Version(f"{major}.{minor}.dev0")]
    if minor:
        candidates.append(Version(f"{major}.{minor - 1}.999"))
    if major:
        candidates.append(Version(f"{major - 1}.999"))
    return [v for v in candidates if v < minimum]


def merged(existing: str, needed: str) -> str | None:
    """``existing`` rewritten to also satisfy ``needed`` (extras added, a too-low bound replaced,
    upper bounds and markers kept), or None when it already does."""
    old, new = Requirement(existing), Requirement(needed)
    if _satisfies(old, new):
        return None
    extras = sorted(set(old.extras) | set(new.extras))
    minimum = _minimum(new)
    kept = [str(s) for s in old.specifier if minimum is None or s.operator in ("<", "<=", "!=")]
    specs = ([f">={minimum}"] if minimum is not None else []) + sorted(kept)
    text = old.name + (f"[{','.join(extras)}]" if extras else "") + ",".join(specs)
    return text + (f"; {old.marker}" if old.marker else "")


def add(dep: DependencyFile, reqs: list[str]) -> list[str]:
    """Write ``reqs`` into the project's dependency file(s); return what was done, one line each
    (empty when everything was already there)."""
    done: list[str] = []
    runtime = [r for r in reqs if not _is_test(r)]
    test = [r for r in reqs if _is_test(r)]
    if dep.kind == "requirements":
        done += _add_requirements(dep.path, runtime + ([] if dep.test_path else test))
        if dep.test_path:
            done += _add_requirements(dep.test_path, test)
    elif dep.kind == "poetry":
        done += _add_poetry(dep, dep.path, ("tool", "poetry", "dependencies"), runtime)
        group = dep.test_table[1] if dep.test_table else None
        test_keys = ("tool", "poetry", "group", group, "dependencies") if group else ("tool", "poetry", "dependencies")
        if group == "dev" and "[tool.poetry.dev-dependencies]" in dep.path.read_text(encoding="utf-8"):
            test_keys = ("tool", "poetry", "dev-dependencies")
        done += _add_poetry(dep, dep.path, test_keys, test)
    else:
        done += _add_array(dep.path, "project", "dependencies", runtime)
        if dep.test_table is None:
            done += _add_array(dep.path, "project", "dependencies", test)
        elif dep.test_table[0] == "optional-dependencies":
            done += _add_array(dep.path, "project.optional-dependencies", dep.test_table[1], test)
        else:
            done += _add_array(dep.path, "dependency-groups", dep.test_table[1], test)
    return done


def _read(path: Path) -> str:
    """The file's text with its own newlines (``read_text`` would turn CRLF into LF)."""
    return path.read_bytes().decode("utf-8")


def _add_requirements(path: Path, reqs: list[str]) -> list[str]:
    if not reqs:
        return []
    text = _read(path)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    done = []
    for need in reqs:
        name = canonicalize_name(Requirement(need).name)
        for n, line in enumerate(lines):
            body = line.split("#", 1)[0].strip()
            try:
                existing = Requirement(body) if body and not body.startswith("-") else None
            except InvalidRequirement:
                existing = None
            if existing is not None and canonicalize_name(existing.name) == name:
                new = merged(body, need)
                if new is not None:
                    lines[n] = line.replace(body, new, 1)
                    done.append(f"{path.name}: {body} -> {new}")
                break
        else:
            if lines and not lines[-1].endswith(("\n", "\r")):
                lines[-1] += newline
            lines.append(need + newline)
            done.append(f"{path.name}: added {need}")
    if done:
        path.write_text("".join(lines), encoding="utf-8", newline="")
    return done


_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$")


def _section(lines: list[str], name: str) -> tuple[int, int] | None:
    """Lines [start, end) of the TOML table ``[name]`` (its header excluded)."""
    start = None
    for n, line in enumerate(lines):
        match = _HEADER.match(line)
        if match is None:
            continue
        if start is not None:
            return start, n
        if match.group(1).strip().replace(" ", "") == name:
            start = n + 1
    return (start, len(lines)) if start is not None else None


def _strings(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, value)`` of each basic or literal one-line TOML string in ``text``, and where an
    array ends: scanning stops at the first ``]`` outside a string and comment (yielded as -1)."""
    n = 0
    while n < len(text):
        ch = text[n]
        if ch == "#":
            n = text.find("\n", n)
            if n < 0:
                return
        elif ch in "\"'":
            end = n + 1
            while end < len(text) and text[end] != ch:
                end += 2 if ch == '"' and text[end] == "\\" else 1
            yield n, end + 1, text[n + 1 : end]
            n = end
        elif ch == "]":
            yield n, n, ""
            yield -1, -1, ""
            return
        n += 1


def _add_array(path: Path, table: str, key: str, reqs: list[str]) -> list[str]:
    """Add to the array ``key = [...]`` of ``[table]``, creating the key (or table) when missing."""
    if not reqs:
        return []
    text = _read(path)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    span = _section(lines, table)
    done = []
    if span is None:
        block = f"{newline}[{table}]{newline}{key} = [{newline}" + "".join(f'    "{r}",{newline}' for r in reqs) + f"]{newline}"
        if text and not text.endswith("\n"):
            text += newline
        path.write_text(text + block, encoding="utf-8", newline="")
        return [f"{path.name}: added {r} to [{table}] {key}" for r in reqs]
    start = sum(len(line) for line in lines[: span[0]])
    end = sum(len(line) for line in lines[: span[1]])
    match = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=[ \t]*\[", re.M).search(text, start, end)
    if match is None:
        insert = f"{key} = [{newline}" + "".join(f'    "{r}",{newline}' for r in reqs) + f"]{newline}"
        at = start
        text = text[:at] + insert + text[at:]
        path.write_text(text, encoding="utf-8", newline="")
        return [f"{path.name}: added {r} to [{table}] {key}" for r in reqs]
    body_start = match.end()
    entries = []
    close = body_start
    for s, e, value in _strings(text[body_start:]):
        if s == -1:
            break
        if s == e:
            close = body_start + s
            continue
        entries.append((body_start + s, body_start + e, value))
    for need in reqs:
        name = canonicalize_name(Requirement(need).name)
        hit = next(((s, e, v) for s, e, v in entries if _name_of(v) == name), None)
        if hit is not None:
            new = merged(hit[2], need)
            if new is not None:
                quote = text[hit[0]]
                text = text[: hit[0]] + quote + new + quote + text[hit[1] :]
                shift = len(new) - len(hit[2])
                close += shift
                entries = [(s + shift if s > hit[0] else s, e + shift if s > hit[0] else e, v) for s, e, v in entries]
                done.append(f"{path.name}: {hit[2]} -> {new}")
            continue
        inside = text[body_start:close]
        if "\n" in inside:  # one entry a line: after the last, with its indentation and a comma
            if entries:
                last_end = entries[-1][1]
                line_start = text.rfind("\n", 0, entries[-1][0]) + 1
                pad = text[line_start : entries[-1][0]]
                pad = pad if not pad.strip() else "    "
                if not text[last_end:close].lstrip(" \t").startswith(","):
                    text = text[:last_end] + "," + text[last_end:]
                    close += 1
                insert_at = text.find("\n", last_end) + 1
            else:
                pad, insert_at = "    ", text.find("\n", body_start) + 1
            new_line = f'{pad}"{need}",{newline}'
            text = text[:insert_at] + new_line + text[insert_at:]
            close += len(new_line)
            entries.append((insert_at + len(pad), insert_at + len(pad) + len(need) + 2, need))
        else:  # one line: ["a", "b"] → ["a", "b", "c"]
            before = text[body_start:close].rstrip()
            sep = "" if not before.strip() else (" " if before.endswith(",") else ", ")
            addition = f'{sep}"{need}"'
            at = body_start + len(before)
            text = text[:at] + addition + text[at:]
            close += len(addition)
            entries.append((at + len(sep), at + len(addition), need))
        done.append(f"{path.name}: added {need} to [{table}] {key}")
    if done:
        path.write_text(text, encoding="utf-8", newline="")
    return done


def _name_of(requirement: str) -> str:
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return ""


def _add_poetry(dep: DependencyFile, path: Path, keys: tuple[str, ...], reqs: list[str]) -> list[str]:
    """``name = "spec"`` (``{version = ..., extras = [...]}`` with extras) at the end of the table."""
    if not reqs:
        return []
    text = _read(path)
    data = tomllib.loads(text)
    table: dict = data
    for k in keys:
        table = table.get(k, {}) if isinstance(table, dict) else {}
    existing = {canonicalize_name(k): (k, v) for k, v in table.items()}
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    name = ".".join(keys)
    span = _section(lines, name)
    done, added = [], []
    for need in reqs:
        req = Requirement(need)
        if canonicalize_name(req.name) in existing:
            key, value = existing[canonicalize_name(req.name)]
            dep.notes.append(
                f"{path.name} [{name}] {key} = {value!r}: check it allows {need} (asyncify does not rewrite Poetry entries)"
            )
            continue
        version = str(req.specifier) or "*"
        if req.extras:
            extras = ", ".join(f'"{e}"' for e in sorted(req.extras))
            added.append(f'{req.name} = {{version = "{version}", extras = [{extras}]}}{newline}')
        else:
            added.append(f'{req.name} = "{version}"{newline}')
        done.append(f"{path.name}: added {need} to [{name}]")
    if not added:
        return done
    if span is None:
        if text and not text.endswith("\n"):
            text += newline
        text += f"{newline}[{name}]{newline}" + "".join(added)
    else:
        end = span[1]
        while end > span[0] and not lines[end - 1].strip():
            end -= 1
        if end > 0 and not lines[end - 1].endswith("\n"):
            lines[end - 1] += newline
        lines[end:end] = added
        text = "".join(lines)
    path.write_text(text, encoding="utf-8", newline="")
    return done

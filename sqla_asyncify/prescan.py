"""Pre-scan: which files can be affected by the migration at all, decided without libcst.

A libcst parse costs ~10x a stdlib ``ast`` parse and ~1000x a byte search, and every transformer
costs about as much again per file; most files of a large repository have nothing to do with
SQLAlchemy. So before anything reaches libcst:

1. every file's bytes are searched for ``sqlalchemy`` / ``sqlmodel`` (a file that does not contain
   either cannot import them, so cannot name a session, an engine or a model), and for
   ``testclient`` (a test helper handed a client that converts converts with it);
2. every other file is decoded and parsed with stdlib ``ast`` (a syntax check, so an unparsable or
   undecodable file is still a per-file error, and its imports);
3. relevance spreads through imports to a fixpoint: a file that imports a relevant project module
   (absolute or relative, ``import a.b``, ``from a import b``, ``from . import b``, star imports)
   is relevant too — a caller can be affected without importing SQLAlchemy itself; so is a test
   module under a relevant ``conftest.py``, whose fixtures pytest hands it by name (a client
   fixture that converts makes its requests awaited there);
4. one step the other way, then step 3 again: a project module that a relevant file imports by
   name is relevant — a helper it calls may be handed what it holds (an instance whose session
   becomes async) without naming SQLAlchemy either.

Only relevant files are parsed with libcst, indexed, planned and rewritten; the others are reported
unchanged, byte-identical by construction — except a module that relevant code imports (a schema,
a helper), indexed for the plan: where the plan makes one of its functions async (it reaches a
session through what it is handed), it is rewritten too (``pipeline.analyze``). The spread is conservative: ``import a.b`` makes the file
relevant if *any* relevant module lives under ``a`` (the bound name ``a`` reaches them all), and
``from a import b`` if ``a`` or anything under ``a.b`` is relevant.

What the plan could resolve without an import cannot affect a file here: the plan resolves names
through the module's own definitions and its imports only. The one thing a non-relevant module's
index could still add to the plan is an existing ``async def`` it defines, called without ``await``
from relevant code (which the full plan would make the caller await); leaving that call as written
is what the original code did, so the pre-scan never makes a migration wrong, only (in that corner)
less eager. See docs/performance.md.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .names import resolve_relative
from .pickling import fast_state

FACTS_VERSION = 2  # bump when ``FileFacts`` or how it is computed changes (invalidates caches)

_MARKERS = (b"sqlalchemy", b"sqlmodel")


def mentions_sqlalchemy(source: bytes) -> bool:
    """Whether the bytes name SQLAlchemy or SQLModel anywhere (imports need the lowercase names)."""
    return any(marker in source for marker in _MARKERS)


def mentions_test_client(source: bytes) -> bool:
    """Whether the bytes import a ``TestClient`` (``fastapi.testclient``, ``starlette.testclient``).
    A test helper taking one (``def login(client: TestClient)``) converts with the client of an
    async test that it is handed, without naming SQLAlchemy (``plan/http_clients.py``)."""
    return b"testclient" in source


#: ``("import", 0, "a.b.c", "alias" or "")`` or ``("from", level, "module" or "", ("n1", "n2"))``.
ImportSpec = tuple[str, int, str, object]


@fast_state
@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the pre-scan knows about one file's content (cacheable by content hash)."""

    #: Why the file cannot be processed ("cannot be decoded: …", "does not parse: …"), or None.
    error: str | None = None
    imports: tuple[ImportSpec, ...] = ()


def _decoded(source: bytes) -> tuple[str | None, str | None]:
    """``(text, None)``, or ``(None, why)`` when ``source`` cannot be decoded per PEP 263 / BOM."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding), None
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        return None, f"cannot be decoded: {exc}"


def file_facts(source: bytes) -> FileFacts:
    """Decode ``source`` and find its imports by their spelling. Never raises."""
    text, error = _decoded(source)
    if text is None:
        return FileFacts(error)
    return FileFacts(None, tuple(text_imports(text)))


# An import statement starts a line or follows ``;`` or a compound statement's ``:`` (``if x:
# import y``, ``try: import y``). The names run to the end of the line, through backslash
# continuations, or to the closing parenthesis.
_IMPORT = re.compile(
    r"(?:^|[;:])[ \t]*(?:"
    r"from[ \t]+(?P<module>\.*[ \t]*[\w.]*)[ \t]+import\b[ \t]*(?P<names>\([^)]*\)|(?:[^\n;#\\]|\\\r?\n)*)"
    r"|import[ \t]+(?P<modules>(?:[^\n;#\\]|\\\r?\n)*))",
    re.M,
)
_COMMENT = re.compile(r"#[^\n]*")


def _names(text: str) -> list[tuple[str, str]]:
    """``a as b, c`` (parenthesized, multi-line, commented or not) → ``[("a", "b"), ("c", "")]``."""
    found = []
    for part in _COMMENT.sub("", text).strip("() \t\r\n\\").replace("\\", " ").split(","):
        words = part.split()
        if words and all(w == "*" or all(p.isidentifier() for p in w.split(".")) for w in words):
            found.append((words[0], words[2] if len(words) == 3 and words[1] == "as" else ""))
    return found


def text_imports(text: str) -> Iterable[ImportSpec]:
    """Every import statement, at any depth, found by its spelling in ``text``.

    A superset of what ``ast`` finds (tests/test_robustness.py checks it over the stdlib): an
    import-like line inside a string or comment counts too, which can only make a file relevant
    that is not — parsed for nothing, never missed. ~30x cheaper than ``ast.parse``, which is
    what keeps the pre-scan of a large repository near the cost of reading it.
    """
    for match in _IMPORT.finditer(text):
        module = match.group("module")
        if module is not None:
            module = module.replace(" ", "").replace("\t", "")
            dotted = module.lstrip(".")
            names = tuple(name for name, _ in _names(match.group("names")))
            if names:
                yield ("from", len(module) - len(dotted), dotted, names)
        else:
            for name, alias in _names(match.group("modules")):
                if name != "*":
                    yield ("import", 0, name, alias)


def import_targets(
    specs: Iterable[ImportSpec], module_name: str, is_package: bool
) -> tuple[frozenset[str], frozenset[str]]:
    """``(exact, prefixes)``: a module is reached when it is in ``exact``, or is (or lies under) one
    of ``prefixes``."""
    exact: set[str] = set()
    prefixes: set[str] = set()
    for kind, level, module, names in specs:
        if kind == "import":
            # ``import a.b.c`` binds ``a``: every module under ``a`` is reachable as ``a.x.y``;
            # ``import a.b.c as z`` binds ``a.b.c``.
            prefixes.add(module if names else module.split(".")[0])
            continue
        base = resolve_relative(module_name, is_package, level, module or None) if level else module
        if not base:
            continue
        exact.add(base)
        for name in names:  # type: ignore[attr-defined]
            prefixes.add(base if name == "*" else f"{base}.{name}")
    return frozenset(exact), frozenset(prefixes)


def _ancestors(module: str) -> Iterable[str]:
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        yield ".".join(parts[:i])


def _gets_fixtures(module: str, conftest_packages: set[str]) -> bool:
    """A test module (``test_*``, ``*_test``) of a package at or under one whose ``conftest`` is
    relevant: pytest hands it that conftest's fixtures by parameter name, without an import."""
    package, _, last = module.rpartition(".")
    if not (last.startswith("test_") or last.endswith("_test")):
        return False
    return any(not p or package == p or package.startswith(f"{p}.") for p in conftest_packages)


def relevant_files(
    modules: Sequence[str],
    is_package: Sequence[bool],
    mentions: Sequence[bool],
    facts: Mapping[int, FileFacts],
) -> list[bool]:
    """Which files are relevant: they mention SQLAlchemy, or import (transitively) a module that does,
    or are a project module such a file imports by name (one step, then importers again).

    The last: a function there may be handed what the relevant module holds (``export(dao)``, with
    ``dao`` an instance whose session becomes async, typed from its callers): indexed, the plan can
    follow the calls it makes on it. One step only: the modules the importing code names itself.

    ``modules[i]``/``is_package[i]``/``mentions[i]`` describe file ``i``; ``facts[i]`` is present for
    every file that does not mention SQLAlchemy (files with an error are never relevant: they are
    reported and left), and may be for the others (their imports, for the step above).
    """
    relevant = list(mentions)
    targets: dict[int, tuple[frozenset[str], frozenset[str]]] = {
        i: import_targets(f.imports, modules[i], is_package[i]) for i, f in facts.items() if f.error is None
    }
    _spread(modules, relevant, targets, [modules[i] for i, r in enumerate(relevant) if r])
    by_name = {name: i for i, name in enumerate(modules)}
    imported = {
        by_name[name]
        for i, r in enumerate(relevant)
        if r and i in facts
        for name in _imported_modules(facts[i].imports, modules[i], is_package[i], by_name)
        if not relevant[by_name[name]] and by_name[name] in targets  # not one with an error
    }
    for i in imported:
        relevant[i] = True
    _spread(modules, relevant, targets, [modules[i] for i in sorted(imported)])
    return relevant


def _imported_modules(
    specs: Iterable[ImportSpec], module_name: str, is_package: bool, known: Mapping[str, int]
) -> Iterable[str]:
    """The ``known`` modules whose names an import binds or reads: ``import a.b`` → ``a.b``;
    ``from a import b`` → ``a.b`` when it is a module, else ``a`` (``b`` is defined there). A
    package is not one for its submodules (``from app import crud`` names ``app.crud``)."""
    for kind, level, module, names in specs:
        if kind == "import":
            if module in known:
                yield module
            continue
        base = resolve_relative(module_name, is_package, level, module or None) if level else module
        if not base:
            continue
        for name in names:  # type: ignore[attr-defined]
            if f"{base}.{name}" in known:
                yield f"{base}.{name}"
            elif base in known:
                yield base


def _spread(
    modules: Sequence[str],
    relevant: list[bool],
    targets: Mapping[int, tuple[frozenset[str], frozenset[str]]],
    new: list[str],
) -> None:
    """Mark relevant, to a fixpoint, every file importing one of ``new`` or of those it marks."""
    names: set[str] = {m for i, m in enumerate(modules) if relevant[i]}  # relevant module names
    under: set[str] = {a for name in names for a in _ancestors(name)}  # their ancestors (inclusive)
    # packages (``""``: all) of relevant ``conftest`` modules
    fixtures_for: set[str] = {n.rpartition(".")[0] for n in names if n.rpartition(".")[2] == "conftest"}
    pending = {i for i in targets if not relevant[i]}
    while new:
        for name in new:
            names.add(name)
            under.update(_ancestors(name))
            package, _, last = name.rpartition(".")
            if last == "conftest":
                fixtures_for.add(package)
        new = []
        for i in list(pending):
            exact, prefixes = targets[i]
            if not exact.isdisjoint(names) or not prefixes.isdisjoint(under) or _gets_fixtures(modules[i], fixtures_for):
                relevant[i] = True
                pending.discard(i)
                new.append(modules[i])

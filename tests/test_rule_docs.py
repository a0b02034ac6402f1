"""The rule pages: every rule id the code can emit and every transformer has a page in the package,
report lines point to it, ``asyncify explain`` prints it, and no doc links outside the repository."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sqla_asyncify
from sqla_asyncify import ruledocs
from sqla_asyncify.cli import app
from sqla_asyncify.codemods import CODEMODS, MIGRATION_SCRIPT_CODEMODS, AsyncifyCodemod
from sqla_asyncify.report import ReportItem

PACKAGE = Path(sqla_asyncify.__file__).parent
REPO = PACKAGE.parent
RULE_ID = re.compile(r"[a-z]+(-[a-z]+)*")


def _module_rule(path: Path) -> str:
    return path.stem.replace("_", "-")


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level ``NAME = "literal"`` assignments (rule ids kept in a constant)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def emitted_rule_ids() -> dict[str, set[str]]:
    """Rule id → the modules that can emit it, read from the source: every ``ReportItem(path, line,
    RULE, ...)``, every ``self.report(node, reason, fix, RULE)`` / ``rule=RULE`` (and ``_report_at``),
    and a transformer's own id where it reports without naming one. A rule argument this cannot
    resolve to a literal fails the test, so a new way of naming rules cannot slip past it."""
    ids: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name == "ReportItem":
                position = 2
            elif name in ("report", "_report_at") and isinstance(func, ast.Attribute):
                position = 3
            else:
                continue
            arg = next((k.value for k in node.keywords if k.arg == "rule"), None)
            if arg is None and len(node.args) > position:
                arg = node.args[position]
            if arg is None:
                if name == "ReportItem":
                    continue  # ReportItem(**fields) style: not used to emit
                rule = _module_rule(path)
            elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                rule = arg.value
            elif isinstance(arg, ast.Name) and arg.id in constants:
                rule = constants[arg.id]
            elif isinstance(arg, ast.BoolOp) and name in ("ReportItem",):
                continue  # ``rule or self.rule()`` inside the reporting helpers themselves
            else:
                pytest.fail(f"{path.relative_to(REPO)}:{node.lineno}: cannot read the rule id of this report")
            ids.setdefault(rule, set()).add(path.relative_to(REPO).as_posix())
    return ids


def test_the_scan_finds_the_rules_it_should() -> None:
    ids = emitted_rule_ids()
    # One of each way of naming a rule: positional constant, keyword, a transformer's own id, plan.py.
    assert {"query-unsupported", "lazy-load", "add-awaits", "sync-boundary", "coexist-sessions"} <= set(ids)


def _transformers() -> set[type[AsyncifyCodemod]]:
    """The transformers the pipeline runs (the layers they are built from, such as
    ``query_chain.parse.ChainParsing``, are not transformers of their own)."""
    return {*CODEMODS, *MIGRATION_SCRIPT_CODEMODS}


def test_every_rule_the_code_can_emit_and_every_transformer_has_a_page() -> None:
    transformers = {c.rule() for c in _transformers()}
    assert {"alembic-sync-url", "query-to-select", "coexist-sessions"} <= transformers
    # make-async: the JSON report's rule for each function made async.
    wanted = set(emitted_rule_ids()) | transformers | {"make-async"}
    missing = sorted(r for r in wanted if ruledocs.page(r) is None)
    assert not missing, f"rule ids without a page in sqla_asyncify/docs/rules/: {missing}"
    for rule in wanted:
        assert RULE_ID.fullmatch(rule), rule


def test_pages_have_the_sections_a_reader_needs() -> None:
    for rule in ruledocs.rule_ids():
        text = ruledocs.page(rule)
        assert text is not None and text.startswith(f"# {rule}\n"), rule
        assert ruledocs.summary(rule), rule
        assert "```" in text, f"{rule}: no example"
        assert "## " in text, rule


def test_docs_rules_is_the_shipped_folder() -> None:
    docs_rules = REPO / "docs" / "rules"
    assert docs_rules.resolve() == (PACKAGE / "docs" / "rules").resolve()


LINK = re.compile(r"\]\(([^)\s]+)\)")


def _docs() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md")), *sorted((PACKAGE / "docs").rglob("*.md"))]


@pytest.mark.parametrize("doc", _docs(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_doc_links_or_refers_outside_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    assert "shared/" not in text and "§" not in text, f"{doc}: cites a reference users do not have"
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):  # http(s): and the like are outside by definition
            pytest.fail(f"{doc}: links outside the repository: {target}")
        resolved = (doc.parent / target.split("#")[0]).resolve()
        assert resolved.is_relative_to(REPO.resolve()), f"{doc}: {target} leaves the repository"
        assert resolved.exists(), f"{doc}: {target} does not exist"


def test_report_lines_point_to_their_page() -> None:
    item = ReportItem("app/x.py", 3, "query-unsupported", "a thing", "do this")
    assert str(item) == "app/x.py:3: [query-unsupported] a thing Fix: do this (see docs/rules/query-unsupported.md)"
    assert item.to_json()["doc"] == "docs/rules/query-unsupported.md"


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_report_messages_cite_nothing_users_do_not_have() -> None:
    """Strings that reach users (report reasons and fixes, errors) never cite the private reference;
    docstrings are for the project's developers."""
    offenders: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if "§" in node.value or "shared/" in node.value:
                    offenders.add(f"{path.relative_to(REPO)}:{node.lineno}")
            elif isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
                if "§" in text or "shared/" in text:
                    offenders.add(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not sorted(offenders)


runner = CliRunner()


def test_explain_prints_the_page_and_lists_the_rules() -> None:
    result = runner.invoke(app, ["explain", "query-unsupported"])
    assert result.exit_code == 0
    assert result.stdout == ruledocs.page("query-unsupported")
    listing = runner.invoke(app, ["explain", "--list"])
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ruledocs.rule_ids()
    assert any(line.startswith("lazy-load ") and ruledocs.summary("lazy-load")[:30] in line for line in lines)


def test_explain_an_unknown_rule_is_a_usage_error() -> None:
    result = runner.invoke(app, ["explain", "no-such-rule"])
    assert result.exit_code == 2
    assert "asyncify explain --list" in result.output

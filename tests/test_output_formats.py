"""Output for people and for machines: report lines are data (no markup, no emoji), tables keep whole
paths off a terminal, GitHub annotations and SARIF carry the report items, the JSON report has a
version, and the diff is coloured only when asked or on a terminal."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sqla_asyncify import cli
from sqla_asyncify.cli import app
from sqla_asyncify.emit import color_diff
from sqla_asyncify.formats import github_annotation
from sqla_asyncify.report import ReportItem

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: A relationship on line 100: its lazy-load report reads ``…test_tutorial002.py:100: [lazy-load]``,
#: which rich would render as an emoji (``:100:``) and a style tag if it were markup.
MODELS = (
    "from sqlalchemy.orm import DeclarativeBase, relationship\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\n"
    "class User(Base):\n    __tablename__ = 'users'\n"
    + "".join(f"    # {n}\n" for n in range(10, 100))
    + "    orders = relationship('Order')\n"
)

SERVICE = """\
from sqlalchemy.orm import Session


def count(db: Session) -> int:
    return db.scalar(text("select 1"))
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pkg = tmp_path / "docs_src" / "sql_databases" / "tutorial002[red]"
    pkg.mkdir(parents=True)
    (pkg / "test_tutorial002.py").write_text(MODELS)
    (pkg / "service.py").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


PATH = "docs_src/sql_databases/tutorial002[red]/test_tutorial002.py"


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_report_lines_keep_colons_and_brackets(project: Path) -> None:
    assert MODELS.splitlines()[99].strip().startswith("orders = relationship")
    result = invoke("apply", "--check", "docs_src")
    assert result.exit_code == 1
    assert f"{PATH}:100: [lazy-load] relationship `User.orders`" in result.stdout
    assert "💯" not in result.output
    assert "see docs/rules/lazy-load.md)" in result.stdout


def test_dry_run_items_on_stderr_are_data_too(project: Path) -> None:
    result = invoke("apply", "--dry-run", "docs_src")
    assert f"{PATH}:100: [lazy-load]" in result.stderr
    assert "💯" not in result.stderr


def test_audit_table_keeps_whole_paths_off_a_terminal(project: Path) -> None:
    deep = project / "docs_src" / "a_rather_long_folder_name" / "and_another_one_below_it" / "services"
    deep.mkdir(parents=True)
    (deep / "user_account_service.py").write_text(SERVICE)
    path = "docs_src/a_rather_long_folder_name/and_another_one_below_it/services/user_account_service.py"
    assert len(path) > 80
    result = invoke("audit", "docs_src")
    assert path in result.stdout
    assert PATH in result.stdout
    assert "…" not in result.stdout


def test_github_annotation_escapes_data_and_properties() -> None:
    item = ReportItem("app/a,b:c%.py", 7, "lazy-load", "50% of\r\nrows", "use `x`")
    line = github_annotation(item)
    assert line == (
        "::warning file=app/a%2Cb%3Ac%25.py,line=7,title=asyncify lazy-load::"
        "50%25 of%0D%0Arows Fix: use `x` (see docs/rules/lazy-load.md)"
    )
    assert "\n" not in line


def test_apply_check_format_github_prints_only_annotations(project: Path) -> None:
    result = invoke("apply", "--check", "--format", "github", "docs_src")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::warning file=") for line in lines)
    assert f"::warning file={PATH},line=100,title=asyncify lazy-load::relationship `User.orders`" in result.stdout
    assert "would migrate" in result.stderr and "asyncify summary" in result.stderr


def test_audit_format_github(project: Path) -> None:
    result = invoke("audit", "--format", "github", "docs_src")
    assert f"::warning file={PATH},line=100,title=asyncify lazy-load::" in result.stdout


def test_sarif_is_a_valid_2_1_0_log(project: Path) -> None:
    result = invoke("apply", "--check", "--format", "sarif", "docs_src")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "asyncify" and driver["version"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(set(ids)) and "lazy-load" in ids
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert re.match(r"[a-z]+:", rule["helpUri"]), "helpUri must be an absolute URI"
        assert rule["helpUri"].endswith(f"/{rule['id']}.md")
        assert rule["help"]["markdown"].startswith(f"# {rule['id']}")
    assert run["results"]
    for res in run["results"]:
        assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("none", "note", "warning", "error")
        assert res["message"]["text"]
        (location,) = res["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] and physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert physical.get("region", {"startLine": 1})["startLine"] >= 1
    lazy = next(r for r in run["results"] if r["ruleId"] == "lazy-load")
    # A URI: the brackets of the folder name are percent-encoded.
    assert lazy["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == PATH.replace("[", "%5B").replace("]", "%5D")
    assert lazy["locations"][0]["physicalLocation"]["region"] == {"startLine": 100}


def test_json_format_is_the_versioned_report(project: Path) -> None:
    result = invoke("apply", "--check", "--format", "json", "docs_src")
    report = json.loads(result.stdout)
    assert report["version"] == 1 and report["tool"] == "asyncify"
    item = next(i for i in report["items"] if i["rule"] == "lazy-load")
    assert item == {
        "path": PATH,
        "line": 100,
        "rule": "lazy-load",
        "reason": item["reason"],
        "fix": item["fix"],
        "doc": "docs/rules/lazy-load.md",
    }
    audit = json.loads(invoke("audit", "--format", "json", "docs_src").stdout)
    assert audit["version"] == 1


def test_unknown_format_is_a_usage_error(project: Path) -> None:
    assert invoke("apply", "--format", "xml", "docs_src").exit_code == 2
    assert invoke("audit", "--format", "xml", "docs_src").exit_code == 2


# -- colour ------------------------------------------------------------------------------------


def test_dry_run_diff_is_plain_off_a_terminal_and_coloured_when_asked(project: Path) -> None:
    plain = invoke("apply", "--dry-run", "docs_src").stdout_bytes
    assert b"\x1b[" not in plain and b"+async def count" in plain
    coloured = invoke("apply", "--dry-run", "--color", "always", "docs_src").stdout_bytes
    assert b"\x1b[32m+async def count(db: AsyncSession) -> int:\x1b[0m\n" in coloured
    assert ANSI.sub("", coloured.decode()) == plain.decode()
    never = invoke("apply", "--dry-run", "--color", "never", "docs_src").stdout_bytes
    assert never == plain
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    (project / "p.diff").write_bytes(plain)
    subprocess.run(["git", "apply", "--check", "p.diff"], cwd=project, check=True)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_color_auto_follows_the_terminal_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert cli._use_color("auto", _Tty()) is True
    assert cli._use_color("auto", io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._use_color("auto", _Tty()) is False
    assert cli._use_color("always", io.StringIO()) is True  # an explicit choice wins over NO_COLOR
    assert cli._use_color("never", _Tty()) is False


def test_bad_color_is_a_usage_error(project: Path) -> None:
    assert invoke("apply", "--dry-run", "--color", "sometimes", "docs_src").exit_code == 2


def test_color_diff_tells_headers_from_removed_lines_by_position() -> None:
    diff = b"--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n--- a comment line removed\n+++ one added\n same\n"
    out = color_diff(diff)
    lines = out.split(b"\n")
    assert lines[0] == b"\x1b[1m--- a/x.py\x1b[0m" and lines[1] == b"\x1b[1m+++ b/x.py\x1b[0m"
    assert lines[2].startswith(b"\x1b[36m@@")
    assert lines[3] == b"\x1b[31m--- a comment line removed\x1b[0m"
    assert lines[4] == b"\x1b[32m+++ one added\x1b[0m"
    assert lines[5] == b" same"


def test_interactive_diff_is_coloured_only_when_asked(project: Path) -> None:
    before = (project / "docs_src" / "sql_databases" / "tutorial002[red]" / "service.py").read_text()
    plain = runner.invoke(app, ["apply", "-i", "--color", "never", "docs_src"], input="q\n", catch_exceptions=False)
    assert "+async def count(db: AsyncSession) -> int:\n" in plain.stdout and "\x1b[" not in plain.stdout
    coloured = runner.invoke(app, ["apply", "-i", "--color", "always", "docs_src"], input="q\n", catch_exceptions=False)
    assert "\x1b[32m+async def count(db: AsyncSession) -> int:\x1b[0m\n" in coloured.stdout
    assert (project / "docs_src" / "sql_databases" / "tutorial002[red]" / "service.py").read_text() == before

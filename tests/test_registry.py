"""The registry, golden/ and docs/ list the same transformers, and each module owns one."""

from __future__ import annotations

import re
from pathlib import Path

from sqla_asyncify.codemods import CODEMODS, MIGRATION_SCRIPT_CODEMODS
from sqla_asyncify.codemods.base import AsyncifyCodemod

ROOT = Path(__file__).resolve().parent.parent
ALL = (*CODEMODS, *MIGRATION_SCRIPT_CODEMODS)
#: Golden folders for whole-pipeline cases that no single transformer owns.
CROSS_CUTTING = {"project"}


def test_every_transformer_is_a_one_class_module_with_a_docstring() -> None:
    ids = [codemod.rule() for codemod in ALL]
    assert len(ids) == len(set(ids))
    for codemod in ALL:
        assert issubclass(codemod, AsyncifyCodemod)
        module = __import__(codemod.__module__, fromlist=["_"])
        assert module.__doc__ and len(module.__doc__.strip()) > 40, codemod.__module__
        assert codemod.DESCRIPTION, codemod.__name__


def test_every_transformer_has_golden_cases() -> None:
    ids = {codemod.rule() for codemod in ALL}
    folders = {p.name.replace("_", "-") for p in (ROOT / "golden").iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert ids - folders == set(), "transformers without golden cases"
    assert folders - ids - CROSS_CUTTING == set(), "golden folders for no transformer"


def test_every_transformer_is_documented() -> None:
    """docs/codemods.md lists the transformers in the registry's order, each linking its page."""
    text = (ROOT / "docs" / "codemods.md").read_text()
    ordered = re.findall(r"^\| \d+ \| \[`([a-z0-9-]+)`\]\(rules/\1\.md\)", text, flags=re.M)
    assert ordered == [codemod.rule() for codemod in CODEMODS]
    for codemod in MIGRATION_SCRIPT_CODEMODS:
        assert f"[`{codemod.rule()}`](rules/{codemod.rule()}.md)" in text
    for codemod in ALL:
        assert (ROOT / "docs" / "rules" / f"{codemod.rule()}.md").is_file(), codemod.rule()

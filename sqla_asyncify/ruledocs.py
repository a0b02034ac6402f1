"""The rule pages: one Markdown page per report rule id and per transformer, shipped in the package.

The pages live in ``sqla_asyncify/docs/rules/`` (package data, so ``asyncify explain RULE`` works
from an installed wheel); the repository's ``docs/rules`` is a link to that same folder, so report
lines can name ``docs/rules/<rule>.md`` and there is one copy to keep. Each page starts with
``# <rule>``, then a one-paragraph summary (used as the rule's short description in SARIF).
"""

from __future__ import annotations

from importlib import metadata, resources
from importlib.abc import Traversable
from pathlib import Path

#: Where report lines send the reader, relative to the repository root.
DOCS_DIR = "docs/rules"


def _folder() -> Traversable:
    return resources.files("sqla_asyncify") / "docs" / "rules"


def rule_ids() -> list[str]:
    """Every rule with a page, sorted."""
    return sorted(p.name[: -len(".md")] for p in _folder().iterdir() if p.name.endswith(".md"))


def doc_path(rule: str) -> str:
    """``docs/rules/<rule>.md``: what a report line points to."""
    return f"{DOCS_DIR}/{rule}.md"


def page(rule: str) -> str | None:
    """The page's Markdown, or None for a rule without one."""
    if "/" in rule or "\\" in rule or rule.startswith("."):
        return None
    source = _folder() / f"{rule}.md"
    return source.read_text(encoding="utf-8") if source.is_file() else None


def summary(rule: str) -> str:
    """The page's first paragraph after its title, on one line ("" without a page)."""
    text = page(rule) or ""
    paragraphs = [p for p in text.split("\n\n") if p.strip() and not p.lstrip().startswith("#")]
    return " ".join(paragraphs[0].split()) if paragraphs else ""


def help_uri(rule: str) -> str:
    """An absolute URI of the rule's page (SARIF wants one): the ``Documentation`` project URL of
    the installed distribution followed by ``rules/<rule>.md`` when it declares one, else the page
    shipped in the installed package (a ``file:`` URI)."""
    try:
        urls = metadata.metadata("sqla-asyncify").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return f"{url.strip().rstrip('/')}/rules/{rule}.md"
    source = _folder() / f"{rule}.md"
    try:
        return Path(str(source)).resolve().as_uri()
    except ValueError:  # pragma: no cover - a zipped install has no file path
        return f"{DOCS_DIR}/{rule}.md"

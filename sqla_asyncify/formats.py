"""Report items for machines: GitHub Actions annotations and SARIF 2.1.0.

Text lines (``path:line: [rule] reason Fix: … (see docs/rules/<rule>.md)``) are ``str(ReportItem)``;
the JSON report is ``emit.json_report``. Both formats here carry the same items, with the rule's
page as help.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import quote

from . import __version__, ruledocs
from .report import ReportItem

#: The formats ``apply`` prints its report items in (``audit`` adds its own tables).
ITEM_FORMATS = ("text", "json", "github", "sarif")


def _escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF would end or corrupt the command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property value: also ``:`` (ends the properties) and ``,`` (separates them)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(item: ReportItem, level: str = "warning") -> str:
    """``::warning file=…,line=…,title=…::message``, for GitHub Actions to show on the diff."""
    props = [f"file={_escape_property(item.path)}"]
    if item.line > 0:
        props.append(f"line={item.line}")
    props.append(f"title={_escape_property(f'asyncify {item.rule}')}")
    return f"::{level} {','.join(props)}::{_escape_data(item.message)}"


def github_annotations(items: Iterable[ReportItem]) -> str:
    return "".join(github_annotation(i) + "\n" for i in items)


def _rule(rule: str) -> dict[str, object]:
    text = ruledocs.page(rule) or ""
    descriptor: dict[str, object] = {
        "id": rule,
        "name": "".join(part.capitalize() for part in rule.split("-")),
        "shortDescription": {"text": ruledocs.summary(rule) or rule},
        "helpUri": ruledocs.help_uri(rule),
        "help": {"text": text or ruledocs.doc_path(rule), "markdown": text or ruledocs.doc_path(rule)},
        "defaultConfiguration": {"level": "warning"},
    }
    return descriptor


def sarif(items: Iterable[ReportItem]) -> str:
    """One SARIF 2.1.0 log: one run, the rules the items use (with their pages), one result each.
    Paths stay relative to the folder asyncify ran in (``%SRCROOT%``), as code scanning expects."""
    items = sorted(items)
    rules = sorted({i.rule for i in items})
    index = {r: n for n, r in enumerate(rules)}
    results = []
    for item in items:
        physical: dict[str, object] = {"artifactLocation": {"uri": quote(item.path), "uriBaseId": "%SRCROOT%"}}
        if item.line > 0:
            physical["region"] = {"startLine": item.line}
        results.append(
            {
                "ruleId": item.rule,
                "ruleIndex": index[item.rule],
                "level": "warning",
                "message": {"text": item.message},
                "locations": [{"physicalLocation": physical}],
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "asyncify",
                        "version": __version__,
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"

"""Report items: what the tool changed, and what it left for a person, with file:line and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True, order=True)
class ReportItem:
    """One thing a person must look at: the tool left the code as it was, or changed behaviour on purpose."""

    path: str
    line: int
    rule: str
    reason: str
    fix: str = ""

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{self.path}:{self.line}: [{self.rule}] {self.reason}{fix}"

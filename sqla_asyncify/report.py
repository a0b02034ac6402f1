"""Report items: what the tool changed, and what it left for a person, with file:line and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .ruledocs import doc_path
from .pickling import fast_state


@fast_state
@dataclass(frozen=True, slots=True, order=True)
class ReportItem:
    """One thing a person must look at: the tool left the code as it was, or changed behaviour on purpose."""

    path: str
    line: int
    rule: str
    reason: str
    fix: str = ""

    @property
    def doc(self) -> str:
        """The page that explains the rule: ``docs/rules/<rule>.md`` (``asyncify explain <rule>``)."""
        return doc_path(self.rule)

    @property
    def message(self) -> str:
        """Reason, fix and page on one line, without the location (annotations carry it apart)."""
        fix = f" Fix: {self.fix}" if self.fix else ""
        return f"{self.reason}{fix} (see {self.doc})"

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "doc": self.doc}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"

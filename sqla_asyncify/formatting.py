"""Black, for files that were black-clean before the rewrite; other files keep their own style.

A file its authors did not format with black is left as the rewrite produced it: reformatting it
whole would bury the migration in noise. A file that *was* black-clean is formatted whole after the
rewrite: since every statement we did not touch was already in black's form, only the rewritten
statements (and blank lines around added imports) change. This is what ``--line-ranges`` aims at,
without its edge cases: black 24–26 drops a blank line next to a formatted range.

"Black-clean" is judged with the project's own black settings (``[tool.black]`` in the nearest
``pyproject.toml`` that has one, as black finds it): a project at ``line-length = 120`` is clean at
120, and its rewritten lines are formatted at 120.
Black is imported lazily, since most files need no formatting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import ConfigError, pyprojects


@dataclass(frozen=True)
class BlackStyle:
    """The ``[tool.black]`` settings that change black's output (picklable, hashable)."""

    line_length: int = 88
    skip_string_normalization: bool = False
    skip_magic_trailing_comma: bool = False
    preview: bool = False
    target_versions: tuple[str, ...] = ()

    @classmethod
    def for_paths(cls, paths: Iterable[Path]) -> BlackStyle:
        """The settings of the nearest ``pyproject.toml`` above the first path with ``[tool.black]``;
        black's defaults when there is none or it cannot be read."""
        try:
            table = next((tool["black"] for _, tool in pyprojects(paths) if "black" in tool), None)
        except ConfigError:
            return cls()
        return cls.from_table(table) if isinstance(table, dict) else cls()

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> BlackStyle:
        def get(key: str, kind: type, default: Any) -> Any:
            value = table.get(key, table.get(key.replace("-", "_"), default))
            return value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else default

        targets = get("target-version", list, [])
        return cls(
            line_length=get("line-length", int, 88),
            skip_string_normalization=get("skip-string-normalization", bool, False),
            skip_magic_trailing_comma=get("skip-magic-trailing-comma", bool, False),
            preview=get("preview", bool, False),
            target_versions=tuple(sorted(str(t).lower() for t in targets)),
        )

    def mode(self) -> Any:
        import black

        versions = {black.TargetVersion[t.upper()] for t in self.target_versions if t.upper() in black.TargetVersion.__members__}
        return black.Mode(
            target_versions=versions,
            line_length=self.line_length,
            string_normalization=not self.skip_string_normalization,
            magic_trailing_comma=not self.skip_magic_trailing_comma,
            preview=self.preview,
        )


def _format(text: str, style: BlackStyle) -> str | None:
    import black

    try:
        return black.format_str(text, mode=style.mode())
    except Exception:  # black cannot parse it (new syntax, odd file): leave it alone
        return None


def format_changed(before: str, after: str, style: BlackStyle | None = None) -> str:
    """``after``, black-formatted if ``before`` was black-clean. Works on ``\\n`` text."""
    style = style or BlackStyle()
    if before == after:
        return after
    formatted = _format(after, style)
    if formatted is None or formatted == after:
        return after  # nothing black would change: whether ``before`` was black-clean is moot
    return formatted if _format(before, style) == before else after


def may_format_back(before: str, after: str) -> bool:
    """Whether ``format_changed(before, after)`` could give ``before`` back, for ``--check``, which
    needs to know only whether a file changes. Black's output is equivalent to its input in black's
    own sense (``black.parsing.stringify_ast``: the AST, with docstring indentation, ``u`` prefixes
    and parentheses in ``del`` normalized; what its ``--safe`` mode asserts on every file), so it
    can turn ``after`` into ``before`` only if the two are equivalent so; and when they are not, the
    file changes whether black formats it or not. False is certain; True means: format to know.
    Two parses and a walk, stopped at the first difference (usually the imports), against black's
    two to three passes."""
    from itertools import zip_longest

    from black.parsing import parse_ast, stringify_ast

    try:
        old, new = parse_ast(before), parse_ast(after)
    except Exception:  # black decides what it cannot parse: ask it
        return True
    return all(a == b for a, b in zip_longest(stringify_ast(old), stringify_ast(new)))

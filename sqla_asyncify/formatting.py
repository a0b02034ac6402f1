"""Black, for files that were black-clean before the rewrite; other files keep their own style.

A file its authors did not format with black is left as the rewrite produced it: reformatting it
whole would bury the migration in noise. A file that *was* black-clean is formatted whole after the
rewrite: since every statement we did not touch was already in black's form, only the rewritten
statements (and blank lines around added imports) change. This is what ``--line-ranges`` aims at,
without its edge cases: black 24–26 drops a blank line next to a formatted range.
Black is imported lazily, since most files need no formatting.
"""

from __future__ import annotations


def _format(text: str) -> str | None:
    import black

    try:
        return black.format_str(text, mode=black.Mode())
    except Exception:  # black cannot parse it (new syntax, odd file): leave it alone
        return None


def format_changed(before: str, after: str) -> str:
    """``after``, black-formatted if ``before`` was black-clean. Works on ``\\n`` text."""
    if before == after:
        return after
    formatted = _format(after)
    if formatted is None or formatted == after:
        return after  # nothing black would change: whether ``before`` was black-clean is moot
    return formatted if _format(before) == before else after

"""``formatting.may_format_back``: when ``--check`` can skip black and still know a file changes."""

from __future__ import annotations

from sqla_asyncify.formatting import BlackStyle, format_changed, may_format_back


def test_a_change_of_meaning_is_a_change_whatever_black_does() -> None:
    assert not may_format_back("x = 1\n", "x = 2\n")
    assert not may_format_back("def f():\n    return g()\n", "async def f():\n    return await g()\n")


def test_a_change_black_undoes_needs_black_to_decide() -> None:
    # Redundant brackets and a docstring's indentation: black gives the black-clean input back,
    # so the file does not change, and only formatting can tell.
    for before, after in [
        ("x = 1\n", "x = (1)\n"),
        ('def f():\n    """One.\n\n    Two.\n    """\n', 'def f():\n    """One.\n\n      Two.\n    """\n'),
    ]:
        assert may_format_back(before, after)
        assert format_changed(before, after, BlackStyle()) == before


def test_what_black_cannot_parse_is_left_to_black() -> None:
    assert may_format_back("x = 1\n", "x = = 1\n")

"""``async_with._split``: a ``with`` mixing async and sync context managers, as nested statements.

``with A, B:`` is ``with A:`` holding ``with B:``; the split must keep the items' order, make each
run of one kind one statement (``async with`` for the async runs), and keep the body, comments and
the statement's parentheses where they still hold more than one item.
"""

from __future__ import annotations

import libcst as cst

from sqla_asyncify.codemods.async_with import _split


def _split_code(code: str, flags: list[bool]) -> str:
    module = cst.parse_module(code)
    statement = module.body[0]
    assert isinstance(statement, cst.With)
    return module.with_changes(body=[_split(statement, flags)]).code


def test_runs_of_one_kind_nest_in_order() -> None:
    code = "with lock, s.begin_nested(), Counted(s) as c, open(p) as f:\n    # body\n    work(c, f)\n"
    assert _split_code(code, [False, True, True, False]) == (
        "with lock:\n"
        "    async with s.begin_nested(), Counted(s) as c:\n"
        "        with open(p) as f:\n"
        "            # body\n"
        "            work(c, f)\n"
    )


def test_async_first_and_a_one_line_body() -> None:
    assert _split_code("with S() as s, open(p) as f: f.write(s.name)\n", [True, False]) == (
        "async with S() as s:\n    with open(p) as f: f.write(s.name)\n"
    )


def test_parentheses_stay_only_around_several_items() -> None:
    code = "with (\n    S() as s,\n    T() as t,\n    open(p) as f,\n):\n    pass\n"
    split = _split_code(code, [True, True, False])
    assert split == "async with (\n    S() as s,\n    T() as t\n):\n    with open(p) as f:\n        pass\n"
    compile("async def f():\n" + "".join(f"    {line}\n" for line in split.splitlines()), "<split>", "exec")
    assert _split_code("with (S() as s, open(p) as f):\n    pass\n", [True, False]) == (
        "async with S() as s:\n    with open(p) as f:\n        pass\n"
    )

"""The read-only walks and the position table give exactly what libcst's own traversal and
providers give (they replace them for speed: walk.py, positions.py)."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from sqla_asyncify.walk import descendants, parents
from sqla_asyncify.positions import positions

ROOT = Path(__file__).resolve().parent.parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SOURCES = [
    *sorted((ROOT / "golden").rglob("before.py"))[:40],
    *sorted((ROOT / "examples" / "shop").rglob("*.py")),
    *(STDLIB / name for name in ("argparse.py", "dataclasses.py", "typing.py", "tokenize.py", "asyncio/base_events.py")),
]
# Odd layouts: CRLF, tabs, form feeds, continuation lines, a missing final newline.
SNIPPETS = [
    "x = 1\r\ny = [\r\n    1,\r\n]\r\n",
    "if x:\n\tpass\n\x0c\ndef f(a,\n      b): return a \\\n  + b",
    "class C:\n    '''doc\n    more'''\n    async def m(self): await g(*a, **k)\n",
]


class _Visited(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


def _modules() -> list[tuple[str, cst.Module]]:
    out = [(str(path.relative_to(path.parents[2])), cst.parse_module(path.read_bytes())) for path in SOURCES if path.exists()]
    out += [(f"snippet {i}", cst.parse_module(text)) for i, text in enumerate(SNIPPETS)]
    # Built by a transformer rather than parsed: children in lists, not tuples.
    call = cst.Call(cst.Name("f"), args=[cst.Arg(cst.Name("a")), cst.Arg(cst.Integer("1"))])
    built = cst.Module(body=[cst.SimpleStatementLine(body=[cst.Expr(cst.Await(call))])])
    return [*out, ("built", built)]


@pytest.fixture(scope="module")
def modules() -> list[tuple[str, cst.Module]]:
    return _modules()


def test_descendants_are_the_nodes_a_visitor_visits(modules: list[tuple[str, cst.Module]]) -> None:
    for name, module in modules:
        visitor = _Visited()
        module.visit(visitor)
        assert sorted(map(id, descendants(module))) == sorted(map(id, visitor.nodes)), name


def test_parents_are_the_providers(modules: list[tuple[str, cst.Module]]) -> None:
    for name, module in modules:
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
        assert parents(module) == dict(expected), name


def test_parents_refuses_a_node_that_occurs_twice() -> None:
    shared = cst.Name("x")
    module = cst.Module(body=[cst.SimpleStatementLine([cst.Expr(shared)]), cst.SimpleStatementLine([cst.Expr(shared)])])
    assert parents(module) is None


def test_positions_are_the_providers(modules: list[tuple[str, cst.Module]]) -> None:
    for name, module in modules:
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        assert positions(module) == dict(expected), name

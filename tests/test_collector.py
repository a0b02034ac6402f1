"""The cycle collector is paused for one file's work only (``pipeline._collector_paused``)."""

from __future__ import annotations

import gc

import libcst as cst

from sqla_asyncify import pipeline
from sqla_asyncify.plan import Plan


def test_the_collector_runs_again_after_a_file_even_one_that_fails(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert gc.isenabled()
    source = b"from sqlalchemy.orm import Session\n\n\ndef f(db: Session):\n    db.commit()\n"
    seen: list[bool] = []

    def failing(*args: object) -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("boom")

    monkeypatch.setattr("sqla_asyncify.rewrite.rewrite_module", failing)
    updated, _, error = pipeline._rewrite_tree(cst.parse_module(source), source, Plan.build([], held_sync={}), "m", "m.py", None)
    assert seen == [False] and gc.isenabled()
    assert updated is source and error is not None and "boom" in error
    tree, index, error = pipeline._index_source(source, "m", "m.py", False)
    assert index is not None and error is None and gc.isenabled()

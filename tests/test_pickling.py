"""The cache's pickles: a module index (frozen, slotted dataclasses with ``fast_state``) loads equal."""

from __future__ import annotations

import pickle
from pathlib import Path

import libcst as cst

from sqla_asyncify.index import index_module
from sqla_asyncify.plan import Plan

SHOP = Path(__file__).resolve().parent.parent / "examples" / "shop" / "app"


def test_indexes_and_plan_survive_a_pickle_round_trip() -> None:
    indexes = [
        index_module(cst.parse_module(path.read_bytes()), f"app.{path.stem}", path.as_posix())
        for path in sorted(SHOP.glob("*.py"))
    ]
    assert any(index.functions for index in indexes)
    for index in indexes:
        loaded = pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
        assert loaded == index and repr(loaded) == repr(index)
    plan = Plan.build(indexes, held_sync={})
    assert plan.to_async
    loaded_plan = pickle.loads(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
    assert loaded_plan.to_async == plan.to_async and repr(loaded_plan.functions) == repr(plan.functions)
